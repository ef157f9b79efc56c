"""Stubs are generated from the references, and never drift from them."""

import pytest

from grader.markers import MarkerError
from grader.stubs import generated_files, strip_solutions
from tests.helpers import ROOT

REFERENCE = '''"""Doc."""
import numpy as np

# BEGIN SOLUTION
def _helper(x):
    return x
# END SOLUTION


def f(x):
    """Formula: f(x) = x."""
    # BEGIN SOLUTION
    return _helper(x)
    # END SOLUTION
'''


def test_solution_blocks_become_not_implemented_and_top_level_helpers_vanish():
    stub = strip_solutions(REFERENCE)
    assert "_helper" not in stub
    assert '    """Formula: f(x) = x."""\n    raise NotImplementedError\n' in stub


@pytest.mark.parametrize("broken", ["# BEGIN SOLUTION\nx = 1\n", "x = 1\n# END SOLUTION\n",
                                    "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n"])
def test_unbalanced_markers_are_refused(broken):
    with pytest.raises(MarkerError):
        strip_solutions(broken)


def test_committed_stubs_are_exactly_what_the_references_generate():
    files = generated_files(ROOT / "reference", ROOT / "exercises")
    assert files, "no references found"
    drifted = [str(path) for path, text in files.items() if not path.exists() or path.read_text() != text]
    assert drifted == [], "run `grader stubs` to regenerate them"


def test_no_solution_code_reaches_the_stubs():
    for path in (ROOT / "exercises").iterdir():
        assert "SOLUTION" not in path.read_text(), path
