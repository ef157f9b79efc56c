"""A correct exercise 5 written unlike the reference: convolution windows by as_strided on the
padded input and einsum (no unfold/fold), dx by a loop over the KH*KW kernel offsets adding into
a padded buffer, max pooling through Tensor.unfold and scatter_add of the argmax, average
pooling as a sum of k*k strided slices, global pooling backward by repeat_interleave."""

import torch
import torch.nn.functional as F


def _windows(xp, kh, kw, stride):
    """(N, C, H_out, W_out, KH, KW) view of the windows of the (already padded) xp."""
    n, c, h, w = xp.shape
    sn, sc, sh, sw = xp.stride()
    h_out, w_out = (h - kh) // stride + 1, (w - kw) // stride + 1
    return xp.as_strided((n, c, h_out, w_out, kh, kw), (sn, sc, sh * stride, sw * stride, sh, sw),
                         xp.storage_offset())


def conv2d_forward(x, weight, bias, stride=1, padding=0):
    xp = F.pad(x, (padding, padding, padding, padding))
    win = _windows(xp, weight.shape[2], weight.shape[3], stride)
    out = torch.einsum("nchwuv,fcuv->nfhw", win, weight) + bias[None, :, None, None]
    return out, (xp, weight, stride, padding)


def conv2d_backward(dout, cache):
    xp, weight, stride, padding = cache
    kh, kw = weight.shape[2:]
    h_out, w_out = dout.shape[2:]
    win = _windows(xp, kh, kw, stride)
    dweight = torch.einsum("nchwuv,nfhw->fcuv", win, dout)
    dbias = dout.sum(dim=(0, 2, 3))
    dxp = torch.zeros_like(xp)
    for u in range(kh):
        for v in range(kw):
            rows = slice(u, u + stride * (h_out - 1) + 1, stride)
            cols = slice(v, v + stride * (w_out - 1) + 1, stride)
            dxp[:, :, rows, cols] += torch.einsum("nfhw,fc->nchw", dout, weight[:, :, u, v])
    h, w = xp.shape[2] - 2 * padding, xp.shape[3] - 2 * padding
    return dxp[:, :, padding:padding + h, padding:padding + w].clone(), dweight, dbias


def max_pool2d_forward(x, kernel_size, stride=None):
    k, s = kernel_size, kernel_size if stride is None else stride
    win = x.unfold(2, k, s).unfold(3, k, s)  # (N, C, H_out, W_out, k, k)
    n, c, h_out, w_out = win.shape[:4]
    flat = win.reshape(n, c, h_out, w_out, k * k)
    out, arg = flat.max(dim=-1)
    rows = torch.arange(h_out, device=x.device)[:, None] * s + torch.div(arg, k, rounding_mode="floor")
    cols = torch.arange(w_out, device=x.device)[None, :] * s + arg % k
    index = rows * x.shape[3] + cols  # position of each maximum in the flattened H*W image
    return out, (index, x.shape)


def max_pool2d_backward(dout, cache):
    index, shape = cache
    n, c, h, w = shape
    dx = torch.zeros(n, c, h * w, dtype=dout.dtype, device=dout.device)
    dx.scatter_add_(2, index.reshape(n, c, -1), dout.reshape(n, c, -1))
    return dx.reshape(shape)


def _slices(h_out, w_out, k, s):
    for u in range(k):
        for v in range(k):
            yield (slice(None), slice(None), slice(u, u + s * (h_out - 1) + 1, s),
                   slice(v, v + s * (w_out - 1) + 1, s))


def avg_pool2d_forward(x, kernel_size, stride=None):
    k, s = kernel_size, kernel_size if stride is None else stride
    h_out, w_out = (x.shape[2] - k) // s + 1, (x.shape[3] - k) // s + 1
    total = sum(x[index] for index in _slices(h_out, w_out, k, s))
    return total / (k * k), (x.shape, k, s)


def avg_pool2d_backward(dout, cache):
    shape, k, s = cache
    dx = torch.zeros(shape, dtype=dout.dtype, device=dout.device)
    share = dout / (k * k)
    for index in _slices(dout.shape[2], dout.shape[3], k, s):
        dx[index] += share
    return dx


def global_avg_pool_forward(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h * w).sum(dim=2) / (h * w), x.shape


def global_avg_pool_backward(dout, cache):
    n, c, h, w = cache
    return (dout / (h * w)).reshape(n, c, 1).repeat_interleave(h * w, dim=2).reshape(n, c, h, w)
