"""Run-time detection of forbidden library calls: `conv2d_forward` calling `F.conv2d`, a batch
norm calling `F.batch_norm`, an optimizer built on `torch.optim.Adam`, a backward pass computed
with `.backward()`.

A `TorchFunctionMode` sees every torch function called from Python, however it was reached
(`F.conv2d`, `torch.conv2d`, `nn.Conv2d`, an alias, `getattr`), and the optimizers of
`torch.optim` are caught when constructed. A call is recorded only when student code is on the
stack, so the drivers' own torch calls never count. Student frames are told by their globals (the
submission's module), not by `f_code`: reading `f_code` is an audited event, and the worker's audit
hook (`grader.sandbox.guard`) would run on every frame of every forbidden call, torch's own in a
timing included.
"""

from __future__ import annotations

import functools
import importlib
import sys

import torch
from torch.overrides import TorchFunctionMode


class LibraryWatch(TorchFunctionMode):
    """Records calls to functions whose `__name__` is in `names`, made from the code of the module
    whose globals are `student_globals`."""

    def __init__(self, names: frozenset[str], student_globals: dict):
        super().__init__()
        self.names, self.student_globals = names, student_globals
        self.seen: list[dict] = []
        _watch_optimizer_classes(self)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", None) in self.names:
            self.record(_api_name(func))
        return func(*args, **(kwargs or {}))

    def record(self, api: str) -> None:
        """Note `api` with the innermost line of student code that led to it, if any."""
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals is not self.student_globals:
            frame = frame.f_back
        if frame is not None:
            self.seen.append({"api": api, "file": frame.f_code.co_filename, "line": frame.f_lineno,
                              "function": frame.f_code.co_name})

    def take(self) -> list[dict]:
        seen, self.seen = self.seen, []
        return seen


def modules_to_preload(names: frozenset[str]) -> tuple[str, ...]:
    """What the zygote imports for a watch of `names`, so that no worker pays for it per check."""
    optimizers = any(isinstance(getattr(torch.optim, name, None), type) for name in names)
    return ("grader.drivers.watch", *(("torch._dynamo",) if optimizers else ()))


AUTOGRAD = {"backward": "autograd (.backward())", "grad": "autograd (torch.autograd.grad)"}


def _api_name(func) -> str:
    return AUTOGRAD.get(func.__name__, f"torch's {func.__name__}")


def _watch_optimizer_classes(watch: LibraryWatch) -> None:
    """Constructing a forbidden `torch.optim` optimizer (directly, or through a subclass) is a call."""
    if any(isinstance(getattr(torch.optim, name, None), type) for name in watch.names):
        # The first optimizer built in a process imports torch._dynamo (a second of CPU); now it
        # overlaps with the grader's own start-up instead of counting against a check's time.
        importlib.import_module("torch._dynamo")
    for name in watch.names:
        cls = getattr(torch.optim, name, None)
        if isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer) and cls is not torch.optim.Optimizer:
            cls.__init__ = _recording(cls.__init__, watch, f"torch.optim.{name}")


def _recording(init, watch: LibraryWatch, api: str):
    @functools.wraps(init)
    def recording_init(self, *args, **kwargs):
        watch.record(api)
        init(self, *args, **kwargs)

    return recording_init
