"""A correct exercise 6 written unlike the reference: channels moved last and flattened to (M, C),
statistics by explicit sums, running averages by torch.lerp, eval mode returning copies of the
running statistics, and the step-by-step computational-graph backward (dxhat, dvar, dmean, as in
CS231n) instead of the compact formula."""

import torch


def _rows(x):
    """(N, C, ...) -> (M, C): one row per value of the channel axis' complement."""
    return x.movedim(1, -1).reshape(-1, x.shape[1])


def _unrows(rows, like):
    return rows.reshape(like.movedim(1, -1).shape).movedim(-1, 1)


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    xr = _rows(x)
    m = xr.shape[0]
    if training:
        mu = xr.sum(dim=0) / m
        xc = xr - mu
        sq = (xc * xc).sum(dim=0)
        var = sq / m
        new_mean = torch.lerp(running_mean, mu, momentum)
        new_var = torch.lerp(running_var, sq / (m - 1), momentum)
    else:
        mu, var = running_mean, running_var
        xc = xr - mu
        new_mean, new_var = running_mean.clone(), running_var.clone()
    std = (var + eps).sqrt()
    xhat = xc / std
    out = _unrows(xhat * gamma + beta, x)
    cache = {"xc": xc, "var": var, "std": std, "xhat": xhat, "gamma": gamma, "eps": eps}
    return out, new_mean, new_var, cache


def batchnorm_backward(dout, cache):
    d = _rows(dout)
    m = d.shape[0]
    xc, var, std, xhat, gamma, eps = (cache[k] for k in ("xc", "var", "std", "xhat", "gamma", "eps"))
    dbeta = d.sum(dim=0)
    dgamma = (d * xhat).sum(dim=0)
    dxhat = d * gamma
    dvar = (dxhat * xc).sum(dim=0) * -0.5 * (var + eps) ** -1.5
    dmean = -(dxhat / std).sum(dim=0) + dvar * (-2 * xc).sum(dim=0) / m
    dx = dxhat / std + dvar * 2 * xc / m + dmean / m
    return _unrows(dx, dout), dgamma, dbeta
