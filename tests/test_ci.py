"""`grader ci` in a faked GitHub Actions run: a student repository with git history, the event's
payload, `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT` files, and the job's log read the way GitHub's
runner reads it (`runner_commands`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from grader import github
from grader.ci import MAX_ERRORS, GradedFile, Outcome, Selection, annotations, select
from grader.checks.result import CheckResult
from grader.definitions import notebook_line
from grader.exercises import load_exercise
from grader.integrity import Integrity
from grader.junit import junit_xml
from grader.release import build_release
from grader.runner import Report
from grader.step_summary import step_summary
from tests.helpers import ROOT, reference_with

EXERCISES = [f"exercise{n}" for n in range(1, 8)]
GIT = ["git", "-c", "user.name=Student", "-c", "user.email=student@example.com"]
FORGED = 'print("::error::forged")\nprint("  ::notice title=Autograding::Points 99/99")\n'


# -- the runner's side ---------------------------------------------------------------------------
def runner_commands(log: str) -> list[tuple[str, dict[str, str], str]]:
    """(command, properties, data) of every workflow command GitHub's runner acts on in `log`:
    a line that starts with `::` once its leading whitespace is trimmed, or that holds `##[`
    anywhere (the runner's older syntax); none between `::stop-commands::TOKEN` and `::TOKEN::`."""
    found, stopped_by = [], None
    for line in log.splitlines():
        text = line.lstrip()
        if stopped_by is not None:
            if text == f"::{stopped_by}::":
                stopped_by = None
            continue
        if "##[" in text and not text.startswith("::"):
            found.append(("legacy", {}, text))
        if not text.startswith("::") or text.find("::", 2) < 0:
            continue
        info, data = text[2:].split("::", 1)
        name, _, properties = info.partition(" ")
        if name == "stop-commands":
            stopped_by = data
            continue
        pairs = dict(pair.split("=", 1) for pair in properties.split(",") if "=" in pair)
        found.append((name, {key: _unescape(value, True) for key, value in pairs.items()}, _unescape(data, False)))
    return found


def _unescape(text: str, is_property: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if is_property else [])
    for escaped, character in pairs + [("%25", "%")]:
        text = text.replace(escaped, character)
    return text


# -- a student's repository ---------------------------------------------------------------------
def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def student_repo(path: Path, files: dict[str, str]) -> Path:
    """A repository whose first commit holds the release's stubs of exercises 1 and 3 (.py and
    .ipynb), then `files` committed over them; returns its path."""
    (path / "exercises").mkdir(parents=True)
    for exercise_id in ("exercise1", "exercise3"):
        for suffix in (".py", ".ipynb"):
            shutil.copy(ROOT / "exercises" / f"{exercise_id}{suffix}", path / "exercises")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "release")
    for name, text in files.items():
        (path / name).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "my work")
    return path


def run_ci(repo: Path, event: str, payload: dict, *args: str, unshare: bool = False):
    """`grader ci` run as the workflow runs it, in `repo`; returns (exit code, log, summary,
    outputs)."""
    (repo.parent / "event.json").write_text(json.dumps(payload))
    files = {name: repo.parent / f"{name.lower()}.txt" for name in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT")}
    for path in files.values():
        path.write_text("")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event,
           "GITHUB_EVENT_PATH": str(repo.parent / "event.json"), **{k: str(v) for k, v in files.items()}}
    command = [sys.executable, "-m", "grader.cli", "ci", *args]
    if unshare:  # a runner that refuses user namespaces, as GitHub's Ubuntu 24.04 images do
        command = ["unshare", "--user", "--map-root-user", "sh", "-c",
                   'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', "sh", *command]
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr, *(path.read_text() for path in files.values())


def pull_request(repo: Path) -> dict:
    return {"pull_request": {"base": {"sha": git(repo, "rev-parse", "HEAD~1")},
                             "head": {"sha": git(repo, "rev-parse", "HEAD")}}}


def line_of(text: str, fragment: str, occurrence: int = -1) -> int:
    return [number for number, line in enumerate(text.splitlines(), 1) if fragment in line][occurrence]


# -- whole runs ------------------------------------------------------------------------------------
def test_a_pull_request_is_graded_annotated_summarised_and_fails_below_the_minimum(tmp_path):
    softmax_without_max = "def softmax(z, axis=-1):\n" + "\n".join(
        "    " + line for line in (FORGED + "e = np.exp(z)\nreturn e / e.sum(axis=axis, keepdims=True)").splitlines())
    work = reference_with("exercise3", softmax_without_max)
    repo = student_repo(tmp_path / "repo", {"exercises/exercise3.py": work, "README.md": "notes\n"})
    code, log, summary, outputs = run_ci(repo, "pull_request", pull_request(repo), "--min-score", "90")

    # Only the exercise the pull request changed is graded (exercise1's stub is in the repository).
    assert "grading exercise3: the exercises this pull request changes" in log
    commands = runner_commands(log)
    assert all(name != "legacy" and "forged" not in data for name, _, data in commands if name != "error")
    assert not [c for c in commands if c[2] in ("forged", "Points 99/99")], "student output became a command"

    errors = [(props, data) for name, props, data in commands if name == "error" and "file" in props]
    softmax_line = line_of(work, "def softmax(")  # the student's own (last) definition
    by_title = {props["title"]: (props, data) for props, data in errors}
    props, data = by_title["exercise3: softmax is correct, finite and warning-free for logits of ±1e4 (0/2)"]
    assert props == {"file": "exercises/exercise3.py", "line": str(softmax_line), "title": props["title"]}
    assert "expected: array([1.])" in data and "hint: exp overflows" in data and "::error::forged" in data
    cross_entropy = next(p for p, _ in errors if p["title"].startswith("exercise3: cross_entropy is correct"))
    assert cross_entropy["line"] == str(line_of(work, "def cross_entropy("))

    # The same points everywhere: the notices, the step's outputs, junit.xml, results.json.
    results = json.loads((repo / "grader-results" / "results.json").read_text())
    points = f"{results['score']:g}/{results['max_score']:g}"
    assert results["max_score"] == load_exercise("exercise3").max_score and results["score"] < results["max_score"]
    assert ("notice", {"title": "Autograding"}, f"Points {points}") in commands
    assert ("notice", {"title": "exercise3: Softmax and cross-entropy (NumPy)"}, f"Points {points}") in commands
    assert f"points={points}\n" in outputs and f"score={results['score']:g}\n" in outputs
    suite = ET.parse(repo / "grader-results" / "junit.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == [check.name for check in load_exercise("exercise3").checks]
    failing = {case.get("name"): case for case in cases if case.find("failure") is not None}
    assert len(failing) == len(errors) and sum(
        float(case.find("properties/property[@name='score']").get("value")) for case in cases) == results["score"]
    assert failing["softmax is correct, finite and warning-free for logits of ±1e4"].get("line") == str(softmax_line)

    # The summary: the table, then each failure collapsed with what the student printed fenced.
    assert summary.startswith(f"## Autograding: {points} points")
    assert "| exercise3: Softmax and cross-entropy (NumPy) |" in summary
    assert f"<details><summary>❌ softmax is correct, finite and warning-free for logits of ±1e4 " \
           f"(line {softmax_line})</summary>" in summary
    assert "```text\nsoftmax(...) is wrong" in summary
    assert "Isolation of student code: active: " in summary

    # 20-odd of 24 points is below 90%: the step fails, and says why.
    assert code == 1
    assert ("error", {"title": "Autograding"}, f"{points} points is below the minimum of 90% set by the workflow") \
        in commands


def test_a_push_to_a_notebook_is_graded_and_annotated_at_the_line_of_its_cell(tmp_path):
    notebook = nbformat.read(str(ROOT / "exercises" / "exercise1.ipynb"), as_version=4)
    reference = (ROOT / "reference" / "exercise1.py").read_text()
    wrong_step = "def step(z):\n    return (z >= 0).astype(float)\n"
    notebook.cells += [nbformat.v4.new_code_cell(reference), nbformat.v4.new_markdown_cell("My step:"),
                       nbformat.v4.new_code_cell("import numpy as np\n\n" + wrong_step)]
    text = nbformat.writes(notebook)
    repo = student_repo(tmp_path / "repo", {"exercises/exercise1.ipynb": text})
    push = {"before": git(repo, "rev-parse", "HEAD~1"), "after": git(repo, "rev-parse", "HEAD")}
    code, log, summary, _ = run_ci(repo, "push", push)

    assert code == 0  # no minimum set
    errors = [(props, data) for name, props, data in runner_commands(log) if name == "error"]
    step = [props for props, data in errors if props["title"].startswith("exercise1: step is 1.0")]
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    assert step and step[0]["file"] == "exercises/exercise1.ipynb"
    assert step[0]["line"] == str(line_of(text, '"def step(z):\\n"'))  # the last definition, in the JSON
    assert f"(cell {code_cells}, line 3)" in summary


def test_nothing_is_graded_when_a_pull_request_changes_no_exercise(tmp_path):
    repo = student_repo(tmp_path / "repo", {"README.md": "my notes\n"})
    code, log, summary, outputs = run_ci(repo, "pull_request", pull_request(repo), "--min-score", "100")
    assert code == 0 and "grading nothing: this pull request changes no exercise file" in log
    assert summary.startswith("## Autograding: nothing graded") and "points=0/0" in outputs
    assert not [name for name, _, _ in runner_commands(log) if name == "error"]


@pytest.fixture(scope="module")
def released_repo(tmp_path_factory):
    """A student repository made from the release, with exercise 1 solved."""
    repo = tmp_path_factory.mktemp("release") / "repo"
    made = build_release(repo, reference_dir=ROOT / "reference")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release")
    return repo, made.fingerprint


def test_the_released_grader_grades_on_a_runner_without_user_namespaces_and_says_so(released_repo, tmp_path):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "--user", "true"]).returncode != 0:
        pytest.skip("this host cannot make the user namespace that stands in for a restricted runner")
    repo = tmp_path / "repo"
    shutil.copytree(released_repo[0], repo)
    shutil.copy(ROOT / "reference" / "exercise1.py", repo / "exercises" / "exercise1.py")
    git(repo, "commit", "-q", "-am", "exercise 1")
    code, log, summary, _ = run_ci(repo, "pull_request", pull_request(repo), "--expect-fingerprint",
                                   released_repo[1], unshare=True)
    assert code == 0, log
    assert "grader: verified: the" in log and "are the released grader's" in summary
    isolation = next(line for line in log.splitlines() if line.startswith("isolation of student code: active: "))
    active, _, inactive = isolation.partition("; not available on this runner: ")
    assert "user namespace (refused by the host" in inactive and "seccomp" in active and "landlock" in active
    assert f"Isolation of student code: {isolation.split(': ', 1)[1]}" in summary
    max_score = sum(check.points for check in load_exercise("exercise1").checks if not check.hidden)  # released
    assert ("notice", {"title": "Autograding"}, f"Points {max_score:g}/{max_score:g}") in runner_commands(log)


def test_a_commit_that_changes_the_grader_is_refused_loudly(released_repo, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(released_repo[0], repo)
    check = repo / "grader" / "checks" / "core.py"
    check.write_text(check.read_text().replace('score = check.points if status == "passed" else 0.0',
                                               "score = check.points"))
    (repo / "grader" / "extra.py").write_text("")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "full marks")
    code, log, summary, _ = run_ci(repo, "push", {"before": github.NO_COMMIT}, "--expect-fingerprint",
                                   released_repo[1])
    assert code == 2
    [(name, props, data)] = runner_commands(log)
    assert (name, props["title"]) == ("error", "Grader integrity check failed")
    assert "grader/checks/core.py was changed\ngrader/extra.py was added\n" in data
    assert "grader/checks/core.py was changed" in summary and not (repo / "grader-results").exists()


# -- the pieces ------------------------------------------------------------------------------------
def test_workflow_commands_escape_what_would_end_or_split_them():
    line = github.command("error", "50% done\r\n::error::x", file="a,b.py", line=3, title="t: 1")
    assert line == "::error file=a%2Cb.py,line=3,title=t%3A 1::50%25 done%0D%0A::error::x"
    assert runner_commands(line) == [("error", {"file": "a,b.py", "line": "3", "title": "t: 1"},
                                      "50% done\r\n::error::x")]
    assert github.command("notice", "Points 1/2", line=None) == "::notice::Points 1/2"


def test_the_exercises_graded_follow_the_event(tmp_path):
    repo = student_repo(tmp_path / "repo", {"exercises/exercise3.ipynb": "{}", "exercises/exercise1.py": ""})
    head, base = git(repo, "rev-parse", "HEAD"), git(repo, "rev-parse", "HEAD~1")
    assert select(repo, EXERCISES, False, github.Event("push", {"before": base, "after": head})).exercises == \
        ["exercise1", "exercise3"]
    assert select(repo, EXERCISES, True, None) == Selection(EXERCISES, "every exercise (--all)")
    assert select(repo, EXERCISES, False, None).exercises == EXERCISES
    new_branch = select(repo, EXERCISES, False, github.Event("push", {"before": github.NO_COMMIT, "after": head}))
    assert new_branch.exercises == EXERCISES and "names no earlier commit" in new_branch.reason
    shallow = select(repo, EXERCISES, False, github.Event("push", {"before": "f" * 40, "after": head}))
    assert shallow.exercises == EXERCISES and "git cannot tell what changed" in shallow.reason


def fake_report(exercise_id: str, path: Path, messages: list[str]) -> Report:
    """A report whose first checks fail with `messages`, the others pass."""
    checks = load_exercise(exercise_id).checks
    results = [CheckResult(c.name, 0.0 if i < len(messages) else c.points, c.points,
                           "failed" if i < len(messages) else "passed", messages[i] if i < len(messages) else "")
               for i, c in enumerate(checks)]
    return Report(load_exercise(exercise_id), path, results)


def test_junit_xml_parses_whatever_student_code_printed(tmp_path):
    message = "got: nan\nyour code printed:\n  \x1b[31mred\x00 \x07 <tag> & ]]>"
    xml = junit_xml([(fake_report("exercise3", tmp_path / "e.py", [message]), "exercises/e.py", {})])
    case = ET.fromstring(xml).find("testsuite/testcase")
    assert case.find("failure").text == "got: nan\nyour code printed:\n  \\x1b[31mred\\x00 \\x07 <tag> & ]]>"
    assert case.find("failure").get("message") == "got: nan"


def test_the_summary_keeps_student_text_inside_its_code_fences(tmp_path):
    hostile = "```\n</details><img src=x onerror=alert(1)>\n# Full marks\n````"
    report = fake_report("exercise3", tmp_path / "e.py", [hostile])
    summary = step_summary(Outcome(Selection(["exercise3"], "test"), Integrity(False, [], "dev"),
                                   [GradedFile(report, "exercises/e.py")]))
    lines = summary.splitlines()
    opening = lines.index("`````text")
    assert lines[opening + 1:opening + 5] == hostile.splitlines() and lines[opening + 5] == "`````"
    assert summary.count("<img") == 1 and summary.count("# Full marks") == 1


def test_error_annotations_stop_at_githubs_limit_and_say_how_many_more(tmp_path):
    report = fake_report("exercise3", tmp_path / "e.py", [f"wrong {n}" for n in range(MAX_ERRORS + 3)])
    outcome = Outcome(Selection(["exercise3"], "test"), Integrity(False, [], "dev"), [GradedFile(report, "e.py")])
    commands = runner_commands("\n".join(annotations(outcome)))
    assert [name for name, _, _ in commands].count("error") == MAX_ERRORS
    assert ("warning", {"title": "More failing checks"},
            "3 more checks failed: see the step summary or junit.xml") in commands


def test_the_minimum_score_is_a_percentage_of_the_points_graded(tmp_path):
    outcome = Outcome(Selection(["exercise3"], "test"), Integrity(False, [], "dev"),
                      [GradedFile(fake_report("exercise3", tmp_path / "e.py", ["x"]), "e.py")])
    share = 100 * outcome.score / outcome.max_score
    assert not outcome.below(share) and outcome.below(share + 0.01) and not outcome.below(0)
    assert not Outcome(Selection([], "none"), Integrity(False, [], "dev")).below(100)


def test_a_notebook_line_is_found_in_its_cell_of_the_json():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("def f():\n    pass"), nbformat.v4.new_markdown_cell('"cell_type": "code"'),
        nbformat.v4.new_code_cell("x = 1\ndef f():\n    return 'é\"'")])
    raw = nbformat.writes(notebook)
    assert raw.splitlines()[notebook_line(raw, 2, "def f():") - 1].strip() == '"def f():\\n",'
    assert notebook_line(raw, 2, "def f():") > notebook_line(raw, 1, "def f():")
    assert raw.splitlines()[notebook_line(raw, 2, "    return 'é\"'") - 1].strip() == '"    return \'é\\"\'"'
    assert notebook_line(raw, 2, "not there") == line_of(raw, '"cell_type": "code"')  # the cell's first line
