"""Claims of the form "the student's function agrees with an oracle on every drawn input"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from grader.checks.compare import compare, matches, tolerance_for
from grader.checks.core import Check, Failure, WrongType, for_all
from grader.checks.strategies import first_float_dtype


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation: if what the check compares (the result, or its `part`)
    equals `model(**case)`, the failure shows `hint`."""

    hint: str
    model: Callable


def holds(name: str, points: float, *, uses: tuple[str, ...] | str, inputs, claim, examples: int = 25) -> Check:
    """A property: `claim(student, case)` raises `Failure` when it does not hold."""
    uses = (uses,) if isinstance(uses, str) else uses
    return Check(name, points, uses, for_all(inputs, claim, examples))


def agrees(
    name: str,
    points: float,
    *,
    function: str,
    inputs,
    oracle: Callable,
    part: int | None = None,
    label: str | None = None,
    quiet: bool = False,
    mistakes: tuple[Mistake, ...] = (),
    hint: str | None = None,
    examples: int = 25,
) -> Check:
    """`function(*case)` equals `oracle(**case)` within the tolerance of the inputs' dtype.

    part:   compare only item `part` of a tuple result (a loss's value, or its gradient)
    quiet:  the call must also raise no warning (overflow in exp, division by zero, …)
    hint:   shown on any failure; a matching `mistakes` model gives a more precise one
    """
    label = label or f"{function}(...)" + (f"[{part}]" if part is not None else "")

    def claim(student, case):
        got = student.call(function, *case.values())
        tolerance = tolerance_for(first_float_dtype(case))
        expected = oracle(**case)
        if part is not None:
            if not isinstance(got, (tuple, list)) or len(got) <= part:
                raise WrongType(f"{function} should return a tuple of {part + 1} or more values, got {got!r:.80}")
            got, expected = got[part], expected[part]
        try:
            compare(got, expected, tolerance, label)
        except Failure as failure:
            failure.hint = recognise(mistakes, got, case, tolerance) or hint
            raise
        if quiet and student.warnings:
            raise Failure(f"{function} warned: {'; '.join(student.warnings)}", hint)

    return Check(name, points, (function,), for_all(inputs, claim, examples))


def recognise(mistakes, got, case: dict, tolerance) -> str | None:
    """The hint of the first known mistake whose result `got` equals, if any."""
    for mistake in mistakes:
        try:
            with np.errstate(all="ignore"):
                wrong = mistake.model(**case)
        except Exception:  # the wrong model has no value here (a shape it cannot take): no match
            continue
        if matches(got, wrong, tolerance):
            return mistake.hint
    return None
