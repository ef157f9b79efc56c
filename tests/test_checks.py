"""Every check of every exercise catches a plausible mistake (tests/mistakes/exerciseN.py) and
passes a correct implementation written differently from the reference (tests/alternatives/)."""

import importlib

import pytest

from grader.exercises import load_exercise
from tests.helpers import ROOT, assert_catches, grade_source
from tests.test_exercises import EXERCISES

MISTAKES = {exercise_id: importlib.import_module(f"tests.mistakes.{exercise_id}").MISTAKES for exercise_id in EXERCISES}


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_check_has_a_mistake_it_catches(exercise_id):
    checks = {check.name for check in load_exercise(exercise_id).checks}
    assert checks == {wrong.check for wrong in MISTAKES[exercise_id]}


@pytest.mark.parametrize("exercise_id, wrong", [(e, wrong) for e, mistakes in MISTAKES.items() for wrong in mistakes],
                         ids=lambda value: str(value))
def test_check_catches_mistake(tmp_path, exercise_id, wrong):
    assert_catches(tmp_path, exercise_id, wrong)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_a_correct_implementation_written_differently_gets_full_marks(tmp_path, exercise_id):
    source = (ROOT / "tests" / "alternatives" / f"{exercise_id}.py").read_text()
    results = grade_source(tmp_path, exercise_id, source)
    assert {name: r.message for name, r in results.items() if r.status not in ("passed", "skipped")} == {}
