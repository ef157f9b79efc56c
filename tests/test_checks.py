"""Every check of every exercise catches a plausible mistake (tests/mistakes/exerciseN.py) and
passes a correct implementation written differently from the reference (tests/alternatives/)."""

import importlib

import pytest
import torch

from grader.exercises import FORBIDDEN, load_exercise
from tests.helpers import ROOT, assert_catches, grade_source
from tests.test_exercises import EXERCISES

MISTAKES = {exercise_id: importlib.import_module(f"tests.mistakes.{exercise_id}").MISTAKES for exercise_id in EXERCISES}


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_check_has_a_mistake_it_catches(exercise_id):
    checks = {check.name for check in load_exercise(exercise_id).checks}
    assert checks == {wrong.check for wrong in MISTAKES[exercise_id]}


HINTS_PROVEN = 3  # the bar: hints for at least three known mistakes per exercise


def cases():
    """Every wrong implementation. For the torch exercises, whose every grading starts a worker that
    imports torch (2-4 s of CPU), the default run grades the first of each check, and further ones
    until the exercise has proven HINTS_PROVEN hints; the others are marked `thorough`: they prove
    more of the catalogue, not more checks. The NumPy exercises' are cheap, and all run."""
    for exercise_id, mistakes in MISTAKES.items():
        proven, hints = set(), 0
        for wrong in mistakes:
            needed = (exercise_id not in FORBIDDEN or wrong.check not in proven
                      or (wrong.hint and hints < HINTS_PROVEN))
            proven.add(wrong.check)
            hints += bool(needed and wrong.hint)
            marks = [] if needed else [pytest.mark.thorough]
            if wrong.cuda:
                marks.append(pytest.mark.skipif(not torch.cuda.is_available(), reason="a GPU check: needs CUDA"))
            yield pytest.param(exercise_id, wrong, marks=marks)


@pytest.mark.parametrize("exercise_id, wrong", list(cases()), ids=lambda value: str(value))
def test_check_catches_mistake(tmp_path, exercise_id, wrong):
    assert_catches(tmp_path, exercise_id, wrong)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_a_correct_implementation_written_differently_gets_full_marks(tmp_path, exercise_id):
    source = (ROOT / "tests" / "alternatives" / f"{exercise_id}.py").read_text()
    results = grade_source(tmp_path, exercise_id, source)
    assert {name: r.message for name, r in results.items() if r.status not in ("passed", "skipped")} == {}
