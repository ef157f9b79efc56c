"""Finding a class's submissions: `<root>/<student>/<exercise>.py` or `.ipynb`.

A student folder may hold `timestamp.txt` (one ISO 8601 time with its UTC offset, as nbgrader
writes it): the submission time of every file in the folder. Without it, a file's own
modification time counts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from grader.exercises import TITLES

SUFFIXES = (".py", ".ipynb")  # in order of preference when a student hands in both
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
    """Every submission under `root`, by student then exercise."""
    exercises = exercises or list(TITLES)
    found = []
    for folder in sorted(path for path in Path(root).iterdir() if path.is_dir() and not path.name.startswith(".")):
        stamp, stamp_notes = _timestamp(folder)
        for exercise in exercises:
            files = [folder / f"{exercise}{suffix}" for suffix in SUFFIXES if (folder / f"{exercise}{suffix}").is_file()]
            if not files:
                continue
            chosen, *others = files
            notes = stamp_notes + tuple(f"{other.name} was also handed in; {chosen.name} was graded" for other in others)
            submitted_at = stamp or datetime.fromtimestamp(chosen.stat().st_mtime, timezone.utc)
            found.append(StudentFile(folder.name, exercise, chosen, _sha256(chosen), submitted_at, notes))
    return found


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
