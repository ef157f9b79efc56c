"""A student's file, read into the cells the worker will run (never run here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.notebook import notebook_cells


class SubmissionError(Exception):
    """The file cannot be graded at all (unreadable, not text, not a notebook)."""


@dataclass(frozen=True)
class Cell:
    filename: str  # how tracebacks and messages name it: "exercise3.py", "exercise3.ipynb, cell 4"
    source: str
    definitions_only: bool  # notebooks: run only imports and definitions (see grader.notebook)


@dataclass(frozen=True)
class Submission:
    path: Path
    cells: tuple[Cell, ...]

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"


def read_submission(path: Path) -> Submission:
    """The submission's cells; raises SubmissionError when there is nothing to grade."""
    submission = _read(Path(path))
    if not any(cell.source.strip() for cell in submission.cells):
        what = "has no code" if submission.is_notebook else "is empty"
        raise SubmissionError(f"{submission.path.name} {what}: there is nothing to grade")
    return submission


def _read(path: Path) -> Submission:
    if path.suffix == ".ipynb":
        try:
            cells = notebook_cells(path)
        except (OSError, ValueError) as error:
            raise SubmissionError(f"{path.name}: {error}") from None
        return Submission(path, tuple(Cell(f"{path.name}, cell {c.number}", c.source, True) for c in cells))
    try:
        source = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionError(f"{path.name} is not UTF-8 text; save it as a UTF-8 .py file") from None
    except OSError as error:
        raise SubmissionError(f"{path.name} cannot be read: {error.strerror}") from None
    return Submission(path, (Cell(path.name, source, False),))
