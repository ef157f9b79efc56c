"""Grading one submission of one exercise: every check, each to a result, nothing lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.checks.core import CheckResult, run_check
from grader.exercises import FORBIDDEN, TORCH_EXERCISES, Exercise, load_exercise
from grader.sandbox.layers import REQUIRED, Layer
from grader.student import Student, preload_for
from grader.submission import Submission, SubmissionError, read_submission


class IncompleteIsolation(Exception):
    """`--strict` grading on a host that lacks a required isolation layer; `str()` says which."""


@dataclass
class Report:
    exercise: Exercise
    path: Path
    results: list[CheckResult]
    notes: list[str] = field(default_factory=list)
    isolation: list[Layer] = field(default_factory=list)  # the layers the workers ran under

    @property
    def score(self) -> float:
        return sum(result.score for result in self.results)

    @property
    def max_score(self) -> float:
        return sum(result.max_score for result in self.results if result.status != "skipped")

    def to_json(self, timings: bool = False) -> dict:
        """The report as JSON; `timings` adds each check's wall time in seconds (not part of a
        grade, which must be the same on every run)."""
        return {
            "exercise": self.exercise.id,
            "score": float(self.score),
            "max_score": float(self.max_score),
            "checks": [
                {"name": r.name, "score": float(r.score), "max_score": float(r.max_score), "status": r.status,
                 "message": r.message, "hidden": r.hidden} | ({"seconds": round(r.seconds, 4)} if timings else {})
                for r in self.results
            ],
            "notes": self.notes,
            "isolation": [layer.to_json() for layer in self.isolation],
        }


def grade(exercise_id: str, path: Path, only: list[str] | None = None, strict: bool = False) -> Report:
    """Grade `path` on the exercise's checks (or the checks named in `only`). With `strict`, raise
    IncompleteIsolation before any check runs if a layer of `REQUIRED` is missing on this host."""
    if strict:
        require_isolation()
    try:
        submission = read_submission(path)
    except SubmissionError as error:
        exercise = load_exercise(exercise_id)
        results = [CheckResult(c.name, 0.0, c.points, "error", str(error), c.hidden) for c in _selected(exercise, only)]
        return Report(exercise, Path(path), results)
    with Student(submission, FORBIDDEN.get(exercise_id, frozenset()), exercise_id in TORCH_EXERCISES) as student:
        student.prepare()  # the zygote imports torch while the checks (and torch) import here
        exercise = load_exercise(exercise_id)
        results = [run_check(check, student) for check in _selected(exercise, only)]
        notes = student.loaded.notes if student.loaded else []
    return Report(exercise, Path(path), results, notes, student.layers)


def warm_up(exercise_ids) -> None:
    """Import the checks of these exercises and start the zygotes their workers fork from, and
    wait for both: what a grading process pays once, before its first submission."""
    from grader.sandbox.zygote import zygote

    zygotes = {zygote(preload_for(FORBIDDEN.get(e, frozenset()), e in TORCH_EXERCISES)) for e in exercise_ids}
    for exercise_id in exercise_ids:  # imported here while the zygotes import there
        load_exercise(exercise_id)
    for started in zygotes:
        started.wait_ready()


def isolation() -> list[Layer]:
    """The layers a worker gets on this host, as reported by one loaded with an empty submission."""
    with Student(Submission(Path("empty.py"), ()), torch=False) as probe:
        probe.load()
        return probe.layers


def require_isolation() -> None:
    missing = [layer for layer in isolation() if layer.name in REQUIRED and not layer.active]
    if missing:
        raise IncompleteIsolation("; ".join(f"{layer.name}: {layer.detail}" for layer in missing))


def _selected(exercise: Exercise, only: list[str] | None):
    if only is None:
        return exercise.checks
    unknown = set(only) - {check.name for check in exercise.checks}
    if unknown:
        raise KeyError(f"no such check in {exercise.id}: {sorted(unknown)}")
    return [check for check in exercise.checks if check.name in only]
