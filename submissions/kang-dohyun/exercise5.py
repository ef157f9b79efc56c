# Kang Dohyun / exercise 5 -- conv done, pooling not yet
import torch
import torch.nn.functional as F


def conv2d_forward(x, weight, bias, stride=1, padding=0):
    N, C, H, W = x.shape
    Fo, _, KH, KW = weight.shape
    H_out = (H + 2 * padding - KH) // stride + 1
    W_out = (W + 2 * padding - KW) // stride + 1
    cols = F.unfold(x, (KH, KW), padding=padding, stride=stride)        # (N, C*KH*KW, L)
    out = weight.reshape(Fo, -1) @ cols + bias.reshape(1, Fo, 1)         # (N, F, L)
    return out.reshape(N, Fo, H_out, W_out), (x.shape, cols, weight, stride, padding)


def conv2d_backward(dout, cache):
    x_shape, cols, weight, stride, padding = cache
    N, Fo = dout.shape[:2]
    KH, KW = weight.shape[2:]
    d = dout.reshape(N, Fo, -1)                                           # (N, F, L)
    dweight = (d @ cols.transpose(1, 2)).sum(dim=0).reshape(weight.shape)
    dbias = d.sum(dim=(0, 2))
    dcols = weight.reshape(Fo, -1).t() @ d                                # (N, C*KH*KW, L)
    dx = F.fold(dcols, x_shape[2:], (KH, KW), padding=padding, stride=stride)
    return dx, dweight, dbias


def max_pool2d_forward(x, kernel_size, stride=None):
    raise NotImplementedError


def max_pool2d_backward(dout, cache):
    raise NotImplementedError


def avg_pool2d_forward(x, kernel_size, stride=None):
    raise NotImplementedError


def avg_pool2d_backward(dout, cache):
    raise NotImplementedError


def global_avg_pool_forward(x):
    return x.mean(dim=(2, 3)), x.shape


def global_avg_pool_backward(dout, cache):
    N, C, H, W = cache
    return dout.reshape(N, C, 1, 1).expand(N, C, H, W) / (H * W)
