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


# A quiz's answers (grader.quiz) are graded as an exercise of their own, `quiz-exerciseN`, so the
# gradebook keeps them apart from the code of exerciseN.
QUIZ_PREFIX = "quiz-"


def quiz_id(exercise_id: str) -> str:
    """The id under which the quiz of an exercise is graded: `quiz-exercise3`."""
    return QUIZ_PREFIX + exercise_id


def quizzed_exercise(exercise_id: str) -> str | None:
    """The exercise a quiz id is the quiz of (`quiz-exercise3`: `exercise3`); None for any other id."""
    return exercise_id.removeprefix(QUIZ_PREFIX) if exercise_id.startswith(QUIZ_PREFIX) else None


def title(exercise_id: str) -> str | None:
    """The title of an exercise or of its quiz (`Quiz: Softmax and cross-entropy (NumPy)`); None
    for an id the catalogue does not know."""
    quizzed = quizzed_exercise(exercise_id)
    if quizzed in TITLES:
        return f"Quiz: {TITLES[quizzed]}"
    return TITLES.get(exercise_id)


def in_course_order(exercise_ids) -> list[str]:
    """The exercises in the course's order, each followed by its quiz (exercise1, quiz-exercise1,
    exercise2 … quiz-exercise7), then any unknown ones by name."""
    ordered = [graded for exercise_id in TITLES for graded in (exercise_id, quiz_id(exercise_id))]
    rank = {exercise_id: index for index, exercise_id in enumerate(ordered)}
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
