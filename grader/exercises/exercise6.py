"""Exercise 6 — batch normalization (PyTorch tensors, no autograd): the claims and their points.

Inputs are small float32 or float64 tensors, (N, C) or (N, C, H, W) with N >= 2 (training needs
more than one value per channel), of multiples of 1/4 in [-2, 2]: a channel's variance is either
exactly 0 or at least about 1/(16 m), so float32 rounding is never amplified past the tolerance.
Momentum and eps are drawn too, never only the defaults. The oracle is F.batch_norm in float64,
with autograd for the gradients; known mistakes are the same formulas computed wrong, in float64.
Speed is a claim (`is_vectorised`), and so is a training step of a tiny CNN with the student's
batch norm inside (`grader.drivers.normalized_net`).
"""

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks.agreement import Mistake
from grader.checks.compare import agree_in_order, compare, matches, tolerance_for
from grader.checks.core import Check, Failure, WrongType, for_all
# BEGIN HIDDEN
from grader.checks.core import hidden
# END HIDDEN
from grader.checks.devices import on_device
from grader.checks.oracles import tensor
from grader.checks.robustness import Call, keeps_dtype, keeps_inputs
from grader.checks.strategies import dtype_of, float_dtypes, grid, tensors
from grader.checks.timing import Timing, is_vectorised
from grader.drivers.normalized_net import PARAMETERS

# Tiny tensors: extra threads only contend on a busy machine (as in grader.checks.oracles).
torch.set_num_threads(1)

FORWARD, BACKWARD = "batchnorm_forward", "batchnorm_backward"
MOMENTA = [0.1, 0.5, 0.01, 0.9]  # torch's default first: Hypothesis shrinks towards it
EPSILONS = [1e-5, 0.1, 1e-3]  # a large eps makes "eps outside the square root" visible in float32
STEPS = 5  # training steps in a row for the running statistics

# -- inputs ------------------------------------------------------------------------------------


def values(dtype, shape):
    return tensors(dtype, shape, grid(2.0, 4))


@st.composite
def batches(draw, images=None, training=True, count=None, upstream=False, min_n=2):
    """The forward's arguments by name: x (N, C) or, with `images`, (N, C, H, W) (either when
    None), gamma, beta, the running statistics (variances in [1/4, 4]), training, momentum, eps;
    with `count`, "batches": that many x of one shape instead of x; with `upstream`, "dout" last
    and x never constant in a channel (where x_hat is 0 and the backward's variance term vanishes)."""
    dtype = draw(float_dtypes)
    images = draw(st.booleans()) if images is None else images
    n, c = draw(st.integers(min_n, 4)), draw(st.integers(1, 3))
    shape = (n, c, draw(st.integers(1, 3)), draw(st.integers(1, 3))) if images else (n, c)
    x = draw(st.lists(values(dtype, shape), min_size=count, max_size=count)) if count else draw(
        values(dtype, shape).filter(varies_in_every_channel) if upstream else values(dtype, shape))
    case = {"batches" if count else "x": x, "gamma": draw(values(dtype, (c,))), "beta": draw(values(dtype, (c,))),
            "running_mean": draw(values(dtype, (c,))),
            "running_var": draw(tensors(dtype, (c,), st.integers(1, 16).map(lambda k: k / 4))),
            "training": training, "momentum": draw(st.sampled_from(MOMENTA)), "eps": draw(st.sampled_from(EPSILONS))}
    return {**case, "dout": draw(values(dtype, shape))} if upstream else case


def varies_in_every_channel(x) -> bool:
    return bool((x.amax(dim=axes(x)[0]) > x.amin(dim=axes(x)[0])).all())


def forward_arguments(case: dict) -> list:
    return [value for name, value in case.items() if name != "dout"]


def tolerance(case: dict):
    return tolerance_for(dtype_of(case["batches"][0] if "batches" in case else case["x"]))


# -- oracles: F.batch_norm in float64 ----------------------------------------------------------


def torch_batch_norm(x, gamma, beta, running_mean, running_var, training, momentum, eps, dout=None):
    """(out, new_running_mean, new_running_var), in float64; F.batch_norm updates copies in place."""
    mean, var = tensor(running_mean), tensor(running_var)
    return F.batch_norm(tensor(x), mean, var, tensor(gamma), tensor(beta), training, momentum, eps), mean, var


def torch_gradients(dout, **case):
    """(dx, dgamma, dbeta): autograd of sum(out * dout), a scalar (an upstream gradient would
    import sympy, about a second)."""
    x, gamma, beta = (tensor(case[name]).requires_grad_(True) for name in ("x", "gamma", "beta"))
    out = F.batch_norm(x, tensor(case["running_mean"]), tensor(case["running_var"]), gamma, beta, True,
                       case["momentum"], case["eps"])
    return torch.autograd.grad((out * tensor(dout)).sum(), [x, gamma, beta])


# -- known mistakes: the formulas, computed wrong ----------------------------------------------


def axes(x):
    """The axes statistics are taken over (all but 1), and the shape that broadcasts a (C,) vector."""
    return [0, *range(2, x.dim())], [1, -1] + [1] * (x.dim() - 2)


def by_formula(x, gamma, beta, running_mean, running_var, training, momentum, eps, dout=None, *,
               unbiased_normalise=False, biased_running=False, reversed_momentum=False, eps_outside=False,
               old_running=False, batch_in_eval=False, update_in_eval=False):
    """(out, new_running_mean, new_running_var) as the contract says, or with one mistake."""
    x, gamma, beta, running_mean, running_var = map(tensor, (x, gamma, beta, running_mean, running_var))
    dims, shape = axes(x)
    m = x.numel() // x.shape[1]
    batch_mean, batch_var = x.mean(dim=dims), x.var(dim=dims, correction=0)
    unbiased = batch_var * m / (m - 1) if m > 1 else batch_var
    weight = 1 - momentum if reversed_momentum else momentum
    new_mean = (1 - weight) * running_mean + weight * batch_mean
    new_var = (1 - weight) * running_var + weight * (batch_var if biased_running else unbiased)
    if training or batch_in_eval:
        mean, var = batch_mean, unbiased if unbiased_normalise else batch_var
    else:
        mean, var = running_mean, running_var
    if old_running or not (training or update_in_eval):
        new_mean, new_var = running_mean, running_var
    scale = 1 / (var.sqrt() + eps) if eps_outside else 1 / (var + eps).sqrt()
    out = (x - mean.reshape(shape)) * (gamma * scale).reshape(shape) + beta.reshape(shape)
    return out, new_mean, new_var


def wrong(hint: str, **mistake) -> Mistake:
    return Mistake(hint, lambda **case: by_formula(**case, **mistake))


UNBIASED_NORMALISE = wrong("x is normalised with the biased batch variance, sum((x - mean)**2) / m, as torch does; "
                           "the unbiased one (m - 1) only goes into the running variance",
                           unbiased_normalise=True)
EPS_OUTSIDE = wrong("eps goes inside the square root: (x - mean) / sqrt(var + eps), not / (sqrt(var) + eps)",
                    eps_outside=True)
BIASED_RUNNING = wrong("the running variance is updated with the unbiased batch variance, var * m / (m - 1), as "
                       "torch does (x itself is normalised with the biased one)", biased_running=True)
REVERSED_MOMENTUM = wrong("torch's momentum weighs the new batch: (1 - momentum) * running + momentum * batch_stat "
                          "(Keras and CS231n write it the other way round)", reversed_momentum=True)
OLD_RUNNING = wrong("training mode returns updated running statistics, (1 - momentum) * running + momentum * "
                    "batch_stat, as new tensors", old_running=True)
BATCH_IN_EVAL = wrong("in eval mode (training=False) x is normalised with running_mean and running_var, not with "
                      "the statistics of the batch", batch_in_eval=True)
UPDATE_IN_EVAL = wrong("in eval mode (training=False) the running statistics are returned unchanged: no update",
                       update_in_eval=True)


def backward_by_formula(dout, x, gamma, beta, running_mean, running_var, training, momentum, eps, *,
                        mean_term=True, variance_term=True, over_m=True, per_channel=True):
    """(dx, dgamma, dbeta) as the reference's docstring says, or with one mistake."""
    x, gamma, dout = tensor(x), tensor(gamma), tensor(dout)
    dims, shape = axes(x)
    m = x.numel() // x.shape[1]
    centered = x - x.mean(dim=dims).reshape(shape)
    inv_std = 1 / (centered.pow(2).mean(dim=dims) + eps).sqrt()
    x_hat = centered * inv_std.reshape(shape)
    dbeta, dgamma = dout.sum(dim=dims), (dout * x_hat).sum(dim=dims)
    inner = m * dout - (dbeta.reshape(shape) if mean_term else 0) - (x_hat * dgamma.reshape(shape) if variance_term
                                                                      else 0)
    dx = (gamma * inv_std).reshape(shape) * inner / (m if over_m else 1)
    if not per_channel:
        dgamma, dbeta = (dout * x_hat).sum(dim=0), dout.sum(dim=0)
    return dx, dgamma, dbeta


def wrong_backward(hint: str, **mistake) -> Mistake:
    return Mistake(hint, lambda **case: backward_by_formula(**case, **mistake))


NO_MEAN_TERM = wrong_backward("dx misses the path through the batch mean, which every x changes: subtract "
                              "sum(dout) (per channel) inside the bracket", mean_term=False)
NO_VARIANCE_TERM = wrong_backward("dx misses the path through the batch variance, which every x changes: subtract "
                                  "x_hat * sum(dout * x_hat) (per channel) inside the bracket", variance_term=False)
STATISTICS_AS_CONSTANTS = wrong_backward(
    "dx = dout * gamma / sqrt(var + eps) treats the batch mean and variance as constants; both depend on every x: "
    "dx = gamma * inv_std / m * (m * dout - sum(dout) - x_hat * sum(dout * x_hat))", mean_term=False,
    variance_term=False)
NOT_OVER_M = wrong_backward("dx is m times too large: the bracket (m * dout - sum(dout) - x_hat * sum(dout * x_hat)) "
                            "is divided by m, the number of values per channel", over_m=False)
NOT_PER_CHANNEL = wrong_backward("dgamma and dbeta have one value per channel, shape (C,): sum over the batch and "
                                 "the positions, dims (0, 2, 3), not over the batch alone", per_channel=False)
BACKWARD_MISTAKES = (NO_MEAN_TERM, NO_VARIANCE_TERM, STATISTICS_AS_CONSTANTS, NOT_OVER_M, NOT_PER_CHANNEL)

# -- claims ------------------------------------------------------------------------------------


def forward(student, case: dict):
    """`batchnorm_forward(...)`, checked to be the 4-tuple of the contract."""
    result = student.call(FORWARD, *forward_arguments(case))
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        raise WrongType(f"{FORWARD} should return (out, new_running_mean, new_running_var, cache), got {result!r:.80}")
    return result


def with_hint(mistakes, got, case: dict, compared: int = 3):
    """`compare`'s failure, with the hint of the first mistake whose first `compared` results `got` matches."""
    for mistake in mistakes:
        if matches(tuple(got), tuple(mistake.model(**case)[:compared]), tolerance(case)):
            return mistake.hint
    return None


NAMES = ("out", "new_running_mean", "new_running_var")


def forward_agrees(name: str, points: float, inputs, compared: int, mistakes, examples: int = 15) -> Check:
    """The first `compared` of (out, new_running_mean, new_running_var) are F.batch_norm's."""

    def claim(student, case):
        got = forward(student, case)[:compared]
        try:
            for label, mine, theirs in zip(NAMES, got, torch_batch_norm(**case)):
                compare(mine, theirs, tolerance(case), label)
        except Failure as failure:
            failure.hint = with_hint(mistakes, got, case, compared)
            raise

    return Check(name, points, (FORWARD,), for_all(inputs, claim, examples))


def running_statistics_follow_torch(student, case):
    """Each step is given the statistics the previous one returned, as a training loop does; a
    failure names the first step that parts from torch's, and its hint the mistake it is."""
    arguments = {name: value for name, value in case.items() if name != "batches"}
    mine = theirs = (case["running_mean"], case["running_var"])
    for step, x in enumerate(case["batches"], 1):
        given = {"x": x, **arguments, "running_mean": mine[0], "running_var": mine[1]}
        mine = tuple(forward(student, given)[1:3])
        _, *theirs = torch_batch_norm(**{**given, "running_mean": theirs[0], "running_var": theirs[1]})
        try:
            for label, got, expected in zip(NAMES[1:], mine, theirs):
                compare(got, expected, tolerance(case), f"{label} after training step {step} of {STEPS}")
        except Failure as failure:
            hints = (Mistake(m.hint, lambda m=m, **step_case: m.model(**step_case)[1:]) for m in RUNNING_MISTAKES)
            failure.hint = with_hint(hints, mine, given, 2)
            raise


RUNNING_MISTAKES = (BIASED_RUNNING, REVERSED_MOMENTUM, OLD_RUNNING)


def backward_agrees(name: str, points: float, images: bool, examples: int = 15) -> Check:
    """batchnorm_backward(dout, cache), after batchnorm_forward in training mode, is autograd's."""

    def claim(student, case):
        cache = forward(student, case)[3]
        got = student.call(BACKWARD, case["dout"], cache)
        try:
            compare(got, torch_gradients(**case), tolerance(case), "(dx, dgamma, dbeta)")
        except Failure as failure:
            failure.hint = with_hint(BACKWARD_MISTAKES, got, case) if isinstance(got, (tuple, list)) else None
            raise

    return Check(name, points, (FORWARD, BACKWARD), for_all(batches(images, upstream=True), claim, examples))


# -- the contract's rules, and the GPU ---------------------------------------------------------


@dataclass(frozen=True)
class BatchNormCall(Call):
    """The forward (and, with "dout" in the case, the backward on its cache), seen as returning
    (out, new_running_mean, new_running_var) and (dx, dgamma, dbeta): the cache is the student's
    own business, of any type and dtype."""

    def run(self, student, case: dict) -> list:
        arguments = forward_arguments(case)
        result, after = student.call(FORWARD, *arguments, return_args=True)
        if not isinstance(result, (tuple, list)) or len(result) != 4:
            raise WrongType(f"{FORWARD} should return (out, new_running_mean, new_running_var, cache), "
                            f"got {result!r:.80}")
        calls = [(FORWARD, arguments, after, tuple(result[:3]))]
        if "dout" in case:
            grads, after = student.call(BACKWARD, case["dout"], result[3], return_args=True)
            calls.append((BACKWARD, [case["dout"], result[3]], after, grads))
        return calls


CONTRACT_CALLS = [BatchNormCall(FORWARD, batches(upstream=True), backward=BACKWARD),
                  BatchNormCall(FORWARD, batches(training=False, min_n=1))]


# Float32, from a fixed seed, (256, 128, 1, 1): 4-D input, so the student's 4-D code path runs, with
# 256 samples and 128 channels. With grader.drivers.timing (fastest call over fastest call), 20 fresh
# processes idle and 20 on a loaded 2-core machine put correct implementations (the slowest: channels
# last with .var twice) at most 18.3× torch for the forward and 10.6× for forward + backward, and the
# cheapest Python loop (over positions; over samples or channels is slower) at 134× and 145×. A bound
# of 50× leaves 2.7× above correct code and 2.7× below loops. At (64, 64, 4, 4) the same runs left
# only 1.3-1.4× on either side.
def timing_inputs() -> dict:
    generator = torch.Generator().manual_seed(0)
    size, channels = (256, 128, 1, 1), 128
    return {"x": torch.randn(size, generator=generator), "gamma": torch.randn(channels, generator=generator),
            "beta": torch.randn(channels, generator=generator), "running_mean": torch.zeros(channels),
            "running_var": torch.ones(channels), "training": True, "momentum": 0.1, "eps": 1e-5,
            "dout": torch.randn(size, generator=generator)}


TIMED = timing_inputs()
FORWARD_TIMING = Timing((FORWARD,), "batch_norm", {name: value for name, value in TIMED.items() if name != "dout"})
PAIR_TIMING = Timing((FORWARD, BACKWARD), "batch_norm forward and backward", TIMED)
SLOW = ("a Python loop (over samples, channels or positions) is far too slow: compute every channel's statistics at "
        "once with x.mean(dim=dims) over the axes (0, 2, 3), and broadcast (C,) vectors reshaped to (1, C, 1, 1)")
BOUND = 50


def runs_on_device(name: str, points: float, device: str = "cuda") -> Check:
    return on_device(name, points, CONTRACT_CALLS, device, examples=4, timing=FORWARD_TIMING)


# -- the tiny CNN ------------------------------------------------------------------------------
# conv 3→4 (3 x 3, padding 1, no bias) → batch norm (training) → relu → global average pool →
# linear 4→2 → mean squared error, on 4 images of 3 x 6 x 6, in float64. With this seed no batch-norm
# output lies within 4e-3 of the relu's kink (tests/test_exercise6.py checks it), so rounding
# differences between correct implementations (about 1e-15) never change which way it goes.
CNN = {"seed": 4, "padding": 1, "momentum": 0.2, "eps": 1e-5, "lr": 0.1}


def cnn_problem(seed: int) -> tuple[dict, dict, torch.Tensor, torch.Tensor]:
    """The parameters (by the names of `normalized_net.PARAMETERS`), the running statistics, the
    images and the targets."""
    generator = torch.Generator().manual_seed(seed)

    def normal(*shape, scale=1.0, shift=0.0):
        return torch.randn(*shape, generator=generator, dtype=torch.float64) * scale + shift

    params = {"conv.weight": normal(4, 3, 3, 3, scale=0.4), "bn.gamma": normal(4, scale=0.3, shift=1.0),
              "bn.beta": normal(4, scale=0.3), "linear.weight": normal(2, 4, scale=0.5),
              "linear.bias": normal(2, scale=0.1)}
    running = {"mean": normal(4, scale=0.5), "var": normal(4, scale=0.2, shift=1.0).abs()}
    return params, running, normal(4, 3, 6, 6), normal(4, 2)


def torch_training_step(params: dict, running: dict, x, target, padding, momentum, eps, lr) -> dict:
    """The driver's step with torch's layers and autograd: what the student's is compared with."""
    leaves = {name: value.clone().requires_grad_(True) for name, value in params.items()}
    mean, var = running["mean"].clone(), running["var"].clone()
    h = F.batch_norm(F.conv2d(x, leaves["conv.weight"], None, 1, padding), mean, var, leaves["bn.gamma"],
                     leaves["bn.beta"], True, momentum, eps)
    prediction = F.linear(torch.relu(h).mean(dim=(2, 3)), leaves["linear.weight"], leaves["linear.bias"])
    value = F.mse_loss(prediction, target)
    grads = dict(zip(leaves, torch.autograd.grad(value, list(leaves.values()))))
    return {"loss": value.item(), "grads": grads, "params": {name: params[name] - lr * grads[name] for name in params},
            "running": {"mean": mean, "var": var}}


def trains_a_tiny_cnn(student) -> str:
    params, running, x, target = cnn_problem(CNN["seed"])
    arguments = (params, running, x, target, CNN["padding"], CNN["momentum"], CNN["eps"], CNN["lr"])
    got = student.drive("normalized_net.training_step", *arguments, on_behalf_of=FORWARD)
    expected = torch_training_step(*arguments)
    network = (f"one SGD step (lr {CNN['lr']}) of conv → batch norm (momentum {CNN['momentum']}) → relu → global "
               "average pool → linear → mean squared error, on 4 images of 3 x 6 x 6")
    if not isinstance(got, dict) or set(got) != {"loss", "grads", "params", "running"}:
        raise Failure(f"{network}: the step did not complete")  # the driver's own answer: not expected
    agree_in_order([
        ("the loss", [(got["loss"], expected["loss"], "the loss")]),
        ("the running statistics", [(got["running"][name], expected["running"][name], f"the new running {name}")
                                    for name in ("mean", "var")]),
        *((f"the gradient of {name}", [(got["grads"].get(name), expected["grads"][name], f"the gradient of {name}")])
          for name in PARAMETERS),  # from the output back to the input
        ("the parameters", [(got["params"].get(name), expected["params"][name], f"{name} after the step")
                            for name in PARAMETERS]),
    ], tolerance_for(np.float64), network)
    return "the loss, the running statistics, the gradients and the parameters after the step agree with torch"


TRAINING = "batchnorm_forward in training mode matches F.batch_norm on (N, C) and (N, C, H, W)"
RUNNING = (f"the running statistics after {STEPS} training steps match torch's (unbiased variance, momentum as in "
           "torch)")
EVAL = "eval mode normalises with the running statistics and returns them unchanged"
GPU = "batch norm runs on CUDA: results stay on the device, in the input's dtype, and match the CPU"

CHECKS = [
    forward_agrees(TRAINING, 3, batches(), 1, (UNBIASED_NORMALISE, EPS_OUTSIDE)),
    Check(RUNNING, 3, (FORWARD,), for_all(batches(count=STEPS), running_statistics_follow_torch, 12)),
    forward_agrees(EVAL, 2, batches(training=False, min_n=1), 3, (BATCH_IN_EVAL, UPDATE_IN_EVAL, EPS_OUTSIDE)),
    backward_agrees("batchnorm_backward matches autograd (dx, dgamma, dbeta) on (N, C), with a non-uniform "
                    "upstream gradient", 3, images=False),
    # BEGIN HIDDEN
    hidden(backward_agrees("batchnorm_backward matches autograd (dx, dgamma, dbeta) on (N, C, H, W)", 3, images=True)),
    # END HIDDEN
    Check("one training step of a tiny CNN with your batch norm matches torch autograd", 3, (FORWARD, BACKWARD),
          trains_a_tiny_cnn),
    keeps_inputs("no function changes its input tensors (the running statistics included), dout or cache", 1,
                 CONTRACT_CALLS, examples=8),
    keeps_dtype("float32 inputs give float32 results, float64 give float64", 1, CONTRACT_CALLS, examples=6),
    is_vectorised(f"batchnorm_forward is vectorised: at most {BOUND}× the time of F.batch_norm", 1, FORWARD_TIMING,
                  bound=BOUND, hint=SLOW),
    is_vectorised(f"batchnorm_forward then batchnorm_backward are vectorised: at most {BOUND}× the time of torch's",
                  2, PAIR_TIMING, bound=BOUND, hint=SLOW),
    runs_on_device(GPU, 2),
]
