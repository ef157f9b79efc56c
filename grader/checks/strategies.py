"""Hypothesis building blocks for the inputs of checks.

Every strategy here draws plain NumPy values (torch exercises turn them into CPU tensors with
`tensors`); exercises compose them into *cases*: dicts from the contract's parameter names to
values, in the order of the function's parameters, e.g. `{"z": array(...), "axis": -1}`. Cases
are what counterexamples show.
"""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

from grader.protocol import is_tensor

float_dtypes = st.sampled_from([np.dtype(np.float32), np.dtype(np.float64)])


def floats(dtype, bound: float, min_magnitude: float = 0.0):
    """Finite floats of `dtype` in [-bound, bound]; 0.0 is among the first values tried.

    With `min_magnitude`, values closer to 0 than that are excluded (for finite differences
    away from the kink of relu and friends).
    """
    width = np.dtype(dtype).itemsize * 8
    any_value = st.floats(-bound, bound, width=width, allow_nan=False, allow_subnormal=False)
    if not min_magnitude:
        return any_value
    return any_value.filter(lambda value: abs(value) >= min_magnitude)


def grid(bound: float, per_unit: int):
    """Multiples of 1/per_unit in [-bound, bound], often exactly 0. With a power-of-two
    `per_unit`, these and the small sums and products a check makes of them are exact in
    float32: every correct implementation computes the float64 oracle's values exactly, and
    lands on the same side of every kink and tie, whatever its order of operations."""
    return st.integers(-int(bound * per_unit), int(bound * per_unit)).map(lambda k: k / per_unit)


def extreme_floats(dtype, magnitude: float):
    """Huge values of both signs (where a naive exp overflows), mixed with moderate ones."""
    huge = st.sampled_from([-magnitude, magnitude, -magnitude / 2, 0.9 * magnitude])
    return st.one_of(huge, floats(dtype, 30.0))


def arrays(dtype, shape, elements=None):
    """Arrays of `dtype` and `shape` (a tuple or a strategy), elements in [-10, 10] by default."""
    return hnp.arrays(dtype, shape, elements=floats(dtype, 10.0) if elements is None else elements)


def tensors(dtype, shape, elements=None):
    """`arrays(...)` as torch tensors on the CPU, with the same dtype."""
    import torch

    return arrays(dtype, shape, elements).map(torch.from_numpy)


def shapes(min_dims: int = 1, max_dims: int = 3, min_side: int = 1, max_side: int = 5):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def dtype_of(value) -> np.dtype | None:
    """The NumPy dtype of an array or tensor (torch.float32 -> float32), else None."""
    if isinstance(value, np.ndarray):
        return value.dtype
    if is_tensor(value):
        return np.dtype(str(value.dtype).removeprefix("torch."))
    return None


def first_float_dtype(case) -> np.dtype:
    """The dtype of the first floating-point array or tensor in a case: it sets the tolerance."""
    values = list(case.values()) if isinstance(case, dict) else list(case)
    while values:
        value = values.pop(0)
        dtype = dtype_of(value)
        if dtype is not None and dtype.kind == "f":
            return dtype
        if isinstance(value, (tuple, list)):
            values[:0] = value
    return np.dtype(np.float64)
