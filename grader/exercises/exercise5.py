"""Exercise 5 — convolution and pooling (PyTorch tensors, no autograd): the claims and their points.

Inputs are small float32 or float64 tensors of drawn shapes; the oracles are torch's own ops in
float64, with autograd for the gradients. Convolution inputs and upstream gradients are multiples of
1/8 (`strategies.grid`): every sum of products a convolution check makes of them is exact in float32,
so a correct implementation computes the oracle's values whatever its order of operations. Pooling
inputs are distinct multiples of 1/4, so that max pooling has no ties. Speed is a claim too
(`is_vectorised`, against torch's op in the worker), and so is a training step of a tiny CNN built
from the student's layers (`grader.drivers.cnn`)."""

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks.agreement import Mistake, agrees
from grader.checks.compare import agree_in_order, tolerance_for
from grader.checks.core import Check, Failure, for_all
# BEGIN HIDDEN
from grader.checks.core import hidden
# END HIDDEN
from grader.checks.devices import on_device
from grader.checks.gradients import backward_agrees
from grader.checks.oracles import as_tensors, tensor, vector_jacobian
from grader.checks.robustness import Call, keeps_dtype, keeps_inputs
from grader.checks.strategies import dtype_of, float_dtypes, grid, tensors
from grader.checks.timing import Timing, is_vectorised
from grader.drivers.cnn import GRADIENTS, PARAMETERS

# Tiny tensors: extra threads only contend on a busy machine (as in grader.checks.oracles).
torch.set_num_threads(1)

GRID = 8  # convolution inputs are multiples of 1/8 in [-2, 2]
MAX_SIDE = 7  # images are at most 7 x 7: every feature shows, and each example costs little

# -- inputs ------------------------------------------------------------------------------------


def values(dtype, shape):
    return tensors(dtype, shape, grid(2.0, GRID))


def conv_output_shape(case) -> tuple[int, ...]:
    (n, _, h, w), (f, _, kh, kw) = case["x"].shape, case["weight"].shape
    stride, padding = case.get("stride", 1), case.get("padding", 0)
    return n, f, (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1


@st.composite
def conv_inputs(draw, strided: bool):
    """x, weight and bias of drawn shapes (kernels 1 x 1 to 3 x 3, square or not); with `strided`,
    also a stride of 1 to 3 and a padding of 0 to 2, else neither (the defaults are used)."""
    dtype = draw(float_dtypes)
    n, c, f = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, padding = (draw(st.integers(1, 3)), draw(st.integers(0, 2))) if strided else (1, 0)
    h = draw(st.integers(max(1, kh - 2 * padding), MAX_SIDE))
    w = draw(st.integers(max(1, kw - 2 * padding), MAX_SIDE))
    case = {"x": draw(values(dtype, (n, c, h, w))), "weight": draw(values(dtype, (f, c, kh, kw))),
            "bias": draw(values(dtype, (f,)))}
    return {**case, "stride": stride, "padding": padding} if strided else case


@st.composite
def with_dout(draw, inputs, out_shape):
    """A forward's inputs followed by `dout`, an upstream gradient of the shape of its output."""
    case = draw(inputs)
    return {**case, "dout": draw(values(dtype_of(case["x"]), out_shape(case)))}


@st.composite
def distinct_images(draw, dtype, min_side: int):
    """(N, C, H, W) tensors of distinct multiples of 1/4: no two pixels of a window are equal."""
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(min_side, MAX_SIDE)),
             draw(st.integers(min_side, MAX_SIDE)))
    order = draw(st.permutations(range(int(np.prod(shape)))))
    return torch.from_numpy(((np.array(order) - len(order) // 2) / 4).astype(dtype).reshape(shape))


@st.composite
def pool_inputs(draw):
    """x, a window of 1 to 3 and a stride of 1 to 3 (overlapping windows, adjacent ones, gaps
    between them), None, or left out (both mean kernel_size)."""
    kernel_size = draw(st.integers(1, 3))
    case = {"x": draw(distinct_images(draw(float_dtypes), kernel_size)), "kernel_size": kernel_size}
    stride = draw(st.sampled_from(["default", None, 1, 2, 3]))
    return case if stride == "default" else {**case, "stride": stride}


def pool_output_shape(case) -> tuple[int, ...]:
    n, c, h, w = case["x"].shape
    k = case["kernel_size"]
    s = case.get("stride") or k
    return n, c, (h - k) // s + 1, (w - k) // s + 1


@st.composite
def global_pool_inputs(draw):
    dtype = draw(float_dtypes)
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    return {"x": draw(values(dtype, shape))}


conv_backward_inputs = with_dout(conv_inputs(strided=False), conv_output_shape)
strided_conv_backward_inputs = with_dout(conv_inputs(strided=True), conv_output_shape)
pool_backward_inputs = with_dout(pool_inputs(), pool_output_shape)
global_pool_backward_inputs = with_dout(global_pool_inputs(), lambda case: case["x"].shape[:2])

# -- oracles: torch in float64, results as tensors ----------------------------------------------


def float64(case: dict) -> dict:
    """The case with its tensors as float64 CPU copies (the case's own stay as the student got them)."""
    return {name: tensor(value) if isinstance(value, torch.Tensor) else value for name, value in case.items()}


def conv2d(x, weight, bias, stride=1, padding=0):
    return F.conv2d(x, weight, bias, stride, padding)


def max_pool2d(x, kernel_size, stride=None):
    return F.max_pool2d(x, kernel_size, stride)


def avg_pool2d(x, kernel_size, stride=None):
    return F.avg_pool2d(x, kernel_size, stride)


def global_avg_pool(x):
    return x.mean(dim=(2, 3))


def forward_oracle(layer):
    """`(layer(**case),)`: what item 0 of a forward's `(out, cache)` is compared with."""
    return lambda **case: (layer(**float64(case)),)


conv2d_gradients = as_tensors(vector_jacobian(conv2d, ("x", "weight", "bias")))
# BEGIN HIDDEN
conv2d_dx = as_tensors(vector_jacobian(conv2d, ("x",)))
# END HIDDEN
max_pool2d_gradient = as_tensors(vector_jacobian(max_pool2d, ("x",)))
avg_pool2d_gradient = as_tensors(vector_jacobian(avg_pool2d, ("x",)))
global_avg_pool_gradient = as_tensors(vector_jacobian(global_avg_pool, ("x",)))

# -- known mistakes ----------------------------------------------------------------------------


def wrong_forward(hint: str, layer):
    """A forward pass computed wrong as `layer(**case)` does (in float64); NaN, which matches
    nothing, where that mistake cannot even be made (a kernel larger than the unpadded input)."""

    def model(**case):
        try:
            return layer(**float64(case))
        except RuntimeError:
            return torch.tensor(float("nan"), dtype=torch.float64)

    return Mistake(hint, model)


def only_where_equal(first, second):
    """`first`'s model where it gives what `second`'s gives, else NaN: on a case that cannot tell
    two mistakes apart, only a hint that names both is right."""

    def model(**case):
        a, b = first.model(**case), second.model(**case)
        return a if a.shape == b.shape and torch.equal(a, b) else torch.full_like(a, float("nan"))

    return model


def conv_with(**changes):
    """conv2d with some of its inputs or settings changed: `changes[name](case)` replaces `name`."""

    def layer(x, weight, bias, stride=1, padding=0):
        case = dict(x=x, weight=weight, bias=bias, stride=stride, padding=padding)
        return conv2d(**{**case, **{name: change(case) for name, change in changes.items()}})

    return layer


def columns_in_another_order(case):
    """What weight.reshape(F, -1) @ cols computes when cols is ordered (KH, KW, C) instead of
    F.unfold's (C, KH, KW): the convolution with the flat weight read in that order."""
    f, c, kh, kw = case["weight"].shape
    return case["weight"].reshape(f, kh, kw, c).permute(0, 3, 1, 2)


FLIPPED_KERNEL = wrong_forward(
    "the kernel is flipped: F.conv2d is a cross-correlation, out[n, f, i, j] = bias[f] + "
    "sum xp[n, c, i*s + u, j*s + v] * weight[f, c, u, v], with the kernel as it is (no .flip)",
    conv_with(weight=lambda case: case["weight"].flip(2, 3)))
UNFOLD_ORDER = wrong_forward(
    "the columns of F.unfold are ordered (C, KH, KW), channel first, as weight.reshape(F, -1) is: "
    "do not reorder one without the other",
    conv_with(weight=columns_in_another_order))
FLIPPED_OR_REORDERED = Mistake(
    "the kernel's values are used at the wrong positions: either the kernel is flipped (F.conv2d is a "
    "cross-correlation: use weight as it is, no .flip) or the columns are reordered (F.unfold's are ordered "
    "(C, KH, KW), channel first, as weight.reshape(F, -1) is)",
    only_where_equal(FLIPPED_KERNEL, UNFOLD_ORDER))
PADDING_IGNORED = wrong_forward(
    "padding is ignored: pad the input with `padding` zeros on all four sides first "
    "(F.unfold(..., padding=padding) or F.pad(x, (p, p, p, p)))",
    conv_with(padding=lambda case: 0))
PADDING_ONE_SIDED = wrong_forward(
    "the input is padded on the bottom and right only: `padding` zeros go on each of the four sides, "
    "F.pad(x, (p, p, p, p))",
    lambda x, weight, bias, stride, padding: conv2d(F.pad(x, (0, 2 * padding, 0, 2 * padding)), weight, bias,
                                                    stride))
STRIDE_IGNORED = wrong_forward(
    "the stride is ignored: output pixel (i, j) reads the window that starts at row i*s and column j*s",
    conv_with(stride=lambda case: 1))


def conv2d_gradients_with(change):
    """Mistaken gradients: `change(case, (dx, dweight, dbias))` of the right ones."""
    return lambda **case: change(float64(case), conv2d_gradients(**case))


DBIAS_MEAN = Mistake("bias is added at every pixel of every image, so dbias is dout summed over the batch and the "
                     "pixels, dout.sum(dim=(0, 2, 3)), not averaged over the batch",
                     conv2d_gradients_with(lambda case, grads: (*grads[:2], case["dout"].sum(dim=(2, 3)).mean(0))))
DBIAS_PER_IMAGE = Mistake("dbias has the shape of bias, (F,): sum dout over the batch too, "
                          "dout.sum(dim=(0, 2, 3))",
                          conv2d_gradients_with(lambda case, grads: (*grads[:2], case["dout"].sum(dim=(2, 3)))))
DWEIGHT_FIRST_IMAGE = Mistake(
    "every image of the batch used the same weight: dweight sums the contributions of all N images",
    conv2d_gradients_with(lambda case, grads: (
        grads[0], conv2d_gradients(**{**case, "x": case["x"][:1], "dout": case["dout"][:1]})[1], grads[2])))


# BEGIN HIDDEN
def dx_cropped_at_the_corner(case, grads):
    """dx as the gradient of the padded input cut at its top-left corner, not its border removed."""
    p, (h, w) = case["padding"], case["x"].shape[2:]
    padded = F.pad(case["x"], (p, p, p, p))
    dxp = conv2d_dx(**{**case, "x": padded, "padding": 0})
    return dxp[:, :, :h, :w], *grads[1:]


def dx_without_stride(case, grads):
    """dx as if window (i, j) started at row i and column j of the padded input, whatever the stride."""
    p, (h, w) = case["padding"], case["x"].shape[2:]
    spread = F.conv_transpose2d(case["dout"], case["weight"])  # (H_out + KH - 1) x (W_out + KW - 1)
    dxp = F.pad(spread, (0, w + 2 * p - spread.shape[3], 0, h + 2 * p - spread.shape[2]))
    return dxp[:, :, p:p + h, p:p + w], *grads[1:]


DX_WITHOUT_STRIDE = Mistake(
    "dx ignores the stride: output pixel (i, j) read the window at row i*s and column j*s of the padded input, "
    "so its gradient goes back there (F.fold(..., stride=stride), or slices that step by the stride)",
    conv2d_gradients_with(dx_without_stride))
DX_CROPPED_AT_THE_CORNER = Mistake(
    "dx is the gradient of the padded input without its border: dxp[:, :, p:p + H, p:p + W], "
    "not dxp[:, :, :H, :W] (F.fold(..., padding=p) removes it for you)",
    conv2d_gradients_with(dx_cropped_at_the_corner))
# END HIDDEN

MAX_POOL_STRIDE_ONE = wrong_forward(
    "stride=None means stride = kernel_size (windows side by side), as in F.max_pool2d, not stride 1",
    lambda x, kernel_size, stride=None: max_pool2d(x, kernel_size, stride or 1))
AVG_POOL_STRIDE_IGNORED = wrong_forward(
    "the stride is ignored: with stride s, window (i, j) starts at row i*s and column j*s",
    lambda x, kernel_size, stride=None: avg_pool2d(x, kernel_size))
AVG_POOL_STRIDE_ONE = wrong_forward(
    "stride=None means stride = kernel_size (windows side by side), as in F.avg_pool2d, not stride 1",
    lambda x, kernel_size, stride=None: avg_pool2d(x, kernel_size, stride or 1))
GLOBAL_SUM = wrong_forward("this is the sum over the pixels; global average pooling takes their mean (divide by H*W)",
                           lambda x: x.sum(dim=(2, 3)))

MAX_POOL_WHOLE_WINDOW = Mistake(
    "only the maximum of each window gets the window's gradient (the others did not change the output): "
    "dout goes to the argmax alone, not to every pixel of the window",
    lambda dout, kernel_size, **case: avg_pool2d_gradient(dout=dout, kernel_size=kernel_size, **case) * kernel_size**2)


def overwritten_at_shared_maxima(dout, x, kernel_size, stride=None):
    """dx written (not added) at each window's maximum, windows in row-major order: where
    overlapping windows share a maximum, the last one's gradient is all that is left."""
    stride = stride or kernel_size
    x, dout = tensor(x), tensor(dout)
    dx = torch.zeros_like(x)
    _, indices = F.max_pool2d(x, kernel_size, stride, return_indices=True)
    flat = dx.flatten(2)
    for i in range(indices.shape[2]):
        for j in range(indices.shape[3]):
            flat.scatter_(2, indices[:, :, i, j, None], dout[:, :, i, j, None])
    return dx


MAX_POOL_OVERWRITES = Mistake(
    "overlapping windows (stride < kernel_size) can share a maximum, whose gradient is then the sum of theirs: "
    "add into dx (scatter_add, index_add, F.fold), do not write (scatter, dx[index] = ...)",
    overwritten_at_shared_maxima)
AVG_POOL_NOT_DIVIDED = Mistake(
    "each pixel of a window contributed 1/k² of the window's average: divide the gradient by kernel_size**2",
    lambda **case: avg_pool2d_gradient(**case) * case["kernel_size"] ** 2)
GLOBAL_NOT_DIVIDED = Mistake(
    "each pixel contributed 1/(H*W) of its channel's mean: dx = dout / (H*W), broadcast over the pixels",
    lambda **case: global_avg_pool_gradient(**case) * case["x"].shape[2] * case["x"].shape[3])

# -- timing ------------------------------------------------------------------------------------
# Float32 inputs from a fixed seed. Measured on a 2-core machine, idle and loaded (20 timings each), the
# ratio to torch of correct vectorised versions (unfold + matmul, as_strided + einsum, a loop over kernel
# offsets, a loop over the batch, broadcast-then-sum) was at most 14 for the forward, 4 for forward and
# backward, 4.2 for max pooling and 2.2 for average pooling; that of Python loops over the output pixels
# at least 86, 67, 100 and 100. The bounds sit between, far from both.


def timing_inputs():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 32, 32, generator=generator)
    weight, bias = torch.randn(4, 3, 3, 3, generator=generator), torch.randn(4, generator=generator)
    conv = {"x": x, "weight": weight, "bias": bias, "stride": 1, "padding": 1}
    image = (torch.randperm(2 * 4 * 64 * 64, generator=generator).float() / 100).reshape(2, 4, 64, 64)
    pool = {"x": image, "kernel_size": 2, "stride": 2, "dout": torch.randn(2, 4, 32, 32, generator=generator)}
    return conv, torch.randn(2, 4, 32, 32, generator=generator), pool


CONV, CONV_DOUT, POOL = timing_inputs()
CONV_TIMING = Timing(("conv2d_forward",), "conv2d", CONV)
CONV_PAIR_TIMING = Timing(("conv2d_forward", "conv2d_backward"), "conv2d forward and backward",
                          {**CONV, "dout": CONV_DOUT})
MAX_POOL_TIMING = Timing(("max_pool2d_forward", "max_pool2d_backward"), "max_pool2d forward and backward", POOL)
AVG_POOL_TIMING = Timing(("avg_pool2d_forward", "avg_pool2d_backward"), "avg_pool2d forward and backward", POOL)
CONV_SLOW = ("a Python loop over output pixels (or over images and filters) is far too slow: take all the windows "
             "at once with F.unfold (or Tensor.unfold / as_strided) and do one matrix product (or einsum)")
CONV_BACKWARD_SLOW = (CONV_SLOW + "; in the backward pass dweight is one product with the columns and dx "
                      "one F.fold (the adjoint of F.unfold) of weight.T @ dout")
POOL_SLOW = ("a Python loop over output pixels is far too slow: take all the windows at once with F.unfold or "
             "Tensor.unfold, reduce over the window dimension, and send the gradient back with F.fold or scatter_add")

# -- the tiny CNN ------------------------------------------------------------------------------
# conv 4→4 (3 x 3, stride 1, padding 1) → relu → 2 x 2 max pool → conv 4→4 (3 x 3, the case's stride and
# padding) → global average pool → linear 4→3 → loss, on 4 images of 4 x 8 x 8, in float64. The two
# convolutions have weights of the same shape, so that a backward pass that uses the other layer's weight
# gives wrong numbers rather than a shape error. With these seeds no pre-activation of the relu lies within
# 1e-3 of 0, and the two largest values of a pool window differ by more than 1e-4 wherever the largest is
# positive (windows of zeros pass no gradient: the relu before them stops it); tests/test_exercise5.py
# checks it. Rounding differences between two correct implementations (about 1e-15) never change which
# way a kink or a maximum goes.
CNN_CASES = (
    {"seed": 0, "conv2": {"stride": 2, "padding": 1}, "loss": "mse"},
    {"seed": 1, "conv2": {"stride": 1, "padding": 1}, "loss": "cross_entropy"},
)
CNN_LEARNING_RATE = 0.1


def cnn_problem(seed: int, loss: str) -> tuple[dict, torch.Tensor, torch.Tensor]:
    """The parameters (by the names of `grader.drivers.cnn.PARAMETERS`), the images and the targets."""
    generator = torch.Generator().manual_seed(seed)

    def normal(*shape, scale=1.0):
        return torch.randn(*shape, generator=generator, dtype=torch.float64) * scale

    params = {"conv1.weight": normal(4, 4, 3, 3, scale=0.4), "conv1.bias": normal(4, scale=0.1),
              "conv2.weight": normal(4, 4, 3, 3, scale=0.3), "conv2.bias": normal(4, scale=0.1),
              "linear.weight": normal(3, 4, scale=0.5), "linear.bias": normal(3, scale=0.1)}
    x = normal(4, 4, 8, 8)
    target = normal(4, 3) if loss == "mse" else torch.randint(0, 3, (4,), generator=generator)
    return params, x, target


def torch_training_step(params: dict, x, target, conv2: dict, loss: str, lr: float) -> dict:
    """The driver's step with torch's layers and autograd: what the student's is compared with."""
    leaves = {name: value.clone().requires_grad_(True) for name, value in {**params, "x": x}.items()}
    h = F.max_pool2d(torch.relu(F.conv2d(leaves["x"], leaves["conv1.weight"], leaves["conv1.bias"], 1, 1)), 2)
    h = F.conv2d(h, leaves["conv2.weight"], leaves["conv2.bias"], conv2["stride"], conv2["padding"])
    logits = F.linear(h.mean(dim=(2, 3)), leaves["linear.weight"], leaves["linear.bias"])
    value = F.mse_loss(logits, target) if loss == "mse" else F.cross_entropy(logits, target)
    grads = dict(zip(leaves, torch.autograd.grad(value, list(leaves.values()))))
    return {"loss": value.item(), "grads": grads, "params": {name: params[name] - lr * grads[name] for name in params}}


def trains_a_tiny_cnn(student) -> str:
    for case in CNN_CASES:
        params, x, target = cnn_problem(case["seed"], case["loss"])
        arguments = (params, x, target, case["conv2"], case["loss"], CNN_LEARNING_RATE)
        got = student.drive("cnn.training_step", *arguments, on_behalf_of="conv2d_forward")
        expected = torch_training_step(*arguments)
        network = (f"one SGD step (lr {CNN_LEARNING_RATE}) of conv → relu → max pool → conv (stride "
                   f"{case['conv2']['stride']}, padding {case['conv2']['padding']}) → global average pool → linear "
                   f"→ {case['loss']} loss, on 4 images of 4 x 8 x 8")
        if not isinstance(got, dict) or set(got) != {"loss", "grads", "params"}:
            raise Failure(f"{network}: the step did not complete")  # the driver's own answer: not expected
        gradients = [f"the gradient of {'the images x' if name == 'x' else name}" for name in GRADIENTS]
        agree_in_order([
            ("the loss", [(got["loss"], expected["loss"], "the loss")]),
            *((label, [(got["grads"].get(name), expected["grads"][name], label)])
              for name, label in zip(GRADIENTS, gradients)),  # from the output back to the input
            ("the parameters", [(got["params"].get(name), expected["params"][name], f"{name} after the step")
                                for name in PARAMETERS]),
        ], tolerance_for(np.float64), network)
    return "the loss, the gradients and the parameters after the step agree with torch autograd"


# -- the contract's rules, and the GPU ---------------------------------------------------------

CONTRACT_CALLS = [
    Call("conv2d_forward", strided_conv_backward_inputs, backward="conv2d_backward"),
    Call("max_pool2d_forward", pool_backward_inputs, backward="max_pool2d_backward"),
    Call("avg_pool2d_forward", pool_backward_inputs, backward="avg_pool2d_backward"),
    Call("global_avg_pool_forward", global_pool_backward_inputs, backward="global_avg_pool_backward"),
]


def runs_on_device(name: str, points: float, device: str = "cuda") -> Check:
    return on_device(name, points, CONTRACT_CALLS, device, examples=4, timing=CONV_TIMING)


KERNEL_MISTAKES = (FLIPPED_OR_REORDERED, FLIPPED_KERNEL, UNFOLD_ORDER)

CHECKS = [
    agrees("conv2d_forward matches F.conv2d (default stride 1 and padding 0; non-square and 1×1 kernels, batch 1, "
           "odd sizes)", 2, function="conv2d_forward", inputs=conv_inputs(strided=False),
           oracle=forward_oracle(conv2d), part=0, label="out", mistakes=KERNEL_MISTAKES, examples=20),
    agrees("conv2d_forward matches F.conv2d with stride and zero padding", 2, function="conv2d_forward",
           inputs=conv_inputs(strided=True), oracle=forward_oracle(conv2d), part=0, label="out",
           mistakes=(PADDING_IGNORED, PADDING_ONE_SIDED, STRIDE_IGNORED, *KERNEL_MISTAKES), examples=20),
    backward_agrees("conv2d_backward matches autograd (dx, dweight, dbias) with the default stride and padding", 2,
                    forward="conv2d_forward", backward="conv2d_backward", inputs=conv_backward_inputs,
                    oracle=conv2d_gradients, label="(dx, dweight, dbias)",
                    mistakes=(DBIAS_MEAN, DBIAS_PER_IMAGE, DWEIGHT_FIRST_IMAGE), examples=20),
    # BEGIN HIDDEN
    hidden(backward_agrees("conv2d_backward matches autograd with stride and zero padding (overlapping windows, "
                           "skipped pixels)", 2, forward="conv2d_forward", backward="conv2d_backward",
                           inputs=strided_conv_backward_inputs, oracle=conv2d_gradients, label="(dx, dweight, dbias)",
                           mistakes=(DX_CROPPED_AT_THE_CORNER, DX_WITHOUT_STRIDE, DBIAS_MEAN, DBIAS_PER_IMAGE,
                                     DWEIGHT_FIRST_IMAGE),
                           examples=20)),
    # END HIDDEN
    agrees("max_pool2d_forward matches F.max_pool2d (stride None means kernel_size; overlapping windows)", 2,
           function="max_pool2d_forward", inputs=pool_inputs(), oracle=forward_oracle(max_pool2d), part=0,
           label="out", mistakes=(MAX_POOL_STRIDE_ONE,), examples=20),
    backward_agrees("max_pool2d_backward matches autograd: each window's gradient goes to its maximum", 2,
                    forward="max_pool2d_forward", backward="max_pool2d_backward", inputs=pool_backward_inputs,
                    oracle=max_pool2d_gradient, label="dx", mistakes=(MAX_POOL_WHOLE_WINDOW, MAX_POOL_OVERWRITES),
                    examples=20),
    agrees("avg_pool2d_forward matches F.avg_pool2d (stride None means kernel_size)", 1,
           function="avg_pool2d_forward", inputs=pool_inputs(), oracle=forward_oracle(avg_pool2d), part=0,
           label="out", mistakes=(AVG_POOL_STRIDE_IGNORED, AVG_POOL_STRIDE_ONE), examples=15),
    backward_agrees("avg_pool2d_backward matches autograd", 1, forward="avg_pool2d_forward",
                    backward="avg_pool2d_backward", inputs=pool_backward_inputs, oracle=avg_pool2d_gradient,
                    label="dx", mistakes=(AVG_POOL_NOT_DIVIDED,), examples=15),
    agrees("global_avg_pool_forward is the mean over H and W", 1, function="global_avg_pool_forward",
           inputs=global_pool_inputs(), oracle=forward_oracle(global_avg_pool), part=0, label="out",
           mistakes=(GLOBAL_SUM,), examples=10),
    backward_agrees("global_avg_pool_backward matches autograd", 1, forward="global_avg_pool_forward",
                    backward="global_avg_pool_backward", inputs=global_pool_backward_inputs,
                    oracle=global_avg_pool_gradient, label="dx", mistakes=(GLOBAL_NOT_DIVIDED,), examples=10),
    Check("one training step of a tiny CNN built from your conv2d and pooling matches torch autograd", 3,
          ("conv2d_forward", "conv2d_backward", "max_pool2d_forward", "max_pool2d_backward",
           "global_avg_pool_forward", "global_avg_pool_backward"), trains_a_tiny_cnn),
    keeps_inputs("no function changes its input tensors, dout or cache", 1, CONTRACT_CALLS, examples=8),
    keeps_dtype("float32 inputs give float32 results, float64 give float64", 1, CONTRACT_CALLS, examples=6),
    is_vectorised("conv2d_forward is vectorised: at most 30× the time of F.conv2d", 1, CONV_TIMING, bound=30,
                  hint=CONV_SLOW),
    is_vectorised("conv2d_forward then conv2d_backward are vectorised: at most 25× the time of torch's", 2,
                  CONV_PAIR_TIMING, bound=25, hint=CONV_BACKWARD_SLOW),
    is_vectorised("max_pool2d_forward then max_pool2d_backward are vectorised: at most 25× the time of torch's", 1,
                  MAX_POOL_TIMING, bound=25, hint=POOL_SLOW),
    is_vectorised("avg_pool2d_forward then avg_pool2d_backward are vectorised: at most 25× the time of torch's", 1,
                  AVG_POOL_TIMING, bound=25, hint=POOL_SLOW),
    runs_on_device("conv2d and the poolings run on CUDA: results stay on the device, in the input's dtype, and "
                   "match the CPU", 2),
]
