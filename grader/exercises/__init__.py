"""The catalogue of exercises: `grader.exercises.exerciseN` holds the checks of exercise N.

Each of those modules defines `CHECKS`, a list of `grader.checks.core.Check`, in the order the
student reads them; its title and id are here, so `grader list` can show them cheaply, and so
are the library ops it forbids, which the worker must know before it loads the submission.
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


def in_course_order(exercise_ids) -> list[str]:
    """The exercises in the course's order (exercise1 … exercise7), then any unknown ones by name."""
    rank = {exercise_id: index for index, exercise_id in enumerate(TITLES)}
    return sorted(exercise_ids, key=lambda exercise_id: (rank.get(exercise_id, len(rank)), exercise_id))


# The curriculum: torch exercises "must not call autograd nor the library op they re-implement".
# Names as torch spells their last part (`torch.nn.functional.conv2d`, `torch.optim.Adam`), matched
# in the source (grader.checks.forbidden) and in the calls made at run time (grader.drivers.watch).
AUTOGRAD = frozenset({"backward", "grad"})
FORBIDDEN = {
    "exercise4": AUTOGRAD | {"SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adadelta",
                             "ASGD", "Rprop", "LBFGS", "SparseAdam", "sgd", "adagrad", "rmsprop", "adam", "adamw"},
    "exercise5": AUTOGRAD | {"conv2d", "conv_transpose2d", "convolution", "_convolution", "convolution_backward",
                             "conv2d_input", "conv2d_weight", "Conv2d", "max_pool2d", "max_pool2d_with_indices",
                             "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "MaxPool2d", "AvgPool2d",
                             "AdaptiveAvgPool2d"},
    "exercise6": AUTOGRAD | {"batch_norm", "native_batch_norm", "_native_batch_norm_legit", "instance_norm",
                             "layer_norm", "group_norm", "BatchNorm1d", "BatchNorm2d", "InstanceNorm2d"},
}

# The PyTorch exercises: their workers come with torch imported; the NumPy exercises' do not.
TORCH_EXERCISES = frozenset(FORBIDDEN)


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
