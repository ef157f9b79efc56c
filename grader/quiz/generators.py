"""Generated numeric questions: parameters drawn per student, keys computed by the references.

Each generator draws the numbers a question shows (`draw`, from a `random.Random` seeded by the
student id and the question, so a student gets the same numbers on every run and every machine,
and neighbours get others) and computes the key by calling the reference implementation of the
exercise that teaches it (`solve`): a question and its key cannot disagree, because the key is
what the graded code is measured against. Drawn values are short decimals, so that a student can
compute by hand what the prompt shows.

The references live in the instructor's checkout (`reference/`), not in the student release:
there, `solve` raises NoReference, and the keys are sealed into the banks (grader.quiz.seal).
"""

from __future__ import annotations

import hashlib
import importlib.util
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import grader

REFERENCE_DIR = Path(grader.__file__).resolve().parent.parent / "reference"


class NoReference(ValueError):
    """The reference implementations are not here (a student release)."""


@dataclass(frozen=True)
class Generator:
    fields: tuple[str, ...]  # the `{name}`s a prompt may show
    draw: Callable[[random.Random], dict]
    solve: Callable[[dict], float]


def rng_for(student: str, exercise_id: str, question_id: str) -> random.Random:
    """The student's own numbers for a question: a seed from a hash, never from Python's `hash`
    (salted per process)."""
    digest = hashlib.sha256(f"{student}\0{exercise_id}\0{question_id}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@cache
def reference(exercise_id: str):
    path = REFERENCE_DIR / f"{exercise_id}.py"
    if not path.is_file():
        raise NoReference(f"{path} is not here: generated keys need the instructor's checkout")
    spec = importlib.util.spec_from_file_location(f"quiz_reference_{exercise_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _decimal(rng: random.Random, low: float, high: float, places: int = 1) -> float:
    return round(rng.uniform(low, high), places) + 0.0  # + 0.0: never "-0.0"


# -- layer sizes -----------------------------------------------------------------------------------
def _conv_output(case: dict) -> float:
    import torch

    x = torch.zeros(1, 1, case["H"], case["H"], dtype=torch.float64)
    weight = torch.zeros(1, 1, case["K"], case["K"], dtype=torch.float64)
    out, _ = reference("exercise5").conv2d_forward(x, weight, torch.zeros(1, dtype=torch.float64),
                                                   stride=case["S"], padding=case["P"])
    return float(out.shape[-1])


def _draw_conv(rng: random.Random) -> dict:
    kernel = rng.choice([1, 3, 5, 7])
    return {"H": rng.choice([7, 14, 28, 32, 64, 224]), "K": kernel, "S": rng.choice([1, 2]),
            "P": rng.choice([0, kernel // 2])}


def _conv_parameters(case: dict) -> float:
    """Counted from what the reference accepts: the weight and bias it convolves with."""
    import torch

    weight = torch.zeros(case["C_out"], case["C_in"], case["K"], case["K"], dtype=torch.float64)
    bias = torch.zeros(case["C_out"], dtype=torch.float64)
    x = torch.zeros(1, case["C_in"], case["K"], case["K"], dtype=torch.float64)
    out, _ = reference("exercise5").conv2d_forward(x, weight, bias)
    assert out.shape[1] == case["C_out"]
    return float(weight.numel() + bias.numel())


def _linear_parameters(case: dict) -> float:
    import numpy as np

    W, b = np.zeros((case["n_in"], case["n_out"])), np.zeros(case["n_out"])
    out, _ = reference("exercise2").linear_forward(np.zeros((1, case["n_in"])), W, b)
    assert out.shape == (1, case["n_out"])
    return float(W.size + b.size)


# -- softmax and cross-entropy -------------------------------------------------------------------
def _draw_logits(rng: random.Random) -> dict:
    return {"z1": _decimal(rng, -2, 3), "z2": _decimal(rng, -2, 3), "z3": _decimal(rng, -2, 3),
            "label": rng.randint(1, 3)}


def _logits(case: dict):
    import numpy as np

    return np.array([[case["z1"], case["z2"], case["z3"]]])


def _softmax_probability(case: dict) -> float:
    return float(reference("exercise3").softmax(_logits(case), axis=-1)[0, 0])


def _cross_entropy_loss(case: dict) -> float:
    import numpy as np

    loss, _ = reference("exercise3").cross_entropy(_logits(case), np.array([case["label"] - 1]))
    return float(loss)


# -- one optimizer step --------------------------------------------------------------------------
def _one_step(optimizer_name: str, case: dict, state: dict, **hyperparameters) -> float:
    """The weight after one `step()` of the reference optimizer on a scalar parameter whose
    gradient is `g`, from `state` (the tensors of torch's state dict, as numbers)."""
    import torch

    w = torch.tensor([case["w"]], dtype=torch.float64, requires_grad=True)
    w.grad = torch.tensor([case["g"]], dtype=torch.float64)
    optimizer = getattr(reference("exercise4"), optimizer_name)([w], **hyperparameters)
    if state:
        optimizer.state[w].update({key: torch.tensor([value], dtype=torch.float64) if isinstance(value, float)
                                   else value for key, value in state.items()})
    optimizer.step()
    return float(w.detach()[0])


def _draw_step(rng: random.Random) -> dict:
    return {"w": _decimal(rng, -1, 1), "g": _decimal(rng, -1, 1), "lr": rng.choice([0.1, 0.01, 0.5])}


def _draw_momentum(rng: random.Random) -> dict:
    return _draw_step(rng) | {"v": _decimal(rng, -1, 1), "momentum": rng.choice([0.9, 0.8, 0.5])}


def _draw_rmsprop(rng: random.Random) -> dict:
    return _draw_step(rng) | {"s": _decimal(rng, 0.1, 1), "alpha": rng.choice([0.9, 0.99])}


def _draw_adam(rng: random.Random) -> dict:
    return _draw_step(rng) | {"m": _decimal(rng, -0.5, 0.5), "v": _decimal(rng, 0.1, 0.5), "t": rng.randint(2, 5),
                              "beta1": 0.9, "beta2": 0.999}


def _sgd_momentum_step(case: dict) -> float:
    return _one_step("SGD", case, {"momentum_buffer": case["v"]}, lr=case["lr"], momentum=case["momentum"])


def _rmsprop_step(case: dict) -> float:
    return _one_step("RMSprop", case, {"square_avg": case["s"]}, lr=case["lr"], alpha=case["alpha"])


def _adam_step(case: dict) -> float:
    return _one_step("Adam", case, {"step": case["t"] - 1, "exp_avg": case["m"], "exp_avg_sq": case["v"]},
                     lr=case["lr"], betas=(case["beta1"], case["beta2"]))


# -- batch normalization ---------------------------------------------------------------------------
def _draw_batch(rng: random.Random) -> dict:
    return {**{f"x{i}": float(rng.randint(-4, 8)) for i in range(1, 5)}, "gamma": rng.choice([1.0, 2.0, 0.5]),
            "beta": rng.choice([0.0, 1.0, -0.5])}


def _batchnorm_output(case: dict) -> float:
    import torch

    x = torch.tensor([[case[f"x{i}"]] for i in range(1, 5)], dtype=torch.float64)
    gamma, beta = torch.tensor([case["gamma"]], dtype=torch.float64), torch.tensor([case["beta"]], dtype=torch.float64)
    out, *_ = reference("exercise6").batchnorm_forward(x, gamma, beta, torch.zeros(1, dtype=torch.float64),
                                                       torch.ones(1, dtype=torch.float64), training=True)
    return float(out[0, 0])


GENERATORS = {
    "conv_output_size": Generator(("H", "K", "S", "P"), _draw_conv, _conv_output),
    "conv_parameters": Generator(("C_in", "C_out", "K"), lambda rng: {
        "C_in": rng.choice([1, 3, 16, 32, 64]), "C_out": rng.choice([8, 16, 32, 64, 128]),
        "K": rng.choice([1, 3, 5])}, _conv_parameters),
    "linear_parameters": Generator(("n_in", "n_out"), lambda rng: {
        "n_in": rng.choice([2, 4, 10, 64, 128, 784]), "n_out": rng.choice([1, 3, 10, 32, 100])}, _linear_parameters),
    "softmax_probability": Generator(("z1", "z2", "z3"), _draw_logits, _softmax_probability),
    "cross_entropy_loss": Generator(("z1", "z2", "z3", "label"), _draw_logits, _cross_entropy_loss),
    "sgd_momentum_step": Generator(("w", "g", "v", "lr", "momentum"), _draw_momentum, _sgd_momentum_step),
    "rmsprop_step": Generator(("w", "g", "s", "lr", "alpha"), _draw_rmsprop, _rmsprop_step),
    "adam_step": Generator(("w", "g", "m", "v", "t", "lr", "beta1", "beta2"), _draw_adam, _adam_step),
    "batchnorm_output": Generator(("x1", "x2", "x3", "x4", "gamma", "beta"), _draw_batch, _batchnorm_output),
}
