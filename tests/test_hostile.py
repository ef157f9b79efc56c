"""Broken submissions (hostile ones: tests/adversarial): each gives a named, explained result, never a grader crash,
and the checks it does not affect still run and score."""

import dataclasses

import pytest

from grader.checks.core import run_check
from grader.exercises import load_exercise
from grader.student import Student
from grader.submission import read_submission
from tests.helpers import grade_source, reference_with

SOFTMAX = "softmax matches torch.softmax along any axis"
LOG_SOFTMAX = "log_softmax matches torch.log_softmax along any axis"


def grade_text(tmp_path, text, name="submission.py", only=(SOFTMAX, LOG_SOFTMAX)):
    return grade_source(tmp_path, "exercise3", text, only=list(only) if only else None, name=name)


def softmax_replaced_by(body: str) -> str:
    return reference_with("exercise3", "def softmax(z, axis=-1):\n" + body)


def test_syntax_error_is_an_error_for_every_check_with_its_line(tmp_path):
    results = grade_text(tmp_path, "import numpy as np\n\ndef softmax(z, axis=-1)\n    return z\n", only=None)
    assert {r.status for r in results.values()} == {"error"}
    assert all("SyntaxError" in r.message and "line 3" in r.message for r in results.values())


def test_missing_function_is_an_error_of_the_checks_that_need_it(tmp_path):
    source = reference_with("exercise3", "del softmax\n")
    results = grade_text(tmp_path, source)
    assert results[SOFTMAX].status == "error"
    assert "`softmax` is not defined" in results[SOFTMAX].message
    assert results[LOG_SOFTMAX].status == "passed"


def test_exception_is_an_error_with_the_smallest_input_and_the_students_line(tmp_path):
    body = ("    if z.ndim > 1:\n        raise ValueError('only vectors')\n"
            "    e = np.exp(z - z.max())\n    return e / e.sum()\n")
    result = grade_text(tmp_path, softmax_replaced_by(body))[SOFTMAX]
    assert result.status == "error"
    assert "ValueError: only vectors" in result.message
    assert "in softmax: raise ValueError('only vectors')" in result.message
    assert "smallest failing input: z=array([[0.]]" in result.message


def test_a_failure_found_before_the_time_runs_out_is_reported_as_failed(tmp_path):
    # Wrong on every input and slow: the time limit ends the shrinking, not the verdict.
    path = tmp_path / "slow.py"
    path.write_text("import time\n" + softmax_replaced_by("    time.sleep(0.2)\n    return z * 0\n"))
    check = next(c for c in load_exercise("exercise3").checks if c.name == SOFTMAX)
    with Student(read_submission(path)) as student:
        result = run_check(dataclasses.replace(check, time_limit=1.0), student)
    assert result.status == "failed" and "smallest failing input" in result.message


@pytest.mark.parametrize("returned, complaint", [
    ("z.tolist()", "should be a numpy array of shape"),
    ("None", "should be a numpy array of shape"),
    ("{'p': z}", "got a dict"),
])
def test_wrong_return_type_is_an_error(tmp_path, returned, complaint):
    result = grade_text(tmp_path, softmax_replaced_by(f"    return {returned}\n"))[SOFTMAX]
    assert result.status == "error" and complaint in result.message


def test_nan_output_fails_with_expected_and_got(tmp_path):
    result = grade_text(tmp_path, softmax_replaced_by("    return np.full_like(z, np.nan)\n"))[SOFTMAX]
    assert result.status == "failed"
    assert "expected:" in result.message and "got:      array([nan]" in result.message


def test_file_that_is_not_utf8_is_an_error_for_every_check(tmp_path):
    results = grade_text(tmp_path, b"def softmax(z):\n    return '\xff\xfe'\n", only=None)
    assert all(r.status == "error" and "not UTF-8" in r.message for r in results.values())


def test_corrupt_notebook_is_an_error_for_every_check(tmp_path):
    results = grade_text(tmp_path, '{"cells": [{"cell_type": "code", "sour', name="broken.ipynb", only=None)
    assert all(r.status == "error" and "not a readable Jupyter notebook" in r.message for r in results.values())


def test_empty_file_or_notebook_is_named_as_such_for_every_check(tmp_path):
    for text, name, says in [("", "student.py", "student.py is empty"), ("\n# TODO\n  \n", "student.py", None),
                             ('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "empty.ipynb",
                              "empty.ipynb has no code: there is nothing to grade")]:
        results = grade_text(tmp_path, text, name=name, only=None)
        assert sum(r.score for r in results.values()) == 0
        # A comment is code that defines nothing: the checks say which function is missing.
        expected = says or "`softmax` is not defined in student.py"
        assert all(r.status == "error" for r in results.values())
        assert expected in results["softmax matches torch.softmax along any axis"].message



def test_a_hang_in_a_later_check_times_out_like_one_in_the_first(tmp_path):
    # Each check forks a fresh worker, which loads inside the check's time limit: the load's own
    # limit must give the check's back, not lift it (a sleeping loop would otherwise hang forever).
    source = reference_with("exercise3", "import time\ndef log_softmax(z, axis=-1):\n    while True:\n"
                                         "        time.sleep(1)\n")
    results = grade_text(tmp_path, source)
    assert results[SOFTMAX].status == "passed"
    assert results[LOG_SOFTMAX].status == "error" and "ran past its time limit" in results[LOG_SOFTMAX].message
    assert 10 <= results[LOG_SOFTMAX].seconds < 15
