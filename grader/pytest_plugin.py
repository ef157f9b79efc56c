"""Every check of every exercise as a pytest test: `pytest -p grader.pytest_plugin exercises/`.

For editors' test panels and GitHub Classroom's python grader, which run pytest and select tests
with `-k` or node ids. `grader check` stays the reference output; this shows the same results.

- `exerciseN.py` (or `exerciseN.ipynb` with no `.py` beside it, as `grader check` chooses) is an
  `ExerciseFile`; each check of the exercise, in order, a `CheckItem` named by the check's name
  as an identifier (`softmax_matches_torch_softmax_along_any_axis`), so `-k softmax` selects.
  pytest's own Module for the file is dropped: it would import, i.e. run, the student's code in
  the pytest process, where the grader never runs it.
- The file is graded once, in a sandbox as always (`grader.runner.grade`), when its first item
  runs, on the checks of its items that the session kept: `-k softmax` grades only those. Each
  item then reports its check's result: a failure shows the grader's label line and message.
- A check's points are a `points(n)` marker and the `points` and `score` user properties (which
  `--junitxml` records); a hidden check also gets a `hidden` marker. The summary adds the points.
- No entry point: an auto-loaded plugin would take over every `exerciseN.py` in every pytest run
  wherever the grader is installed (this project's own `tests/alternatives/` among them). The
  student release's `pytest.ini` loads it with `-p`.
"""

from __future__ import annotations

import re

import pytest

from grader.exercises import has_checks, load_exercise
from grader.export import points
from grader.report import LABELS, NOT_IMPLEMENTED
from grader.runner import Report, grade

EXERCISE_FILE = re.compile(r"(exercise\d+)\.(py|ipynb)")
GRADED = pytest.StashKey[list]()  # the ExerciseFiles graded in this session, in order


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): the check's points in the grader")
    config.addinivalue_line("markers", "hidden: a hidden check, which official grading runs and students do not see")
    config.stash[GRADED] = []


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    collected = yield
    match = EXERCISE_FILE.fullmatch(file_path.name)
    if not match or not has_checks(match[1]):
        return collected
    if file_path.suffix == ".ipynb" and file_path.with_suffix(".py").exists():
        return collected  # `grader check` grades the .py
    # pytest makes a Module of a .py named on the command line: it would import the student's code.
    return [node for node in collected if not isinstance(node, pytest.Module)] + [
        ExerciseFile.from_parent(parent, path=file_path)]


def slug(name: str) -> str:
    """A check's name as an identifier: `softmax matches torch.softmax` -> `softmax_matches_torch_softmax`."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


class ExerciseFile(pytest.File):
    report: Report | None = None  # the grader's report, once graded
    error: str | None = None  # why grading raised, if it did

    @property
    def exercise_id(self) -> str:
        return self.path.stem

    def collect(self):
        checks = load_exercise(self.exercise_id).checks
        names = [slug(check.name) for check in checks]
        twins = sorted({name for name in names if names.count(name) > 1})
        if twins:
            raise self.CollectError(f"{self.exercise_id}: checks whose names give the same test name: {twins}")
        for name, check in zip(names, checks):
            yield CheckItem.from_parent(self, name=name, check=check)

    def grade_once(self) -> None:
        if self.report is not None or self.error is not None:
            return
        only = [item.check.name for item in self.session.items if item.parent is self]
        try:
            self.report = grade(self.exercise_id, self.path, only=only)
        except Exception as error:  # a bug of the grader's: every item of the file says it
            self.error = f"grading {self.path.name} raised {type(error).__name__}: {error}"
            return
        self.config.stash[GRADED].append(self)


class CheckFailed(Exception):
    """The check failed or errored; its text is what `grader check` shows for it."""


class CheckItem(pytest.Item):
    def __init__(self, *, check, **kwargs):
        super().__init__(**kwargs)
        self.check = check
        self.add_marker(pytest.mark.points(check.points))
        if check.hidden:
            self.add_marker(pytest.mark.hidden)
        self.user_properties.append(("points", check.points))

    def setup(self) -> None:
        self.parent.grade_once()
        if self.parent.error is not None:
            pytest.fail(self.parent.error, pytrace=False)  # an error of the item, without the plugin's traceback

    def runtest(self) -> None:
        result = next(result for result in self.parent.report.results if result.name == self.check.name)
        self.user_properties.append(("score", result.score))
        if result.status == "skipped":
            pytest.skip(result.message)
        if result.status in ("failed", "error"):
            label = "TODO" if result.message.startswith(NOT_IMPLEMENTED) else LABELS[result.status][0]
            raise CheckFailed(f"{label:<5} {result.name}  {points(result.score, result.max_score)}\n{result.message}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.parent.exercise_id}: {self.check.name}"


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    graded = config.stash.get(GRADED, [])
    if not graded:
        return
    terminalreporter.ensure_newline()
    terminalreporter.section("points")
    for file in graded:
        report = file.report
        terminalreporter.write_line(f"{file.exercise_id} ({file.nodeid}): {points(report.score, report.max_score)} points")
    score, most = sum(f.report.score for f in graded), sum(f.report.max_score for f in graded)
    terminalreporter.write_line(f"Points: {points(score, most)}", bold=True, green=score == most, red=score < most)
