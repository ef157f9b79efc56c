"""Exercise 3 — softmax and cross-entropy (NumPy): the claims and their points."""

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks.agreement import Mistake, agrees, holds
from grader.checks.compare import compare, tolerance_for
from grader.checks.core import Failure
# BEGIN HIDDEN
from grader.checks.core import hidden
# END HIDDEN
from grader.checks.gradients import central_differences
from grader.checks.oracles import torch_function, value_and_grad
from grader.checks.robustness import Call, keeps_dtype, keeps_inputs
from grader.checks.show import show
from grader.checks.strategies import arrays, extreme_floats, float_dtypes, floats, shapes

EXTREME = 1e4

# -- inputs ------------------------------------------------------------------------------------


@st.composite
def logits_along_axis(draw, extreme=False):
    dtype = draw(float_dtypes)
    z = draw(arrays(dtype, shapes(max_dims=3), extreme_floats(dtype, EXTREME) if extreme else floats(dtype, 30.0)))
    return {"z": z, "axis": draw(st.integers(-z.ndim, z.ndim - 1))}


# BEGIN HIDDEN
@st.composite
def shifted_logits(draw):
    """Logits on a grid of 1/8 and an integer shift, so that z + shift is exact in float32."""
    case = draw(logits_along_axis())
    grid = (np.round(case["z"] * 8) / 8).astype(case["z"].dtype)
    return {**case, "z": grid, "shift": draw(st.integers(-1000, 1000))}
# END HIDDEN


@st.composite
def classification(draw, extreme=False, dtypes=float_dtypes, max_side=6):
    dtype = draw(dtypes)
    n, c = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    elements = extreme_floats(dtype, EXTREME) if extreme else floats(dtype, 20.0)
    logits = draw(arrays(dtype, (n, c), elements))
    labels = draw(arrays(np.int64, (n,), st.integers(0, c - 1)))
    return {"logits": logits, "labels": labels}


@st.composite
def binary(draw, extreme=False, dtypes=float_dtypes, max_side=5):
    dtype = draw(dtypes)
    shape = draw(shapes(max_dims=2, max_side=max_side))
    elements = extreme_floats(dtype, EXTREME) if extreme else floats(dtype, 20.0)
    logits = draw(arrays(dtype, shape, elements))
    targets = draw(arrays(dtype, shape, st.one_of(st.sampled_from([0.0, 1.0]), floats(dtype, 1.0).map(abs))))
    return {"logits": logits, "targets": targets}


float64_only = st.just(np.dtype(np.float64))

# -- oracles and known mistakes ----------------------------------------------------------------

softmax_oracle = torch_function(lambda z, axis: torch.softmax(z, dim=axis))
log_softmax_oracle = torch_function(lambda z, axis: torch.log_softmax(z, dim=axis))
cross_entropy_oracle = value_and_grad(lambda logits, labels: F.cross_entropy(logits, labels), wrt="logits")
bce_oracle = value_and_grad(lambda logits, targets: F.binary_cross_entropy_with_logits(logits, targets), wrt="logits")


def naive_softmax(z, axis):
    exps = np.exp(z.astype(np.float64))
    return exps / exps.sum(axis=axis, keepdims=True)


NO_MAX_SUBTRACTION = "exp overflows for large logits: subtract the maximum along the axis before np.exp " \
                     "(softmax(z) == softmax(z - max(z)))"
LOG_OF_SOFTMAX = "log(softmax(z)) is -inf where softmax underflows to 0: use z - max - log(sum(exp(z - max)))"
LAST_AXIS_ONLY = Mistake("the result is normalised along the last axis whatever `axis` is: pass `axis` "
                         "(with keepdims=True) to max and sum", lambda z, axis: naive_softmax(z, -1))
SUM_NOT_MEAN = Mistake("the loss is the sum over the batch; torch's default reduction is the mean: divide by N",
                       lambda logits, labels: len(labels) * cross_entropy_oracle(logits=logits, labels=labels)[0])
NOT_DIVIDED_BY_N = Mistake("the gradient of a mean carries its 1/N too: divide dlogits by the batch size N",
                           lambda logits, labels: len(labels) * cross_entropy_oracle(logits=logits, labels=labels)[1])
WRONG_SIGN = Mistake("the gradient has the wrong sign: it is (softmax(logits) - onehot(labels)) / N",
                     lambda logits, labels: -cross_entropy_oracle(logits=logits, labels=labels)[1])
BCE_SUM_NOT_MEAN = Mistake("the loss is the sum over all elements; torch's default reduction is the mean: "
                           "divide by logits.size",
                           lambda logits, targets: logits.size * bce_oracle(logits=logits, targets=targets)[0])
BCE_NOT_DIVIDED = Mistake("the gradient of a mean carries its 1/size too: divide dlogits by logits.size",
                          lambda logits, targets: logits.size * bce_oracle(logits=logits, targets=targets)[1])

# -- claims ------------------------------------------------------------------------------------


def rows_sum_to_one(student, case):
    out = student.call("softmax", *case.values())
    tolerance = tolerance_for(case["z"].dtype)
    compare(np.asarray(np.sum(out, axis=case["axis"])), np.ones(np.delete(case["z"].shape, case["axis"])), tolerance,
            f"sum of softmax(z) along axis {case['axis']}")
    if np.any(out < 0) or np.any(out > 1):
        raise Failure(f"softmax has entries outside [0, 1]: {show(out)}")


# BEGIN HIDDEN
def shift_invariant(student, case):
    z, axis, shift = case["z"], case["axis"], case["shift"]
    expected = student.call("softmax", z, axis)
    compare(student.call("softmax", z + z.dtype.type(shift), axis), expected, tolerance_for(z.dtype),
            f"softmax(z + {shift}) compared with softmax(z)")
# END HIDDEN


# Every function, for the curriculum's rules that hold for all of them.
CONTRACT_CALLS = [
    Call("softmax", logits_along_axis()), Call("log_softmax", logits_along_axis()),
    Call("cross_entropy", classification()), Call("binary_cross_entropy_with_logits", binary()),
]

CHECKS = [
    agrees("softmax matches torch.softmax along any axis", 2, function="softmax",
           inputs=logits_along_axis(), oracle=softmax_oracle, mistakes=(LAST_AXIS_ONLY,)),
    holds("softmax entries lie in [0, 1] and sum to 1 along the axis", 1, uses="softmax",
          inputs=logits_along_axis(), claim=rows_sum_to_one),
    # BEGIN HIDDEN
    hidden(holds("softmax is unchanged when a constant is added to every logit", 1, uses="softmax",
                 inputs=shifted_logits(), claim=shift_invariant, examples=30)),
    # END HIDDEN
    agrees("softmax is correct, finite and warning-free for logits of ±1e4", 2, function="softmax",
           inputs=logits_along_axis(extreme=True), oracle=softmax_oracle, quiet=True, hint=NO_MAX_SUBTRACTION),
    agrees("log_softmax matches torch.log_softmax along any axis", 2, function="log_softmax",
           inputs=logits_along_axis(), oracle=log_softmax_oracle,
           mistakes=(Mistake(LAST_AXIS_ONLY.hint, lambda z, axis: np.log(naive_softmax(z, -1))),)),
    agrees("log_softmax is correct and never -inf for logits of ±1e4", 2, function="log_softmax",
           inputs=logits_along_axis(extreme=True), oracle=log_softmax_oracle, quiet=True,
           mistakes=(Mistake(LOG_OF_SOFTMAX, lambda z, axis: np.log(softmax_oracle(z=z, axis=axis))),),
           hint="compute it in the log-sum-exp form, after subtracting the maximum along the axis"),
    agrees("cross_entropy loss matches F.cross_entropy (mean over the batch)", 2, function="cross_entropy",
           inputs=classification(), oracle=cross_entropy_oracle, part=0, label="the loss",
           mistakes=(SUM_NOT_MEAN,)),
    agrees("cross_entropy gradient matches autograd", 2, function="cross_entropy",
           inputs=classification(), oracle=cross_entropy_oracle, part=1, label="dlogits",
           mistakes=(NOT_DIVIDED_BY_N, WRONG_SIGN)),
    central_differences("cross_entropy gradient matches central differences of its loss (float64)", 1,
                        function="cross_entropy", inputs=classification(dtypes=float64_only, max_side=4),
                        wrt="logits"),
    agrees("cross_entropy is correct, finite and warning-free for logits of ±1e4", 1, function="cross_entropy",
           inputs=classification(extreme=True), oracle=cross_entropy_oracle, quiet=True,
           hint="use log_softmax (max subtracted) for the loss and softmax for the gradient"),
    agrees("binary_cross_entropy_with_logits loss matches torch (mean over all elements)", 2,
           function="binary_cross_entropy_with_logits", inputs=binary(), oracle=bce_oracle, part=0,
           label="the loss", mistakes=(BCE_SUM_NOT_MEAN,)),
    agrees("binary_cross_entropy_with_logits gradient matches autograd", 2,
           function="binary_cross_entropy_with_logits", inputs=binary(), oracle=bce_oracle, part=1,
           label="dlogits", mistakes=(BCE_NOT_DIVIDED,)),
    central_differences("binary_cross_entropy_with_logits gradient matches central differences (float64)", 1,
                        function="binary_cross_entropy_with_logits",
                        inputs=binary(dtypes=float64_only, max_side=3), wrt="logits"),
    agrees("binary_cross_entropy_with_logits is correct, finite and warning-free for logits of ±1e4", 1,
           function="binary_cross_entropy_with_logits", inputs=binary(extreme=True), oracle=bce_oracle,
           quiet=True, hint="log(sigmoid(x)) is -inf for x = -1e4: use max(x, 0) - x*t + log1p(exp(-|x|))"),
    keeps_inputs("no function changes its input arrays", 1, CONTRACT_CALLS),
    keeps_dtype("float32 inputs give float32 results, float64 give float64", 1, CONTRACT_CALLS),
]
