"""Turning a Jupyter notebook into code the grader can run.

Two steps, in two processes:
- `notebook_cells` (trusted side) reads the code cells with nbformat and blanks out IPython
  syntax: `%line` and `%%cell` magics, `!shell` lines, `x = !cmd`, `obj?` help. Blanking keeps
  line numbers, so messages point at the right line of the right cell.
- `keep_definitions` (worker side, it parses student code) keeps only the top-level statements
  that define things: imports, `def`, `class`, and assignments that call nothing. Plots,
  training loops and prints at the top level are what a notebook is for, but they would slow
  grading down or break it, so they are not run; the worker reports each one it drops.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

# Cell magics whose body is still Python (timing, capturing output); any other cell magic
# (%%bash, %%writefile, %%html, …) makes the whole cell something else than Python.
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
IPYTHON_LINE = re.compile(r"^\s*([%!]|[\w.,\s]+=\s*[%!])|^\s*[\w.\[\]()]+\s*\?\??\s*$")


@dataclass(frozen=True)
class CodeCell:
    number: int  # 1-based, counting code cells only, as a student scrolls through them
    source: str


def notebook_cells(path) -> list[CodeCell]:
    """The code cells of a notebook, with IPython syntax blanked. Raises ValueError if unreadable."""
    import nbformat  # imported here: grading a .py file needs none of it

    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # nbformat raises many kinds for broken JSON and schemas
        raise ValueError(f"not a readable Jupyter notebook ({type(error).__name__}: {error})") from None
    cells = [cell for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"]
    return [CodeCell(number, python_only(cell.get("source", ""))) for number, cell in enumerate(cells, 1)]


def python_only(source: str) -> str:
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)[0] if lines[0].strip() != "%%" else ""
        if magic not in PYTHON_CELL_MAGICS:
            return ""
        lines[0] = ""
    return "\n".join("" if IPYTHON_LINE.match(line) else line for line in lines)


def keep_definitions(source: str, filename: str) -> tuple[ast.Module, list[tuple[int, str]]]:
    """Parse a cell and keep its defining statements; also return (line, summary) of the others."""
    tree = ast.parse(source, filename)
    kept, dropped = [], []
    for statement in tree.body:
        if _defines(statement):
            kept.append(statement)
        else:
            dropped.append((statement.lineno, _summary(source, statement)))
    tree.body = kept
    return tree, dropped


def _defines(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
        return not _calls_anything(statement.value)
    return False


def _calls_anything(node: ast.AST) -> bool:
    """True if evaluating `node` calls a function; a lambda's body does not run when defined."""
    if isinstance(node, ast.Call):
        return True
    if isinstance(node, ast.Lambda):
        return any(_calls_anything(default) for default in node.args.defaults + node.args.kw_defaults if default)
    return any(_calls_anything(child) for child in ast.iter_child_nodes(node))


def _summary(source: str, statement: ast.stmt) -> str:
    text = (ast.get_source_segment(source, statement) or type(statement).__name__).splitlines()[0]
    return text if len(text) <= 60 else text[:57] + "..."
