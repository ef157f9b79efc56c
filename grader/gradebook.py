"""The gradebook: one SQLite file with every student, submission and check result.

- Each submission's grade is written in one transaction, so a batch killed at any moment
  (`kill -9` included) leaves every submission either graded completely or not at all.
- A submission is keyed by student and exercise: grading it again replaces its row and its
  results, never duplicates them. With its content hash and the fingerprint of the grader that
  graded it, `grader grade` skips what has not changed since.
- WAL journal: readers (`export`, `report`, a TA's sqlite3 shell) read while a batch writes, each
  read in one transaction, so they see a consistent book: a submission with all its results.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from grader.checks.result import CheckResult

DEFAULT_PATH = Path("gradebook.db")

SCHEMA = """
CREATE TABLE IF NOT EXISTS students (
    student     TEXT PRIMARY KEY,
    first_seen  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    student      TEXT NOT NULL REFERENCES students,
    exercise     TEXT NOT NULL,
    path         TEXT NOT NULL,
    sha256       TEXT NOT NULL,     -- of the file's bytes
    grader       TEXT NOT NULL,     -- fingerprint of the grader that graded it
    complete     INTEGER NOT NULL,  -- 0: the grader itself failed; graded again on the next run
    submitted_at TEXT NOT NULL,     -- ISO 8601, UTC
    graded_at    TEXT NOT NULL,
    seconds      REAL NOT NULL,     -- wall time of its grading
    score        REAL NOT NULL,     -- before any late penalty (grader.course applies it on reading)
    max_score    REAL NOT NULL,
    notes        TEXT NOT NULL,     -- JSON list: notebook cells skipped, which file was graded
    PRIMARY KEY (student, exercise)
);
CREATE TABLE IF NOT EXISTS results (
    student   TEXT NOT NULL,
    exercise  TEXT NOT NULL,
    position  INTEGER NOT NULL,     -- the check's place in its exercise
    name      TEXT NOT NULL,
    score     REAL NOT NULL,
    max_score REAL NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'error', 'skipped')),
    message   TEXT NOT NULL,
    hidden    INTEGER NOT NULL,
    seconds   REAL NOT NULL,
    PRIMARY KEY (student, exercise, position),
    FOREIGN KEY (student, exercise) REFERENCES submissions
);
"""


@dataclass(frozen=True)
class Graded:
    """One submission as the gradebook holds it."""

    student: str
    exercise: str
    path: str
    sha256: str
    submitted_at: datetime
    seconds: float
    score: float
    max_score: float
    checks: tuple[CheckResult, ...]
    notes: tuple[str, ...] = ()
    complete: bool = True
    graded_at: datetime | None = None

    @property
    def errors(self) -> int:
        return sum(check.status == "error" for check in self.checks)


class Gradebook:
    def __init__(self, path: Path = DEFAULT_PATH):
        self.path = Path(path)
        # Autocommit mode: every transaction below is an explicit BEGIN … COMMIT.
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(f"BEGIN IMMEDIATE; {SCHEMA} COMMIT;")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self, write: bool = False):
        self.db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------------
    def record(self, graded: Graded, grader: str) -> None:
        """Write one submission and all its results, replacing what the book held for it."""
        now = _iso(datetime.now(timezone.utc))
        with self.transaction(write=True) as db:
            db.execute("INSERT OR IGNORE INTO students VALUES (?, ?)", (graded.student, now))
            db.execute("DELETE FROM results WHERE student = ? AND exercise = ?", (graded.student, graded.exercise))
            db.execute("INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (graded.student, graded.exercise, graded.path, graded.sha256, grader, int(graded.complete),
                        _iso(graded.submitted_at), now, graded.seconds, graded.score, graded.max_score,
                        json.dumps(list(graded.notes))))
            db.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(graded.student, graded.exercise, position, c.name, c.score, c.max_score, c.status,
                             c.message, int(c.hidden), c.seconds) for position, c in enumerate(graded.checks)])

    def is_current(self, student: str, exercise: str, sha256: str, grader: str) -> bool:
        """Whether this exact file was graded completely by this exact grader."""
        row = self.db.execute("SELECT sha256, grader, complete FROM submissions WHERE student = ? AND exercise = ?",
                              (student, exercise)).fetchone()
        return row == (sha256, grader, 1)

    def retime(self, student: str, exercise: str, submitted_at: datetime) -> None:
        """A new submission time for an unchanged file (its timestamp.txt was corrected)."""
        with self.transaction(write=True) as db:
            db.execute("UPDATE submissions SET submitted_at = ? WHERE student = ? AND exercise = ?",
                       (_iso(submitted_at), student, exercise))

    # -- reading ---------------------------------------------------------------------------------
    def graded(self, exercise: str | None = None, student: str | None = None) -> list[Graded]:
        """Every submission (of one exercise, of one student) with its results, read in one
        transaction, ordered by student then exercise."""
        where = " AND ".join(f"{column} = :{column}" for column, value in
                             (("exercise", exercise), ("student", student)) if value is not None) or "1"
        parameters = {"exercise": exercise, "student": student}
        with self.transaction() as db:
            submissions = db.execute(
                "SELECT student, exercise, path, sha256, submitted_at, seconds, score, max_score, notes, complete, "
                f"graded_at FROM submissions WHERE {where} ORDER BY student, exercise", parameters).fetchall()
            results = db.execute(
                "SELECT student, exercise, name, score, max_score, status, message, hidden, seconds FROM results "
                f"WHERE {where} ORDER BY student, exercise, position", parameters).fetchall()
        checks: dict[tuple[str, str], list[CheckResult]] = {}
        for student_id, exercise_id, *row in results:
            name, score, max_score, status, message, hidden, seconds = row
            checks.setdefault((student_id, exercise_id), []).append(
                CheckResult(name, score, max_score, status, message, bool(hidden), seconds))
        return [Graded(row[0], row[1], row[2], row[3], datetime.fromisoformat(row[4]), row[5], row[6], row[7],
                       tuple(checks.get((row[0], row[1]), ())), tuple(json.loads(row[8])), bool(row[9]),
                       datetime.fromisoformat(row[10]))
                for row in submissions]

    def students(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT student FROM students ORDER BY student")]


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()
