"""Exercise 6: batch normalization (PyTorch tensors, no autograd).

Implement the forward and backward passes of batch normalization by hand, for fully connected
inputs `(N, C)` and images `(N, C, H, W)`, with torch tensor operations but without autograd.

Batch normalization works per channel (axis 1): each channel is normalised with statistics taken
over every other axis, i.e. over the N samples (and the H*W positions of an image), so over
m = N (or m = N*H*W) values, then scaled by `gamma` and shifted by `beta`, one of each per channel.
In training mode it uses the statistics of the batch and updates running averages of them; in
evaluation mode it uses those running averages instead. Everything is exactly as
torch.nn.functional.batch_norm and torch.nn.BatchNorm1d/2d do.

Hint: one code path serves both shapes. Reduce over the axes (0, 2, 3, ...) (every axis but 1),
and reshape a per-channel vector of shape (C,) to (1, C) or (1, C, 1, 1) so that it broadcasts
against `x`.

Conventions (../shared/curriculum.md): float32 in gives float32 out, float64 gives float64, and
the device of `x` is kept; never modify an input tensor (the running statistics included: new
ones are returned); do not call autograd (`.backward()`, `torch.autograd`, `requires_grad`) nor
the library's batch norm (torch.nn.functional.batch_norm, torch.batch_norm, torch.nn.BatchNorm*,
or layer/instance norm).
"""

import torch


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    """Batch normalization of `x`, per channel; returns `(out, new_running_mean, new_running_var, cache)`.

    Training mode (`training=True`), with sums over every axis but 1 and m the number of values
    summed per channel (N, or N*H*W; m > 1, else torch raises):
        mean  = sum(x) / m
        var   = sum((x - mean)**2) / m                      (the biased batch variance)
        x_hat = (x - mean) / sqrt(var + eps)                 (eps inside the square root)
        out   = gamma * x_hat + beta
        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)
    The running variance is updated with the *unbiased* batch variance var * m / (m - 1), while
    `x` is normalised with the biased one, as torch does.
    Evaluation mode (`training=False`): mean and var are `running_mean` and `running_var`, the
    same formulas give `out`, and the running statistics are returned unchanged.
    Shapes: `x` (N, C) or (N, C, H, W); `gamma`, `beta`, `running_mean`, `running_var` (C,);
    `out` of the shape of `x`, the new running statistics (C,), all in the dtype of `x`.
    Never modify the input running statistics: training mode returns new tensors.
    """
    # BEGIN SOLUTION
    dims = [0, *range(2, x.dim())]  # every axis but the channel axis 1
    shape = [1, -1] + [1] * (x.dim() - 2)  # (C,) -> (1, C) or (1, C, 1, 1), to broadcast
    if training:
        m = x.numel() // x.shape[1]
        mean = x.mean(dim=dims)
        centered = x - mean.reshape(shape)
        var = (centered**2).mean(dim=dims)
        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        centered, var = x - running_mean.reshape(shape), running_var
        new_running_mean, new_running_var = running_mean, running_var  # unchanged, never modified
    inv_std = 1 / torch.sqrt(var + eps)
    x_hat = centered * inv_std.reshape(shape)
    out = gamma.reshape(shape) * x_hat + beta.reshape(shape)
    return out, new_running_mean, new_running_var, (x_hat, gamma, inv_std, dims, shape)
    # END SOLUTION


def batchnorm_backward(dout, cache):
    """Gradients of the loss with respect to `x`, `gamma` and `beta` (training mode only).

    Formula, with sums over every axis but 1, m values per channel, and x_hat, inv_std =
    1 / sqrt(var + eps) from the forward pass:
        dbeta  = sum(dout)
        dgamma = sum(dout * x_hat)
        dx     = (1/m) * gamma * inv_std * (m * dout - sum(dout) - x_hat * sum(dout * x_hat))
    dx is not just dout * gamma * inv_std: the batch mean and variance depend on every x too,
    which gives the two subtracted terms (through the mean and through the variance).
    Shapes: `dout` of the shape of `x`; returns `(dx, dgamma, dbeta)` of the shapes of `x` and
    (C,), (C,), in the dtype of `x`.
    """
    # BEGIN SOLUTION
    x_hat, gamma, inv_std, dims, shape = cache
    m = dout.numel() // dout.shape[1]
    dbeta = dout.sum(dim=dims)
    dgamma = (dout * x_hat).sum(dim=dims)
    scale = (gamma * inv_std / m).reshape(shape)
    dx = scale * (m * dout - dbeta.reshape(shape) - x_hat * dgamma.reshape(shape))
    return dx, dgamma, dbeta
    # END SOLUTION
