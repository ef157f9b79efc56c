"""Timing a student's function against torch's own op, interleaved in the same process.

Rounds alternate which side runs first, and the ratio reported is the fastest student call over
the fastest torch call. The fastest call is the one nothing interrupted: on a busy machine a
call longer than about a millisecond is often preempted, which makes medians of per-round ratios
swing by 10x, while the minimum moved by under 10% between an idle and a loaded 2-core machine.

Torch's side computes gradients with its backward ops directly, never with autograd: the first
autograd call with an upstream gradient imports sympy (about a second), which would land in
whichever round came first.
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch.nn.grad import conv2d_input, conv2d_weight

from grader.drivers.devices import synchronize

aten = torch.ops.aten


def _conv2d_pair(x, weight, bias, stride, padding, dout):
    F.conv2d(x, weight, bias, stride, padding)
    return (conv2d_input(x.shape, weight, dout, stride, padding),
            conv2d_weight(x, weight.shape, dout, stride, padding), dout.sum((0, 2, 3)))


def _max_pool2d_pair(x, kernel_size, stride, dout):
    stride = stride or kernel_size
    _, indices = F.max_pool2d(x, kernel_size, stride, return_indices=True)
    return aten.max_pool2d_with_indices_backward(dout, x, [kernel_size] * 2, [stride] * 2, [0, 0], [1, 1], False,
                                                 indices)


def _avg_pool2d_pair(x, kernel_size, stride, dout):
    stride = stride or kernel_size
    F.avg_pool2d(x, kernel_size, stride)
    return aten.avg_pool2d_backward(dout, x, [kernel_size] * 2, [stride] * 2, [0, 0], False, True, None)


def _batch_norm(x, gamma, beta, running_mean, running_var, training, momentum, eps):
    return F.batch_norm(x, running_mean.clone(), running_var.clone(), gamma, beta, training, momentum, eps)


def _batch_norm_pair(x, gamma, beta, running_mean, running_var, training, momentum, eps, dout):
    _, mean, invstd = torch.native_batch_norm(x, gamma, beta, running_mean.clone(), running_var.clone(), training,
                                              momentum, eps)
    return aten.native_batch_norm_backward(dout, x, gamma, running_mean, running_var, mean, invstd, training, eps,
                                           [True, True, True])


# Torch's ops, by the name a check gives them, called with the contract's arguments (and `dout`
# for a forward and backward pair). Bound here, at import, before any student code runs.
BASELINES = {
    "conv2d": lambda x, weight, bias, stride, padding: F.conv2d(x, weight, bias, stride, padding),
    "conv2d forward and backward": _conv2d_pair,
    "max_pool2d forward and backward": _max_pool2d_pair,
    "avg_pool2d forward and backward": _avg_pool2d_pair,
    "batch_norm": _batch_norm,
    "batch_norm forward and backward": _batch_norm_pair,
}


def ratio(student, functions: list[str], baseline: str, args: list, dout=None, rounds: int = 15,
          budget: float = 0.25) -> dict:
    """min(time of the student's calls) / min(time of torch's op) over interleaved rounds.

    `functions` is `[f]`, timed as `f(*args)`, or `[forward, backward]`, timed as
    `backward(dout, forward(*args)[-1])` (the cache is a forward's last result); the baseline gets `args` (and `dout`). After three
    rounds the student's side stops once its calls have used `budget` seconds (a naive loop is
    slow enough by then to tell); torch's side always runs every round.
    """
    torch_op = BASELINES[baseline]
    torch_args = args if dout is None else [*args, dout]
    calls = [getattr(student, name) for name in functions]

    def student_step():
        result = calls[0](*args)
        if len(calls) == 2:
            calls[1](dout, result[-1])

    def torch_step():
        torch_op(*torch_args)

    student_step(), torch_step()  # warm-up: caches, lazy initialisation, the allocator
    mine, theirs = [], []
    for round_number in range(rounds):
        student_turn = round_number < 3 or sum(mine) < budget
        order = (student_step, torch_step) if round_number % 2 == 0 else (torch_step, student_step)
        for step in order:
            if step is torch_step:
                theirs.append(_seconds(step))
            elif student_turn:
                mine.append(_seconds(step))
    return {"ratio": min(mine) / max(min(theirs), 1e-9), "rounds": len(mine), "torch_seconds": min(theirs)}


def _seconds(step) -> float:
    synchronize()
    start = time.perf_counter()
    step()
    synchronize()
    return time.perf_counter() - start
