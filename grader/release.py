"""The student release: what students receive, built fresh from the instructor's checkout.

The grader runs hidden checks in official grading, so students must not receive them; and the
stubs must never contain a solution. Rather than trusting a hand-made copy, `build_release`
writes the bundle from the sources every time:

- `grader/`: the grader package, with every block between a `# BEGIN HIDDEN` and an
  `# END HIDDEN` line cut out (markers included): the hidden checks and whatever only they use;
  its quiz banks with every key and explanation sealed (grader.quiz.release): generated
  questions for `quiz_students` and for anyone practising;
- `exercises/`: the stubs (.py and .ipynb), generated from `reference/` (`grader.stubs`), never
  copied from `exercises/`, which may be stale;
- `pyproject.toml` and `constraints.txt`, so that `pip install -c constraints.txt -e .` works there;
- `README.md`, the students' (`release/README.md` in the checkout);
- `pytest.ini` (`release/pytest.ini`), so that `pytest` runs every check as a test there
  (`grader.pytest_plugin`);
- `.github/workflows/autograde.yml` (`release/autograde.yml`), which runs `grader ci` on every
  push and pull request with the grader pinned by its fingerprint, and `grader/MANIFEST.sha256`,
  which names the files a changed grader changed (`grader.integrity`).

References, tests, submissions and benchmarks stay behind. A cut that breaks a file is an error,
and so is a hidden check left outside the markers: its name found in the released file.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

import grader
from grader.exercises import TITLES, load_exercise
from grader.integrity import MANIFEST, fingerprint, manifest, package_files
from grader.markers import MarkerError, marked_lines
from grader.quiz.bank import BANKS
from grader.quiz.release import sealed_bank
from grader.stubs import generated_files

BEGIN, END = "# BEGIN HIDDEN", "# END HIDDEN"

PACKAGE = Path(grader.__file__).resolve().parent
ROOT = PACKAGE.parent  # the checkout the release is built from
COPIED = ("pyproject.toml", "constraints.txt")  # from the checkout's root, as they are
WORKFLOW = Path(".github", "workflows", "autograde.yml")


@dataclass(frozen=True)
class Release:
    files: list[Path]  # every file written, under the out dir
    hidden_checks: list[str]  # "exerciseN: name" of each check left out
    fingerprint: str  # the released grader's (grader.integrity), pinned in the workflow


def strip_hidden(source: str, name: str = "<source>") -> str:
    """`source` without its hidden blocks. Where a cut leaves blank lines on both sides, only as
    many as the larger side had are kept, so that the file keeps its layout."""
    out: list[str] = []
    skip = 0
    for place, line in marked_lines(source, BEGIN, END, name, keepends=True):
        if place == "end":
            skip = _trailing_blank_lines(out)
        elif place == "outside":
            if not line.strip() and skip:
                skip -= 1
                continue
            skip = 0
            out.append(line)
    return "".join(out)


def _trailing_blank_lines(lines: list[str]) -> int:
    count = 0
    while count < len(lines) and not lines[-1 - count].strip():
        count += 1
    return count


def released_package(quiz_students: list[str] = ()) -> dict[Path, str | bytes]:
    """The grader package as released, by path relative to it: each .py file with its hidden
    blocks cut out (and checked to still parse), each quiz bank sealed, any other file (package
    data) as it is."""
    files: dict[Path, str | bytes] = {}
    for name, content in package_files(PACKAGE).items():  # the files a fingerprint covers
        relative, path = Path(name), PACKAGE / name
        if path.parent == BANKS and path.suffix == ".toml":
            files[relative] = sealed_bank(path.stem, quiz_students)
            continue
        if path.suffix != ".py":
            files[relative] = content
            continue
        files[relative] = strip_hidden(content.decode(), str(path))
        try:
            ast.parse(files[relative], str(path))
        except SyntaxError as error:
            raise MarkerError(f"{path}: not valid Python once its hidden blocks are cut "
                              f"(line {error.lineno} of the result: {error.msg})") from None
    return files


def hidden_checks(package: dict[Path, str | bytes]) -> list[str]:
    """The hidden checks of every exercise, each proven absent from the released package: its
    name (a string literal, adjacent literals joined) is in no string of its released exercise
    file. A hidden check whose code was not put between the markers is refused."""
    left_out = []
    for exercise_id in TITLES:
        exercise = load_exercise(exercise_id)
        if exercise is None:
            continue
        tree = ast.parse(package[Path("exercises", f"{exercise_id}.py")])
        strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
        for check in (check for check in exercise.checks if check.hidden):
            if check.name in strings:
                raise MarkerError(f"{PACKAGE / 'exercises' / exercise_id}.py: the hidden check {check.name!r} "
                                  f"is not between {BEGIN} and {END}")
            left_out.append(f"{exercise_id}: {check.name}")
    return left_out


def build_release(out_dir: Path, *, reference_dir: Path = Path("reference"),
                  readme: Path = ROOT / "release" / "README.md", force: bool = False,
                  grader_package: str = ".", quiz_students: list[str] = ()) -> Release:
    """Write the student release into `out_dir` (see the module's docstring). Everything is read
    and checked (markers, references) before anything is written, so an error leaves no half-made
    bundle. `out_dir` must be new or empty, unless `force`, which empties it first.
    `grader_package` is what the workflow installs with pip: the repository's own copy (`.`), or
    a requirement naming a published release (`dl-grader @ git+https://…@v1`); either way the
    fingerprint decides whether it may grade. The generated quiz questions of `quiz_students`
    can be checked in the release (their keys sealed), as well as those of anyone practising."""
    out_dir = Path(out_dir).resolve()
    _check_out_dir(out_dir, force, Path(reference_dir).resolve())
    needed = [ROOT / name for name in COPIED] + [Path(readme), ROOT / "release" / "autograde.yml",
                                                 ROOT / "release" / "pytest.ini"]
    missing = [str(path) for path in needed if not path.is_file()]
    if missing:  # a grader installed from a wheel has no checkout around it
        raise ValueError(f"not found: {', '.join(missing)}; build the release from a checkout of the grader")
    package = released_package(quiz_students)
    left_out = hidden_checks(package)
    released = {relative.as_posix(): content.encode() if isinstance(content, str) else content
                for relative, content in package.items()}
    pinned = fingerprint(released)
    files: dict[Path, str | bytes] = {out_dir / "grader" / relative: content for relative, content in released.items()}
    files[out_dir / "grader" / MANIFEST] = manifest(released)
    files[out_dir / WORKFLOW] = workflow(pinned, grader_package)
    stubs = generated_files(Path(reference_dir), out_dir / "exercises")
    if not stubs:
        raise ValueError(f"no exercise*.py in {reference_dir}")
    files.update(stubs)
    files.update({out_dir / name: (ROOT / name).read_text() for name in COPIED})
    files[out_dir / "README.md"] = Path(readme).read_text()
    files[out_dir / "pytest.ini"] = (ROOT / "release" / "pytest.ini").read_text()
    _empty(out_dir)
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return Release(sorted(files), left_out, pinned)


def workflow(pinned: str, grader_package: str) -> str:
    """The students' workflow (release/autograde.yml) with the grader to install and its fingerprint."""
    if any(character in grader_package for character in "\"'$`\n"):
        raise ValueError(f"the grader package {grader_package!r} cannot be written into the workflow as it is")
    text = (ROOT / "release" / "autograde.yml").read_text()
    return text.replace("__GRADER_PACKAGE__", grader_package).replace("__FINGERPRINT__", pinned)


def _check_out_dir(out_dir: Path, force: bool, reference_dir: Path) -> None:
    """Refuse, before any work, an out dir whose emptying would destroy the checkout or the
    references (or that a later release would copy as part of the package), and a non-empty one
    without `force`."""
    for kept in (ROOT, reference_dir):
        if out_dir == kept or out_dir in kept.parents:
            raise ValueError(f"refusing to write the release into {out_dir}: it is or holds {kept}")
    if out_dir == PACKAGE or PACKAGE in out_dir.parents:
        raise ValueError(f"refusing to write the release into the grader package {PACKAGE}")
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir} exists and is not a directory")
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise ValueError(f"{out_dir} is not empty: choose a new directory, or pass force=True (--force) "
                         "to replace what it holds")


def _empty(out_dir: Path) -> None:
    """Make `out_dir`, or remove what it holds (only reached when it was empty or `force` was given)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for entry in out_dir.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
