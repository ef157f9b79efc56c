"""The `grader` command."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path

import click

from grader.exercises import TITLES, has_checks, load_exercise

EXERCISE = click.Choice(sorted(TITLES))
# Options that the class commands (grade, report, export, feedback) share.
GRADEBOOK = click.option("--gradebook", "gradebook_path", type=click.Path(dir_okay=False, path_type=Path),
                         default=Path("gradebook.db"), show_default=True)
COURSE = click.option("--course", "course_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                      help="The late policy. Default: course.toml here, if it exists.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Autograder for the deep-learning exercises of ../shared/curriculum.md."""


@main.command("list")
def list_exercises() -> None:
    """Show every exercise with its title and points."""
    for exercise_id, title in TITLES.items():
        exercise = load_exercise(exercise_id)
        points = f"{exercise.max_score:g} points, {len(exercise.checks)} checks" if exercise else "no checks yet"
        click.echo(f"{exercise_id}  {title:<44} {points}")


@main.command()
@click.argument("exercise_id", metavar="EXERCISE", type=EXERCISE)
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["human", "json"]), default="human",
              help="json: exactly one JSON object on stdout.")
@click.option("--strict", is_flag=True,
              help="Official grading: refuse (exit 2) unless every required isolation layer is active here.")
def check(exercise_id: str, path: Path | None, output_format: str, strict: bool) -> None:
    """Grade PATH (a .py file or a notebook) on EXERCISE.

    PATH defaults to exercises/EXERCISE.py, or exercises/EXERCISE.ipynb if there is no .py.
    Exit code: 0 for full marks, 1 for anything less, 2 for a usage error (or, with --strict, a
    host that cannot isolate student code as required; `grader doctor` says what is missing).
    """
    from grader.runner import IncompleteIsolation, grade  # the engine's imports are only paid for when grading

    if not has_checks(exercise_id):
        raise click.UsageError(f"{exercise_id} has no checks yet")
    path = path or default_path(exercise_id)
    # Only the JSON object goes to stdout: anything else printed while grading goes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            report = grade(exercise_id, path, strict=strict)
        except IncompleteIsolation as missing:
            click.echo(f"Error: refusing to grade with --strict: not enforced on this host: {missing}\n"
                       "Run `grader doctor` for details.", err=True)
            sys.exit(2)
    if output_format == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(render_human(report))
    sys.exit(0 if report.score == report.max_score else 1)


@main.command("grade")
@click.argument("root", metavar="SUBMISSIONS", default="submissions",
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--exercise", "exercises", multiple=True, type=EXERCISE,
              help="Grade only this exercise, its code and its quiz (repeat for several). Default: all.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Grading processes working in parallel.")
@GRADEBOOK
@click.option("--force", is_flag=True, help="Grade again what has not changed since it was last graded.")
@click.option("--strict", is_flag=True,
              help="Official grading: refuse (exit 2) unless every required isolation layer is active here.")
def grade_command(root: Path, exercises: tuple[str, ...], jobs: int, gradebook_path: Path, force: bool,
                  strict: bool) -> None:
    """Grade a class: every SUBMISSIONS/<student>/<exercise>.py or .ipynb, in parallel, and each quiz's
    answers, SUBMISSIONS/<student>/quiz-<exercise>.toml, into the gradebook.

    Submissions unchanged since they were last graded (same file, same grader) are skipped, and a
    batch stopped at any point loses nothing: run it again to finish it. A broken or hostile
    submission is a graded result with its message; the batch always goes on.
    """
    from grader.batch import fingerprint, outdated
    from grader.classroom import find_submissions
    from grader.gradebook import Gradebook
    from grader.runner import IncompleteIsolation, require_isolation

    if strict:
        try:
            require_isolation()
        except IncompleteIsolation as missing:
            click.echo(f"Error: refusing to grade with --strict: not enforced on this host: {missing}", err=True)
            sys.exit(2)
    submissions = find_submissions(root, [e for e in TITLES if e in exercises] or None)
    started = time.monotonic()
    with Gradebook(gradebook_path) as book:
        grader_id = fingerprint()
        todo = submissions if force else outdated(submissions, book, grader_id)
        students = len({submission.student for submission in submissions})
        click.echo(f"{len(submissions)} submissions of {students} students in {root}: {len(todo)} to grade, "
                   f"{len(submissions) - len(todo)} unchanged since last graded", err=True)
        with_errors = _grade_with_progress(todo, book, jobs, grader_id)
    elapsed = time.monotonic() - started
    rate = f" ({60 * len(todo) / elapsed:.1f} per minute with {jobs} job{'s' * (jobs > 1)})" if todo else ""
    click.echo(f"Graded {len(todo)} submissions in {elapsed:.0f} s{rate}; {with_errors} with errors. "
               f"Gradebook: {gradebook_path} (see `grader report`, `grader export`, `grader feedback`).", err=True)


def _grade_with_progress(todo, book, jobs: int, grader_id: str) -> int:
    """Grade `todo`, showing a live bar on a terminal and one line per submission elsewhere (CI
    logs); returns how many submissions had an error."""
    from grader.batch import grade_class

    done, with_errors, started = 0, 0, time.monotonic()

    def status(_item) -> str:
        return f"{60 * done / max(time.monotonic() - started, 1e-9):.1f}/min, {with_errors} with errors"

    with click.progressbar(length=len(todo), label="grading", file=sys.stderr, show_pos=True, show_eta=True,
                           item_show_func=status) as bar:
        def recorded(graded) -> None:
            nonlocal done, with_errors
            done += 1
            with_errors += bool(graded.errors)
            if sys.stderr.isatty():
                bar.update(1, graded)
            else:
                click.echo(f"[{done}/{len(todo)}] {graded.student} {graded.exercise}: "
                           f"{graded.score:g}/{graded.max_score:g}"
                           + (f", {graded.errors} errors" if graded.errors else ""), err=True)

        grade_class(todo, book, jobs=jobs, on_recorded=recorded, grader_id=grader_id)
    return with_errors


@main.command()
@click.option("--all", "grade_all", is_flag=True, help="Grade every exercise, not only those the change touches.")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The student's repository.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("grader-results"),
              show_default=True, help="Where junit.xml and results.json are written.")
@click.option("--min-score", type=click.FloatRange(0, 100), default=0.0, show_default=True,
              help="Exit 1 below this percentage of the points of the exercises graded.")
@click.option("--expect-fingerprint", "fingerprint", metavar="SHA256",
              help="The released grader's fingerprint: refuse to grade (exit 2) with any other grader.")
def ci(grade_all: bool, root: Path, out_dir: Path, min_score: float, fingerprint: str | None) -> None:
    """Grade a student's repository in CI: the exercises a pull request or push changes.

    In GitHub Actions it also annotates the failing functions, reports "Points X/Y", writes the
    step's summary and outputs; everywhere it writes junit.xml and results.json into --out.
    Exit code: 0, or 1 below --min-score, 2 if the grader is not the released one.
    """
    from grader.ci import run

    color = sys.stdout.isatty() or os.environ.get("GITHUB_ACTIONS") == "true"
    sys.exit(run(root, [e for e in TITLES if has_checks(e)], grade_all=grade_all, out_dir=out_dir,
                 min_score=min_score, expected_fingerprint=fingerprint, color=color))


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if any stub is out of date.")
@click.option("--reference", "reference_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reference"), show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("exercises"), show_default=True)
def stubs(check_only: bool, reference_dir: Path, out_dir: Path) -> None:
    """Generate the student stubs (.py and .ipynb) from the reference solutions.

    Each block between `# BEGIN SOLUTION` and `# END SOLUTION` becomes `raise NotImplementedError`.
    """
    from grader.markers import MarkerError
    from grader.stubs import generated_files

    try:
        files = generated_files(reference_dir, out_dir)
    except MarkerError as error:
        raise click.ClickException(str(error)) from None
    if not files:
        raise click.UsageError(f"no exercise*.py in {reference_dir}")
    stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
    if check_only:
        for path in stale:
            click.echo(f"out of date: {path} (run `grader stubs`)", err=True)
        sys.exit(1 if stale else 0)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(files[path])
        click.echo(f"wrote {path}")


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Empty OUT_DIR first if it is not empty.")
@click.option("--reference", "reference_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=Path("reference"), show_default=True)
@click.option("--grader-package", default=".", show_default=True, metavar="REQUIREMENT",
              help="What the students' workflow installs with pip: their repository's copy of the grader, "
                   "or a published release ('dl-grader @ git+https://…@v1').")
@click.option("--students", "students_file", type=click.File(encoding="utf-8"),
              help="The class, one student id per line: their own generated quiz numbers can be checked "
                   "in the release (anyone else practises with the numbers of 'practice').")
def release(out_dir: Path, force: bool, reference_dir: Path, grader_package: str, students_file) -> None:
    """Write the student release into OUT_DIR: the grader without its hidden checks, stubs fresh
    from the references, the install files, the students' README and their CI workflow.

    Code between `# BEGIN HIDDEN` and `# END HIDDEN` lines is cut out of the grader, and the
    quizzes' keys and explanations are sealed (salted hashes: practice feedback, no plain
    answers). The workflow (.github/workflows/autograde.yml) grades every push and pull request
    with `grader ci`, with the grader pinned by its fingerprint.
    """
    from grader.release import build_release

    students = [line.strip() for line in students_file or () if line.strip() and not line.startswith("#")]
    try:
        made = build_release(out_dir, reference_dir=reference_dir, force=force, grader_package=grader_package,
                             quiz_students=students)
    except ValueError as error:  # a refused out dir, or a MarkerError naming the file and line
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote {len(made.files)} files to {out_dir}; {len(made.hidden_checks)} hidden checks left out; "
               f"the grader's fingerprint: {made.fingerprint}")


@main.command()
def doctor() -> None:
    """Show how student code is isolated on this host, layer by layer.

    Exit code 0 when every layer that `check --strict` requires is active, 1 otherwise.
    """
    from grader.runner import isolation
    from grader.sandbox.layers import REQUIRED

    layers = isolation()
    width = max(len(layer.name) for layer in layers)
    click.echo("Isolation of student code on this host (each check runs in a fresh worker):")
    for layer in layers:
        mark = click.style("on ", fg="green") if layer.active else click.style("off", fg="red")
        needed = " (required by --strict)" if layer.name in REQUIRED else ""
        click.echo(f"  {mark} {layer.name:<{width}}  {layer.detail}{needed}")
    missing = [layer.name for layer in layers if layer.name in REQUIRED and not layer.active]
    if missing:
        click.echo(f"--strict would refuse to grade here: {', '.join(missing)} missing.")
    else:
        click.echo("--strict grading is possible here.")
    sys.exit(1 if missing else 0)


@main.command()
@GRADEBOOK
@COURSE
@click.option("--exercise", "exercise_id", type=EXERCISE, help="Only this exercise.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report as a self-contained HTML page with charts.")
def report(gradebook_path: Path, course_path: Path | None, exercise_id: str | None, html_path: Path | None) -> None:
    """The class at a glance: scores per exercise, the checks the class missed most, the slowest
    gradings, and the errors grouped by message."""
    from grader.class_report import class_stats, render_html, render_terminal

    book, course = _open_book_and_course(gradebook_path, course_path)
    with book:
        graded = book.graded(exercise=exercise_id)
    stats = class_stats(graded, course)
    if not graded:
        click.echo(f"{gradebook_path} holds no graded submission{f' of {exercise_id}' if exercise_id else ''} yet.")
    else:
        click.echo(render_terminal(stats, color=sys.stdout.isatty()))
    if html_path is not None:
        html_path.write_text(render_html(stats), encoding="utf-8")
        click.echo(f"wrote {html_path}")


def _open_book_and_course(gradebook_path: Path, course_path: Path | None):
    """The gradebook (which must exist: reading never creates an empty one) and the course."""
    import sqlite3

    from grader.course import CourseError, load_course
    from grader.gradebook import Gradebook

    if not gradebook_path.is_file():
        raise click.UsageError(f"no gradebook at {gradebook_path}: grade the class first (`grader grade`) "
                               "or pass --gradebook")
    try:
        course = load_course(course_path)
    except CourseError as error:
        raise click.ClickException(str(error)) from None
    try:
        return Gradebook(gradebook_path), course
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{gradebook_path} is not a gradebook: {error}") from None


@main.command()
@GRADEBOOK
@COURSE
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("grades.csv"), show_default=True,
              help="student,exercise1,…,total: scores after the late penalty; blank: no submission.")
@click.option("--gradescope", "gradescope_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write DIR/<student>/<exercise>/results.json in Gradescope's autograder format.")
def export(gradebook_path: Path, course_path: Path | None, csv_path: Path, gradescope_dir: Path | None) -> None:
    """Export the gradebook's grades, late penalties applied: a CSV, and Gradescope's results.json."""
    from grader.export import write_csv, write_gradescope

    book, course = _open_book_and_course(gradebook_path, course_path)
    with book:
        graded = book.graded()
    students = write_csv(graded, course, csv_path)
    written = f"wrote {csv_path} ({len(students)} students, {len(graded)} submissions)"
    if gradescope_dir is not None:
        files = write_gradescope(graded, course, gradescope_dir)
        written += f" and {len(files)} results.json under {gradescope_dir}"
    incomplete = sum(not g.complete for g in graded)
    click.echo(written + (f"; {incomplete} incompletely graded (run `grader grade` again)" if incomplete else ""))


@main.command()
@GRADEBOOK
@COURSE
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("feedback"), show_default=True)
@click.option("--student", help="Only this student.")
@click.option("--exercise", "exercise_id", type=EXERCISE, help="Only this exercise.")
def feedback(gradebook_path: Path, course_path: Path | None, out_dir: Path, student: str | None,
             exercise_id: str | None) -> None:
    """Write feedback for students: OUT/<student>/<exercise>.md and .html (self-contained).

    Hidden checks show only whether they passed, never their message.
    """
    from grader.feedback import write_feedback

    book, course = _open_book_and_course(gradebook_path, course_path)
    with book:
        graded = book.graded(exercise=exercise_id, student=student)
    if not graded:
        wanted = ", ".join(filter(None, [student and f"student {student}", exercise_id and f"exercise {exercise_id}"]))
        raise click.UsageError(f"no graded submission{' for ' + wanted if wanted else ''} in {gradebook_path}")
    files = write_feedback(graded, course, out_dir)
    click.echo(f"wrote feedback on {len(graded)} submissions of {len({g.student for g in graded})} students "
               f"to {out_dir} ({len(files)} files)")


@main.command()
@click.argument("exercise_id", metavar="EXERCISE", type=EXERCISE)
@click.option("--lang", "language", type=click.Choice(["ko", "en"]),
              help="The quiz's language. Default: Korean where the locale is, else English; with --answers, the file's.")
@click.option("--student", envvar="GRADER_STUDENT", show_envvar=True,
              help="Your student id, as your instructor files your work: generated questions show your own numbers.")
@click.option("--answers", "answers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Grade this answer file instead of asking.")
@click.option("--template", "template_path", is_flag=False, flag_value="", default=None, metavar="[FILE]",
              help="Write an answer file to fill in (default: quiz-EXERCISE.toml; - for the terminal).")
def quiz(exercise_id: str, language: str | None, student: str | None, answers_path: Path | None,
         template_path: str | None) -> None:
    """Quiz yourself on EXERCISE's concepts: 8 to 12 questions, multiple choice, numeric (with
    numbers drawn for you) and short answers, each answered at once.

    To hand the quiz in, fill the answer file `--template` writes (quiz-EXERCISE.toml) and put
    it beside your code; `--answers` checks a filled one. In the student release the keys are
    sealed: right answers open the explanations, and official grading uses the instructor's keys.
    """
    from grader.quiz import answers as answer_files
    from grader.quiz import session
    from grader.quiz.bank import BankError, load_bank

    try:
        bank = load_bank(exercise_id)
    except BankError as error:
        raise click.ClickException(str(error)) from None
    if answers_path is not None:
        try:
            filled = answer_files.read_answers(answers_path.read_text(encoding="utf-8"))
        except (answer_files.AnswerFileError, UnicodeDecodeError) as error:
            raise click.ClickException(f"{answers_path}: {error}") from None
        who = student or filled.student
        if not who:
            raise click.UsageError(f"{answers_path} names no student: pass --student")
        results = answer_files.grade_answers(bank, who, filled.answers, language or filled.language)
        click.echo(answer_files.render(bank, who, results))
        return
    language = language or session.default_language()
    student = student or click.prompt("Student id" if language == "en" else "학번(학생 ID)")
    if template_path is not None:
        text = answer_files.template(bank, student, language)
        if template_path == "-":
            click.echo(text, nl=False)
            return
        path = Path(template_path or f"quiz-{exercise_id}.toml")
        if path.exists():
            raise click.ClickException(f"{path} exists: it may hold your answers; name another file")
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path}: fill it in, then `grader quiz {exercise_id} --answers {path}`")
        return
    session.run(bank, student, language)


def default_path(exercise_id: str) -> Path:
    script, notebook = Path("exercises", f"{exercise_id}.py"), Path("exercises", f"{exercise_id}.ipynb")
    if script.exists():
        # Both come fresh out of a clone within moments; only a notebook edited later is news.
        if notebook.exists() and notebook.stat().st_mtime > script.stat().st_mtime + 60:
            click.echo(f"note: {notebook} is newer than {script}; grading {script} "
                       f"(run `grader check {exercise_id} {notebook}` to grade the notebook)", err=True)
        return script
    if notebook.exists():
        return notebook
    raise click.UsageError(f"neither {script} nor {notebook} exists; pass the file to grade")


def render_human(report) -> str:
    from grader.report import render

    return render(report, color=sys.stdout.isatty())


if __name__ == "__main__":
    main()
