"""Contract checks that hold for every function of the curriculum: inputs are never mutated,
and float32 in gives float32 out (float64 likewise), for NumPy arrays and torch tensors alike.

Both take `calls`: a list of `Call`s, each a function (or a forward/backward pair) with the
strategy of its inputs; the claim must hold for every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from grader.checks.core import Check, Failure, for_all
from grader.checks.gradients import forward_then_backward
from grader.checks.show import show
from grader.checks.strategies import dtype_of
from grader.protocol import is_tensor, tensor_values


@dataclass(frozen=True)
class Call:
    """`function(*case)`, or with `backward`, `function(*inputs)` then `backward(dout, cache)`."""

    function: str
    inputs: object  # a strategy of cases
    backward: str | None = None

    @property
    def uses(self) -> tuple[str, ...]:
        return (self.function, self.backward) if self.backward else (self.function,)

    def run(self, student, case: dict) -> list[tuple[str, list, list, object]]:
        """(function, args sent, args after the call, result) of each call made."""
        if self.backward:
            return forward_then_backward(student, self.function, self.backward, case, return_args=True)
        result, args_after = student.call(self.function, *case.values(), return_args=True)
        return [(self.function, list(case.values()), args_after, result)]


def keeps_inputs(name: str, points: float, calls: list[Call], examples: int = 15) -> Check:
    """No call changes an array it was given."""

    def claim(student, call, case):
        for function, sent, after, _ in call.run(student, case):
            # Arrays nested in lists (an MLP's [(W, b), ...]) count too.
            arrays_before, arrays_after = list(arrays_in(sent)), list(arrays_in(after))
            if len(arrays_before) != len(arrays_after):
                raise Failure(f"{function} added or removed arrays in a list it was given")
            for before, now in zip(arrays_before, arrays_after):
                if not np.array_equal(_values(before), _values(now), equal_nan=True):
                    raise Failure(f"{function} changed an input in place: it was "
                                  f"{show(before)} and became {show(now)}",
                                  "compute into a new array or tensor (x = x + …, x.clamp(min=0)) rather than "
                                  "writing into the input (x += …, x[mask] = 0, x.add_(…))")

    return _over_calls(name, points, calls, claim, examples)


def keeps_dtype(name: str, points: float, calls: list[Call], examples: int = 10) -> Check:
    """Every floating-point array returned has the dtype of the floating-point inputs."""

    def claim(student, call, case):
        for function, sent, _, result in call.run(student, case):
            dtype = next(dtype_of(a) for a in arrays_in(sent) if dtype_of(a).kind == "f")
            for array in arrays_in(result):
                if dtype_of(array).kind == "f" and dtype_of(array) != dtype:
                    kind = "tensor" if is_tensor(array) else "array"
                    raise Failure(f"{function} returned a {dtype_of(array)} {kind} for {dtype} input",
                                  "create tensors with the input's dtype (torch.zeros_like(x), dtype=x.dtype)"
                                  if is_tensor(array) else "create arrays with the input's dtype "
                                  "(np.zeros_like(x), x.dtype.type(1)) instead of float64 defaults")

    return _over_calls(name, points, calls, claim, examples)


def _over_calls(name, points, calls: list[Call], claim, examples: int) -> Check:
    """One check: `claim(student, call, case)` for every call, on its own drawn cases."""

    def body(student):
        for call in calls:
            for_all(call.inputs, lambda student, case, call=call: claim(student, call, case), examples)(student)

    uses = tuple(dict.fromkeys(function for call in calls for function in call.uses))
    return Check(name, points, uses, body)


def _values(array) -> np.ndarray:
    return tensor_values(array) if is_tensor(array) else array


def arrays_in(value):
    """Every array and tensor in a nesting of tuples and lists."""
    if isinstance(value, np.ndarray) or is_tensor(value):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from arrays_in(item)
