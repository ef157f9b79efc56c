"""Exercise 2 — activations and backpropagation (NumPy): the claims and their points."""

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks.agreement import Mistake, agrees
# BEGIN HIDDEN
from grader.checks.agreement import holds
# END HIDDEN
from grader.checks.core import Check, Failure, WrongType
# BEGIN HIDDEN
from grader.checks.core import hidden
# END HIDDEN
from grader.checks.gradients import backward_agrees, central_differences
from grader.checks.oracles import tensor, torch_function, value_and_grad, vector_jacobian
from grader.checks.robustness import Call, keeps_dtype, keeps_inputs
from grader.checks.show import kind_of
from grader.checks.strategies import arrays, extreme_floats, float_dtypes, floats, grid, shapes

BOUND = 10.0  # |x| <= 10 keeps float32 activations within the float32 tolerance (rtol 1e-4)
EXTREME = 1000.0  # exp(1000) overflows even in float64
DEFAULT_ALPHA = 0.01  # leaky_relu_forward's default negative slope, in the contract
# Layer inputs are multiples of 1/8 (`strategies.grid`): a layer's float32 output then equals the
# float64 oracle's, and relu's kinks at 0 fall on the same side in both.
GRID = 8
KINK_MARGIN = 1e-3  # hidden pre-activations at least this far from relu's kink (see `away_from_kinks`)

# -- inputs ------------------------------------------------------------------------------------


@st.composite
def activation_inputs(draw, extreme=False):
    dtype = draw(float_dtypes)
    # Exact zeros are frequent: relu's and leaky relu's gradients at 0 are part of the contract.
    elements = extreme_floats(dtype, EXTREME) if extreme else st.one_of(st.just(0.0), floats(dtype, BOUND))
    return {"x": draw(arrays(dtype, shapes(max_dims=3), elements))}


@st.composite
def leaky_relu_inputs(draw):
    """`x`, and `alpha` in [0, 1] or left out (the default 0.01)."""
    case = draw(activation_inputs())
    alpha = draw(st.one_of(st.sampled_from([0.1, 0.2, 0.5]), st.floats(0.0, 1.0), st.none()))
    return case if alpha is None else {**case, "alpha": alpha}


@st.composite
def linear_inputs(draw):
    dtype = draw(float_dtypes)
    n, d, m = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    shape_of = {"x": (n, d), "W": (d, m), "b": (m,)}
    return {name: draw(arrays(dtype, shape, grid(5.0, GRID))) for name, shape in shape_of.items()}


@st.composite
def with_dout(draw, inputs, out_shape=lambda case: case["x"].shape):
    """A forward's inputs followed by `dout`, an upstream gradient of the shape of its output."""
    case = draw(inputs)
    return {**case, "dout": draw(arrays(case["x"].dtype, out_shape(case), grid(5.0, GRID)))}


def linear_output_shape(case) -> tuple[int, int]:
    return len(case["x"]), len(case["b"])


@st.composite
def regression(draw):
    dtype = draw(float_dtypes)
    shape = draw(shapes(max_dims=3))
    return {"pred": draw(arrays(dtype, shape)), "target": draw(arrays(dtype, shape))}


@st.composite
def mlp_inputs(draw, dtypes=float_dtypes, elements=grid(1.0, GRID), max_side=4):
    """An MLP of 1 to 3 layers with its batch: `params` [(W, b), ...], `X` (N, D), `y` (N, M)."""
    dtype = draw(dtypes)
    widths = draw(st.lists(st.integers(1, max_side), min_size=2, max_size=4))  # D, hidden sizes…, M
    n = draw(st.integers(1, max_side))
    params = [(draw(arrays(dtype, (fan_in, fan_out), elements)), draw(arrays(dtype, (fan_out,), elements)))
              for fan_in, fan_out in zip(widths, widths[1:])]
    return {"params": params, "X": draw(arrays(dtype, (n, widths[0]), elements)),
            "y": draw(arrays(dtype, (n, widths[-1]), elements))}


def away_from_kinks(case) -> bool:
    """No hidden pre-activation within KINK_MARGIN of 0: central differences that step across
    relu's kink measure a slope that is neither side's gradient."""
    h = case["X"]
    for W, b in case["params"][:-1]:
        z = h @ W + b
        if np.any(np.abs(z) < KINK_MARGIN):
            return False
        h = np.maximum(z, 0)
    return True


activation_backward_inputs = with_dout(activation_inputs())
leaky_relu_backward_inputs = with_dout(leaky_relu_inputs())
linear_backward_inputs = with_dout(linear_inputs(), linear_output_shape)
mlp_float64_inputs = mlp_inputs(st.just(np.dtype(np.float64)), floats(np.float64, 1.0), max_side=3).filter(
    away_from_kinks)

# -- oracles -----------------------------------------------------------------------------------


def leaky_relu(x, alpha=DEFAULT_ALPHA):
    return F.leaky_relu(x, alpha)


def linear(x, W, b):
    return x @ W + b


def forward_oracle(layer):
    """`(layer(**inputs),)`: what item 0 of a forward's `(out, cache)` is compared with."""
    return torch_function(lambda **inputs: (layer(**inputs),))


def mlp_oracle(output_activation=lambda out: out):
    """Oracle of `mlp_loss`: `(loss, [(dW, db), ...])` by autograd through a torch MLP
    (the output has no activation; a known mistake puts one there)."""

    def oracle(params, X, y):
        params = [(tensor(W).requires_grad_(True), tensor(b).requires_grad_(True)) for W, b in params]
        h = tensor(X)
        for W, b in params[:-1]:
            h = torch.relu(linear(h, W, b))
        loss = F.mse_loss(output_activation(linear(h, *params[-1])), tensor(y))
        grads = torch.autograd.grad(loss, [array for layer in params for array in layer])
        return loss.item(), [(dW.numpy(), db.numpy()) for dW, db in zip(grads[0::2], grads[1::2])]

    return oracle


sigmoid_gradient = vector_jacobian(torch.sigmoid, wrt=("x",))
tanh_gradient = vector_jacobian(torch.tanh, wrt=("x",))
relu_gradient = vector_jacobian(torch.relu, wrt=("x",))
leaky_relu_gradient = vector_jacobian(leaky_relu, wrt=("x",))
linear_gradients = vector_jacobian(linear, wrt=("x", "W", "b"))
mse_oracle = value_and_grad(lambda pred, target: F.mse_loss(pred, target), wrt="pred")
mlp_loss_oracle = mlp_oracle()

# -- known mistakes ----------------------------------------------------------------------------


def forgot_dout(gradient):
    """The local derivative alone: the backward of an elementwise activation without `* dout`."""
    return Mistake("the chain rule multiplies the local derivative by the upstream gradient: "
                   "return dout * f'(x), not f'(x)",
                   lambda dout, **inputs: gradient(dout=np.ones_like(dout), **inputs))


SIGMOID_OF_INPUT = Mistake("sigmoid'(x) = s * (1 - s) with s = sigmoid(x), the forward's output, "
                           "not the input x", lambda x, dout: dout * x * (1 - x))
TANH_OF_INPUT = Mistake("tanh'(x) = 1 - t**2 with t = tanh(x), the forward's output, not the input x",
                        lambda x, dout: dout * (1 - x**2))
RELU_ONE_AT_ZERO = Mistake("relu's gradient at exactly x = 0 is 0 (as in torch): use the mask x > 0, "
                           "not x >= 0", lambda x, dout: dout * (x >= 0))
LEAKY_ZERO_BELOW = Mistake("leaky relu's gradient is alpha, not 0, where x <= 0: dx = alpha * dout there",
                           lambda x, dout, alpha=DEFAULT_ALPHA: dout * (x > 0))
LEAKY_ONE_AT_ZERO = Mistake("leaky relu's gradient at exactly x = 0 is alpha (as in torch): use the mask "
                            "x > 0, not x >= 0",
                            lambda x, dout, alpha=DEFAULT_ALPHA: np.where(x >= 0, dout, alpha * dout))
DB_NOT_SUMMED = Mistake("b is added to every row, so db is dout summed over the batch: dout.sum(axis=0)",
                        lambda x, W, b, dout: (*linear_gradients(x=x, W=W, b=b, dout=dout)[:2], dout))
MSE_SUMMED = Mistake("the loss is the mean over all elements, not their sum: divide by pred.size",
                     lambda pred, target: pred.size * mse_oracle(pred=pred, target=target)[0])
MSE_WITHOUT_2 = Mistake("d/dpred of (pred - target)**2 is 2 * (pred - target): the factor 2 is missing",
                        lambda pred, target: mse_oracle(pred=pred, target=target)[1] / 2)
MSE_WITHOUT_MEAN = Mistake("the gradient of a mean carries its 1/N too: divide dpred by pred.size",
                           lambda pred, target: pred.size * mse_oracle(pred=pred, target=target)[1])
RELU_ON_OUTPUT = "the last layer is linear: no relu on the network's output, only after hidden layers"
mlp_with_relu_on_output = mlp_oracle(output_activation=torch.relu)
LOSS_WITH_RELU_ON_OUTPUT = Mistake(RELU_ON_OUTPUT, lambda **case: mlp_with_relu_on_output(**case)[0])
GRADS_WITH_RELU_ON_OUTPUT = Mistake(RELU_ON_OUTPUT, lambda **case: mlp_with_relu_on_output(**case)[1])
GRADS_REVERSED = Mistake("grads are in the order of params, first layer first: reverse the list the "
                         "backward pass builds from the last layer",
                         lambda params, X, y: mlp_loss_oracle(params=params, X=X, y=y)[1][::-1])

# -- claims ------------------------------------------------------------------------------------


# BEGIN HIDDEN
def loss_is_a_python_float(student, case):
    result = student.call("mse_loss", *case.values())
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise WrongType(f"mse_loss should return the pair (loss, dpred), got {kind_of(result)}")
    if not isinstance(result[0], float):  # np.float64 is a subclass of float, np.float32 is not
        raise WrongType(f"the loss should be a Python float, got {kind_of(result[0])}",
                        "return float(np.mean(...)): a NumPy float32 or a 0-d array is not a float")
# END HIDDEN


# XOR: the smallest problem a linear model cannot fit. A 2-8-1 MLP from a fixed He-style start
# reaches a loss of about 4e-14 in 300 steps of gradient descent with the reference's gradients
# (seeds 0-5 all get below 1e-20 in 500); the bar is far above that, so any correct summation order passes.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
XOR_STEPS, XOR_LEARNING_RATE, XOR_LOSS = 300, 0.2, 1e-3


def xor_start() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    return [(rng.normal(0.0, 1.0, (2, 8)), np.zeros(8)), (rng.normal(0.0, 0.5, (8, 1)), np.zeros(1))]


def fits_xor(student) -> str:
    """Plain gradient descent on XOR with the student's own mlp_loss gradients."""
    params = xor_start()
    for _ in range(XOR_STEPS):
        result = student.call("mlp_loss", params, XOR_X, XOR_Y)
        if not isinstance(result, (tuple, list)) or len(result) != 2 or len(result[1]) != len(params):
            raise WrongType(f"mlp_loss should return (loss, [(dW, db), (dW, db)]), got {kind_of(result)}")
        params = [(W - XOR_LEARNING_RATE * dW, b - XOR_LEARNING_RATE * db) for (W, b), (dW, db) in zip(params, result[1])]
    loss = float(student.call("mlp_loss", params, XOR_X, XOR_Y)[0])
    if not loss < XOR_LOSS:  # NaN fails too
        raise Failure(f"after {XOR_STEPS} steps of gradient descent (learning rate {XOR_LEARNING_RATE}) with your "
                      f"gradients, a 2-8-1 MLP's loss on XOR is {loss:.4g}; with correct gradients it is below "
                      f"{XOR_LOSS:g} (the reference's reach about 4e-14)",
                      "gradients that make the loss grow have the wrong sign: dpred is 2 * (pred - target) / size, "
                      "and gradient descent subtracts learning_rate * gradient")
    return f"loss on XOR after {XOR_STEPS} steps: {loss:.3g}"


def pair(name: str, inputs=activation_backward_inputs) -> Call:
    """`name_forward`, then `name_backward` on its cache."""
    return Call(f"{name}_forward", inputs, backward=f"{name}_backward")


CONTRACT_CALLS = [
    *(pair(name) for name in ("sigmoid", "tanh", "relu")),
    pair("leaky_relu", leaky_relu_backward_inputs),
    pair("linear", linear_backward_inputs),
    Call("mse_loss", regression()),
    Call("mlp_loss", mlp_inputs()),
]

CHECKS = [
    agrees("sigmoid_forward matches torch.sigmoid, finite and warning-free even for x = ±1000", 2,
           function="sigmoid_forward", inputs=activation_inputs(extreme=True), oracle=forward_oracle(torch.sigmoid),
           part=0, label="out", quiet=True, examples=30,
           hint="np.exp overflows for arguments above ~709 (exp(1000) is inf): only exponentiate -|x|, "
                "with e = exp(-|x|) sigmoid is 1/(1+e) for x >= 0 and e/(1+e) for x < 0"),
    backward_agrees("sigmoid_backward matches autograd", 1, forward="sigmoid_forward", backward="sigmoid_backward",
                    inputs=activation_backward_inputs, oracle=sigmoid_gradient, label="dx",
                    mistakes=(SIGMOID_OF_INPUT, forgot_dout(sigmoid_gradient)), examples=25),
    agrees("tanh_forward matches torch.tanh", 1, function="tanh_forward", inputs=activation_inputs(),
           oracle=forward_oracle(torch.tanh), part=0, label="out", examples=20),
    backward_agrees("tanh_backward matches autograd", 1, forward="tanh_forward", backward="tanh_backward",
                    inputs=activation_backward_inputs, oracle=tanh_gradient, label="dx",
                    mistakes=(TANH_OF_INPUT, forgot_dout(tanh_gradient)), examples=25),
    agrees("relu_forward matches torch.relu", 1, function="relu_forward", inputs=activation_inputs(),
           oracle=forward_oracle(torch.relu), part=0, label="out", examples=20),
    backward_agrees("relu_backward matches autograd, with gradient 0 at x = 0", 2, forward="relu_forward",
                    backward="relu_backward", inputs=activation_backward_inputs, oracle=relu_gradient,
                    label="dx", mistakes=(RELU_ONE_AT_ZERO, forgot_dout(relu_gradient)), examples=25),
    agrees("leaky_relu_forward matches F.leaky_relu for any alpha, and alpha defaults to 0.01", 1,
           function="leaky_relu_forward", inputs=leaky_relu_inputs(), oracle=forward_oracle(leaky_relu),
           part=0, label="out", examples=20,
           hint="leaky_relu(x) = x where x > 0, else alpha * x; called without alpha, alpha is 0.01"),
    backward_agrees("leaky_relu_backward matches autograd, with gradient alpha at x = 0", 2,
                    forward="leaky_relu_forward", backward="leaky_relu_backward", inputs=leaky_relu_backward_inputs,
                    oracle=leaky_relu_gradient, label="dx",
                    mistakes=(LEAKY_ZERO_BELOW, LEAKY_ONE_AT_ZERO, forgot_dout(leaky_relu_gradient)), examples=25),
    agrees("linear_forward computes x @ W + b", 1, function="linear_forward", inputs=linear_inputs(),
           oracle=forward_oracle(linear), part=0, label="out", examples=20),
    backward_agrees("linear_backward returns (dx, dW, db) as autograd does", 2, forward="linear_forward",
                    backward="linear_backward", inputs=linear_backward_inputs, oracle=linear_gradients,
                    label="(dx, dW, db)", mistakes=(DB_NOT_SUMMED,), examples=25),
    agrees("mse_loss loss matches F.mse_loss (mean over all elements)", 1, function="mse_loss",
           inputs=regression(), oracle=mse_oracle, part=0, label="the loss", mistakes=(MSE_SUMMED,), examples=20),
    # BEGIN HIDDEN
    hidden(holds("mse_loss returns its loss as a Python float", 1, uses="mse_loss", inputs=regression(),
                 claim=loss_is_a_python_float, examples=10)),
    # END HIDDEN
    agrees("mse_loss gradient matches autograd", 2, function="mse_loss", inputs=regression(), oracle=mse_oracle,
           part=1, label="dpred", mistakes=(MSE_WITHOUT_2, MSE_WITHOUT_MEAN), examples=20),
    agrees("mlp_loss loss matches a torch MLP (relu after hidden layers, linear output)", 2, function="mlp_loss",
           inputs=mlp_inputs(), oracle=mlp_loss_oracle, part=0, label="the loss",
           mistakes=(LOSS_WITH_RELU_ON_OUTPUT,), examples=25),
    agrees("mlp_loss gradients match autograd, one (dW, db) per layer in order", 2, function="mlp_loss",
           inputs=mlp_inputs(), oracle=mlp_loss_oracle, part=1, label="grads",
           mistakes=(GRADS_REVERSED, GRADS_WITH_RELU_ON_OUTPUT), examples=25),
    central_differences("mlp_loss gradients match central differences of its loss (float64)", 1,
                        function="mlp_loss", inputs=mlp_float64_inputs, wrt="params", examples=6),
    Check("gradient descent with mlp_loss's gradients fits XOR", 2, ("mlp_loss",), fits_xor),
    keeps_inputs("no function changes its input arrays, dout or cache", 1, CONTRACT_CALLS, examples=8),
    keeps_dtype("float32 inputs give float32 results, float64 give float64", 1, CONTRACT_CALLS, examples=8),
]
