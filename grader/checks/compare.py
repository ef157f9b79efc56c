"""Comparing what the student returned with what was expected.

Tolerances come from the dtype of the student's inputs, never from luck: a float32 computation
is allowed about a thousand units in the last place (rtol 1e-4), a float64 one far less
(rtol 1e-9). The absolute part scales with the largest expected magnitude, so that a correct
sum of large terms that cancels to almost zero is not failed for rounding.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from grader.checks.core import Failure, WrongType
from grader.checks.show import FULL_ARRAY_SIZE, kind_of, show
from grader.protocol import is_tensor, tensor_values

TOLERANCES = {  # dtype: (rtol, atol)
    np.dtype(np.float32): (1e-4, 1e-5),
    np.dtype(np.float64): (1e-9, 1e-12),
}
# Central differences with step 1e-6 in float64 are accurate to about 1e-9 of the gradient's
# scale on the smooth, bounded functions they are used on; this leaves a wide margin.
FINITE_DIFFERENCES = (1e-5, 1e-6)


def tolerance_for(dtype) -> tuple[float, float]:
    return TOLERANCES[np.dtype(dtype)]


def is_real_scalar(value) -> bool:
    return (isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_))) or (
        isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf"
    )


def close(got, expected, tolerance) -> np.ndarray:
    """Elementwise: is `got` within `tolerance` (rtol, atol) of `expected`? (NaN is never close.)"""
    rtol, atol = tolerance
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0, where=np.isfinite(expected))))
    with np.errstate(invalid="ignore"):
        within = np.abs(got - expected) <= rtol * np.abs(expected) + atol * scale
    return within | ((got == expected) & np.isinf(expected))


def matches(got, expected, tolerance) -> bool:
    """Does `got` have `expected`'s structure and values? (Used to recognise known mistakes.)"""
    try:
        compare(got, expected, tolerance)
    except Failure:
        return False
    return True


def compare(got, expected, tolerance, label: str = "the result") -> None:
    """Raise `Failure` unless `got` has the structure of `expected` and values within tolerance.

    `expected` is a float64 array or tensor, a float, an int, or a tuple/list of those; a list of
    ints must match exactly (counts), floats, arrays and tensors within `tolerance` (rtol, atol).
    A tensor is expected as a tensor (on any device), an array as a NumPy array.
    """
    if isinstance(expected, (tuple, list)) and not _all_ints(expected):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise WrongType(f"{label} should be a {type(expected).__name__} of {len(expected)} values, "
                          f"got {kind_of(got)}")
        for index, (got_item, expected_item) in enumerate(zip(got, expected)):
            compare(got_item, expected_item, tolerance, f"{label}[{index}]")
    elif isinstance(expected, list):
        if not isinstance(got, (tuple, list)) or not all(isinstance(x, (Integral, np.integer)) for x in got):
            raise WrongType(f"{label} should be a list of ints, got {show(got)}")
        if list(map(int, got)) != expected:
            raise Failure(f"{label}: expected {expected}, got {list(map(int, got))}")
    elif isinstance(expected, (float, int)):
        if not is_real_scalar(got):
            raise WrongType(f"{label} should be a number, got {kind_of(got)}")
        if not close(got, expected, tolerance):
            raise Failure(f"{label}: expected {expected!r}, got {float(got)!r}")
    elif is_tensor(expected):
        if not is_tensor(got):
            raise WrongType(f"{label} should be a torch.Tensor of shape {tuple(expected.shape)}, got {kind_of(got)}")
        _compare_arrays(tensor_values(got), tensor_values(expected), tolerance, label)
    else:
        _compare_arrays(got, np.asarray(expected), tolerance, label)


def agree_in_order(steps, tolerance, context: str) -> None:
    """Compare the steps of a computation in the order it makes them (the loss, then the
    gradients from the output back to the input, …): `steps` is a list of (what, comparisons),
    each comparison a (got, expected, label) for `compare`. The first difference raises its
    `Failure`, prefixed by `context` and followed by what agreed before it: where a chain of
    computations first goes wrong is where the mistake is."""
    agreed = []
    for what, comparisons in steps:
        try:
            for got, expected, label in comparisons:
                compare(got, expected, tolerance, label)
        except Failure as failure:
            failure.detail = f"{context}: {failure.detail}"
            if agreed:
                failure.detail += f"\n({', '.join(agreed)} agree with torch autograd)"
            raise
        agreed.append(what)


def _all_ints(values) -> bool:
    return all(isinstance(value, int) and not isinstance(value, bool) for value in values)


def _compare_arrays(got, expected: np.ndarray, tolerance, label: str) -> None:
    if not isinstance(got, np.ndarray):
        raise WrongType(f"{label} should be a numpy array of shape {expected.shape}, got {kind_of(got)}")
    if got.shape != expected.shape:
        raise Failure(f"{label} has shape {got.shape}, expected {expected.shape}")
    if got.dtype.kind not in "biuf":
        raise WrongType(f"{label} has dtype {got.dtype}, expected a real floating-point array")
    within = close(got, expected, tolerance)
    if within.all():
        return
    if expected.size <= FULL_ARRAY_SIZE:
        raise Failure(f"{label} is wrong\nexpected: {show(expected)}\ngot:      {show(got)}")
    errors = np.where(within, 0.0, np.abs(got.astype(np.float64) - expected))
    errors[np.isnan(errors)] = np.inf
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    relative = errors[worst] / abs(expected[worst]) if expected[worst] else np.inf
    raise Failure(
        f"{label} is wrong at {np.count_nonzero(~within)} of {expected.size} positions; "
        f"the worst is index {tuple(map(int, worst))}: expected {expected[worst]:.6g}, got {got[worst]:.6g} "
        f"(abs error {errors[worst]:.3g}, rel error {relative:.3g})"
    )
