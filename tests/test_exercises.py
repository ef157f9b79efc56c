"""Every exercise with checks: the reference scores full marks, its stub scores zero, and
grading the same file twice gives the same result, messages included. GPU checks are skipped on
machines without CUDA, and only there."""

import pytest
import torch

from grader.exercises import TITLES, has_checks
from grader.runner import grade
from tests.helpers import ROOT, reference_with

EXERCISES = [exercise_id for exercise_id in TITLES if has_checks(exercise_id)]


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_gets_full_marks(exercise_id):
    report = grade(exercise_id, ROOT / "reference" / f"{exercise_id}.py")
    assert {r.name: r.message for r in report.results if r.status not in ("passed", "skipped")} == {}
    assert report.score == report.max_score > 0
    skipped = [r for r in report.results if r.status == "skipped"]
    assert all("no cuda device" in r.message for r in skipped)
    assert not (skipped and torch.cuda.is_available())


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_stub_scores_zero_and_every_check_says_not_implemented(exercise_id):
    report = grade(exercise_id, ROOT / "exercises" / f"{exercise_id}.py")
    tried = [r for r in report.results if r.status != "skipped"]
    assert report.score == 0
    assert [r.status for r in tried] == ["failed"] * len(tried)
    assert all(r.message.startswith("not implemented: `") for r in tried)


def test_grading_is_deterministic(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(reference_with("exercise3", """
def softmax(z, axis=-1):
    e = np.exp(z - z.mean(axis=axis, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""))
    first, second = grade("exercise3", path).to_json(), grade("exercise3", path).to_json()
    assert first == second
    assert 0 < first["score"] < first["max_score"]
