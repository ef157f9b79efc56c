"""Random generators made inside the worker, where student code can use them.

A `numpy.random.Generator` cannot travel to the worker: a check asks for one here and gets a
`Remote` it can pass to the student's functions, call after call, so that the generator
advances as it would in a training loop.
"""

from __future__ import annotations

import random
import sys

import numpy as np


def generator(_student, seed: int, global_seed: int | None = None) -> np.random.Generator:
    """`np.random.default_rng(seed)`; with `global_seed`, the global generators are seeded too."""
    if global_seed is not None:
        seed_global(_student, global_seed)
    return np.random.default_rng(seed)


def seed_global(_student, seed: int) -> None:
    """Seed the generators student code must not use: NumPy's global one (`np.random.rand`…),
    Python's `random`, and torch's if it is loaded. Two seeds that differ make any use of them show."""
    np.random.seed(seed)
    random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
