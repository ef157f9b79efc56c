"""Timing a student's function against torch's own op, interleaved in the same process.

Each round times one call of each, back to back, and keeps their ratio; the median of the
rounds is robust to a neighbour stealing the CPU for a while, because both sides of a round
see (nearly) the same machine.
"""

from __future__ import annotations

import statistics
import time

import torch
import torch.nn.functional as F

from grader.drivers.devices import synchronize


def _conv2d_step(x, weight, bias, stride, padding, dout):
    """Forward and backward of torch's convolution, the baseline of a student's pair."""
    leaves = [t.detach().requires_grad_() for t in (x, weight, bias)]
    out = F.conv2d(*leaves, stride=stride, padding=padding)
    return torch.autograd.grad(out, leaves, dout)


def _pool_step(pool):
    def step(x, kernel_size, stride, dout):
        leaf = x.detach().requires_grad_()
        return torch.autograd.grad(pool(leaf, kernel_size, stride), [leaf], dout)

    return step


def _batchnorm_step(x, gamma, beta, running_mean, running_var, training, momentum, eps, dout):
    leaves = [t.detach().requires_grad_() for t in (x, gamma, beta)]
    out = F.batch_norm(leaves[0], running_mean.clone(), running_var.clone(), leaves[1], leaves[2], training,
                       momentum, eps)
    return torch.autograd.grad(out, leaves, dout)


# Torch's ops, by the name a check gives them. Bound at import, before any student code runs.
BASELINES = {
    "conv2d": lambda x, weight, bias, stride, padding: F.conv2d(x, weight, bias, stride, padding),
    "conv2d forward and backward": _conv2d_step,
    "max_pool2d forward and backward": _pool_step(F.max_pool2d),
    "avg_pool2d forward and backward": _pool_step(F.avg_pool2d),
    "batch_norm": lambda x, gamma, beta, running_mean, running_var, training, momentum, eps: F.batch_norm(
        x, running_mean.clone(), running_var.clone(), gamma, beta, training, momentum, eps),
    "batch_norm forward and backward": _batchnorm_step,
}


def median_ratio(student, functions: list[str], baseline: str, args: list, dout=None, rounds: int = 9,
                 budget: float = 1.5) -> dict:
    """The median over `rounds` of (time of the student's calls) / (time of torch's op).

    `functions` is `[f]`, timed as `f(*args)`, or `[forward, backward]`, timed as
    `backward(dout, forward(*args)[1])`; the baseline gets `args` (and `dout`). After three
    rounds, it stops once the student's calls have used `budget` seconds: a naive loop is
    slow enough by then to tell.
    """
    torch_op = BASELINES[baseline]
    torch_args = args if dout is None else [*args, dout]
    calls = [getattr(student, name) for name in functions]

    def student_step():
        result = calls[0](*args)
        if len(calls) == 2:
            calls[1](dout, result[1])

    ratios, spent = [], 0.0
    student_step(), torch_op(*torch_args)  # warm-up: caches, lazy initialisation, allocator
    while len(ratios) < rounds and (len(ratios) < 3 or spent < budget):
        mine = _seconds(student_step)
        theirs = _seconds(lambda: torch_op(*torch_args))
        ratios.append(mine / max(theirs, 1e-9))
        spent += mine
    return {"ratio": statistics.median(ratios), "rounds": len(ratios), "torch_seconds": theirs}


def _seconds(step) -> float:
    synchronize()
    start = time.perf_counter()
    step()
    synchronize()
    return time.perf_counter() - start
