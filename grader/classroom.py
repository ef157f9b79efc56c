"""Finding a class's submissions: `<root>/<student>/<exercise>.py` or `.ipynb`, and the answers to
its quiz, `<root>/<student>/quiz-<exercise>.toml` (graded as the exercise `quiz-<exercise>`:
grader.quiz.official).

A student folder may hold `timestamp.txt` (one ISO 8601 time with its UTC offset, as nbgrader
writes it): the submission time of every file in the folder. Without it, a file's own
modification time counts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from grader.exercises import TITLES, quiz_id

SUFFIXES = (".py", ".ipynb")  # in order of preference when a student hands in both
QUIZ_SUFFIX = ".toml"
TIMESTAMP = "timestamp.txt"


@dataclass(frozen=True)
class StudentFile:
    """One file a student handed in for one exercise (not yet read: see grader.submission)."""

    student: str
    exercise: str
    path: Path
    sha256: str
    submitted_at: datetime
    notes: tuple[str, ...] = ()  # said about the submission before grading (which file counted)


def find_submissions(root: Path, exercises: list[str] | None = None) -> list[StudentFile]:
    """Every submission of `exercises` (default: all) under `root`, by student then exercise, each
    exercise's code followed by its quiz."""
    exercises = exercises or list(TITLES)
    found = []
    for folder in sorted(path for path in Path(root).iterdir() if path.is_dir() and not path.name.startswith(".")):
        stamp, stamp_notes = _timestamp(folder)
        for exercise in exercises:
            for graded_as, names in ((exercise, [f"{exercise}{suffix}" for suffix in SUFFIXES]),
                                     (quiz_id(exercise), [f"{quiz_id(exercise)}{QUIZ_SUFFIX}"])):
                files = [folder / name for name in names if (folder / name).is_file()]
                if files:
                    found.append(_submission(folder.name, graded_as, files, stamp, stamp_notes))
    return found


def _submission(student: str, exercise: str, files: list[Path], stamp: datetime | None,
                stamp_notes: tuple[str, ...]) -> StudentFile:
    """The first of `files` (in order of preference), noting the others."""
    chosen, *others = files
    notes = stamp_notes + tuple(f"{other.name} was also handed in; {chosen.name} was graded" for other in others)
    submitted_at = stamp or datetime.fromtimestamp(chosen.stat().st_mtime, timezone.utc)
    return StudentFile(student, exercise, chosen, _sha256(chosen), submitted_at, notes)


def _timestamp(folder: Path) -> tuple[datetime | None, tuple[str, ...]]:
    """The folder's timestamp.txt, if any and readable; otherwise a note saying why the files'
    own times count (the instructor sees it in the report, and can fix the file and regrade)."""
    path = folder / TIMESTAMP
    if not path.is_file():
        return None, ()
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None, (f"{TIMESTAMP} holds {text[:40]!r}, not an ISO 8601 time such as 2026-12-04 21:13:05+09:00: "
                      "the file's modification time was used",)
    if moment.tzinfo is None:
        return None, (f"{TIMESTAMP} holds {text!r} without a UTC offset (such as +09:00): "
                      "the file's modification time was used",)
    return moment, ()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
