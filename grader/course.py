"""The course configuration (`course.toml`): deadlines and the late policy.

    [late]
    deadline = 2026-12-04T23:59:00+09:00   # every exercise, unless [late.deadlines] names it
    grace_minutes = 15                     # this late still counts as on time
    penalty_per_day = 0.10                 # fraction of the score lost per day, or part of a day, late
    max_days = 7                           # later than this: no points (leave out for no limit)

    [late.deadlines]
    exercise7 = 2026-12-18T23:59:00+09:00
    quiz-exercise7 = 2026-12-11T23:59:00+09:00   # the quiz of exercise7 (its answer file)

A quiz (`quiz-exerciseN`) is due at its own entry in [late.deadlines] if there is one, else at its
exercise's (`exerciseN`), else at `deadline`: a quiz handed in with the code is due with it.

The penalty is applied when grades are read (export, report, feedback), never stored: a corrected
deadline applies at once, without regrading anyone. The time of a submission is recorded by
`grader grade`: the student folder's `timestamp.txt` (as nbgrader writes it) or the file's time.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from grader.exercises import quizzed_exercise

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_PATH = Path("course.toml")
LATE_KEYS = {"deadline", "grace_minutes", "penalty_per_day", "max_days", "deadlines"}


class CourseError(ValueError):
    """course.toml is unreadable or says something the grader cannot apply; `str()` says what."""


@dataclass(frozen=True)
class Lateness:
    days: int  # started days after the deadline (0: on time, grace included)
    fraction: float  # of the score taken off, in [0, 1]

    def apply(self, score: float) -> float:
        return score * (1.0 - self.fraction)

    def describe(self) -> str:
        if not self.days:
            return "on time"
        return f"{self.days} day{'s' if self.days > 1 else ''} late: −{self.fraction:.0%}"


ON_TIME = Lateness(0, 0.0)


@dataclass(frozen=True)
class LatePolicy:
    deadline: datetime | None = None
    deadlines: dict[str, datetime] = field(default_factory=dict)
    grace: timedelta = timedelta(0)
    penalty_per_day: float = 0.0
    max_days: int | None = None

    def deadline_of(self, exercise: str) -> datetime | None:
        for named in (exercise, quizzed_exercise(exercise)):  # a quiz's own deadline, else its exercise's
            if named in self.deadlines:
                return self.deadlines[named]
        return self.deadline

    def lateness(self, exercise: str, submitted_at: datetime) -> Lateness:
        deadline = self.deadline_of(exercise)
        if deadline is None or submitted_at <= deadline + self.grace:
            return ON_TIME
        days = math.ceil((submitted_at - deadline) / timedelta(days=1))
        if self.max_days is not None and days > self.max_days:
            return Lateness(days, 1.0)
        return Lateness(days, min(1.0, days * self.penalty_per_day))


@dataclass(frozen=True)
class Course:
    late: LatePolicy = field(default_factory=LatePolicy)

    def lateness(self, submission) -> Lateness:
        """How late a submission (anything with `exercise` and `submitted_at`: a gradebook entry) was."""
        return self.late.lateness(submission.exercise, submission.submitted_at)

    def final_score(self, graded) -> float:
        """A gradebook entry's score after the late penalty: what the student gets."""
        return self.lateness(graded).apply(graded.score)


def load_course(path: Path | None = None) -> Course:
    """The course at `path`; without one, `course.toml` here if it exists, else no late policy."""
    if path is None:
        if not DEFAULT_PATH.exists():
            return Course()
        path = DEFAULT_PATH
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CourseError(f"{path}: {error}") from None
    late = data.get("late", {})
    unknown = set(late) - LATE_KEYS
    if unknown:
        raise CourseError(f"{path}: unknown keys in [late]: {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(LATE_KEYS))})")
    deadlines = {name: _aware(value, f"{path}: [late.deadlines] {name}")
                 for name, value in late.get("deadlines", {}).items()}
    deadline = late.get("deadline")
    return Course(LatePolicy(
        deadline=_aware(deadline, f"{path}: [late] deadline") if deadline is not None else None,
        deadlines=deadlines,
        grace=timedelta(minutes=_number(late.get("grace_minutes", 0), f"{path}: grace_minutes")),
        penalty_per_day=_number(late.get("penalty_per_day", 0.0), f"{path}: penalty_per_day", upper=1.0),
        max_days=int(_number(late["max_days"], f"{path}: max_days")) if "max_days" in late else None,
    ))


def _aware(value, where: str) -> datetime:
    """A deadline must say its time zone: a grade must not depend on the grading host's clock."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise CourseError(f"{where} must be a TOML date-time with a UTC offset, such as 2026-12-04T23:59:00+09:00")
    return value


def _number(value, where: str, upper: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= upper:
        raise CourseError(f"{where} must be a number between 0 and {upper:g}")
    return float(value)
