"""Notebooks are graded like .py files: IPython syntax dropped, top-level experiments not run."""

import ast

import nbformat

from grader.notebook import keep_definitions, python_only
from grader.runner import grade
from tests.helpers import ROOT


def reference_notebook(path, extra_cells):
    """The exercise 3 reference as a notebook, one function per cell, with `extra_cells` mixed in."""
    source = (ROOT / "reference" / "exercise3.py").read_text()
    tree = ast.parse(source)
    chunks = [ast.get_source_segment(source, node) for node in tree.body[1:]]
    cells = [nbformat.v4.new_code_cell(chunk) for chunk in chunks] + [nbformat.v4.new_code_cell(c) for c in extra_cells]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))


EXPERIMENTS = [
    "%matplotlib inline\n!pip install nothing-at-all\nfiles = !ls",
    "import time\nfor epoch in range(100):\n    time.sleep(1)  # a training loop: never run when grading",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
    "softmax?",
    "%%bash\necho this is not python",
    "%%time\nEPS = 1e-12\ndef helper(x):\n    return x + EPS",
    "def broken(:\n    pass",
    "raise RuntimeError('a cell that fails when run')",
    "print(softmax(np.array([1.0, 2.0])))",
]


def test_notebook_with_experiments_gets_full_marks(tmp_path):
    path = tmp_path / "exercise3.ipynb"
    reference_notebook(path, EXPERIMENTS)
    report = grade("exercise3", path)
    assert {r.name: r.message for r in report.results if r.status != "passed"} == {}
    notes = "\n".join(report.notes)
    assert "cell 12 was skipped: SyntaxError: invalid syntax" in notes  # def broken(:, the others count
    assert "not run when grading (for epoch in range(100):)" in notes


def test_a_missing_plotting_library_costs_only_its_import_not_the_functions_beside_it(tmp_path):
    # matplotlib is not installed where grading runs; a student's cell imports it next to softmax.
    source = (ROOT / "reference" / "exercise3.py").read_text()
    cells = ["import matplotlib.pyplot as plt\n" + source,
             "from __future__ import annotations\ndef plot_losses(losses: list[float] | None) -> None:\n"
             "    plt.plot(losses)"]
    path = tmp_path / "exercise3.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells]), str(path))
    report = grade("exercise3", path, only=["softmax matches torch.softmax along any axis"])
    assert [r.status for r in report.results] == ["passed"]
    assert [note for note in report.notes if "skipped" in note] == [
        "exercise3.ipynb, cell 1, line 1 was skipped: ModuleNotFoundError: No module named "
        "'matplotlib' (not installed where grading runs: the graded functions must not need it)"]


def test_generated_stub_notebook_scores_zero_with_everything_not_implemented():
    report = grade("exercise3", ROOT / "exercises" / "exercise3.ipynb")
    assert report.score == 0
    assert all(r.message.startswith("not implemented") for r in report.results)


def test_ipython_syntax_is_blanked_and_line_numbers_kept():
    cell = "x = 1\n%timeit f()\n!ls -l\nout = !ls\nnp.mean??\ny = x % 2\nz = {'a': 1}"
    assert python_only(cell).splitlines() == ["x = 1", "", "", "", "", "y = x % 2", "z = {'a': 1}"]


def test_cell_magics_keep_python_bodies_only():
    assert python_only("%%time\ndef f():\n    pass") == "\ndef f():\n    pass"
    assert python_only("%%writefile out.txt\nhello") == ""


def test_only_definitions_and_call_free_assignments_are_kept():
    source = ("import numpy as np\nfrom math import pi\nRATE = 0.1\nscale = lambda x: np.exp(x)\n"
              "X = np.random.randn(3)\nprint(X)\nfor i in range(3):\n    pass\n"
              "def f(x, eps=np.float32(1e-5)):\n    return x\nclass Model:\n    pass\n")
    tree, dropped = keep_definitions(source, "cell")
    assert [type(node).__name__ for node in tree.body] == ["Import", "ImportFrom", "Assign", "Assign",
                                                           "FunctionDef", "ClassDef"]
    assert dropped == [(5, "X = np.random.randn(3)"), (6, "print(X)"), (7, "for i in range(3):")]
