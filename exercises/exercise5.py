"""Exercise 5: convolution and pooling (PyTorch tensors, no autograd).

Implement the forward and backward passes of a 2-D convolution layer and of max, average and
global average pooling, by hand, on torch tensors, as torch.nn.functional computes them and as
autograd would differentiate them.

Every layer is a pair of functions:
- `*_forward(inputs...)` returns `(out, cache)`, where `cache` is whatever the backward pass will
  need; nobody but your own backward looks inside it.
- `*_backward(dout, cache)` takes `dout`, the gradient of the loss with respect to `out` (same
  shape as `out`), and returns the gradient(s) with respect to the input(s).

Images are NCHW: `x` has shape (N, C, H, W) (batch, channels, height, width). With a kernel of
KH x KW, stride s and zero padding p on all four sides, the output has
    H_out = (H + 2p - KH) // s + 1    and    W_out = (W + 2p - KW) // s + 1
rows and columns; rows and columns of the (padded) input that no window reaches are ignored,
and their gradient is 0.

Your code must be vectorised: the grader times it against torch, and a Python loop over the
output pixels is far too slow. Tools that help, all allowed:
torch.nn.functional.unfold (each window of the input as a column, "im2col") and its adjoint
torch.nn.functional.fold (sums columns back into an image), Tensor.unfold, Tensor.as_strided,
torch.einsum, matmul, scatter_add / index_add. A loop over the few kernel offsets (KH * KW
iterations, each a whole-tensor operation) is fine.

Conventions (../shared/curriculum.md): float32 in gives float32 out, float64 gives float64, and
a tensor on a device gives tensors on that device: create new tensors with
`dtype=x.dtype, device=x.device` (or torch.zeros_like and friends). Never modify an input
tensor (nor `dout`, nor the cache): compute new tensors instead of writing into the ones you
were given. Do not use autograd (`.backward()`, `torch.autograd`, `requires_grad`) nor the ops
you re-implement: F.conv2d, F.conv_transpose2d, nn.Conv2d, F.max_pool2d, F.avg_pool2d,
F.adaptive_avg_pool2d, torch.nn.grad.
"""

import torch
import torch.nn.functional as F


def conv2d_forward(x, weight, bias, stride=1, padding=0):
    """2-D convolution layer, as torch.nn.functional.conv2d(x, weight, bias, stride, padding).

    Formula (a cross-correlation: the kernel is not flipped), with xp the input zero-padded by
    `padding` on all four sides:
        out[n, f, i, j] = bias[f] + sum_{c, u, v} xp[n, c, i*s + u, j*s + v] * weight[f, c, u, v]
    for u < KH, v < KW and s = `stride`.
    Hint: F.unfold(x, (KH, KW), padding=padding, stride=stride) has shape (N, C*KH*KW, L), one
    column per output pixel (L = H_out * W_out); the convolution is then one matrix product
    with weight.reshape(F, C*KH*KW).
    Shapes: `x` (N, C, H, W), `weight` (F, C, KH, KW) (KH and KW may differ), `bias` (F,),
    `stride` and `padding` ints (stride >= 1, padding >= 0); `out` (N, F, H_out, W_out), in the
    dtype and on the device of `x`.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def conv2d_backward(dout, cache):
    """Gradients of the loss with respect to the convolution's `x`, `weight` and `bias`.

    Formula: every output pixel (i, j) used the window xp[n, :, i*s : i*s+KH, j*s : j*s+KW], so
        dbias[f]            = sum_{n, i, j} dout[n, f, i, j]
        dweight[f, c, u, v] = sum_{n, i, j} dout[n, f, i, j] * xp[n, c, i*s + u, j*s + v]
        dxp[n, c, i*s + u, j*s + v] += sum_f dout[n, f, i, j] * weight[f, c, u, v]
    (summed over every window that covers a pixel: windows overlap when s < KH or s < KW),
    and dx is dxp without its padding border.
    Hint: in the unfold form out = W @ cols, dW = dout @ cols.T summed over the batch and
    dcols = W.T @ dout; F.fold (the adjoint of F.unfold, with the same arguments and
    output_size=(H, W)) sums dcols back into dx.
    Shapes: `dout` (N, F, H_out, W_out); returns `(dx, dweight, dbias)` of the shapes of `x`,
    `weight` and `bias`, in their dtype and on their device.
    """
    raise NotImplementedError




def max_pool2d_forward(x, kernel_size, stride=None):
    """Max pooling, as torch.nn.functional.max_pool2d(x, kernel_size, stride) (no padding).

    Formula: out[n, c, i, j] = max_{u, v < k} x[n, c, i*s + u, j*s + v], with k = `kernel_size`
    and s = `stride`; `stride=None` means s = k (windows side by side, not overlapping).
    Hint: F.unfold(x, k, stride=s) reshaped to (N, C, k*k, L) holds each window along dim 2.
    Shapes: `x` (N, C, H, W); `kernel_size` an int (square k x k windows; a tuple is not
    supported), `stride` an int or None; `out` (N, C, H_out, W_out) with
    H_out = (H - k) // s + 1 and W_out = (W - k) // s + 1, in the dtype and on the device of `x`.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def max_pool2d_backward(dout, cache):
    """Gradient of the loss with respect to the max pooling's input `x`.

    Formula: each output pixel passes its whole gradient to the one input pixel that was the
    maximum of its window, and nothing to the others:
        dx[n, c, i*s + u*, j*s + v*] += dout[n, c, i, j]   where (u*, v*) = argmax of the window
    (summed when overlapping windows share a maximum). Inputs are graded only without ties in a
    window, so which maximum you pick when two are equal does not matter.
    Shapes: `dout` (N, C, H_out, W_out); returns `dx` of the shape, dtype and device of `x`.
    """
    raise NotImplementedError


def avg_pool2d_forward(x, kernel_size, stride=None):
    """Average pooling, as torch.nn.functional.avg_pool2d(x, kernel_size, stride) (no padding).

    Formula: out[n, c, i, j] = (1 / k**2) * sum_{u, v < k} x[n, c, i*s + u, j*s + v], with
    k = `kernel_size` and s = `stride`; `stride=None` means s = k.
    Shapes: `x` (N, C, H, W); `kernel_size` an int (square k x k windows; a tuple is not
    supported), `stride` an int or None; `out` (N, C, H_out, W_out) with
    H_out = (H - k) // s + 1 and W_out = (W - k) // s + 1, in the dtype and on the device of `x`.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def avg_pool2d_backward(dout, cache):
    """Gradient of the loss with respect to the average pooling's input `x`.

    Formula: each output pixel spreads its gradient evenly over the k*k pixels of its window:
        dx[n, c, i*s + u, j*s + v] += dout[n, c, i, j] / k**2   for every u, v < k
    (summed where windows overlap; pixels that no window covers get 0).
    Shapes: `dout` (N, C, H_out, W_out); returns `dx` of the shape, dtype and device of `x`.
    """
    raise NotImplementedError


def global_avg_pool_forward(x):
    """Global average pooling: the mean of each channel over all its pixels.

    Formula: out[n, c] = (1 / (H*W)) * sum_{h, w} x[n, c, h, w]
    (as torch.nn.functional.adaptive_avg_pool2d(x, 1) without the two trailing 1-sized dims).
    Shapes: `x` (N, C, H, W); `out` (N, C), in the dtype and on the device of `x`.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def global_avg_pool_backward(dout, cache):
    """Gradient of the loss with respect to the global average pooling's input `x`.

    Formula: every pixel of channel c contributed 1/(H*W) of out[n, c], so
        dx[n, c, h, w] = dout[n, c] / (H*W)
    Shapes: `dout` (N, C); returns `dx` (N, C, H, W), of the shape, dtype and device of `x`.
    """
    raise NotImplementedError
