"""The catalogue of exercises: `grader.exercises.exerciseN` holds the checks of exercise N.

Each of those modules defines `CHECKS`, a list of `grader.checks.core.Check`, in the order the
student reads them; its title and id are here, so `grader list` can show them cheaply.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from grader.checks.core import Check

TITLES = {
    "exercise1": "Perceptron (NumPy)",
    "exercise2": "Activations and backpropagation (NumPy)",
    "exercise3": "Softmax and cross-entropy (NumPy)",
    "exercise4": "Optimizers (PyTorch)",
    "exercise5": "Convolution and pooling (PyTorch)",
    "exercise6": "Batch normalization (PyTorch)",
    "exercise7": "Regularization and initialization (NumPy)",
}


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    checks: tuple[Check, ...]

    @property
    def max_score(self) -> float:
        return sum(check.points for check in self.checks)


def has_checks(exercise_id: str) -> bool:
    """Whether the exercise's checks exist, without importing them (and torch)."""
    return importlib.util.find_spec(f"grader.exercises.{exercise_id}") is not None


def load_exercise(exercise_id: str) -> Exercise | None:
    """The exercise with its checks, or None if its checks are not written yet."""
    try:
        module = importlib.import_module(f"grader.exercises.{exercise_id}")
    except ModuleNotFoundError as error:
        if error.name != f"grader.exercises.{exercise_id}":
            raise
        return None
    return Exercise(exercise_id, TITLES[exercise_id], tuple(module.CHECKS))
