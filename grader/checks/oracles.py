"""Torch as the oracle: expected values and gradients computed in float64 from the same inputs.

An oracle is a function of a case's fields (`oracle(**case)`) that returns NumPy float64 values
(`as_tensors` makes it return float64 tensors, what torch exercises are compared with); these
helpers turn torch functions into oracles, with autograd for the gradients. Cases may hold
arrays or tensors: either way the oracle computes in float64 on the CPU.
"""

from __future__ import annotations

import numpy as np
import torch

# Oracle tensors are tiny: extra threads only spin and contend on a busy machine (one op took
# 10 ms instead of 0.03 ms with the other core loaded), and one thread also fixes the order of
# every reduction.
torch.set_num_threads(1)


def tensor(value) -> torch.Tensor:
    """A float64 CPU tensor of `value` (an array, tensor or number); integer values stay integer."""
    if isinstance(value, torch.Tensor):  # a copy: the case's own tensor stays as the student got it
        return value.detach().to("cpu", torch.float64 if value.is_floating_point() else value.dtype, copy=True)
    array = np.asarray(value)
    return torch.from_numpy(array.astype(np.float64) if array.dtype.kind == "f" else array.copy())


def numpy(value):
    """Tensors (in any nesting of tuples and lists) to float64 arrays; 0-d results to floats."""
    if isinstance(value, (tuple, list)):
        return type(value)(numpy(item) for item in value)
    if isinstance(value, torch.Tensor):
        array = value.detach().to(torch.float64).numpy()
        return float(array) if array.shape == () else array
    return value


def as_tensors(oracle):
    """The oracle, with its arrays returned as float64 tensors (numbers stay numbers)."""

    def tensor_oracle(**case):
        return _arrays_to_tensors(oracle(**case))

    return tensor_oracle


def _arrays_to_tensors(value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_arrays_to_tensors(item) for item in value)
    return value


def torch_function(function):
    """`function(**tensors)` as an oracle: arrays in, float64 arrays out."""

    def oracle(**case):
        return numpy(function(**{name: _to_torch(value) for name, value in case.items()}))

    return oracle


def value_and_grad(loss, wrt: str):
    """Oracle of `(loss, d loss / d case[wrt])`, the return value of the curriculum's losses."""

    def oracle(**case):
        inputs = {name: _to_torch(value) for name, value in case.items()}
        inputs[wrt].requires_grad_(True)
        value = loss(**inputs)
        (grad,) = torch.autograd.grad(value, [inputs[wrt]])
        return value.item(), grad.numpy()

    return oracle


def vector_jacobian(forward, wrt: tuple[str, ...]):
    """Oracle of a backward pass: the gradients of `sum(forward(...) * dout)` w.r.t. `wrt`,
    one array, or a tuple in the order of `wrt`. The case holds `dout` beside the inputs."""

    def oracle(dout, **case):
        inputs = {name: _to_torch(value) for name, value in case.items()}
        for name in wrt:
            inputs[name].requires_grad_(True)
        # The gradient of the scalar sum(out * dout): the same numbers, and unlike passing `dout`
        # as grad_outputs, it never imports sympy (a second, on the first call in a process).
        weighted = (forward(**inputs) * tensor(dout)).sum()
        grads = torch.autograd.grad(weighted, [inputs[name] for name in wrt])
        arrays = tuple(grad.numpy() for grad in grads)
        return arrays[0] if len(wrt) == 1 else arrays

    return oracle


def _to_torch(value):
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return tensor(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_to_torch(item) for item in value)
    return value
