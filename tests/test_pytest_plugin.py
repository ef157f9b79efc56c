"""`pytest -p grader.pytest_plugin`: every check a test, with the grader's verdict, points and message.

Each test runs pytest in a subprocess, in a temporary directory with its own pytest.ini (so that
this project's configuration, its addopts and testpaths, never applies), and reads the results
from `--junitxml`. Grading exercise 1 costs a few seconds, so each run proves several things.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

from grader.exercises import TITLES, load_exercise
from grader.pytest_plugin import slug
from grader.runner import grade
from tests.helpers import ROOT, reference_with

CHECKS = load_exercise("exercise1").checks
SLUGS = {re.sub(r"[^a-z0-9]+", "_", check.name.lower()).strip("_"): check for check in CHECKS}
# Two mistakes: step(0) == 1 fails checks; a list where an array is due is an error of the code.
WRONG = """
def step(z):
    z = np.asarray(z)
    return (z >= 0).astype(z.dtype)


def perceptron_predict(X, w, b):
    return list(step(X @ w + b))
"""
# A student's own test in the graded file: pytest must not import that file, so it never runs.
STUDENT_TEST = """

def test_my_own():
    assert False
"""
# Writes each collected item's markers, to prove they are set (and, with --strict-markers, registered).
MARKERS_CONFTEST = """
import json

def pytest_collection_finish(session):
    with open("markers.json", "w") as out:
        json.dump({item.nodeid: {mark.name: list(mark.args) for mark in item.iter_markers()}
                   for item in session.items}, out)
"""


def pytest_process(cwd, *args):
    """pytest with the plugin, in `cwd`, which gets an empty pytest.ini (the rootdir)."""
    (cwd / "pytest.ini").write_text("[pytest]\n")
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "grader.pytest_plugin", "-p", "no:cacheprovider",
                           "--rootdir", str(cwd), "-o", "addopts=", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def run_pytest(cwd, *args):
    """`pytest_process`: the results by test (junit's classname::name -> {outcome, text,
    properties}) and the run's stdout."""
    run = pytest_process(cwd, "--junitxml", "results.xml", *args)
    assert run.returncode in (0, 1), run.stdout + run.stderr
    results = {}
    for case in ET.parse(cwd / "results.xml").iter("testcase"):
        outcome = next((child for child in case if child.tag in ("failure", "error", "skipped")), None)
        results[f"{case.get('classname')}::{case.get('name')}"] = {  # exercises/exercise1.py: exercises.exercise1
            "outcome": "passed" if outcome is None else outcome.tag,
            "text": "" if outcome is None else outcome.text,
            "properties": {p.get("name"): float(p.get("value")) for p in case.iter("property")}}
    return results, run.stdout


def exercise1(tmp_path, source, folder="exercises"):
    (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / folder / "exercise1.py").write_text(source)
    return tmp_path / folder / "exercise1.py"


def test_the_reference_passes_every_check_with_its_points_and_markers(tmp_path):
    exercise1(tmp_path, (ROOT / "reference" / "exercise1.py").read_text() + STUDENT_TEST)
    (tmp_path / "conftest.py").write_text(MARKERS_CONFTEST)
    results, stdout = run_pytest(tmp_path, "--strict-markers", "exercises/exercise1.py")
    assert list(results) == [f"exercises.exercise1::{name}" for name in SLUGS]  # in order, and no test_my_own
    for name, check in SLUGS.items():
        result = results[f"exercises.exercise1::{name}"]
        assert result["outcome"] == "passed", result["text"]
        assert result["properties"] == {"points": check.points, "score": check.points}
    markers = json.loads((tmp_path / "markers.json").read_text())
    hidden = {"hidden": []}
    assert markers == {f"exercises/exercise1.py::{name}": {"points": [check.points]} | (hidden if check.hidden else {})
                       for name, check in SLUGS.items()}
    assert any(check.hidden for check in CHECKS)
    points = load_exercise("exercise1").max_score
    assert f"exercise1 (exercises/exercise1.py): {points:g}/{points:g} points" in stdout
    assert f"Points: {points:g}/{points:g}" in stdout


def test_wrong_code_fails_the_checks_the_grader_fails_with_its_messages(tmp_path):
    path = exercise1(tmp_path, reference_with("exercise1", WRONG))
    results, stdout = run_pytest(tmp_path, "exercises")
    report = grade("exercise1", path)
    failed = {result.name: result for result in report.results if result.status != "passed"}
    assert {result.status for result in failed.values()} == {"failed", "error"} and len(failed) < len(CHECKS)
    assert {SLUGS[key.split("::")[1]].name for key, r in results.items() if r["outcome"] != "passed"} == set(failed)
    for key, result in results.items():
        graded = failed.get(SLUGS[key.split("::")[1]].name)
        if graded:
            assert result["outcome"] == "failure"
            label = {"failed": "FAIL ", "error": "ERROR"}[graded.status]
            assert result["text"] == f"{label} {graded.name}  0/{graded.max_score:g}\n{graded.message}"
            assert result["properties"]["score"] == 0
    assert f"exercise1 (exercises/exercise1.py): {report.score:g}/{report.max_score:g} points" in stdout


def test_stubs_are_todo_and_a_notebook_counts_only_without_its_py(tmp_path):
    for folder, names in {"py": ["exercise1.py"], "nb": ["exercise1.ipynb"],
                          "both": ["exercise1.py", "exercise1.ipynb"]}.items():
        (tmp_path / folder).mkdir()
        for name in names:
            shutil.copy(ROOT / "exercises" / name, tmp_path / folder / name)
    for name in ("exercise99.py", "exercise99.ipynb", "notes.ipynb"):  # no checks, not an exercise: not collected
        (tmp_path / name).write_text("{}")
    results, stdout = run_pytest(tmp_path, "--strict-markers")
    files = ["both.exercise1", "nb.exercise1.ipynb", "py.exercise1"]  # not both/exercise1.ipynb
    assert sorted(results) == sorted(f"{file}::{name}" for file in files for name in SLUGS)
    for key, result in results.items():
        assert result["outcome"] == "failure"
        assert re.match(rf"TODO  {re.escape(SLUGS[key.split('::')[1]].name)}  0/\d+\nnot implemented: `\w+` still "
                        "raises NotImplementedError", result["text"]), result["text"]
    assert "both/exercise1.py" in stdout and "nb/exercise1.ipynb" in stdout and "both/exercise1.ipynb" not in stdout
    assert f"Points: 0/{3 * load_exercise('exercise1').max_score:g}" in stdout


def test_k_selects_the_checks_and_only_those_are_graded(tmp_path):
    exercise1(tmp_path, (ROOT / "reference" / "exercise1.py").read_text())
    results, stdout = run_pytest(tmp_path, "exercises", "-k", "step")
    selected = [name for name in SLUGS if "step" in name]
    assert 0 < len(selected) < len(SLUGS)
    assert list(results) == [f"exercises.exercise1::{name}" for name in selected]
    assert all(result["outcome"] == "passed" for result in results.values())
    points = sum(SLUGS[name].points for name in selected)  # the report held the selected checks only
    assert f"exercise1 (exercises/exercise1.py): {points:g}/{points:g} points" in stdout


def test_grading_that_raises_is_an_error_of_each_item_with_its_text(tmp_path):
    exercise1(tmp_path, "")
    (tmp_path / "conftest.py").write_text(
        "import grader.pytest_plugin\n\n"
        "def grade(exercise_id, path, only=None):\n"
        "    with open('calls', 'a') as calls:\n"
        "        calls.write(exercise_id + '\\n')\n"
        "    raise KeyError('a bug of the grader')\n\n\n"
        "grader.pytest_plugin.grade = grade\n")
    results, stdout = run_pytest(tmp_path, "exercises")
    assert len(results) == len(CHECKS)
    for result in results.values():
        assert result["outcome"] == "error"
        assert result["text"] == "grading exercise1.py raised KeyError: 'a bug of the grader'"
    assert (tmp_path / "calls").read_text() == "exercise1\n"  # once for the file, not once per check
    assert "Points:" not in stdout


def test_every_check_of_every_exercise_has_a_test_name_of_its_own():
    for exercise_id in TITLES:
        names = [slug(check.name) for check in load_exercise(exercise_id).checks]
        assert len(set(names)) == len(names), exercise_id
    assert slug("softmax matches torch.softmax along any axis") == "softmax_matches_torch_softmax_along_any_axis"


def test_two_checks_with_the_same_test_name_fail_collection(tmp_path):
    shutil.copy(ROOT / "exercises" / "exercise1.py", tmp_path)
    (tmp_path / "conftest.py").write_text(
        "import dataclasses\nimport grader.pytest_plugin as plugin\nfrom grader.exercises import load_exercise\n\n"
        "def twins(exercise_id):\n"
        "    exercise = load_exercise(exercise_id)\n"
        "    checks = [dataclasses.replace(exercise.checks[0], name=name) for name in ('step > 0', 'step (> 0)')]\n"
        "    return dataclasses.replace(exercise, checks=tuple(checks))\n\n\n"
        "plugin.load_exercise = twins\n")
    run = pytest_process(tmp_path, "--collect-only", "-q")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "exercise1: checks whose names give the same test name: ['step_0']" in run.stdout
