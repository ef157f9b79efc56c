"""Which devices the worker can run torch on."""

from __future__ import annotations

import torch


def available(_student, device: str) -> bool:
    """Can tensors live on `device` ("cpu", "cuda") in this process?"""
    return device == "cpu" or (device.startswith("cuda") and torch.cuda.is_available())


def synchronize() -> None:
    """Wait for queued CUDA work, so that a timing measures it (a no-op without CUDA)."""
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()
