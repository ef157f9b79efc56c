"""Exercise 6 -- batch normalization.  Emily Watson"""
import torch


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    dims = [0] + list(range(2, x.dim()))          # every axis but the channels
    shape = [1, -1] + [1] * (x.dim() - 2)         # broadcast per channel
    if training:
        mean = x.mean(dim=dims)
        var = x.var(dim=dims)                       # variance of the batch
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = running_mean.clone(), running_var.clone()
    inv_std = 1.0 / torch.sqrt(var + eps)
    xhat = (x - mean.view(shape)) * inv_std.view(shape)
    out = gamma.view(shape) * xhat + beta.view(shape)
    cache = (xhat, gamma, inv_std, dims, shape)
    return out, new_mean, new_var, cache


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std, dims, shape = cache
    m = dout.numel() // dout.shape[1]
    dbeta = dout.sum(dim=dims)
    dgamma = (dout * xhat).sum(dim=dims)
    dxhat = dout * gamma.view(shape)
    dx = inv_std.view(shape) / m * (m * dxhat - dxhat.sum(dim=dims).view(shape)
                                    - xhat * (dxhat * xhat).sum(dim=dims).view(shape))
    return dx, dgamma, dbeta
