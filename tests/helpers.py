"""Grading variants of the reference: the reference with some functions replaced."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from grader.checks.core import CheckResult
from grader.runner import grade

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong implementation that `check` must catch."""

    check: str
    code: str  # definitions that replace the reference's
    hint: str | None = None  # a fragment of the hint the failure must show
    status: str = "failed"
    cuda: bool = False  # a GPU check: it is skipped, whatever the code, where there is no CUDA

    def __str__(self) -> str:
        return self.check


def reference_with(exercise_id: str, code: str) -> str:
    """The reference solution, with the definitions in `code` replacing its own."""
    reference = (ROOT / "reference" / f"{exercise_id}.py").read_text()
    return reference + "\n\n# -- replaced by the test --\n" + textwrap.dedent(code)


def grade_source(tmp_path: Path, exercise_id: str, source: str | bytes, only=None, name="submission.py"):
    """Grade `source` (text, or raw bytes for files that are not UTF-8) saved as `name`."""
    path = tmp_path / name
    path.write_bytes(source.encode() if isinstance(source, str) else source)
    return {result.name: result for result in grade(exercise_id, path, only=only).results}


def assert_catches(tmp_path: Path, exercise_id: str, wrong: Wrong) -> CheckResult:
    results = grade_source(tmp_path, exercise_id, reference_with(exercise_id, wrong.code), only=[wrong.check])
    result = results[wrong.check]
    assert result.status == wrong.status, result.message
    assert result.score == 0
    if wrong.hint:
        assert "hint: " in result.message and wrong.hint in result.message.split("hint: ", 1)[1], result.message
    return result
