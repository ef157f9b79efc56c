"""Exercise 5 -- convolution and pooling.  Emily Watson (exchange student)"""
import torch
import torch.nn.functional as F


def _patches(xp, kh, kw, stride):
    # view of every kh x kw window: (N, C, H_out, W_out, kh, kw)
    n, c, h, w = xp.shape
    sn, sc, sh, sw = xp.stride()
    h_out = (h - kh) // stride
    w_out = (w - kw) // stride
    return xp.as_strided((n, c, h_out, w_out, kh, kw),
                         (sn, sc, sh * stride, sw * stride, sh, sw), xp.storage_offset())


def conv2d_forward(x, weight, bias, stride=1, padding=0):
    xp = F.pad(x, (padding,) * 4)
    cols = _patches(xp, weight.shape[2], weight.shape[3], stride)
    out = torch.einsum("nchwij,fcij->nfhw", cols, weight) + bias.view(1, -1, 1, 1)
    return out, (xp, weight, stride, padding)


def conv2d_backward(dout, cache):
    xp, weight, stride, padding = cache
    kh, kw = weight.shape[2], weight.shape[3]
    cols = _patches(xp, kh, kw, stride)
    dweight = torch.einsum("nchwij,nfhw->fcij", cols, dout)
    dbias = dout.sum(dim=(0, 2, 3))
    dxp = torch.zeros_like(xp)
    h_out, w_out = dout.shape[2], dout.shape[3]
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i:i + stride * h_out:stride, j:j + stride * w_out:stride] += \
                torch.einsum("nfhw,fc->nchw", dout, weight[:, :, i, j])
    H, W = xp.shape[2] - 2 * padding, xp.shape[3] - 2 * padding
    return dxp[:, :, padding:padding + H, padding:padding + W].clone(), dweight, dbias


def max_pool2d_forward(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    win = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)
    n, c, ho, wo = win.shape[:4]
    flat = win.reshape(n, c, ho, wo, -1)
    out, arg = flat.max(dim=-1)
    return out, (x.shape, arg, kernel_size, s)


def max_pool2d_backward(dout, cache):
    shape, arg, k, s = cache
    n, c, h, w = shape
    ho, wo = arg.shape[2], arg.shape[3]
    rows = torch.arange(ho, device=dout.device).view(-1, 1) * s + torch.div(arg, k, rounding_mode="floor")
    cols = torch.arange(wo, device=dout.device).view(1, -1) * s + arg % k
    flat_index = (rows * w + cols).reshape(n, c, -1)
    dx = torch.zeros(n, c, h * w, dtype=dout.dtype, device=dout.device)
    dx.scatter_add_(2, flat_index, dout.reshape(n, c, -1))
    return dx.view(n, c, h, w)


def avg_pool2d_forward(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    win = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)
    return win.mean(dim=(-2, -1)), (x.shape, kernel_size, s)


def avg_pool2d_backward(dout, cache):
    shape, k, s = cache
    dx = torch.zeros(shape, dtype=dout.dtype, device=dout.device)
    ho, wo = dout.shape[2], dout.shape[3]
    g = dout / (k * k)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + s * ho:s, j:j + s * wo:s] += g
    return dx


def global_avg_pool_forward(x):
    return x.mean(dim=(2, 3)), x.shape


def global_avg_pool_backward(dout, cache):
    n, c, h, w = cache
    return (dout / (h * w))[:, :, None, None].expand(n, c, h, w).clone()
