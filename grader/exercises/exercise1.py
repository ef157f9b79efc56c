"""Exercise 1 — the perceptron (NumPy): the claims and their points.

Every input lies on a grid of quarters and every learning rate is a power of two, so that all
weights, biases and scores a perceptron computes here are exact in float32: at most 240 updates
(30 epochs of 8 samples) with lr <= 2 and features in [-4, 4] keep |w| <= 1920 in steps of 1/16,
and every score x @ w + b a multiple of 1/64 below 2^15, well within float32's 24 bits. Any
correct implementation, whatever its order of operations, therefore takes exactly the decisions
of the float64 oracle, ties `x @ w + b == 0` included, and lists of errors are
compared exactly.
"""

from itertools import islice
from numbers import Integral

import numpy as np
import torch
from hypothesis import assume
from hypothesis import strategies as st

from grader.checks.agreement import Mistake, agrees, holds, recognise
from grader.checks.compare import compare, is_real_scalar, tolerance_for
from grader.checks.core import Failure, WrongType
# BEGIN HIDDEN
from grader.checks.core import hidden
# END HIDDEN
from grader.checks.oracles import torch_function
from grader.checks.robustness import Call, keeps_dtype, keeps_inputs
from grader.checks.show import kind_of, show
from grader.checks.strategies import arrays, float_dtypes, floats, grid, shapes

# -- inputs ------------------------------------------------------------------------------------

MAX_SAMPLES = 8  # with d <= 3, every training set is small enough to be shown in full when it fails
learning_rates = st.sampled_from([0.25, 0.5, 1.0, 2.0])  # powers of two: lr * e * x stays exact
labels = st.sampled_from([0.0, 1.0])


def quarters(bound=4):
    return grid(bound, per_unit=4)


@st.composite
def step_inputs(draw):
    dtype = draw(float_dtypes)
    # Exact zeros (and -0.0) are frequent: step(0) == 0 is the contract's sharpest edge.
    return {"z": draw(arrays(dtype, shapes(), st.one_of(st.sampled_from([0.0, -0.0]), floats(dtype, 10.0))))}


@st.composite
def linear_units(draw, max_samples=6):
    """X (n, d), w (d,) and b on the grid; b often puts a sample on the boundary X[i] @ w + b == 0."""
    dtype = draw(float_dtypes)
    n, d = draw(st.integers(1, max_samples)), draw(st.integers(1, 3))
    X, w = draw(arrays(dtype, (n, d), quarters())), draw(arrays(dtype, (d,), quarters()))
    on_boundary = st.integers(0, n - 1).map(lambda i: -float(X[i] @ w))
    return {"X": X, "w": w, "b": draw(st.one_of(quarters(), on_boundary))}


@st.composite
def single_samples(draw):
    unit = draw(linear_units(max_samples=1))
    # x = 0 leaves w unchanged whatever e is, and so hides which mistake was made.
    assume(np.any(unit["X"][0]))
    return {"x": unit["X"][0], "y": draw(st.sampled_from([0, 1])), "w": unit["w"], "b": unit["b"],
            "lr": draw(learning_rates)}


@st.composite
def training_sets(draw, rates=learning_rates):
    dtype = draw(float_dtypes)
    n, d = draw(st.integers(1, MAX_SAMPLES)), draw(st.integers(1, 3))
    return {"X": draw(arrays(dtype, (n, d), quarters())), "y": draw(arrays(dtype, (n,), labels)),
            "lr": draw(rates), "epochs": draw(st.integers(1, 20))}


@st.composite
def separable_sets(draw):
    """Samples of both classes in [-2, 2]^d that a hidden hyperplane with weights in {-1, 0, 1}
    separates with a margin: |x @ w* + b*| >= 1. By the perceptron convergence theorem (the bias
    as the weight of a constant feature 1, so R² <= 4d + 1 <= 13 and γ >= 1/|(w*, b*)| >= 1/2),
    training makes at most R²/γ² <= 52 mistakes: it ends with an error-free epoch within 100."""
    dtype = draw(float_dtypes)
    d = draw(st.integers(1, 3))
    hidden_w = np.array(draw(st.lists(st.sampled_from([-1, 0, 1]), min_size=d, max_size=d).filter(any)))
    hidden_b = draw(st.sampled_from([-1, 0, 1]))
    candidates = draw(arrays(dtype, (draw(st.integers(4, MAX_SAMPLES)), d), quarters(2)))
    # One candidate is the origin: when b* = 1 it is in class 1, where only the bias can put it.
    candidates[draw(st.integers(0, len(candidates) - 1))] = 0
    scores = candidates @ hidden_w + hidden_b
    outside_margin = np.abs(scores) >= 1
    X, y = candidates[outside_margin], (scores[outside_margin] > 0).astype(dtype)
    assume(0 < y.sum() < len(y))
    return {"X": X, "y": y, "lr": draw(learning_rates), "epochs": 100}


# BEGIN HIDDEN
XOR = [((0.0, 0.0), 0.0), ((0.0, 1.0), 1.0), ((1.0, 0.0), 1.0), ((1.0, 1.0), 0.0)]


@st.composite
def xor_sets(draw):
    """The four XOR samples among up to four others, in any order: no line separates them."""
    dtype = draw(float_dtypes)
    others = draw(st.lists(st.tuples(st.tuples(quarters(), quarters()), labels), max_size=4))
    samples = draw(st.permutations(XOR + others))
    return {"X": np.array([x for x, _ in samples], dtype), "y": np.array([label for _, label in samples], dtype),
            "lr": draw(learning_rates), "epochs": draw(st.integers(1, 30))}
# END HIDDEN


# -- oracles and known mistakes ----------------------------------------------------------------


def heaviside(z, at_zero=0.0):
    """torch's step function; `at_zero` is its value at 0 (the contract's 0.0, or the mistake 1.0)."""
    return torch.heaviside(z, torch.tensor(at_zero, dtype=z.dtype))


def perceptron_rule(x, y, w, b, lr, at_zero=0.0):
    """The oracle of perceptron_update."""
    error = y - heaviside(x @ w + b, at_zero)
    return w + lr * error * x, b + lr * error


def perceptron_epochs(X, y, lr):
    """The perceptron rule from zero weights, the bias folded in as the weight of a constant
    feature 1; yields (weights, mistakes made during the epoch) after each epoch, for ever."""
    samples = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    weights = torch.zeros(samples.shape[1], dtype=X.dtype)
    while True:
        mistakes = 0
        for sample, label in zip(samples, y):
            error = label - heaviside(sample @ weights)
            weights = weights + lr * error * sample
            mistakes += int(error != 0)
        yield weights, mistakes


def trained(X, y, lr, epochs, stops_when_error_free=True):
    """The oracle of perceptron_train: (w, b, errors)."""
    errors = []
    for weights, mistakes in islice(perceptron_epochs(X, y, lr), epochs):
        errors.append(mistakes)
        if mistakes == 0 and stops_when_error_free:
            break
    return weights[:-1], weights[-1], errors


def counted_after_each_epoch(X, y, lr, epochs):
    """Mistake model: errors[k] counts the samples that the weights at the *end* of epoch k
    misclassify; training then stops one epoch before the error-free epoch the rule needs."""
    errors = []
    for weights, _ in islice(perceptron_epochs(X, y, lr), epochs):
        errors.append(int((heaviside(X @ weights[:-1] + weights[-1]) != y).sum()))
        if errors[-1] == 0:
            break
    return weights[:-1], weights[-1], errors


step_oracle = torch_function(heaviside)
predict_oracle = torch_function(lambda X, w, b: heaviside(X @ w + b))
update_oracle = torch_function(perceptron_rule)
train_oracle = torch_function(trained)

FIRES_AT_ZERO = "step(0) must be 0.0: the perceptron fires only where z > 0 (use >, not >=)"
START_AT_ZERO = "start from w = zeros(d) and b = 0.0, not from random or other values"
STEP_AT_ZERO = Mistake(FIRES_AT_ZERO, torch_function(lambda z: heaviside(z, at_zero=1.0)))
PREDICT_AT_ZERO = Mistake(FIRES_AT_ZERO, torch_function(lambda X, w, b: heaviside(X @ w + b, at_zero=1.0)))
PREDICT_SIGN = Mistake("labels are 0 and 1: np.sign gives -1 for negative scores, use step",
                       torch_function(lambda X, w, b: torch.sign(X @ w + b)))
UPDATE_AT_ZERO = Mistake(FIRES_AT_ZERO, torch_function(lambda x, y, w, b, lr: perceptron_rule(x, y, w, b, lr, 1.0)))
# e = step(...) - y instead of y - step(...) is the right rule with lr negated.
ERROR_SIGN_FLIPPED = Mistake("the update moves the wrong way: e = y - step(x @ w + b), not step(x @ w + b) - y",
                             torch_function(lambda x, y, w, b, lr: perceptron_rule(x, y, w, b, -lr)))
BIAS_NOT_UPDATED = Mistake("the bias learns too: return b + lr * e, not b",
                           torch_function(lambda x, y, w, b, lr: (perceptron_rule(x, y, w, b, lr)[0], b)))
NEVER_STOPS = Mistake("stop after the first epoch with 0 errors: the weights no longer change after it",
                      torch_function(lambda X, y, lr, epochs: trained(X, y, lr, epochs, stops_when_error_free=False)))
COUNTED_AFTER_EPOCH = Mistake("errors[k] counts the samples misclassified *during* epoch k, each just before its "
                              "own update, not those the weights at the end of the epoch misclassify",
                              torch_function(counted_after_each_epoch))

# -- claims ------------------------------------------------------------------------------------


def is_heaviside(student, case):
    got = student.call("step", case["z"])
    tolerance = tolerance_for(case["z"].dtype)
    try:
        compare(got, step_oracle(**case), tolerance, "step(z)")
    except Failure as failure:
        failure.hint = recognise((STEP_AT_ZERO,), got, case, tolerance)
        raise
    if got.dtype.kind != "f":
        raise WrongType(f"step returned a {got.dtype} array; it should hold the floats 0.0 and 1.0",
                        "z > 0 is a boolean array: convert it, (z > 0).astype(z.dtype)")


def training_result(student, case):
    """perceptron_train's (w, b, errors), after checking their types; errors as a list of ints."""
    result = student.call("perceptron_train", *case.values())
    expected = f"(w, b, errors): an array of shape {case['X'].shape[1:]}, a float and a list of ints"
    if not (isinstance(result, (tuple, list)) and len(result) == 3):
        raise WrongType(f"perceptron_train should return {expected}; got {kind_of(result)}")
    w, b, errors = result
    if not (isinstance(w, np.ndarray) and w.shape == case["X"].shape[1:] and is_real_scalar(b)
            and isinstance(errors, (tuple, list)) and all(isinstance(k, (Integral, np.integer)) for k in errors)):
        raise WrongType(f"perceptron_train should return {expected}; "
                        f"got ({kind_of(w)}, {kind_of(b)}, {show(errors)})")
    return w, b, [int(k) for k in errors]


def show_errors(errors):
    """A list of errors per epoch, its middle left out when it is long."""
    if len(errors) <= 10:
        return str(errors)
    return f"[{', '.join(map(str, errors[:5]))}, …, {', '.join(map(str, errors[-3:]))}] ({len(errors)} epochs)"


def converges_on_separable_data(student, case):
    w, b, errors = training_result(student, case)
    if not errors or errors[-1] != 0 or len(errors) > case["epochs"]:
        raise Failure(f"errors = {show_errors(errors)}: these data are linearly separable with a margin, so by "
                      f"the perceptron convergence theorem training makes at most 52 mistakes and ends with an "
                      f"error-free epoch within epochs={case['epochs']}",
                      "apply the update to every sample of every epoch, bias included, and stop only after "
                      "an epoch with 0 errors")
    predicted = (case["X"].astype(np.float64) @ w + float(b) > 0).astype(np.float64)
    wrong = np.flatnonzero(predicted != case["y"])
    if wrong.size:
        raise Failure(f"the last epoch had 0 errors, but the returned w = {show(w)}, b = {show(b)} misclassify "
                      f"samples {wrong.tolist()}",
                      "an error-free epoch means step(X[i] @ w + b) == y[i] for every i with the final w and b: "
                      "check that step(0) == 0 and that you return w and b as they are after the last update")


# BEGIN HIDDEN
def never_converges_on_xor(student, case):
    _, _, errors = training_result(student, case)
    if 0 in errors:
        raise Failure(f"errors = {show_errors(errors)}: no line separates XOR, so no epoch can be error-free",
                      "count sample i as misclassified when its e = y[i] - step(X[i] @ w + b) is nonzero, "
                      "with w and b as they are when it is visited")
    if len(errors) != case["epochs"]:
        raise Failure(f"errors = {show_errors(errors)} has {len(errors)} entries: with no error-free epoch, "
                      f"training must run all epochs={case['epochs']} epochs",
                      "stop early only after an epoch with 0 errors")
# END HIDDEN


def learning_rate_only_scales(student, case):
    """From zero weights, every update with rate lr is lr times the update with rate 1: every
    score is scaled by lr > 0, so every decision, and every error, is the same."""
    lr = case["lr"]
    w, b, errors = training_result(student, case)
    w_at_1, b_at_1, errors_at_1 = training_result(student, {**case, "lr": 1.0})
    if errors != errors_at_1:
        raise Failure(f"errors = {show_errors(errors)} with lr={lr} but {show_errors(errors_at_1)} with lr=1.0; "
                      "from zero weights every update is lr times the update with lr=1.0, so the errors cannot "
                      "depend on lr", START_AT_ZERO)
    tolerance = tolerance_for(case["X"].dtype)
    try:
        compare(w, lr * w_at_1.astype(np.float64), tolerance, f"w with lr={lr} (expected {lr} times w with lr=1.0)")
        compare(b, lr * float(b_at_1), tolerance, f"b with lr={lr} (expected {lr} times b with lr=1.0)")
    except Failure as failure:
        failure.hint = START_AT_ZERO
        raise


# Every function, for the curriculum's rules that hold for all of them.
CONTRACT_CALLS = [
    Call("step", step_inputs()), Call("perceptron_predict", linear_units()),
    Call("perceptron_update", single_samples()), Call("perceptron_train", training_sets()),
]

CHECKS = [
    holds("step is 1.0 where z > 0 and 0.0 elsewhere (step(0) == 0), as floats", 2, uses="step",
          inputs=step_inputs(), claim=is_heaviside, examples=30),
    agrees("perceptron_predict equals step(X @ w + b), one label per row", 2, function="perceptron_predict",
           inputs=linear_units(), oracle=predict_oracle, mistakes=(PREDICT_AT_ZERO, PREDICT_SIGN), examples=30),
    agrees("perceptron_update returns (w + lr*e*x, b + lr*e) with e = y - step(x @ w + b)", 3,
           function="perceptron_update", inputs=single_samples(), oracle=update_oracle,
           mistakes=(UPDATE_AT_ZERO, ERROR_SIGN_FLIPPED, BIAS_NOT_UPDATED), examples=30),
    agrees("perceptron_train follows the perceptron rule epoch by epoch: w, b and errors", 4,
           function="perceptron_train", inputs=training_sets(), oracle=train_oracle,
           mistakes=(NEVER_STOPS, COUNTED_AFTER_EPOCH), examples=30,
           hint="check perceptron_update first; then start from w = zeros(d) and b = 0.0, visit the samples "
                "in their order in X, and count in errors[k] the samples with a nonzero e during epoch k"),
    holds("perceptron_train converges on linearly separable data and then classifies it correctly", 2,
          uses="perceptron_train", inputs=separable_sets(), claim=converges_on_separable_data, examples=25),
    # BEGIN HIDDEN
    hidden(holds("perceptron_train never converges on XOR: it runs every epoch, each with errors", 2,
                 uses="perceptron_train", inputs=xor_sets(), claim=never_converges_on_xor, examples=25)),
    # END HIDDEN
    holds("from zero weights, the learning rate only scales w and b and leaves the errors unchanged", 1,
          uses="perceptron_train", inputs=training_sets(rates=st.sampled_from([0.25, 0.5, 2.0])),
          claim=learning_rate_only_scales, examples=20),
    keeps_inputs("no function changes its input arrays", 2, CONTRACT_CALLS),
    keeps_dtype("float32 inputs give float32 results, float64 give float64", 2, CONTRACT_CALLS),
]
