"""Gradient checks: a student's backward pass against torch autograd and against central
differences of the student's own forward pass, in float64."""

from __future__ import annotations

import numpy as np

from grader.checks.agreement import Mistake, recognise
from grader.checks.compare import FINITE_DIFFERENCES, compare, tolerance_for
from grader.checks.core import Check, Failure, WrongType, for_all
from grader.checks.strategies import first_float_dtype

STEP = 1e-6


def forward_then_backward(student, forward: str, backward: str, case: dict, return_args: bool = False):
    """Run `forward(*inputs)`, then `backward(dout, cache)`; the case holds `dout` last.

    Returns the backward's result, or with `return_args` the list of
    (function, args sent, args after the call, result) of both calls, where the forward's result
    is its `out` alone: the cache is the student's own business, of any type and dtype.
    """
    *inputs, dout = case.values()
    forward_result = student.call(forward, *inputs, return_args=return_args)
    result, inputs_after = forward_result if return_args else (forward_result, None)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise WrongType(f"{forward} should return the pair (out, cache), got {result!r:.80}")
    backward_result = student.call(backward, dout, result[1], return_args=return_args)
    if not return_args:
        return backward_result
    grads, backward_args_after = backward_result
    return [(forward, inputs, inputs_after, result[0]), (backward, [dout, result[1]], backward_args_after, grads)]


def backward_agrees(
    name: str,
    points: float,
    *,
    forward: str,
    backward: str,
    inputs,
    oracle,
    label: str | None = None,
    mistakes: tuple[Mistake, ...] = (),
    examples: int = 25,
) -> Check:
    """`backward(dout, cache)` after `forward(*inputs)` equals the oracle's gradients
    (usually `oracles.vector_jacobian`), for an upstream gradient `dout` drawn at random."""

    def claim(student, case):
        got = forward_then_backward(student, forward, backward, case)
        tolerance = tolerance_for(first_float_dtype(case))
        try:
            compare(got, oracle(**case), tolerance, label or f"{backward}(...)")
        except Failure as failure:
            failure.hint = recognise(mistakes, got, case, tolerance)
            raise

    return Check(name, points, (forward, backward), for_all(inputs, claim, examples))


def central_differences(name: str, points: float, *, function: str, inputs, wrt: str, examples: int = 8) -> Check:
    """The gradient a loss function returns (item 1 of `(loss, grad)`) equals the central
    differences (f(x+h) - f(x-h)) / 2h of its own loss (item 0), on float64 inputs.

    `case[wrt]` is an array or a list of tuples of arrays (an MLP's parameters); the gradient
    has the same structure. Inputs should be small: each element costs two calls.
    """

    def claim(student, case):
        def loss_and_grad(point):
            value = student.call(function, *{**case, wrt: point}.values())
            if not isinstance(value, (tuple, list)) or len(value) != 2:
                raise WrongType(f"{function} should return (loss, gradient), got {value!r:.80}")
            return value

        loss_at = lambda point: float(np.asarray(loss_and_grad(point)[0]))  # noqa: E731
        numeric = _map_arrays(case[wrt], lambda array, rebuild: _numeric_gradient(loss_at, array, rebuild))
        got = loss_and_grad(case[wrt])[1]
        compare(got, numeric, FINITE_DIFFERENCES, f"gradient of {function} w.r.t. {wrt}")

    return Check(name, points, (function,), for_all(inputs, claim, examples))


def _numeric_gradient(loss_at, array: np.ndarray, rebuild) -> np.ndarray:
    gradient = np.zeros_like(array, dtype=np.float64)
    for index in np.ndindex(array.shape):
        shifted = array.copy()
        shifted[index] = array[index] + STEP
        above = loss_at(rebuild(shifted))
        shifted[index] = array[index] - STEP
        below = loss_at(rebuild(shifted))
        gradient[index] = (above - below) / (2 * STEP)
    return gradient


def _map_arrays(structure, gradient_of, rebuild=lambda leaf: leaf):
    """Apply `gradient_of(array, rebuild)` to every array in a nesting of lists and tuples;
    `rebuild(new_array)` gives the whole structure with that one array replaced."""
    if isinstance(structure, np.ndarray):
        return gradient_of(structure, rebuild)
    return type(structure)(
        _map_arrays(item, gradient_of, lambda leaf, i=i: rebuild(_replace(structure, i, leaf)))
        for i, item in enumerate(structure)
    )


def _replace(sequence, index: int, item):
    items = list(sequence)
    items[index] = item
    return type(sequence)(items)
