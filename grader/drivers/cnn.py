"""Exercise 5's integration claim: one training step of a tiny CNN made of the student's layers.

conv → relu → max pool → conv → global average pool → linear → loss, forward through the
student's `*_forward` functions and backward through their `*_backward` functions, each given
the cache of its own forward while the other layers' caches are alive too. Relu, the linear
layer, the loss and their gradients are this driver's, by hand (no autograd), and so is the SGD
step. The grader runs the same step with torch autograd and compares (grader.exercises.exercise5).
"""

from __future__ import annotations

import torch

# The order the grader compares gradients in: from the output back to the input, as the backward
# pass reaches them; last the images' own ("x"), the only one that uses the first layer's weight.
PARAMETERS = ("linear.weight", "linear.bias", "conv2.weight", "conv2.bias", "conv1.weight", "conv1.bias")
GRADIENTS = (*PARAMETERS, "x")


def training_step(student, params: dict, x, target, conv2: dict, loss: str, lr: float) -> dict:
    """One step of SGD(lr) on `loss` ("mse" against float targets, or "cross_entropy" against
    class labels) for the network with `params` (by the names of PARAMETERS, the linear weight
    as torch's (out, in)) on the batch `x`; `conv2` holds the second convolution's stride and
    padding (the first has stride 1 and padding 1, the pool a 2 x 2 window).

    Returns {"loss": the loss before the step, "grads": {name: gradient} (GRADIENTS: the parameters'
    and the images'), "params": {name: value after the step}}. A stub's NotImplementedError goes
    through: the grader names the function that raised it."""
    value, grads = _loss_and_grads(student, params, x, target, conv2, loss)
    return {"loss": value, "grads": grads, "params": {name: params[name] - lr * grads[name] for name in PARAMETERS}}


def _loss_and_grads(student, params, x, target, conv2, loss):
    h1, conv1_cache = _forward(student, "conv2d_forward", x, params["conv1.weight"], params["conv1.bias"], 1, 1)
    a1 = h1.clamp(min=0)
    p1, pool_cache = _forward(student, "max_pool2d_forward", a1, 2)
    h2, conv2_cache = _forward(student, "conv2d_forward", p1, params["conv2.weight"], params["conv2.bias"],
                               conv2["stride"], conv2["padding"])
    g, global_cache = _forward(student, "global_avg_pool_forward", h2)
    logits = g @ params["linear.weight"].T + params["linear.bias"]
    value, dlogits = (mean_squared_error if loss == "mse" else _cross_entropy)(logits, target)

    grads = {"linear.weight": dlogits.T @ g, "linear.bias": dlogits.sum(dim=0)}
    dh2 = student.global_avg_pool_backward(dlogits @ params["linear.weight"], global_cache)
    dp1, grads["conv2.weight"], grads["conv2.bias"] = _gradients(student, dh2, conv2_cache)
    da1 = student.max_pool2d_backward(dp1, pool_cache)
    dh1 = da1 * (h1 > 0)
    grads["x"], grads["conv1.weight"], grads["conv1.bias"] = _gradients(student, dh1, conv1_cache)
    return value, grads


def mean_squared_error(prediction, target):
    """The loss (a float) and its gradient with respect to `prediction`."""
    difference = prediction - target
    return (difference * difference).mean().item(), 2 * difference / difference.numel()


def _cross_entropy(logits, labels):
    log_probabilities = torch.log_softmax(logits, dim=1)
    rows = torch.arange(len(labels))
    onehot = torch.zeros_like(logits)
    onehot[rows, labels] = 1.0
    return -log_probabilities[rows, labels].mean().item(), (log_probabilities.exp() - onehot) / len(labels)


def _forward(student, name: str, *args):
    result = getattr(student, name)(*args)
    if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[0], torch.Tensor):
        raise TypeError(f"{name} should return the pair (out, cache), got {type(result).__name__}")
    return result


def _gradients(student, dout, cache):
    result = student.conv2d_backward(dout, cache)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise TypeError(f"conv2d_backward should return (dx, dweight, dbias), got {type(result).__name__}")
    return result
