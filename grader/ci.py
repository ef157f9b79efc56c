"""`grader ci`: grading a student's repository on every push and pull request.

In order:
1. verify that the grader about to grade is the released one (`grader.integrity`), before any
   check is loaded; refuse loudly if not;
2. choose the exercises: those whose file (`exercises/exerciseN.py` or `.ipynb`) the pull request
   or push changed, as git tells between the event's commits, or all of them (`--all`, a manual
   run, or a history git cannot read: grading too much loses nothing);
3. grade each, printing the reports to the log with workflow commands stopped, since they carry
   what student code printed;
4. tell GitHub: an `::error` annotation per failing check at the line that defines the function
   it tests, a "Points X/Y" `::notice` per exercise and in all, a Markdown summary of the step
   (`$GITHUB_STEP_SUMMARY`) and the points as step outputs (`$GITHUB_OUTPUT`);
5. write `junit.xml` and `results.json` into the results folder, for any CI to keep;
6. exit 1 if the score is below `--min-score` percent of the points graded, 2 if the grader's
   integrity failed, 0 otherwise.
Outside GitHub Actions the same runs; only the GitHub parts are left out.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import click

from grader import github
from grader.definitions import Place, definitions
from grader.export import number, points, public_message
from grader.integrity import Integrity, verify
from grader.junit import junit_xml
from grader.report import render
from grader.runner import Report, grade
from grader.sandbox.layers import Layer
from grader.step_summary import step_summary
from grader.submission import SubmissionError, read_submission

EXERCISE_FILE = re.compile(r"^exercises/(exercise\d+)\.(py|ipynb)$")
MAX_ERRORS = 10  # GitHub shows at most 10 error annotations of a step; more are named in one warning
MAX_MESSAGE = 4000  # characters of a message in an annotation (the summary and the files keep it whole)


@dataclass(frozen=True)
class Selection:
    exercises: list[str]
    reason: str  # why these, for the log and the summary


@dataclass
class GradedFile:
    """A report with the file as the repository names it, and where each check's function is."""

    report: Report
    file: str
    places: dict[str, Place] = field(default_factory=dict)  # by check name, for the checks that failed


@dataclass
class Outcome:
    """What a `grader ci` run found, for its summary, annotations and files."""

    selection: Selection
    integrity: Integrity
    graded: list[GradedFile] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(item.report.score for item in self.graded)

    @property
    def max_score(self) -> float:
        return sum(item.report.max_score for item in self.graded)

    @property
    def isolation(self) -> str:
        """Which layers were active, and why the others were not (the first report's: the same
        host for all)."""
        return isolation_line(self.graded[0].report.isolation) if self.graded else "nothing was run"

    def below(self, min_score: float) -> bool:
        """Whether the points are below `min_score` percent of the maximum (never if nothing was graded)."""
        return self.max_score > 0 and 100 * self.score < min_score * self.max_score


def select(root: Path, exercise_ids: list[str], grade_all: bool, event: github.Event | None) -> Selection:
    if grade_all:
        return Selection(exercise_ids, "every exercise (--all)")
    commits = event.commits() if event else None
    if commits is None:
        why = f"a {event.name} event names no earlier commit" if event else "not run by GitHub Actions"
        return Selection(exercise_ids, f"every exercise: {why}")
    try:
        changed = github.changed_files(root, *commits)
    except RuntimeError as error:
        return Selection(exercise_ids, f"every exercise: git cannot tell what changed ({error})")
    touched = {match[1] for match in map(EXERCISE_FILE.match, changed) if match}
    chosen = [exercise_id for exercise_id in exercise_ids if exercise_id in touched]
    what = "this pull request" if event.name.startswith("pull_request") else "this push"
    if not chosen:
        return Selection([], f"{what} changes no exercise file (exercises/exerciseN.py or .ipynb)")
    return Selection(chosen, f"the exercises {what} changes")


def student_file(root: Path, exercise_id: str) -> Path | None:
    """The file to grade: of the release's `.py` and notebook (a student works in one of them),
    the one the latest commit touching either changed; the `.py` if that commit changed both, if
    git cannot say, or if only it exists."""
    script, notebook = (root / "exercises" / f"{exercise_id}{suffix}" for suffix in (".py", ".ipynb"))
    if not notebook.is_file():
        return script if script.is_file() else None
    if not script.is_file() or _changed_last(root, [script, notebook]) == notebook:
        return notebook
    return script


def _changed_last(root: Path, paths: list[Path]) -> Path | None:
    """Which of `paths` the latest commit that touched any of them changed (None if several or
    no commit did, or git cannot say)."""
    names = [path.relative_to(root).as_posix() for path in paths]
    done = subprocess.run(["git", "log", "--format=%x00", "--name-only", "--", *names], cwd=root,
                          capture_output=True, text=True)
    latest = done.stdout.split("\0")[1].split() if done.returncode == 0 and "\0" in done.stdout else []
    return root / latest[0] if len(latest) == 1 else None


def locate(report: Report, root: Path) -> GradedFile:
    """Where the function of each failing check is defined (for a file that does not parse: the
    syntax error, for every check)."""
    graded = GradedFile(report, _relative(report.path, root))
    try:
        submission = read_submission(report.path)
    except SubmissionError:
        return graded
    defined, broken = definitions(submission)
    uses = {check.name: check.uses for check in report.exercise.checks}
    for result in report.results:
        if result.status in ("failed", "error"):
            place = broken or next((defined[name] for name in uses.get(result.name, ()) if name in defined), None)
            if place:
                graded.places[result.name] = place
    return graded


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def run(root: Path, exercise_ids: list[str], *, grade_all: bool, out_dir: Path, min_score: float,
        expected_fingerprint: str | None, color: bool) -> int:
    """The whole of `grader ci` (see the module's docstring); returns the exit status."""
    root = root.resolve()
    integrity = verify(expected_fingerprint)
    click.echo(f"grader: {integrity.detail}")
    if integrity.failed:
        click.echo(integrity_failure(integrity))
        github.append_to("GITHUB_STEP_SUMMARY", "## Autograding refused: the grader was changed\n\n"
                         + "".join(f"- {problem}\n" for problem in integrity.problems))
        return 2
    outcome = Outcome(select(root, exercise_ids, grade_all, github.Event.from_environment()), integrity)
    click.echo(f"grading {', '.join(outcome.selection.exercises) or 'nothing'}: {outcome.selection.reason}")
    with github.commands_stopped():  # the reports show what student code printed
        for exercise_id in outcome.selection.exercises:
            path = student_file(root, exercise_id) or root / "exercises" / f"{exercise_id}.py"
            report = grade(exercise_id, path)
            click.echo(render(report, color) + "\n")
            outcome.graded.append(locate(report, root))
    click.echo(f"isolation of student code: {outcome.isolation}")
    echo_all(annotations(outcome))
    github.append_to("GITHUB_STEP_SUMMARY", step_summary(outcome))
    github.append_to("GITHUB_OUTPUT", outputs(outcome))
    write_results(outcome, out_dir)
    click.echo(f"Points {points(outcome.score, outcome.max_score)}; results in {out_dir}/ (junit.xml, results.json)")
    if outcome.below(min_score):
        click.echo(github.command("error", f"{points(outcome.score, outcome.max_score)} points is below the "
                                           f"minimum of {min_score:g}% set by the workflow", title="Autograding"))
        return 1
    return 0


def isolation_line(layers: list[Layer]) -> str:
    active = ", ".join(layer.name for layer in layers if layer.active) or "none"
    inactive = "; ".join(f"{layer.name} ({layer.detail})" for layer in layers if not layer.active)
    return f"active: {active}" + (f"; not available on this runner: {inactive}" if inactive else "")


def annotations(outcome: Outcome) -> list[str]:
    """`::error` per failing check (the first MAX_ERRORS), then `::notice` "Points X/Y" per
    exercise and in all."""
    errors = []
    for item in outcome.graded:
        for result in item.report.results:
            if result.status not in ("failed", "error"):
                continue
            place = item.places.get(result.name)
            message = public_message(result)
            if place and item.file.endswith(".ipynb"):
                message = f"({place.where} of the notebook)\n{message}"
            if len(message) > MAX_MESSAGE:
                message = message[:MAX_MESSAGE] + "\n… (the rest is in the step summary)"
            title = f"{item.report.exercise.id}: {result.name} ({points(result.score, result.max_score)})"
            errors.append(github.command("error", message, file=item.file, line=place.line if place else None,
                                         title=title))
    lines = errors[:MAX_ERRORS]
    if len(errors) > MAX_ERRORS:
        lines.append(github.command("warning", f"{len(errors) - MAX_ERRORS} more checks failed: see the step "
                                               "summary or junit.xml", title="More failing checks"))
    for item in outcome.graded:
        lines.append(github.command("notice", f"Points {points(item.report.score, item.report.max_score)}",
                                    title=f"{item.report.exercise.id}: {item.report.exercise.title}"))
    if outcome.graded:
        lines.append(github.command("notice", f"Points {points(outcome.score, outcome.max_score)}",
                                    title="Autograding"))
    return lines


def write_results(outcome: Outcome, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = [(item.report, item.file, {name: place.line for name, place in item.places.items()})
               for item in outcome.graded]
    (out_dir / "junit.xml").write_bytes(junit_xml(reports))
    (out_dir / "results.json").write_text(json.dumps({
        "score": float(outcome.score), "max_score": float(outcome.max_score),
        "graded": outcome.selection.reason, "integrity": outcome.integrity.detail, "isolation": outcome.isolation,
        "exercises": [item.report.to_json(timings=True) | {"file": item.file} for item in outcome.graded],
    }, indent=2))


def outputs(outcome: Outcome) -> str:
    """Step outputs, for a later step of the workflow: `steps.<id>.outputs.points` and so on."""
    return (f"score={number(outcome.score)}\nmax_score={number(outcome.max_score)}\n"
            f"points={points(outcome.score, outcome.max_score)}\n")


def integrity_failure(integrity: Integrity) -> str:
    what = "\n".join([integrity.detail, *integrity.problems,
                      "Grading refused: restore the grader's files as the release has them, or ask your instructor."])
    return github.command("error", what, title="Grader integrity check failed")


def echo_all(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)
