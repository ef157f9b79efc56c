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
    # BEGIN SOLUTION
    n, _, h, w = x.shape
    num_filters, _, kh, kw = weight.shape
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)  # (N, C*KH*KW, L)
    out = weight.reshape(num_filters, -1) @ cols + bias.reshape(1, -1, 1)  # (N, F, L)
    return out.reshape(n, num_filters, h_out, w_out), (cols, weight, (h, w), stride, padding)
    # END SOLUTION


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
    # BEGIN SOLUTION
    cols, weight, (h, w), stride, padding = cache
    n, num_filters = dout.shape[:2]
    kh, kw = weight.shape[2:]
    dout = dout.reshape(n, num_filters, -1)  # (N, F, L)
    dbias = dout.sum(dim=(0, 2))
    dweight = (dout @ cols.transpose(1, 2)).sum(dim=0).reshape(weight.shape)
    dcols = weight.reshape(num_filters, -1).T @ dout  # (N, C*KH*KW, L)
    dx = F.fold(dcols, (h, w), (kh, kw), padding=padding, stride=stride)
    return dx, dweight, dbias
    # END SOLUTION


# BEGIN SOLUTION
def _pool_windows(x, kernel_size, stride):
    """The pooling windows of x as columns, (N, C, k*k, L), and the output's (H_out, W_out)."""
    n, c, h, w = x.shape
    stride = kernel_size if stride is None else stride
    h_out = (h - kernel_size) // stride + 1
    w_out = (w - kernel_size) // stride + 1
    cols = F.unfold(x, kernel_size, stride=stride).reshape(n, c, kernel_size * kernel_size, -1)
    return cols, (h_out, w_out), stride


def _unpool(dcols, shape, kernel_size, stride):
    """The adjoint of _pool_windows: dcols (N, C, k*k, L) summed back into a (N, C, H, W) image."""
    n, c, h, w = shape
    return F.fold(dcols.reshape(n, c * kernel_size * kernel_size, -1), (h, w), kernel_size, stride=stride)
# END SOLUTION


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
    # BEGIN SOLUTION
    cols, (h_out, w_out), stride = _pool_windows(x, kernel_size, stride)
    out, argmax = cols.max(dim=2, keepdim=True)  # (N, C, 1, L)
    n, c = x.shape[:2]
    return out.reshape(n, c, h_out, w_out), (argmax, x.shape, kernel_size, stride)
    # END SOLUTION


def max_pool2d_backward(dout, cache):
    """Gradient of the loss with respect to the max pooling's input `x`.

    Formula: each output pixel passes its whole gradient to the one input pixel that was the
    maximum of its window, and nothing to the others:
        dx[n, c, i*s + u*, j*s + v*] += dout[n, c, i, j]   where (u*, v*) = argmax of the window
    (summed when overlapping windows share a maximum). Inputs are graded only without ties in a
    window, so which maximum you pick when two are equal does not matter.
    Shapes: `dout` (N, C, H_out, W_out); returns `dx` of the shape, dtype and device of `x`.
    """
    # BEGIN SOLUTION
    argmax, shape, kernel_size, stride = cache
    n, c = shape[:2]
    window, num_windows = kernel_size * kernel_size, argmax.shape[-1]
    dcols = torch.zeros(n, c, window, num_windows, dtype=dout.dtype, device=dout.device)
    dcols = dcols.scatter(2, argmax, dout.reshape(n, c, 1, -1))
    return _unpool(dcols, shape, kernel_size, stride)
    # END SOLUTION


def avg_pool2d_forward(x, kernel_size, stride=None):
    """Average pooling, as torch.nn.functional.avg_pool2d(x, kernel_size, stride) (no padding).

    Formula: out[n, c, i, j] = (1 / k**2) * sum_{u, v < k} x[n, c, i*s + u, j*s + v], with
    k = `kernel_size` and s = `stride`; `stride=None` means s = k.
    Shapes: `x` (N, C, H, W); `kernel_size` an int (square k x k windows; a tuple is not
    supported), `stride` an int or None; `out` (N, C, H_out, W_out) with
    H_out = (H - k) // s + 1 and W_out = (W - k) // s + 1, in the dtype and on the device of `x`.
    Returns `(out, cache)`.
    """
    # BEGIN SOLUTION
    cols, (h_out, w_out), stride = _pool_windows(x, kernel_size, stride)
    n, c = x.shape[:2]
    return cols.mean(dim=2).reshape(n, c, h_out, w_out), (x.shape, kernel_size, stride)
    # END SOLUTION


def avg_pool2d_backward(dout, cache):
    """Gradient of the loss with respect to the average pooling's input `x`.

    Formula: each output pixel spreads its gradient evenly over the k*k pixels of its window:
        dx[n, c, i*s + u, j*s + v] += dout[n, c, i, j] / k**2   for every u, v < k
    (summed where windows overlap; pixels that no window covers get 0).
    Shapes: `dout` (N, C, H_out, W_out); returns `dx` of the shape, dtype and device of `x`.
    """
    # BEGIN SOLUTION
    shape, kernel_size, stride = cache
    n, c = shape[:2]
    window = kernel_size * kernel_size
    dcols = (dout / window).reshape(n, c, 1, -1).expand(-1, -1, window, -1)
    return _unpool(dcols, shape, kernel_size, stride)
    # END SOLUTION


def global_avg_pool_forward(x):
    """Global average pooling: the mean of each channel over all its pixels.

    Formula: out[n, c] = (1 / (H*W)) * sum_{h, w} x[n, c, h, w]
    (as torch.nn.functional.adaptive_avg_pool2d(x, 1) without the two trailing 1-sized dims).
    Shapes: `x` (N, C, H, W); `out` (N, C), in the dtype and on the device of `x`.
    Returns `(out, cache)`.
    """
    # BEGIN SOLUTION
    return x.mean(dim=(2, 3)), x.shape
    # END SOLUTION


def global_avg_pool_backward(dout, cache):
    """Gradient of the loss with respect to the global average pooling's input `x`.

    Formula: every pixel of channel c contributed 1/(H*W) of out[n, c], so
        dx[n, c, h, w] = dout[n, c] / (H*W)
    Shapes: `dout` (N, C); returns `dx` (N, C, H, W), of the shape, dtype and device of `x`.
    """
    # BEGIN SOLUTION
    n, c, h, w = cache
    return (dout / (h * w)).reshape(n, c, 1, 1).expand(n, c, h, w).contiguous()
    # END SOLUTION
