"""How values appear in messages: small arrays in full, big ones summarised."""

from __future__ import annotations

import numpy as np

from grader.protocol import Remote, is_tensor, tensor_values

FULL_ARRAY_SIZE = 24  # arrays up to this many elements are shown element by element


def show(value) -> str:
    if is_tensor(value):
        if value.numel() <= FULL_ARRAY_SIZE:
            return repr(value.detach())  # names the dtype when it is not float32, and a device other than the CPU
        return f"{value.dtype} tensor of shape {tuple(value.shape)} on {value.device}" + _span(tensor_values(value))
    if isinstance(value, np.ndarray):
        if value.size <= FULL_ARRAY_SIZE:
            with np.printoptions(precision=6, threshold=FULL_ARRAY_SIZE, linewidth=100):
                return repr(value)  # names the dtype when it is not float64
        return f"{value.dtype} array of shape {value.shape}" + _span(value)
    if isinstance(value, np.generic):
        return f"np.{type(value).__name__}({value.item()!r})"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(show(item) for item in value)
        return f"({inner}{',' if len(value) == 1 else ''})" if isinstance(value, tuple) else f"[{inner}]"
    return repr(value)


def _span(array) -> str:
    if array is None:
        return ""
    finite = array[np.isfinite(array)] if array.dtype.kind in "fc" else array
    return f", values in [{finite.min():.4g}, {finite.max():.4g}]" if finite.size else ""


def show_case(case: dict) -> str:
    return ", ".join(f"{name}={show(value)}" for name, value in case.items())


def kind_of(value) -> str:
    """A short description of a value's type, for "expected X, got Y" messages."""
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    if is_tensor(value):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)} on {value.device}"
    if isinstance(value, Remote):
        return f"a {value.type}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"a {type(value).__name__}"
