"""A check is a claim about the student's code, worth some points.

`Check.body(student)` returns if the claim holds (optionally with a note for the student, such as
a measured speed) and raises `Failure` if it does not, or `Skip` when it cannot be tried here (no
GPU); most bodies are built by `for_all`, which tries the claim on Hypothesis-generated inputs
and, when it fails, shrinks to the smallest failing input. `run_check` turns whatever happens
into a `CheckResult`: passed, failed (the claim is false, the function is not implemented yet, or
it calls the library op it should re-implement), error (the student's code raised, exited,
crashed, hung or returned the wrong kind of value) or skipped.
"""

from __future__ import annotations

import dataclasses
import textwrap
import time
from dataclasses import dataclass
from typing import Callable

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.internal.conjecture import providers

from grader.checks.forbidden import forbidden_uses
from grader.checks.result import CheckResult, Status
from grader.checks.show import show_case
from grader.student import (Crashed, Exited, LoadFailed, NotImplementedYet, Raised, Refused, Student, StudentError,
                            TimedOut, UsedForbidden)

# Hypothesis (6.170, pinned) mixes constants mined from the source of every "local" module loaded
# so far (here: the grader's own, when installed in editable mode) into what it draws. Which
# modules those are depends on what the process did before, so the same check could draw other
# inputs in another process: a grade must not. No public setting turns it off; an empty pool does.
providers._get_local_constants = lambda: providers._local_constants.__class__()

# Deterministic grading: a fixed seed per test, no example database, no time-based deadlines.
HYPOTHESIS = dict(
    derandomize=True,
    database=None,
    deadline=None,
    verbosity=Verbosity.quiet,
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    print_blob=False,
)


class Failure(AssertionError):
    """The claim is false. `detail` says how (expected vs got); `hint` names a known mistake."""

    def __init__(self, detail: str, hint: str | None = None):
        super().__init__(detail)
        self.detail, self.hint = detail, hint
        self.case: dict | None = None


class WrongType(Failure):
    """The student's function returned the wrong kind of thing (a list for an array, a number
    for a pair): an error of the code rather than a wrong value."""


class Skip(Exception):
    """The claim cannot be tried on this machine (a GPU check without CUDA): no points either way,
    and not counted in the maximum."""


class Abort(BaseException):
    """Ends a Hypothesis run at once (Hypothesis only shrinks `Exception`s): a missing
    implementation, an exit, a hang or a crash says nothing new on a smaller input."""

    def __init__(self, error: StudentError):
        super().__init__(str(error))
        self.error = error


ABORTING = (NotImplementedYet, Exited, TimedOut, Crashed, LoadFailed, UsedForbidden, Refused)


@dataclass(frozen=True)
class Check:
    name: str  # the claim, as the student reads it: "softmax rows sum to 1"
    points: float
    uses: tuple[str, ...]  # the student functions it calls
    body: Callable[[Student], str | None]  # returns an optional note, raises Failure or Skip
    time_limit: float = 10.0  # seconds of the student's code, shrinking included
    hidden: bool = False  # official grading only: not in the student release, pass/fail in feedback


def hidden(check: Check) -> Check:
    """Mark a check hidden. Its code must also lie between `# BEGIN HIDDEN` and `# END HIDDEN`,
    which `grader release` cuts out of the student release (grader.release)."""
    return dataclasses.replace(check, hidden=True)


def for_all(inputs, claim: Callable[[Student, dict], None], examples: int = 25):
    """A check body: `claim(student, case)` for every case Hypothesis draws from `inputs`."""

    def body(student: Student) -> None:
        last_failure = None

        @settings(max_examples=examples, **HYPOTHESIS)
        @given(inputs)
        def test(case):
            nonlocal last_failure
            try:
                claim(student, case)
            except ABORTING as error:
                raise Abort(error) from None
            except (Failure, Raised) as failure:
                failure.case = case  # the last one raised is on the shrunk input
                last_failure = failure
                raise

        try:
            test()
        except Abort as abort:
            # A timeout while shrinking a real failure: report the failure found so far.
            if isinstance(abort.error, TimedOut) and last_failure is not None:
                raise last_failure from None
            raise

    return body


def run_check(check: Check, student: Student) -> CheckResult:
    started = time.perf_counter()

    def result(status: Status, message: str = "") -> CheckResult:
        score = check.points if status == "passed" else 0.0
        printed = student.printed() if status in ("failed", "error") and "its last output was" not in message else ""
        if printed:  # as pytest does: what the code printed, shown when it fails
            message += f"\nyour code printed (last lines):\n{textwrap.indent(printed, '  ')}"
        return CheckResult(check.name, score, check.points, status, message, check.hidden,
                           time.perf_counter() - started)

    try:
        names = student.load().names
        missing = [name for name in check.uses if name not in names]
        if missing:
            return result("error", f"`{missing[0]}` is not defined in {student.submission.path.name}")
        uses = forbidden_uses(student.submission, student.forbidden, check.uses) if student.forbidden else []
        if uses:
            return result("failed", _forbidden_message(str(uses[0])))
        with student.time_limit(check.time_limit):
            note = check.body(student)
    except Skip as skip:
        return result("skipped", str(skip))
    except Abort as abort:
        return _error_result(abort.error, result)
    except ABORTING as error:
        return _error_result(error, result)
    except Failure as failure:
        return result("error" if isinstance(failure, WrongType) else "failed", _failure_message(failure))
    except Raised as error:
        return result("error", f"{error}{_on_input(error)}")
    except Exception as bug:  # a bug of the grader's own: this check is lost, not the whole run
        return result("error", f"internal error of the grader ({type(bug).__name__}: {bug}); "
                               "this is not your fault, please report it")
    finally:
        student.stop()  # the next check gets a fresh worker: nothing this one left behind reaches it
    return result("passed", note or "")


def _error_result(error: StudentError, result) -> CheckResult:
    if isinstance(error, NotImplementedYet):
        return result("failed", f"not implemented: `{error.function}` still raises NotImplementedError")
    if isinstance(error, Exited):
        return result("error", f"`{error.function}` tried to stop the program ({error}); "
                               "return a value instead of calling sys.exit() or quit()")
    if isinstance(error, UsedForbidden):
        return result("failed", _forbidden_message(str(error)))
    if isinstance(error, (TimedOut, Crashed)):
        return result("error", f"your code {error}")
    return result("error", str(error))


def _forbidden_message(use: str) -> str:
    return (f"{use}: this exercise asks you to write that yourself, so this check gives no points "
            "even though the numbers may be right")


def _on_input(error) -> str:
    return f"\nsmallest failing input: {show_case(error.case)}" if getattr(error, "case", None) else ""


def _failure_message(failure: Failure) -> str:
    message = failure.detail + _on_input(failure)
    return message + (f"\nhint: {failure.hint}" if failure.hint else "")
