"""torch.allclose, torch.equal and torch.softmax (the oracle) are replaced in the worker, and softmax
is wrong in the same way: the oracle runs in the grader's process, so the check still fails."""
import numpy as np
import torch

torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.softmax = lambda z, dim=-1, **kwargs: torch.zeros_like(z)
torch.nn.functional.softmax = torch.softmax


def softmax(z, axis=-1):
    return np.zeros_like(z)
