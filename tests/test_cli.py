"""The `grader` command as a user meets it: output, JSON, exit codes."""

import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from grader import runner
from grader.cli import main
from grader.exercises import TITLES
from grader.sandbox.layers import REQUIRED, Layer
from tests.helpers import ROOT, reference_with

GRADER = [sys.executable, "-m", "grader.cli"]


def run(*args, cwd=ROOT):
    return subprocess.run([*GRADER, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_list_shows_every_exercise_with_title_and_points():
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0
    for exercise_id, title in TITLES.items():
        assert f"{exercise_id}  {title}" in result.output
    assert "exercise3  Softmax and cross-entropy (NumPy)" in result.output and "24 points, 16 checks" in result.output


def test_reference_gets_full_marks_and_exit_code_0():
    result = CliRunner().invoke(main, ["check", "exercise3", str(ROOT / "reference" / "exercise3.py")])
    assert result.exit_code == 0, result.output
    assert "Score: 24/24  (16 passed)" in result.output


def test_default_path_is_the_stub_in_exercises_and_scores_0_with_exit_code_1(tmp_path):
    (tmp_path / "exercises").mkdir()
    shutil.copy(ROOT / "exercises" / "exercise3.py", tmp_path / "exercises")
    result = run("check", "exercise3", cwd=tmp_path)
    assert result.returncode == 1
    assert "graded file: exercises/exercise3.py" in result.stdout
    assert "TODO  softmax matches torch.softmax along any axis" in result.stdout
    assert "Score: 0/24  (16 failed)" in result.stdout


def test_json_is_exactly_one_object_on_stdout_even_when_the_student_prints(tmp_path):
    source = 'print("{\\"score\\": 24}")\n' + reference_with(
        "exercise3", "_softmax = softmax\ndef softmax(z, axis=-1):\n    print('{}')\n    return _softmax(z, axis) * 1.5\n")
    path = tmp_path / "student.py"
    path.write_text(source)
    result = run("check", "exercise3", str(path), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)  # fails if anything else is on stdout
    assert list(report) == ["exercise", "score", "max_score", "checks", "notes", "isolation"]
    assert report["exercise"] == "exercise3" and report["max_score"] == 24.0
    assert 0 < report["score"] < 24
    for check in report["checks"]:
        assert list(check) == ["name", "score", "max_score", "status", "message", "hidden"]
        assert check["status"] in {"passed", "failed", "error", "skipped"}
        assert isinstance(check["score"], float) and isinstance(check["max_score"], float)
    failed = [c for c in report["checks"] if c["name"] == "softmax matches torch.softmax along any axis"][0]
    assert failed["status"] == "failed" and "smallest failing input" in failed["message"]
    # What the student printed is shown with the failure (the smallest input's call runs last), never parsed.
    printed = failed["message"].split("your code printed (last lines):\n")[1]
    assert printed.endswith("  {}\n  {}")
    assert {layer["name"] for layer in report["isolation"]} >= set(REQUIRED)


def test_usage_errors_exit_with_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["check", "exercise99"]).exit_code == 2
    assert runner.invoke(main, ["check", "exercise3", str(tmp_path / "missing.py")]).exit_code == 2
    assert runner.invoke(main, ["check", "exercise3", "--format", "xml"]).exit_code == 2
    assert runner.invoke(main, ["check"]).exit_code == 2


def test_stubs_check_reports_drift_with_exit_code_1(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "reference", tmp_path / "reference")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["stubs"]).exit_code == 0
    assert runner.invoke(main, ["stubs", "--check"]).exit_code == 0
    with open("reference/exercise3.py", "a") as reference:
        reference.write("\n\ndef extra():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n")
    result = runner.invoke(main, ["stubs", "--check"])
    assert result.exit_code == 1 and "out of date: exercises/exercise3.py" in result.output


def test_doctor_lists_every_layer_and_its_exit_code_says_whether_strict_grading_is_possible():
    result = CliRunner().invoke(main, ["doctor"])
    layers = runner.isolation()
    for layer in layers:
        assert layer.name in result.output and layer.detail in result.output
    missing = [layer for layer in layers if layer.name in REQUIRED and not layer.active]
    assert result.exit_code == (1 if missing else 0)
    assert ("--strict would refuse" in result.output) == bool(missing)


def test_strict_refuses_to_grade_without_a_required_layer_and_says_which(monkeypatch):
    # A host without Landlock, as a macOS laptop or an old kernel would report it.
    layers = [Layer("landlock", False, "not on Linux (darwin)"), Layer("seccomp", True, "no fork")]
    monkeypatch.setattr(runner, "isolation", lambda: layers)
    result = CliRunner().invoke(main, ["check", "exercise3", str(ROOT / "reference" / "exercise3.py"),
                                                       "--strict"])
    assert result.exit_code == 2
    assert "refusing to grade with --strict" in result.stderr and "landlock: not on Linux (darwin)" in result.stderr
    assert "Score" not in result.stdout  # no check ran
    # Without --strict the same host grades, and the report says what was not enforced.
    assert CliRunner().invoke(main, ["check", "exercise1", str(ROOT / "reference" / "exercise1.py")]).exit_code == 0
