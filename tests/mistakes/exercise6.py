"""Plausible wrong implementations of exercise 6: at least one that each check must catch, with
the hint it must show where one is known. Each was checked to disagree with torch
while the exercise was written (issue 3)."""

from tests.helpers import Wrong

TRAINING = "batchnorm_forward in training mode matches F.batch_norm on (N, C) and (N, C, H, W)"
RUNNING = "the running statistics after 5 training steps match torch's (unbiased variance, momentum as in torch)"
EVAL = "eval mode normalises with the running statistics and returns them unchanged"
BACKWARD = ("batchnorm_backward matches autograd (dx, dgamma, dbeta) on (N, C), with a non-uniform upstream "
            "gradient")
BACKWARD_IMAGES = "batchnorm_backward matches autograd (dx, dgamma, dbeta) on (N, C, H, W)"
CNN = "one training step of a tiny CNN with your batch norm matches torch autograd"
KEEPS_INPUTS = "no function changes its input tensors (the running statistics included), dout or cache"
KEEPS_DTYPE = "float32 inputs give float32 results, float64 give float64"
FAST = "batchnorm_forward is vectorised: at most 50× the time of F.batch_norm"
PAIR_FAST = "batchnorm_forward then batchnorm_backward are vectorised: at most 50× the time of torch's"
GPU = "batch norm runs on CUDA: results stay on the device, in the input's dtype, and match the CPU"


def forward_with(statistics: str, update: str, normalise: str = "inv_std = 1 / torch.sqrt(var + eps)") -> str:
    """A forward with the reference's cache; `statistics` sets (mean, var) in training mode,
    `update` the new running statistics, `normalise` inv_std."""
    return f"""
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    dims = [0, *range(2, x.dim())]
    shape = [1, -1] + [1] * (x.dim() - 2)
    m = x.numel() // x.shape[1]
    if training:
        {statistics}
        {update}
    else:
        mean, var = running_mean, running_var
        new_running_mean, new_running_var = running_mean, running_var
    {normalise}
    x_hat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
    out = gamma.reshape(shape) * x_hat + beta.reshape(shape)
    return out, new_running_mean, new_running_var, (x_hat, gamma, inv_std, dims, shape)
"""


BIASED = "mean, var = x.mean(dim=dims), x.var(dim=dims, correction=0)"
TORCH_UPDATE = ("new_running_mean = (1 - momentum) * running_mean + momentum * mean; "
                "new_running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)")

# -- forward -----------------------------------------------------------------------------------

UNBIASED_NORMALISE = forward_with("mean, var = x.mean(dim=dims), x.var(dim=dims)  # unbiased: m - 1",
                                  "new_running_mean = (1 - momentum) * running_mean + momentum * mean; "
                                  "new_running_var = (1 - momentum) * running_var + momentum * var")
EPS_OUTSIDE_SQRT = forward_with(BIASED, TORCH_UPDATE, "inv_std = 1 / (torch.sqrt(var) + eps)")
STATS_OVER_THE_BATCH_AXIS_ONLY = """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    # per (channel, position) statistics, over the N samples only
    shape = [1, -1] + [1] * (x.dim() - 2)
    m = x.shape[0]
    if training:
        mean, var = x.mean(dim=0, keepdim=True), x.var(dim=0, correction=0, keepdim=True)
        new_running_mean = (1 - momentum) * running_mean + momentum * mean.reshape(x.shape[1], -1).mean(1)
        new_running_var = (1 - momentum) * running_var + momentum * var.reshape(x.shape[1], -1).mean(1) * m / (m - 1)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
        new_running_mean, new_running_var = running_mean, running_var
    inv_std = 1 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), new_running_mean, new_running_var, None
"""
BIASED_RUNNING_VAR = forward_with(BIASED, "new_running_mean = (1 - momentum) * running_mean + momentum * mean; "
                                          "new_running_var = (1 - momentum) * running_var + momentum * var")
MOMENTUM_REVERSED = forward_with(BIASED, "new_running_mean = momentum * running_mean + (1 - momentum) * mean; "
                                         "new_running_var = momentum * running_var + (1 - momentum) * var * m / (m - 1)")
EVAL_USES_BATCH_STATISTICS = """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    dims = [0, *range(2, x.dim())]
    shape = [1, -1] + [1] * (x.dim() - 2)
    m = x.numel() // x.shape[1]
    mean, var = x.mean(dim=dims), x.var(dim=dims, correction=0)  # whatever the mode
    if training:
        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var = (1 - momentum) * running_var + momentum * var * m / max(m - 1, 1)
    else:
        new_running_mean, new_running_var = running_mean, running_var
    inv_std = 1 / torch.sqrt(var + eps)
    x_hat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), new_running_mean, new_running_var, (x_hat, gamma, inv_std, dims, shape)
"""
EVAL_UPDATES_RUNNING_STATISTICS = """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    dims = [0, *range(2, x.dim())]
    shape = [1, -1] + [1] * (x.dim() - 2)
    m = x.numel() // x.shape[1]
    batch_mean, batch_var = x.mean(dim=dims), x.var(dim=dims, correction=0)
    new_running_mean = (1 - momentum) * running_mean + momentum * batch_mean  # in both modes
    new_running_var = (1 - momentum) * running_var + momentum * batch_var * m / max(m - 1, 1)
    mean, var = (batch_mean, batch_var) if training else (running_mean, running_var)
    inv_std = 1 / torch.sqrt(var + eps)
    x_hat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), new_running_mean, new_running_var, (x_hat, gamma, inv_std, dims, shape)
"""
RUNNING_STATISTICS_IN_PLACE = forward_with(BIASED, "running_mean.mul_(1 - momentum).add_(momentum * mean)  # as "
                                                   "nn.BatchNorm does, in place\n        "
                                                   "running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))"
                                                   "\n        new_running_mean, new_running_var = running_mean, "
                                                   "running_var")

# -- backward ----------------------------------------------------------------------------------


def backward_with(dx: str) -> str:
    return f"""
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, dims, shape = cache
    m = dout.numel() // dout.shape[1]
    dbeta = dout.sum(dim=dims)
    dgamma = (dout * x_hat).sum(dim=dims)
    dx = {dx}
    return dx, dgamma, dbeta
"""


NO_MEAN_TERM = backward_with("(gamma * inv_std / m).reshape(shape) * (m * dout - x_hat * dgamma.reshape(shape))")
NO_VARIANCE_TERM = backward_with("(gamma * inv_std / m).reshape(shape) * (m * dout - dbeta.reshape(shape))")
STATISTICS_AS_CONSTANTS = backward_with("dout * (gamma * inv_std).reshape(shape)  # as if mean and var were fixed")
DGAMMA_OVER_THE_BATCH_AXIS_ONLY = """
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, dims, shape = cache
    m = dout.numel() // dout.shape[1]
    sum_dout, sum_dout_x_hat = dout.sum(dim=dims), (dout * x_hat).sum(dim=dims)
    dx = (gamma * inv_std / m).reshape(shape) * (m * dout - sum_dout.reshape(shape) - x_hat * sum_dout_x_hat.reshape(shape))
    return dx, (dout * x_hat).sum(dim=0), dout.sum(dim=0)  # (C, H, W) for images
"""
DGAMMA_FLOAT32_ZEROS = """
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, dims, shape = cache
    m = dout.numel() // dout.shape[1]
    dgamma, dbeta = torch.zeros(dout.shape[1]), torch.zeros(dout.shape[1])  # float32, whatever dout is
    dgamma += (dout * x_hat).sum(dim=dims)
    dbeta += dout.sum(dim=dims)
    dx = (gamma * inv_std / m).reshape(shape) * (m * dout - dbeta.reshape(shape).to(dout.dtype)
                                                 - x_hat * dgamma.reshape(shape).to(dout.dtype))
    return dx, dgamma, dbeta
"""
ON_CUDA = forward_with(BIASED, TORCH_UPDATE,
                       "inv_std = 1 / torch.sqrt(var + torch.tensor(eps, device='cuda'))  # written on a GPU machine")

# -- speed: correct numbers, Python loops ------------------------------------------------------

LOOP_OVER_POSITIONS = """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    dims = [0, *range(2, x.dim())]
    shape = [1, -1] + [1] * (x.dim() - 2)
    rows = x.movedim(1, -1).reshape(-1, x.shape[1])  # one row per sample and position
    m = rows.shape[0]
    if training:
        total = torch.zeros_like(running_mean)
        for row in rows:
            total = total + row
        mean = total / m
        squares = torch.zeros_like(running_mean)
        for row in rows:
            squares = squares + (row - mean) ** 2
        var = squares / m
        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mean, var = running_mean, running_var
        new_running_mean, new_running_var = running_mean, running_var
    inv_std = 1 / torch.sqrt(var + eps)
    x_hat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), new_running_mean, new_running_var, (x_hat, gamma, inv_std, dims, shape)
"""
BACKWARD_LOOP_OVER_SAMPLES = """
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, dims, shape = cache
    m = dout.numel() // dout.shape[1]
    inner = [*range(1, dout.dim() - 1)]
    dbeta, dgamma = torch.zeros_like(gamma), torch.zeros_like(gamma)
    for n in range(dout.shape[0]):
        dbeta = dbeta + (dout[n].sum(dim=inner) if inner else dout[n])
        dgamma = dgamma + ((dout[n] * x_hat[n]).sum(dim=inner) if inner else dout[n] * x_hat[n])
    dx = torch.empty_like(dout)
    scale = (gamma * inv_std / m).reshape(shape[1:])
    for n in range(dout.shape[0]):
        dx[n] = scale * (m * dout[n] - dbeta.reshape(shape[1:]) - x_hat[n] * dgamma.reshape(shape[1:]))
    return dx, dgamma, dbeta
"""

MISTAKES = [
    Wrong(TRAINING, UNBIASED_NORMALISE, hint="normalised with the biased batch variance"),
    Wrong(TRAINING, EPS_OUTSIDE_SQRT, hint="eps goes inside the square root"),
    Wrong(TRAINING, STATS_OVER_THE_BATCH_AXIS_ONLY),
    Wrong(RUNNING, BIASED_RUNNING_VAR, hint="updated with the unbiased batch variance"),
    Wrong(RUNNING, MOMENTUM_REVERSED, hint="momentum weighs the new batch"),
    Wrong(EVAL, EVAL_USES_BATCH_STATISTICS, hint="normalised with running_mean and running_var"),
    Wrong(EVAL, EVAL_UPDATES_RUNNING_STATISTICS, hint="returned unchanged: no update"),
    Wrong(BACKWARD, NO_MEAN_TERM, hint="the path through the batch mean"),
    Wrong(BACKWARD, STATISTICS_AS_CONSTANTS, hint="treats the batch mean and variance as constants"),
    Wrong(BACKWARD_IMAGES, NO_VARIANCE_TERM, hint="the path through the batch variance"),
    Wrong(BACKWARD_IMAGES, DGAMMA_OVER_THE_BATCH_AXIS_ONLY, hint="one value per channel"),
    # Through the relu and the pool the upstream gradient's channel sums are not 0: the mean term shows.
    Wrong(CNN, NO_MEAN_TERM),
    Wrong(KEEPS_INPUTS, RUNNING_STATISTICS_IN_PLACE, hint="compute into a new array or tensor"),
    Wrong(KEEPS_DTYPE, DGAMMA_FLOAT32_ZEROS, hint="create tensors with the input's dtype"),
    Wrong(FAST, LOOP_OVER_POSITIONS, hint="Python loop"),
    Wrong(PAIR_FAST, BACKWARD_LOOP_OVER_SAMPLES, hint="Python loop"),
    # Where CUDA exists (without it the check is skipped for everyone; tests/test_devices.py proves
    # the claim on every machine, with the CPU standing in for the device).
    Wrong(GPU, ON_CUDA, status="error", cuda=True),
]
