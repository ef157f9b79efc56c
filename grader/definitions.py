"""Where a student's file defines each function and class: the line an annotation points at.

Read on the trusted side with `ast.parse`, which runs nothing. As in Python, a name defined twice
is where it was defined last. In a notebook, a definition is at a line of a code cell; an
annotation needs a line of the `.ipynb` file itself, the JSON, which `notebook_line` finds.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

from grader.submission import Submission

CODE_CELL = re.compile(r'^\s*"cell_type"\s*:\s*"code"')


@dataclass(frozen=True)
class Place:
    line: int  # in the file as stored: the .py, or the .ipynb's JSON
    where: str  # as a student finds it: "line 12", "cell 4, line 3"


def definitions(submission: Submission) -> tuple[dict[str, Place], Place | None]:
    """Each top-level function and class of the submission, where it is (last) defined; and
    where the first cell that does not parse fails, if one does not (a cell that does not parse
    defines nothing)."""
    raw = submission.path.read_text(encoding="utf-8-sig", errors="replace") if submission.is_notebook else ""
    found: dict[str, Place] = {}
    broken: Place | None = None
    for number, cell in enumerate(submission.cells, 1):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as error:
            broken = broken or _place(raw, cell.source, number, error.lineno or 1, submission.is_notebook)
            continue
        except ValueError:  # a NUL byte: no line to point at
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[node.name] = _place(raw, cell.source, number, node.lineno, submission.is_notebook)
    return found, broken


def _place(raw_notebook: str, source: str, cell: int, line: int, is_notebook: bool) -> Place:
    if not is_notebook:
        return Place(line, f"line {line}")
    text = source.splitlines()[line - 1] if line <= len(source.splitlines()) else ""
    return Place(notebook_line(raw_notebook, cell, text), f"cell {cell}, line {line}")


def notebook_line(raw: str, cell: int, text: str) -> int:
    """The line of the notebook's JSON that holds `text` in its `cell`-th code cell (1-based);
    that cell's first line if `text` is not found there (a writer that stores a cell's source
    as one string still has it on one line, which is found). Notebooks that nbformat writes have
    one line of source per line of JSON."""
    lines = raw.splitlines()
    starts = [index for index, line in enumerate(lines) if CODE_CELL.match(line)]
    if cell > len(starts):
        return 1
    start = starts[cell - 1]
    end = starts[cell] if cell < len(starts) else len(lines)
    # As it is written inside a JSON string: with non-ASCII characters as they are (nbformat) or escaped.
    encoded = {json.dumps(text, ensure_ascii=ascii_only)[1:-1] for ascii_only in (False, True)}
    if text.strip():
        for index in range(start, end):
            if any(form in lines[index] for form in encoded):
                return index + 1
    return start + 1

