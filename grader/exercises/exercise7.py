"""Exercise 7 — regularization and initialization (NumPy): the claims and their points.

Dropout and the initialisers are random, so most of their claims are statistical: each is tried
on fixed, large inputs with a fixed seed (`np.random.default_rng(SEED)`, made in the worker and
handed to the student's function) and allows a margin around the value a correct implementation
has in expectation. Next to every threshold is the probability that a *correct* implementation
fails it, with the bound it comes from (an exact binomial tail, Bernstein's inequality, a
Chernoff bound for a chi-square): each is at most 3e-14, and all of them together less than
1e-13, whatever way the implementation draws from its generator, so the fixed seed is as good as
any. The common mistakes miss these margins by
dozens of standard deviations or more. The oracles are NumPy in float64: the grader never needs
torch for this exercise.
"""

import math
from functools import partial

import numpy as np
from hypothesis import strategies as st

from grader.checks.agreement import Mistake, holds, recognise
from grader.checks.compare import compare, is_real_scalar, tolerance_for
from grader.checks.core import Check, Failure, WrongType
# BEGIN HIDDEN
from grader.checks.core import hidden
# END HIDDEN
from grader.checks.robustness import Call, keeps_dtype, keeps_inputs
from grader.checks.show import kind_of, show
from grader.checks.strategies import arrays, float_dtypes, floats, shapes

SEED = 0  # of the generator every statistical check hands to the student's function

# -- inputs ------------------------------------------------------------------------------------

# Dropout's statistical claims use one batch of 100 x 200 = 20000 positive units, far from 0, so
# that a unit of the output is 0 exactly when it was dropped; and an upstream gradient that is
# nowhere 0, so that a zero of dx also means a dropped unit.
X = np.random.default_rng(2024).uniform(0.5, 1.5, size=(100, 200))
DOUT = np.random.default_rng(2025).uniform(0.5, 1.5, size=X.shape) * np.where(
    np.random.default_rng(2026).random(X.shape) < 0.5, -1.0, 1.0)
X.flags.writeable = DOUT.flags.writeable = False
UNITS = X.size
PS = (0.1, 0.5, 0.8)  # 0.1 first: keep-probability semantics (drop 90%) shows there most plainly

XAVIER_CONFIGS = ((200, 300, None), (50, 400, None), (400, 50, math.sqrt(2)))  # None: gain left at its default
HE_CONFIGS = ((50, 400), (400, 50), (256, 512))


class Seed(int):
    """The seed of a case's generator, shown in counterexamples as the generator the student's
    function receives (the generator itself is made in the worker; see `generator`)."""

    def __repr__(self) -> str:
        return f"np.random.default_rng({int(self)})"


seeds = st.integers(0, 2**16).map(Seed)
probabilities = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 0.25]), st.floats(0.0, 1.0))


@st.composite
def dropout_inputs(draw, p=probabilities, training=st.booleans()):
    """A forward's `x, p, training, rng`, then `dout` for the backward."""
    dtype = draw(float_dtypes)
    x = draw(arrays(dtype, shapes(max_dims=3)))
    return {"x": x, "p": draw(p), "training": draw(training), "rng": draw(seeds),
            "dout": draw(arrays(dtype, x.shape))}


# Eval mode with any p (1 included), and p = 0 in training mode.
identity_inputs = st.one_of(dropout_inputs(training=st.just(False)),
                            dropout_inputs(p=st.just(0.0), training=st.just(True)))
# BEGIN HIDDEN
drop_all_inputs = dropout_inputs(p=st.just(1.0), training=st.just(True))
# END HIDDEN
# Mostly training mode with 0 < p < 1, where the work (and the mistakes) is.
contract_dropout_inputs = st.one_of(dropout_inputs(p=st.sampled_from([0.5, 0.2]), training=st.just(True)),
                                    dropout_inputs())


def weight_arrays(dtype):
    # Exact zeros are frequent: sign(0) = 0 is l1's sharpest edge.
    return arrays(dtype, shapes(max_dims=3, max_side=4), st.one_of(st.just(0.0), floats(dtype, 10.0)))


@st.composite
def penalty_inputs(draw, same_dtype=False):
    """`weights`: 1 to 3 arrays of any shapes (of mixed dtypes unless `same_dtype`), and `lam`."""
    dtype = draw(float_dtypes)
    weights = [draw(weight_arrays(dtype if same_dtype else draw(float_dtypes))) for _ in range(draw(st.integers(1, 3)))]
    return {"weights": weights, "lam": draw(st.one_of(st.sampled_from([0.5, 1e-3, 0.0]), st.floats(0.0, 2.0)))}


@st.composite
def initialiser_inputs(draw):
    return {"fan_in": draw(st.integers(1, 8)), "fan_out": draw(st.integers(1, 8)), "rng": draw(seeds),
            "gain": draw(st.one_of(st.none(), st.sampled_from([1.0, 0.5, math.sqrt(2)])))}


# Losses and min_delta are multiples of 1/8 in [0, 2]: every `best - min_delta` (or `loss + min_delta`,
# or any other rewriting of the rule) is exact, so every correct implementation decides like the
# model. Few distinct losses make ties (loss == best - min_delta) frequent. None: left at its default.
eighths = st.integers(0, 16).map(lambda k: k / 8)


@st.composite
def loss_sequences(draw):
    return {"patience": draw(st.one_of(st.none(), st.integers(0, 4))),
            "min_delta": draw(st.one_of(st.none(), st.sampled_from([0.0, 0.125, 0.25, 0.5]))),
            "losses": draw(st.lists(eighths, min_size=1, max_size=15))}


# -- calling the student's code in the worker ----------------------------------------------------


def generator(student, seed: int, on_behalf_of: str, global_seed: int = SEED):
    """`np.random.default_rng(seed)`, made in the worker (a `Remote`). NumPy's and Python's global
    generators are seeded there too, with `global_seed`: code that wrongly draws from them gets
    the same grade at every run."""
    return student.drive("randomness.generator", int(seed), global_seed, on_behalf_of=on_behalf_of)


def dropout(student, x, p, training, rng):
    """`dropout_forward(x, p, training, rng)`'s `(out, cache)`; `rng` is a generator made in the
    worker, or a seed to make one from."""
    if isinstance(rng, int):
        rng = generator(student, rng, "dropout_forward")
    result = student.call("dropout_forward", x, p, training, rng)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise WrongType(f"dropout_forward should return the pair (out, cache), got {kind_of(result)}")
    out, cache = result
    if not isinstance(out, np.ndarray) or out.dtype.kind != "f" or out.shape != x.shape:
        raise WrongType(f"dropout_forward's out should be a float array of the shape of x, {x.shape}; "
                        f"got {kind_of(out)}")
    return out, cache


def dropout_backward(student, dout, cache):
    dx = student.call("dropout_backward", dout, cache)
    if not isinstance(dx, np.ndarray) or dx.dtype.kind != "f" or dx.shape != dout.shape:
        raise WrongType(f"dropout_backward should return dx, a float array of the shape of dout, {dout.shape}; "
                        f"got {kind_of(dx)}")
    return dx


def training_outputs(student):
    """(x, p, out, cache, call) for x = X in float64 then float32, and each p of PS."""
    for x in (X, X.astype(np.float32)):
        x.flags.writeable = False
        for p in PS:
            out, cache = dropout(student, x, p, True, Seed(SEED))
            call = (f"dropout_forward(x, p={p}, training=True, rng=np.random.default_rng({SEED})) on a {x.dtype} x "
                    f"of shape {x.shape} with values in [0.5, 1.5]")
            yield x, p, out, cache, call


def initialised(student, function: str, fan_in: int, fan_out: int, gain=None):
    """`function(fan_in, fan_out, np.random.default_rng(SEED)[, gain])`'s values, as float64,
    with a description of the call."""
    rng = generator(student, SEED, function)
    w = student.call(function, fan_in, fan_out, rng, *([] if gain is None else [gain]))
    if not isinstance(w, np.ndarray) or w.dtype.kind != "f" or w.size != fan_in * fan_out:
        raise WrongType(f"{function} should return a float array of shape ({fan_in}, {fan_out}), got {kind_of(w)}")
    gain_part = "" if gain is None else f", gain={gain:.6g}"
    return w.astype(np.float64).ravel(), f"{function}({fan_in}, {fan_out}, rng{gain_part})"


# -- known mistakes ----------------------------------------------------------------------------

KEEP_PROBABILITY = ("p is the probability of *dropping* a unit (torch's convention), not of keeping it: "
                    "keep a unit where rng.random(x.shape) >= p, and scale the kept units by 1/(1-p)")
NOT_INVERTED = ("this is dropout without the inverted scaling: divide the kept units by 1 - p, so that "
                "every output keeps its expected value (and eval mode needs no rescaling)")
MULTIPLIED_BY_KEEP = "kept units are divided by 1 - p (scaled up), not multiplied by it"
SHARED_MASK = ("every unit needs its own draw: a mask of the full shape of x (rng.random(x.shape)), not one "
               "row shared by the whole batch")
SAME_MASK = ("dropout_backward must zero exactly the units the forward dropped: keep the forward's mask (scaled "
             "by 1/(1-p)) in the cache and multiply dout by it, instead of drawing a new mask")
BACKWARD_NOT_SCALED = "the forward scales kept units by 1/(1-p): the gradient of those units is dout / (1 - p)"
EVAL_MODE = "with training=False dropout does nothing: return x (a copy is fine), and dx = dout in the backward"
# BEGIN HIDDEN
DROP_ALL = ("with p = 1 every unit is dropped: return zeros (np.zeros_like(x)) rather than computing "
            "x * mask / (1 - p), which is 0 * inf = nan")
# END HIDDEN
GLOBAL_RNG = ("draw from the `rng` argument only (rng.random(x.shape)): np.random.rand and friends use NumPy's "
              "global generator, and a generator you create yourself ignores the seed the caller chose")
OWN_GENERATOR = ("consecutive calls with one rng gave the same mask: draw from the `rng` you are given, which "
                 "advances at every draw, instead of creating a generator of your own from a fixed seed")
INITIALISER_SHAPE = "W has shape (fan_in, fan_out), the layout of the W in exercise 2's x @ W + b"
INITIALISER_DTYPE = "return the generator's float64 draws as they are, without converting them"
XAVIER_HALF_RANGE = "the values should be symmetric around 0: uniform on [-a, a], as rng.uniform(-a, a, size) draws"
XAVIER_NORMAL = ("these values look normally distributed: xavier_uniform draws from the uniform distribution on "
                 "[-a, a] (rng.uniform(-a, a, size))")
HE_UNIFORM = ("these values are uniformly distributed: he_normal draws from the normal distribution, "
              "rng.normal(0.0, std, size)")
HE_TRUNCATED = ("no value lies beyond 2.3 std: this is a truncated normal (Keras' he_normal); torch's "
                "kaiming_normal_, the contract, draws from the plain normal rng.normal(0.0, std, size)")
LOSS_TYPE = "return the loss as float(...): a NumPy float32 or a 0-d array is not a Python float"
GRAD_DTYPE = "each gradient has its weight array's dtype: lam * W.dtype.type(...) or .astype(W.dtype)"
# BEGIN HIDDEN
STEP_TYPE = ("return a Python bool: bool(self.wait >= self.patience); NumPy comparisons give np.bool_, "
             "which `is True` does not recognise")
# END HIDDEN


def xavier_bound(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6 / (fan_in + fan_out))


def xavier_bound_mistakes(fan_in, fan_out, gain):
    """(bound, hint) of the plausible wrong bounds, for a given configuration."""
    right = "a = gain * sqrt(6 / (fan_in + fan_out))"
    return [
        (gain * math.sqrt(6 / fan_in), f"the bound uses fan_in + fan_out: {right}, not sqrt(6 / fan_in)"),
        (gain * math.sqrt(6 / fan_out), f"the bound uses fan_in + fan_out: {right}, not sqrt(6 / fan_out)"),
        (gain * math.sqrt(2 / (fan_in + fan_out)), "sqrt(2 / (fan_in + fan_out)) is the standard deviation; a "
                                                   f"uniform on [-a, a] has std a / sqrt(3), so {right}"),
        *([(xavier_bound(fan_in, fan_out), f"multiply the bound by `gain`: {right}")] if gain != 1 else []),
    ]


def he_std(fan_in):
    return math.sqrt(2 / fan_in)


def he_std_mistakes(fan_in, fan_out):
    return [
        (2 / fan_in, "2 / fan_in is the variance: the standard deviation is its square root, sqrt(2 / fan_in) "
                     "(rng.normal takes the std)"),
        (math.sqrt(2 / fan_out), "He's std uses fan_in (mode='fan_in'): sqrt(2 / fan_in), not sqrt(2 / fan_out)"),
        (math.sqrt(1 / fan_in), "sqrt(1 / fan_in) is LeCun's initialisation; He's, for ReLU layers, has the "
                                "factor 2: sqrt(2 / fan_in)"),
    ]


def nearest_hint(measured: float, candidates, within: float) -> str | None:
    """The hint of the (value, hint) candidate nearest `measured`, if within `within` of it."""
    distance, hint = min(((abs(measured - value), hint) for value, hint in candidates), default=(math.inf, None))
    return hint if distance <= within else None


def l2_oracle(weights, lam):
    weights = [W.astype(np.float64) for W in weights]
    return 0.5 * lam * sum(float(np.sum(W * W)) for W in weights), [lam * W for W in weights]


def l1_oracle(weights, lam, sign=np.sign):
    weights = [W.astype(np.float64) for W in weights]
    return lam * sum(float(np.sum(np.abs(W))) for W in weights), [lam * sign(W) for W in weights]


def sign_one_at_zero(W):
    return np.where(W >= 0, 1.0, -1.0)


L2_WITHOUT_HALF = Mistake("the L2 penalty is 0.5 * lam * sum of squares: the 0.5 is missing",
                          lambda weights, lam: 2 * l2_oracle(weights, lam)[0])
L2_GRADS_DOUBLED = Mistake("the derivative of 0.5 * lam * W**2 is lam * W: the 0.5 cancels the 2",
                           lambda weights, lam: [2 * grad for grad in l2_oracle(weights, lam)[1]])
L1_SIGN_AT_ZERO = Mistake("sign(0) = 0: the gradient of lam * |W| is 0 where W == 0 (np.sign), not lam "
                          "(W >= 0 makes it +1)", lambda weights, lam: l1_oracle(weights, lam, sign_one_at_zero)[1])


def keras_early_stopping(patience, min_delta, losses, *, improves=lambda loss, best, min_delta: loss < best - min_delta,
                         stops=lambda wait, patience: wait >= patience, resets=True, any_decrease_is_best=False):
    """The contract's rule (keras.callbacks.EarlyStopping, mode='min'): [(step's result, best), ...]
    after each loss. The keyword arguments make the known mistakes."""
    patience = 0 if patience is None else patience
    min_delta = 0.0 if min_delta is None else min_delta
    best, wait, steps = math.inf, 0, []
    for loss in losses:
        if improves(loss, best, min_delta):
            best, wait, stop = loss, 0 if resets else wait, False
        else:
            wait += 1
            best = min(best, loss) if any_decrease_is_best else best
            stop = stops(wait, patience)
        steps.append((stop, best))
    return steps


EARLY_STOPPING_MISTAKES = (
    Mistake("an improvement is strictly below best - min_delta: a loss equal to it is no improvement "
            "(use <, not <=)", partial(keras_early_stopping, improves=lambda loss, best, d: loss <= best - d)),
    Mistake("min_delta is ignored: an improvement is val_loss < best - min_delta",
            partial(keras_early_stopping, improves=lambda loss, best, d: loss < best)),
    Mistake("min_delta has the wrong sign: an improvement must beat best by more than min_delta, "
            "val_loss < best - min_delta",
            partial(keras_early_stopping, improves=lambda loss, best, d: loss < best + d)),
    Mistake("best changes only on an improvement: a loss lower than best but not by more than min_delta "
            "leaves best as it is", partial(keras_early_stopping, any_decrease_is_best=True)),
    Mistake("an improvement resets the wait counter to 0", partial(keras_early_stopping, resets=False)),
    Mistake("stop once wait >= patience (with patience=0, the first epoch without improvement stops), "
            "not wait > patience", partial(keras_early_stopping, stops=lambda wait, patience: wait > patience)),
)

# -- claims: dropout ---------------------------------------------------------------------------


def drops_a_fraction_p(student):
    for x, p, out, _, call in training_outputs(student):
        dropped = np.count_nonzero(out == 0) / UNITS
        # A correct dropout drops Binomial(20000, p) units: a fraction outside p ± 0.03 has probability
        # 2.1e-42 (p = 0.1), 2.0e-17 (p = 0.5), 9.1e-26 (p = 0.8) (exact binomial tails).
        if abs(dropped - p) > 0.03:
            raise Failure(f"{call}: {dropped:.1%} of the units are 0; expected a fraction p = {p:.0%} (± 3%)",
                          KEEP_PROBABILITY if abs(dropped - (1 - p)) <= 0.03 else None)


def draws_every_unit(student):
    for x, p, out, _, call in training_outputs(student):
        # Two given rows of 200 independent units share a mask with probability q^200, with
        # q = p² + (1-p)²; by the union bound over the C(100, 2) pairs, a correct dropout repeats a row with
        # probability at most 2.9e-14 (p = 0.1), 3.1e-57 (p = 0.5), 1.6e-30 (p = 0.8).
        distinct = len(np.unique(out == 0, axis=0))
        if distinct < len(out):
            raise Failure(f"{call}: its 100 rows got only {distinct} distinct mask(s); with a draw for every unit, "
                          "two rows of 200 units practically never get the same one", SHARED_MASK)


def scales_kept_units(student):
    for x, p, out, _, call in training_outputs(student):
        kept = out != 0
        expected = x.astype(np.float64) / (1 - p)
        wrong = ~np.isclose(out[kept], expected[kept], rtol=tolerance_for(x.dtype)[0], atol=0)
        if wrong.any():
            factors = out[kept][wrong].astype(np.float64) / x[kept][wrong]
            hint = nearest_hint(float(np.median(factors)), [(1.0, NOT_INVERTED), (1 - p, MULTIPLIED_BY_KEEP),
                                                           (1 / p, KEEP_PROBABILITY)], within=1e-5)
            raise Failure(f"{call}: kept units should be x / (1 - p) = {1 / (1 - p):.6g} * x; {wrong.sum()} of the "
                          f"{kept.sum()} nonzero outputs are not, they are about {np.median(factors):.6g} * x", hint)


def keeps_the_mean(student):
    for x, p, out, _, call in training_outputs(student):
        ratio = float(np.mean(out, dtype=np.float64) / np.mean(x, dtype=np.float64))
        # mean(out) - mean(x) is a mean of independent terms x_i (B_i / (1-p) - 1), B_i ~ Bernoulli(1-p), each of
        # variance x_i² p / (1-p) and bounded by max(x) max(1, p / (1-p)): by Bernstein's inequality the ratio is
        # outside 1 ± 0.03 / 0.06 / 0.15 with probability at most 2.6e-29 / 1.8e-14 / 1.6e-21 (p = 0.1 / 0.5 / 0.8).
        tolerance = {0.1: 0.03, 0.5: 0.06, 0.8: 0.15}[p]
        if abs(ratio - 1) > tolerance:
            hint = nearest_hint(ratio, [(1 - p, NOT_INVERTED), ((1 - p) ** 2, MULTIPLIED_BY_KEEP)], tolerance)
            raise Failure(f"{call}: mean(out) = {ratio:.4f} * mean(x); inverted dropout keeps the mean, "
                          f"expected 1 ± {tolerance} times mean(x)", hint)


def backward_reuses_the_mask(student):
    for x, p, out, cache, call in training_outputs(student):
        dout = DOUT.astype(x.dtype)
        dx = dropout_backward(student, dout, cache)
        dropped, zero = out == 0, dx == 0
        if not np.array_equal(zero, dropped):
            raise Failure(f"{call}, then dropout_backward(dout, cache) with dout nonzero everywhere: dx is 0 at "
                          f"{np.count_nonzero(zero & ~dropped)} units the forward kept, and nonzero at "
                          f"{np.count_nonzero(dropped & ~zero)} units it dropped", SAME_MASK)
        expected = dout.astype(np.float64) / (1 - p)
        rtol = tolerance_for(x.dtype)[0]
        wrong = ~np.isclose(dx[~dropped], expected[~dropped], rtol=rtol, atol=0)
        if wrong.any():
            unscaled = np.allclose(dx[~dropped], dout[~dropped], rtol=rtol, atol=0)
            raise Failure(f"{call}, then dropout_backward(dout, cache): at kept units dx should be dout / (1 - p) = "
                          f"{1 / (1 - p):.6g} * dout; it is not at {wrong.sum()} of them",
                          BACKWARD_NOT_SCALED if unscaled else None)


def is_the_identity(student, case):
    x, dout = case["x"], case["dout"]
    out, cache = dropout(student, x, case["p"], case["training"], case["rng"])
    hint = None if case["training"] else EVAL_MODE
    if not np.array_equal(out, x):
        raise Failure(f"out should equal x\nexpected: {show(x)}\ngot:      {show(out)}", hint)
    dx = dropout_backward(student, dout, cache)
    if not np.array_equal(dx, dout):
        raise Failure(f"dropout_backward(dout, cache) should return dout\nexpected: {show(dout)}\ngot:      {show(dx)}",
                      hint)


# BEGIN HIDDEN
def drops_everything(student, case):
    out, cache = dropout(student, case["x"], 1.0, True, case["rng"])
    if student.warnings:
        raise Failure(f"dropout_forward warned: {'; '.join(student.warnings)}", DROP_ALL)
    if not np.all(out == 0):
        raise Failure(f"with p = 1 every unit is dropped: out should be all zeros, got {show(out)}", DROP_ALL)
    dx = dropout_backward(student, case["dout"], cache)
    if student.warnings:
        raise Failure(f"dropout_backward warned: {'; '.join(student.warnings)}", DROP_ALL)
    if not np.all(dx == 0):
        raise Failure(f"with p = 1 no unit reaches the output: dx should be all zeros, got {show(dx)}", DROP_ALL)
# END HIDDEN


def uses_only_its_rng(student):
    p, seed = 0.5, SEED
    call = f"dropout_forward(x, p={p}, training=True, rng) on x of shape {X.shape}"
    # Two generators of one seed, the global generators (np.random, random) seeded differently before each call.
    first_rng = generator(student, seed, "dropout_forward", global_seed=1)
    first, _ = dropout(student, X, p, True, first_rng)
    again, _ = dropout(student, X, p, True, generator(student, seed, "dropout_forward", global_seed=2))
    if not np.array_equal(first, again):
        raise Failure(f"{call}: two calls, each with a new np.random.default_rng({seed}), gave different outputs "
                      "(NumPy's and Python's global generators were seeded differently before each)", GLOBAL_RNG)
    # Two masks of 20000 units drawn independently with p = 0.5 are equal with probability 2^-20000
    # (below 1e-6000): for the second draw of one generator, and for another seed.
    second, _ = dropout(student, X, p, True, first_rng)
    if np.array_equal(second == 0, first == 0):
        raise Failure(f"{call}: a second call with the same generator, which has advanced, dropped exactly the same "
                      "units as the first", OWN_GENERATOR)
    other, _ = dropout(student, X, p, True, Seed(seed + 1))
    if np.array_equal(other == 0, first == 0):
        raise Failure(f"{call}: np.random.default_rng({seed}) and np.random.default_rng({seed + 1}) gave the same "
                      "mask", GLOBAL_RNG)


# -- claims: penalties -------------------------------------------------------------------------


def penalty(student, function, case):
    """`function(weights, lam)`'s (loss, grads), with the tolerance of the least precise weight."""
    result = student.call(function, case["weights"], case["lam"])
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise WrongType(f"{function} should return the pair (loss, grads), got {kind_of(result)}")
    dtypes = {W.dtype for W in case["weights"]}
    return (*result, tolerance_for(np.float32 if np.dtype(np.float32) in dtypes else np.float64))


def loss_agrees(function, oracle, mistakes=()):
    def claim(student, case):
        loss, _, tolerance = penalty(student, function, case)
        try:
            compare(loss, oracle(**case)[0], tolerance, "the loss")
        except Failure as failure:
            failure.hint = failure.hint or recognise(mistakes, loss, case, tolerance)
            raise
        if not isinstance(loss, float):  # np.float64 is a subclass of float, np.float32 is not
            raise WrongType(f"the loss should be a Python float, got {kind_of(loss)}", LOSS_TYPE)

    return claim


def grads_agree(function, oracle, mistakes=()):
    def claim(student, case):
        _, grads, tolerance = penalty(student, function, case)
        try:
            compare(grads, oracle(**case)[1], tolerance, "grads")
        except Failure as failure:
            failure.hint = failure.hint or recognise(mistakes, grads, case, tolerance)
            raise
        for index, (grad, W) in enumerate(zip(grads, case["weights"])):
            if grad.dtype != W.dtype:
                raise Failure(f"grads[{index}] is a {grad.dtype} array for the {W.dtype} weights[{index}]", GRAD_DTYPE)

    return claim


# -- claims: initialisers ----------------------------------------------------------------------


def initialisers_have_the_shape(student, case):
    fan_in, fan_out, gain = case["fan_in"], case["fan_out"], case["gain"]
    calls = [("xavier_uniform", [] if gain is None else [gain]), ("he_normal", [])]
    for function, extra in calls:
        w = student.call(function, fan_in, fan_out, generator(student, case["rng"], function), *extra)
        if not isinstance(w, np.ndarray):
            raise WrongType(f"{function} should return a NumPy array, got {kind_of(w)}")
        if w.shape != (fan_in, fan_out):
            raise Failure(f"{function}({fan_in}, {fan_out}, ...) has shape {w.shape}, expected {(fan_in, fan_out)}",
                          INITIALISER_SHAPE if w.shape == (fan_out, fan_in) else None)
        if w.dtype != np.float64:
            raise Failure(f"{function} returned a {w.dtype} array, expected float64", INITIALISER_DTYPE)


def xavier_fills_its_bound(student):
    for fan_in, fan_out, gain in XAVIER_CONFIGS:
        w, call = initialised(student, "xavier_uniform", fan_in, fan_out, gain)
        gain = 1.0 if gain is None else gain
        a, top = xavier_bound(fan_in, fan_out, gain), float(np.max(np.abs(w)))
        # No value of a correct implementation exceeds a (beyond rounding); all n >= 20000 stay below 0.99 a
        # with probability 0.99^n < 1e-87.
        if not 0.99 * a <= top <= a * (1 + 1e-12):
            hint = next((hint for bound, hint in xavier_bound_mistakes(fan_in, fan_out, gain)
                         if 0.99 * bound <= top <= bound * (1 + 1e-12)), None)
            raise Failure(f"{call}: the largest |w| is {top:.6g}; the values should fill [-a, a] with "
                          f"a = gain * sqrt(6 / (fan_in + fan_out)) = {a:.6g}", hint)


def xavier_is_uniform(student):
    for fan_in, fan_out, gain in XAVIER_CONFIGS:
        w, call = initialised(student, "xavier_uniform", fan_in, fan_out, gain)
        u = w / xavier_bound(fan_in, fan_out, 1.0 if gain is None else gain)  # uniform on [-1, 1] if correct
        # n = 60000 (first configuration) or 20000 values u; the bounds below are for n = 20000, the larger n's smaller.
        # |mean(u)| > 0.05 with probability <= 1.9e-31 (Bernstein: variance 1/3, |u| <= 1).
        if abs(u.mean()) > 0.05:
            raise Failure(f"{call}: the mean of the values is {u.mean():.4f} * a, expected 0 (± 0.05 a)",
                          XAVIER_HALF_RANGE if abs(u.mean() - 0.5) <= 0.05 else None)
        # var(u) outside (1 ± 0.1) / 3 needs |mean(u²) - 1/3| > 0.03 or |mean(u)| > 0.05: probability
        # <= 2.5e-41 + 1.9e-31 (Bernstein for u², of variance 4/45 and |u² - 1/3| <= 2/3).
        if abs(u.var() * 3 - 1) > 0.1:
            raise Failure(f"{call}: the variance of the values is {u.var():.4f} * a², expected a² / 3 = "
                          f"{1 / 3:.4f} * a² (± 10%), with a = gain * sqrt(6 / (fan_in + fan_out))")
        # The fraction of |u| < 1/2 is Binomial(n, 1/2) / n: outside 1/2 ± 0.03 with probability 2.0e-17 (exact).
        inside = float(np.mean(np.abs(u) < 0.5))
        if abs(inside - 0.5) > 0.03:
            raise Failure(f"{call}: {inside:.1%} of the values lie within a / 2 of 0; a uniform distribution on "
                          f"[-a, a] puts half of them there (± 3%)",
                          XAVIER_NORMAL if abs(inside - 0.6135) <= 0.03 else None)


def he_has_the_std(student):
    for fan_in, fan_out in HE_CONFIGS:
        w, call = initialised(student, "he_normal", fan_in, fan_out)
        std = he_std(fan_in)
        z = w / std  # standard normal if correct; n = 20000, 20000, 131072 (bounds for n = 20000 below)
        # mean(z) ~ N(0, 1/n): |mean(z)| > 0.06 with probability erfc(0.06 sqrt(n / 2)) = 2.2e-17.
        if abs(z.mean()) > 0.06:
            raise Failure(f"{call}: the mean of the values is {z.mean():.4f} * std, expected 0 (± 0.06 std)")
        # n var(z) ~ chi-square with n - 1 degrees of freedom: std(z) outside 1 ± 0.05 with probability
        # <= 5.0e-22 (Chernoff bounds on both tails).
        if abs(z.std() - 1) > 0.05:
            raise Failure(f"{call}: the standard deviation of the values is {w.std():.6g}, expected "
                          f"sqrt(2 / fan_in) = {std:.6g} (± 5%)",
                          nearest_hint(float(z.std()), [(wrong / std, hint) for wrong, hint in
                                                        he_std_mistakes(fan_in, fan_out)], within=0.05))


def he_is_normal(student):
    for fan_in, fan_out in HE_CONFIGS:
        w, call = initialised(student, "he_normal", fan_in, fan_out)
        z = np.abs(w / he_std(fan_in))
        hint = HE_UNIFORM if z.max() <= math.sqrt(3) * (1 + 1e-9) else HE_TRUNCATED if z.max() <= 2.28 else None
        # The fraction of |z| < 1 is Binomial(n, 0.6827) / n: outside 0.6827 ± 0.03 with probability 9.2e-20 (exact,
        # n = 20000; smaller for n = 131072).
        within_one = float(np.mean(z < 1))
        if abs(within_one - 0.682689) > 0.03:
            raise Failure(f"{call}: {within_one:.1%} of the values lie within one std of 0; a normal distribution "
                          "puts 68.3% of them there (± 3%)", hint)
        # The fraction of |z| > 2.5 is Binomial(n, 0.0124) / n: outside [0.006, 0.02] with probability 2.4e-19 (exact).
        beyond = float(np.mean(z > 2.5))
        if not 0.006 <= beyond <= 0.02:
            raise Failure(f"{call}: {beyond:.2%} of the values lie beyond 2.5 std; a normal distribution puts "
                          "1.24% of them there (between 0.6% and 2%)", hint)


# -- claims: early stopping --------------------------------------------------------------------


def early_stopping_steps(student, case):
    """[(step's result, best), ...] after each loss of the case, made and stepped in the worker."""
    keywords = [(name, case[name]) for name in ("patience", "min_delta") if case[name] is not None]  # None: default
    steps = student.drive("objects.method_calls", "EarlyStopping", keywords, "step", case["losses"], ["best"],
                          on_behalf_of="EarlyStopping")
    for result, best in steps:
        if not isinstance(result, (bool, np.bool_)):
            raise WrongType(f"step should return True or False, got {kind_of(result)}")
        if not is_real_scalar(best):
            raise WrongType(f"the attribute best should be a number, got {kind_of(best)}")
    return steps


def stepped(student, case):
    return [(bool(result), float(best)) for result, best in early_stopping_steps(student, case)]


# Sequences on which the rule and each known mistake all behave differently: the smallest failing
# case often fits several mistakes, and these tell which one it is.
TELLING_SEQUENCES = (
    {"patience": 1, "min_delta": 0.25, "losses": [2.0, 1.75, 1.875, 1.5, 1.5, 1.25, 1.0, 1.0]},
    {"patience": 2, "min_delta": 0.0, "losses": [1.0, 1.0, 0.5, 0.75, 0.5, 0.5, 0.25]},
)


def recognise_early_stopping(student, case, got) -> str | None:
    """The hint of the known mistake that behaves as the student's class on `case` and on every
    telling sequence, if any."""
    observed = [(case, got), *((other, stepped(student, other)) for other in TELLING_SEQUENCES)]
    return next((mistake.hint for mistake in EARLY_STOPPING_MISTAKES
                 if all(mistake.model(**other) == steps for other, steps in observed)), None)


def constructed(case) -> str:
    """How the case's EarlyStopping is made: `EarlyStopping(patience=2)`."""
    arguments = [f"{name}={case[name]}" for name in ("patience", "min_delta") if case[name] is not None]
    return f"EarlyStopping({', '.join(arguments)})"


def follows_the_keras_rule(student, case):
    got = stepped(student, case)
    expected = keras_early_stopping(**case)
    for call, (loss, mine, theirs) in enumerate(zip(case["losses"], got, expected), 1):
        if mine != theirs:
            raise Failure(f"{constructed(case)}, call {call} of step, step({loss}): it returned {mine[0]} and left "
                          f"best = {mine[1]}; the rule gives {theirs[0]} and best = {theirs[1]}",
                          recognise_early_stopping(student, case, got))


# BEGIN HIDDEN
def returns_python_bools(student):
    for case in TELLING_SEQUENCES:  # improvements, and epochs without one that stop and that do not
        for call, (result, _) in enumerate(early_stopping_steps(student, case), 1):
            if type(result) is not bool:
                raise Failure(f"{constructed(case)} stepped through the losses {case['losses']}: call {call} "
                              f"returned {show(result)}, not a Python bool", STEP_TYPE)
# END HIDDEN


# -- the contract's rules ----------------------------------------------------------------------


class DropoutCall(Call):
    """dropout_forward then dropout_backward, the case's seed made a generator in the worker first."""

    def run(self, student, case):
        return super().run(student, {**case, "rng": generator(student, case["rng"], self.function)})


CONTRACT_CALLS = [
    DropoutCall("dropout_forward", contract_dropout_inputs, backward="dropout_backward"),
    Call("l2_penalty", penalty_inputs(same_dtype=True)),
    Call("l1_penalty", penalty_inputs(same_dtype=True)),
]
DROPOUT = ("dropout_forward",)
DROPOUT_PAIR = ("dropout_forward", "dropout_backward")
INITIALISERS = ("xavier_uniform", "he_normal")

CHECKS = [
    Check("dropout_forward drops a fraction p of the units (p is the probability of dropping)", 2, DROPOUT,
          drops_a_fraction_p),
    Check("dropout_forward draws every unit on its own (rows of a batch get different masks)", 1, DROPOUT,
          draws_every_unit),
    Check("dropout_forward scales the kept units by 1/(1-p) (inverted dropout)", 1, DROPOUT, scales_kept_units),
    Check("dropout_forward keeps the mean of its input", 1, DROPOUT, keeps_the_mean),
    Check("dropout_backward reuses the forward's mask and scale", 1, DROPOUT_PAIR, backward_reuses_the_mask),
    holds("dropout is the identity in eval mode (training=False) and for p = 0, forward and backward", 1,
          uses=DROPOUT_PAIR, inputs=identity_inputs, claim=is_the_identity, examples=20),
    # BEGIN HIDDEN
    hidden(holds("dropout with p = 1 gives zeros, without nan or warnings", 1, uses=DROPOUT_PAIR,
                 inputs=drop_all_inputs, claim=drops_everything, examples=10)),
    # END HIDDEN
    Check("dropout_forward draws from the rng it is given, and from nothing else", 2, DROPOUT, uses_only_its_rng),
    holds("l2_penalty loss is 0.5 * lam * Σ‖W‖², a Python float", 1, uses="l2_penalty", inputs=penalty_inputs(),
          claim=loss_agrees("l2_penalty", l2_oracle, (L2_WITHOUT_HALF,))),
    holds("l2_penalty grads are lam * W, one per weight array, in order and of its dtype", 1, uses="l2_penalty",
          inputs=penalty_inputs(), claim=grads_agree("l2_penalty", l2_oracle, (L2_GRADS_DOUBLED,))),
    holds("l1_penalty loss is lam * Σ|W|, a Python float", 1, uses="l1_penalty", inputs=penalty_inputs(),
          claim=loss_agrees("l1_penalty", l1_oracle)),
    holds("l1_penalty grads are lam * sign(W) with sign(0) = 0, in order and of the weights' dtypes", 1,
          uses="l1_penalty", inputs=penalty_inputs(), claim=grads_agree("l1_penalty", l1_oracle, (L1_SIGN_AT_ZERO,))),
    holds("xavier_uniform and he_normal return float64 arrays of shape (fan_in, fan_out)", 1, uses=INITIALISERS,
          inputs=initialiser_inputs(), claim=initialisers_have_the_shape, examples=15),
    Check("xavier_uniform fills [-a, a] with a = gain * sqrt(6 / (fan_in + fan_out))", 1, ("xavier_uniform",),
          xavier_fills_its_bound),
    Check("xavier_uniform is uniform: mean 0, variance a² / 3, half of the values within a / 2", 1,
          ("xavier_uniform",), xavier_is_uniform),
    Check("he_normal has mean 0 and standard deviation sqrt(2 / fan_in)", 2, ("he_normal",), he_has_the_std),
    Check("he_normal is normal: 68% of the values within one std, 1.2% beyond 2.5 std", 1, ("he_normal",),
          he_is_normal),
    holds("EarlyStopping agrees with the Keras rule (improvement: loss < best - min_delta) on any loss sequence", 2,
          uses="EarlyStopping", inputs=loss_sequences(), claim=follows_the_keras_rule, examples=40),
    # BEGIN HIDDEN
    hidden(Check("EarlyStopping.step returns Python bools", 1, ("EarlyStopping",), returns_python_bools)),
    # END HIDDEN
    keeps_inputs("no function changes its input arrays, dout or cache", 1, CONTRACT_CALLS, examples=10),
    keeps_dtype("float32 inputs give float32 results, float64 give float64", 1, CONTRACT_CALLS, examples=10),
]
