"""Exercise 6's integration claim: one training step of a tiny CNN with the student's batch norm.

conv (no bias: batch norm's beta replaces it) → batch norm in training mode → relu → global
average pool → linear → mean squared error. The convolution is torch's, and so are its weight
gradient (`torch.nn.grad.conv2d_weight`), the relu, pool, linear and loss with their gradients,
by formula; the batch norm is the student's `batchnorm_forward` and `batchnorm_backward`. No
autograd anywhere. The grader runs the same step with torch autograd and F.batch_norm and
compares (grader.exercises.exercise6).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.nn.grad import conv2d_weight

from grader.drivers.cnn import mean_squared_error


# The order the grader compares gradients in: from the output back to the input.
PARAMETERS = ("linear.weight", "linear.bias", "bn.gamma", "bn.beta", "conv.weight")


def training_step(student, params: dict, running: dict, x, target, padding: int, momentum: float, eps: float,
                  lr: float) -> dict:
    """One step of SGD(lr) for the network with `params` (by the names of PARAMETERS, the linear
    weight as torch's (out, in)) and batch-norm statistics `running` ("mean", "var") on the batch
    `x` against float `target`s; the convolution has stride 1 and `padding`.

    Returns {"loss": the loss before the step, "grads": {name: gradient}, "params": {name: value
    after the step}, "running": {"mean", "var": the statistics batchnorm_forward returned}}. A stub's
    NotImplementedError goes through: the grader names the function that raised it."""
    h = F.conv2d(x, params["conv.weight"], None, 1, padding)
    result = student.batchnorm_forward(h, params["bn.gamma"], params["bn.beta"], running["mean"], running["var"],
                                       True, momentum, eps)
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        raise TypeError("batchnorm_forward should return (out, new_running_mean, new_running_var, cache), "
                        f"got {type(result).__name__}")
    normalized, new_mean, new_var, cache = result
    activated = normalized.clamp(min=0)
    pooled = activated.mean(dim=(2, 3))
    prediction = pooled @ params["linear.weight"].T + params["linear.bias"]
    loss, dprediction = mean_squared_error(prediction, target)
    grads = {"linear.weight": dprediction.T @ pooled, "linear.bias": dprediction.sum(dim=0)}
    dpooled = dprediction @ params["linear.weight"]
    pixels = activated.shape[2] * activated.shape[3]
    dnormalized = (dpooled[:, :, None, None] / pixels).expand_as(activated) * (normalized > 0)
    backward = student.batchnorm_backward(dnormalized, cache)
    if not isinstance(backward, (tuple, list)) or len(backward) != 3:
        raise TypeError(f"batchnorm_backward should return (dx, dgamma, dbeta), got {type(backward).__name__}")
    dh, grads["bn.gamma"], grads["bn.beta"] = backward
    grads["conv.weight"] = conv2d_weight(x, params["conv.weight"].shape, dh, 1, padding)
    return {"loss": loss, "grads": grads, "params": {name: params[name] - lr * grads[name] for name in PARAMETERS},
            "running": {"mean": new_mean, "var": new_var}}

