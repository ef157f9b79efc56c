"""The student release (`grader release`): everything students need, and nothing of the solutions
or of the hidden checks. The bundle is built once; the checks run inside it, as a student would."""

import ast
import json
import keyword
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import release
from grader.exercises import TITLES, load_exercise
from grader.release import build_release, hidden_checks, released_package, strip_hidden
from grader.runner import grade
from grader.markers import MarkerError
from tests.helpers import ROOT

SOLUTION = ("# BEGIN SOLUTION", "# END SOLUTION")
HIDDEN = ("# BEGIN HIDDEN", "# END HIDDEN")
RELEASED = {"grader", "exercises", "pyproject.toml", "constraints.txt", "README.md", "pytest.ini", ".github"}

# Solution lines that the released grader has on purpose: its oracles and mistake models compute
# the same formulas in torch, formulas that the stubs' docstrings and the hints already state.
# Each new coincidence fails the test until someone has looked at it and added it here.
SHARED_WITH_THE_GRADER = {
    ("exercise1", "return w + lr * error * x, b + lr * error"),  # the oracle perceptron_rule
    ("exercise4", "for group in self.param_groups:"),  # every torch.optim step(), the mistake model Rule's too
    ("exercise4", 'for p in group["params"]:'),
    ("exercise6", "m = x.numel() // x.shape[1]"),  # the mistake model backward_by_formula, which
    ("exercise6", "x_hat = centered * inv_std.reshape(shape)"),  # with no mistake is the docstring's formula
    ("exercise6", "return dx, dgamma, dbeta"),
}


def trivial(line: str) -> bool:
    """A line with no literal and at most one name besides keywords (`else:`, `break`, `return
    out`, `errors = []`, `)`, `FLAG),`): it says nothing of an algorithm, and any stub or grader
    file may contain it by coincidence. Anything longer (a call, an expression, two names) counts."""
    names = [name for name in re.findall(r"[A-Za-z_]\w*", line) if not keyword.iskeyword(name)]
    return len(names) <= 1 and not re.search(r"[0-9'\"]", line)


def split(source: str, markers: tuple[str, str]) -> tuple[str, list[str]]:
    """The text outside the marked blocks, and the text of each block. Written here rather than
    taken from grader.release, so that a bug there cannot hide itself."""
    outside, blocks, block = [], [], None
    for line in source.splitlines():
        if line.strip() == markers[0]:
            block = []
        elif line.strip() == markers[1]:
            blocks.append("\n".join(block))
            block = None
        else:
            (outside if block is None else block).append(line)
    return "\n".join(outside), blocks


def lines(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip()]


def exercise_ids():
    return [exercise_id for exercise_id in TITLES if load_exercise(exercise_id)]


def public_names(exercise_id):
    return [check.name for check in load_exercise(exercise_id).checks if not check.hidden]


def hidden_names(exercise_id):
    return [check.name for check in load_exercise(exercise_id).checks if check.hidden]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The release, built with force into a directory that held something stale."""
    out = tmp_path_factory.mktemp("release") / "bundle"
    (out / "reference").mkdir(parents=True)
    (out / "reference" / "exercise3.py").write_text("stale")
    build_release(out, reference_dir=ROOT / "reference", force=True)
    return out


@pytest.fixture(scope="module")
def texts(bundle):
    """Every file of the bundle as text; a notebook's cell sources are added to its JSON, where
    quotes and newlines are escaped."""
    texts = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode(errors="replace")  # package data need not be text
            if path.suffix == ".ipynb":
                text += "\n" + "\n".join(cell.source for cell in nbformat.reads(text, as_version=4).cells)
            texts[path] = text
    return texts


def occurrences(texts, fragment):
    return [str(path) for path, text in texts.items() if fragment in text]


def in_bundle(bundle, *args, timeout=120):
    """`python *args` run as a student would in the bundle: cwd there, and only its grader importable."""
    env = {**os.environ, "PYTHONPATH": str(bundle)}
    return subprocess.run([sys.executable, *args], cwd=bundle, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_the_bundle_holds_the_grader_the_stubs_and_the_install_files_only(bundle):
    assert {path.name for path in bundle.iterdir()} == RELEASED
    assert (bundle / "README.md").read_text() == (ROOT / "release" / "README.md").read_text()
    assert (bundle / "pytest.ini").read_text() == (ROOT / "release" / "pytest.ini").read_text()
    assert not list(bundle.rglob("__pycache__"))
    for name in ("pyproject.toml", "constraints.txt"):
        assert (bundle / name).read_text() == (ROOT / name).read_text()


def test_no_marker_line_is_left(texts):
    for path, text in texts.items():
        markers = [line for line in text.splitlines() if line.strip() in SOLUTION + HIDDEN]
        assert markers == [], path


def test_no_solution_reaches_the_bundle(texts):
    for reference in sorted((ROOT / "reference").glob("exercise*.py")):
        # Lines the reference also has outside its solutions (a docstring's formula) are the stub's by design.
        given, blocks = split(reference.read_text(), SOLUTION)
        assert blocks, reference
        for block in blocks:
            assert occurrences(texts, block) == [], block
            for line in lines(block):
                if trivial(line) or line in given or (reference.stem, line) in SHARED_WITH_THE_GRADER:
                    continue
                assert occurrences(texts, line) == [], f"{reference.name}: {line!r}"


def test_nothing_of_a_hidden_check_reaches_the_bundle(texts):
    hidden = [name for exercise_id in exercise_ids() for name in hidden_names(exercise_id)]
    assert hidden, "no hidden checks"
    for name in hidden:
        assert occurrences(texts, name) == [], name
    # Names split over adjacent string literals are whole in the syntax tree.
    strings = {node.value for path, text in texts.items() if path.suffix == ".py"
               for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Constant)}
    assert strings.isdisjoint(hidden), sorted(strings.intersection(hidden))
    sources = {path: split(path.read_text(), HIDDEN) for path in sorted((ROOT / "grader").rglob("*.py"))}
    public = "\n".join(outside for outside, _ in sources.values())  # what the grader releases by design
    for path, (_, blocks) in sources.items():
        for block in blocks:
            assert occurrences(texts, block) == [], block
            for line in lines(block):
                if not trivial(line) and line not in public:
                    assert occurrences(texts, line) == [], f"{path.name}: {line!r}"


def test_the_bundle_lists_exactly_the_public_checks_in_order(bundle):
    script = ("import json, grader; from grader.exercises import TITLES, load_exercise; "
              "print(json.dumps({'grader': grader.__file__, 'checks': {i: [[c.name, c.hidden] for c in "
              "load_exercise(i).checks] for i in TITLES if load_exercise(i)}}))")
    run = in_bundle(bundle, "-c", script)
    assert run.returncode == 0, run.stderr
    listed = json.loads(run.stdout)
    assert Path(listed["grader"]).parent == bundle / "grader"
    assert listed["checks"] == {i: [[name, False] for name in public_names(i)] for i in exercise_ids()}


def test_grader_check_works_in_the_bundle(bundle):
    run = in_bundle(bundle, "-c", "import grader; print(grader.__file__)")
    assert Path(run.stdout.strip()).parent == bundle / "grader", run.stderr
    public, hidden = public_names("exercise3"), hidden_names("exercise3")
    stub = in_bundle(bundle, "-m", "grader.cli", "check", "exercise3", "--format", "json")
    assert stub.returncode == 1, stub.stderr
    assert [check["name"] for check in json.loads(stub.stdout)["checks"]] == public
    assert all(name not in stub.stdout + stub.stderr for name in hidden)
    solved = in_bundle(bundle, "-m", "grader.cli", "check", "exercise3", str(ROOT / "reference" / "exercise3.py"))
    assert solved.returncode == 0, solved.stdout + solved.stderr
    points = sum(check.points for check in load_exercise("exercise3").checks if not check.hidden)
    assert f"Score: {points:g}/{points:g}" in solved.stdout
    assert all(name in solved.stdout for name in public)
    assert all(name not in solved.stdout for name in hidden)


def test_pytest_runs_the_public_checks_in_the_bundle(bundle):
    # The bundle's pytest.ini loads grader.pytest_plugin; the pyproject.toml beside it (whose pytest
    # settings are the grader's own tests') does not apply.
    run = in_bundle(bundle, "-m", "pytest", "-p", "no:cacheprovider", "exercises/exercise1.py")
    assert run.returncode == 1, run.stdout + run.stderr
    public = public_names("exercise1")
    points = sum(check.points for check in load_exercise("exercise1").checks if not check.hidden)
    assert f"{len(public)} failed" in run.stdout
    assert f"exercise1 (exercises/exercise1.py): 0/{points:g} points" in run.stdout
    assert all(name not in run.stdout for name in hidden_names("exercise1"))


def test_official_grading_runs_the_hidden_checks():
    hidden = hidden_names("exercise3")
    assert hidden, "exercise3 has no hidden check"
    report = grade("exercise3", ROOT / "reference" / "exercise3.py", only=hidden)
    assert [(r.name, r.hidden, r.status) for r in report.results] == [(name, True, "passed") for name in hidden]
    assert report.to_json()["checks"][0]["hidden"] is True


def test_the_notebooks_are_valid(bundle):
    notebooks = sorted((bundle / "exercises").glob("*.ipynb"))
    assert len(notebooks) == len(list((ROOT / "reference").glob("exercise*.py")))
    for path in notebooks:
        nbformat.validate(nbformat.read(path, as_version=4))


@pytest.mark.parametrize("broken, line", [("x = 1\n# BEGIN HIDDEN\ny = 2\n", 2),
                                          ("x = 1\n# END HIDDEN\n", 2),
                                          ("# BEGIN HIDDEN\n# BEGIN HIDDEN\n# END HIDDEN\n", 2)])
def test_unbalanced_hidden_markers_name_the_file_and_line(broken, line):
    with pytest.raises(MarkerError, match=rf"^broken\.py:{line}: "):
        strip_hidden(broken, "broken.py")


def test_build_release_refuses_unbalanced_markers_before_writing(tmp_path, monkeypatch):
    package = tmp_path / "grader"
    package.mkdir()
    (package / "broken.py").write_text("x = 1\n    # BEGIN HIDDEN\ny = 2\n")
    monkeypatch.setattr(release, "PACKAGE", package)
    with pytest.raises(MarkerError, match=re.escape(f"{package / 'broken.py'}:2: # BEGIN HIDDEN is never closed")):
        build_release(tmp_path / "out", reference_dir=ROOT / "reference")
    assert not (tmp_path / "out").exists()


def test_a_hidden_check_outside_the_markers_is_refused():
    package = released_package()
    unmarked = Path("exercises", "exercise3.py")
    package[unmarked] = (ROOT / "grader" / unmarked).read_text()  # as if the markers were forgotten
    with pytest.raises(MarkerError, match="exercise3.py: the hidden check"):
        hidden_checks(package)


def test_hidden_blocks_vanish_with_their_markers_and_blank_lines():
    source = "a = 1\n\n\n# BEGIN HIDDEN\nb = 2\n# END HIDDEN\n\n\nc = [\n    1,\n    # BEGIN HIDDEN\n    2,\n    # END HIDDEN\n]\n"
    assert strip_hidden(source) == "a = 1\n\n\nc = [\n    1,\n]\n"


def test_a_non_empty_out_dir_is_refused_without_force(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not empty"):
        build_release(tmp_path, reference_dir=ROOT / "reference")
    assert (tmp_path / "mine.txt").read_text() == "keep me"


@pytest.mark.parametrize("out_dir", [ROOT, ROOT.parent, ROOT / "grader" / "release", ROOT / "reference"])
def test_the_checkout_is_never_an_out_dir(out_dir):
    with pytest.raises(ValueError, match="refusing"):
        build_release(out_dir, reference_dir=ROOT / "reference", force=True)
