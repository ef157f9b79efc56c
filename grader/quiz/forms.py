"""The forms of an answer: its canonical text, which the sealed keys of a release compare by hash
(grader.quiz.seal), and every form a right answer can take.

Numbers are put on a grid: exact questions (tolerance 0) by their value; `relative` ones by 5
significant digits; `tolerance` ones by tenths of the tolerance's leading decimal place. The right
forms are every grid point that an answer within the tolerance rounds to, so that a sealed key
never rejects an answer official grading accepts; it may accept one that misses the tolerance by
less than a step (a unit in the 5th significant digit).
"""

from __future__ import annotations

import math
import unicodedata

SIGNIFICANT_DIGITS = 5


def normalise(text: str) -> str:
    """A short answer as compared: Unicode NFKC, case folded, without spaces, hyphens and
    underscores ("Mean-squared error" is "meansquarederror")."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(character for character in folded if not character.isspace() and character not in "-_")


def form(question, answer) -> str | None:
    """The canonical text of `answer` to `question`, or None for an answer of the wrong type."""
    if question.kind in ("single", "multiple"):
        chosen = answer if isinstance(answer, list) else [answer]
        if not all(isinstance(option, int) and not isinstance(option, bool) for option in chosen) \
                or len(set(chosen)) != len(chosen):
            return None
        return ",".join(str(option) for option in sorted(chosen))
    if question.kind == "short":
        return normalise(answer) if isinstance(answer, str) else None
    try:
        value = float(answer) + 0.0  # + 0.0: "-0.0" is "0.0"
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    if question.relative:
        return f"{value:.{SIGNIFICANT_DIGITS - 1}e}"
    if question.tolerance:
        return str(round(value / _step(question.tolerance)))
    return repr(value)


def right_forms(question, key) -> set[str]:
    """Every form of a right answer, given the plain key as grader.quiz.grading.pose makes it."""
    if question.kind in ("single", "multiple"):
        return {form(question, sorted(key))}
    if question.kind == "short":
        return set(key)
    if question.relative:
        margin = question.relative * abs(key)
        forms = set()
        for exponent in {_exponent(key - margin), _exponent(key + margin)}:
            step = 10.0 ** (exponent - SIGNIFICANT_DIGITS + 1)
            forms |= {form(question, m * step) for m in _grid(key - margin, key + margin, step)}
        return forms
    if question.tolerance:
        step = _step(question.tolerance)
        return {str(m) for m in _grid(key - question.tolerance, key + question.tolerance, step)}
    return {form(question, key)}


def _grid(low: float, high: float, step: float) -> range:
    """The multiples of `step` that a number from `low` to `high` rounds to (with a hair of
    slack for the rounding of floats)."""
    return range(math.ceil(low / step - 0.5 - 1e-6), math.floor(high / step + 0.5 + 1e-6) + 1)


def _exponent(value: float) -> int:
    return int(f"{value:e}".split("e")[1])


def _step(tolerance: float) -> float:
    return 10.0 ** (_exponent(tolerance) - 1)
