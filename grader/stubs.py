"""Student stubs from reference solutions.

In `reference/exerciseN.py` every solution sits between a `# BEGIN SOLUTION` and an
`# END SOLUTION` line. The stub keeps everything else (docstrings with the formulas, signatures,
imports) and replaces each marked block with `raise NotImplementedError`, at the block's
indentation; a marked block at the top level (a solution-only helper) disappears. The same stub
is also written as a notebook, one cell per function.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.markers import marked_lines

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


def strip_solutions(source: str, name: str = "<source>") -> str:
    """The stub of a reference: each marked solution block replaced by `raise NotImplementedError`."""
    out = []
    for place, line in marked_lines(source, BEGIN, END, name):
        if place == "begin":
            indent = line[: len(line) - len(line.lstrip())]
            if indent:
                out.append(f"{indent}raise NotImplementedError")
        elif place == "outside":
            out.append(line)
    return "\n".join(out).rstrip() + "\n"


def stub_notebook(stub: str, exercise_id: str) -> str:
    """The stub as a notebook: the module docstring as text, then the imports, then a cell per
    function or class (with the comments above it). Cell ids are fixed so the file is stable."""
    import nbformat

    tree = ast.parse(stub)
    lines = stub.splitlines()
    docstring = ast.get_docstring(tree) or exercise_id
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    title, _, rest = docstring.partition("\n")
    intro = f"# {title}\n{rest}\n\nWhen a function is done, check it with `grader check {exercise_id} " \
            f"exercises/{exercise_id}.ipynb`. Only imports, functions, classes and simple assignments are " \
            "graded: experiments, plots and training loops in other cells are yours and never slow grading."
    cells = [nbformat.v4.new_markdown_cell(intro)]
    starts = [_first_line(statement, lines) for statement in body] + [len(lines) + 1]
    chunks = ["\n".join(lines[start - 1 : end - 1]).strip() for start, end in zip(starts, starts[1:])]
    setup = [chunk for chunk, statement in zip(chunks, body) if not _is_definition(statement)]
    definitions = [chunk for chunk, statement in zip(chunks, body) if _is_definition(statement)]
    cells += [nbformat.v4.new_code_cell(code) for code in ["\n".join(setup)] + definitions if code]
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    return nbformat.writes(notebook) + "\n"


def _is_definition(statement: ast.stmt) -> bool:
    return isinstance(statement, (ast.FunctionDef, ast.ClassDef))


def _first_line(statement: ast.stmt, lines: list[str]) -> int:
    """Where a statement starts, counting its decorators and the comment lines just above it."""
    decorators = getattr(statement, "decorator_list", [])
    start = min([statement.lineno] + [decorator.lineno for decorator in decorators])
    while start > 1 and lines[start - 2].lstrip().startswith("#"):
        start -= 1
    return start


def generated_files(reference_dir: Path, out_dir: Path) -> dict[Path, str]:
    """Every stub file (.py and .ipynb) that the references in `reference_dir` generate."""
    files = {}
    for reference in sorted(Path(reference_dir).glob("exercise*.py")):
        stub = strip_solutions(reference.read_text(), str(reference))
        files[out_dir / reference.name] = stub
        files[out_dir / f"{reference.stem}.ipynb"] = stub_notebook(stub, reference.stem)
    return files
