"""Plausible wrong implementations of exercise 5: at least one that each check must catch,
with the hint it must show where one is known. Each was checked to disagree with torch
while the exercise was written (issue 3)."""

from tests.helpers import Wrong

CONV_FORWARD = "conv2d_forward matches F.conv2d (default stride 1 and padding 0; non-square and 1×1 kernels, " \
               "batch 1, odd sizes)"
CONV_STRIDED = "conv2d_forward matches F.conv2d with stride and zero padding"
CONV_BACKWARD = "conv2d_backward matches autograd (dx, dweight, dbias) with the default stride and padding"
CONV_STRIDED_BACKWARD = "conv2d_backward matches autograd with stride and zero padding (overlapping windows, " \
                        "skipped pixels)"
MAX_FORWARD = "max_pool2d_forward matches F.max_pool2d (stride None means kernel_size; overlapping windows)"
MAX_BACKWARD = "max_pool2d_backward matches autograd: each window's gradient goes to its maximum"
AVG_FORWARD = "avg_pool2d_forward matches F.avg_pool2d (stride None means kernel_size)"
AVG_BACKWARD = "avg_pool2d_backward matches autograd"
GLOBAL_FORWARD = "global_avg_pool_forward is the mean over H and W"
GLOBAL_BACKWARD = "global_avg_pool_backward matches autograd"
CNN = "one training step of a tiny CNN built from your conv2d and pooling matches torch autograd"
KEEPS_INPUTS = "no function changes its input tensors, dout or cache"
KEEPS_DTYPE = "float32 inputs give float32 results, float64 give float64"
CONV_FAST = "conv2d_forward is vectorised: at most 30× the time of F.conv2d"
CONV_PAIR_FAST = "conv2d_forward then conv2d_backward are vectorised: at most 25× the time of torch's"
MAX_FAST = "max_pool2d_forward then max_pool2d_backward are vectorised: at most 25× the time of torch's"
AVG_FAST = "avg_pool2d_forward then avg_pool2d_backward are vectorised: at most 25× the time of torch's"
GPU = "conv2d and the poolings run on CUDA: results stay on the device, in the input's dtype, and match the CPU"

# -- convolution -------------------------------------------------------------------------------

FLIPPED_KERNEL = """
def conv2d_forward(x, weight, bias, stride=1, padding=0):
    # a true convolution: the kernel flipped, as in the maths textbook
    weight = weight.flip(2, 3)
    n, _, h, w = x.shape
    num_filters, _, kh, kw = weight.shape
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(num_filters, -1) @ cols + bias.reshape(1, -1, 1)
    return out.reshape(n, num_filters, h_out, w_out), (cols, weight, (h, w), stride, padding)
"""
COLUMNS_REORDERED = """
def conv2d_forward(x, weight, bias, stride=1, padding=0):
    # im2col columns ordered (KH, KW, C) while the weight is flattened (C, KH, KW)
    n, c, h, w = x.shape
    num_filters, _, kh, kw = weight.shape
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    cols = cols.reshape(n, c, kh * kw, -1).transpose(1, 2).reshape(n, c * kh * kw, -1)
    out = weight.reshape(num_filters, -1) @ cols + bias.reshape(1, -1, 1)
    return out.reshape(n, num_filters, h_out, w_out), (cols, weight, (h, w), stride, padding)
"""
PADDING_ONE_SIDED = """
def conv2d_forward(x, weight, bias, stride=1, padding=0):
    # pads 2*padding on the bottom and right only (same output shape, shifted windows)
    n, _, h, w = x.shape
    num_filters, _, kh, kw = weight.shape
    xp = F.pad(x, (0, 2 * padding, 0, 2 * padding))
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    cols = F.unfold(xp, (kh, kw), stride=stride)
    out = weight.reshape(num_filters, -1) @ cols + bias.reshape(1, -1, 1)
    return out.reshape(n, num_filters, h_out, w_out), (cols, weight, (h, w), stride, padding)
"""
PADDING_IGNORED = """
def conv2d_forward(x, weight, bias, stride=1, padding=0):
    # padding forgotten: a "valid" convolution whatever `padding` says
    n, _, h, w = x.shape
    num_filters, _, kh, kw = weight.shape
    h_out = (h - kh) // stride + 1
    w_out = (w - kw) // stride + 1
    cols = F.unfold(x, (kh, kw), stride=stride)
    out = weight.reshape(num_filters, -1) @ cols + bias.reshape(1, -1, 1)
    return out.reshape(n, num_filters, h_out, w_out), (cols, weight, (h, w), stride, 0)
"""
STRIDE_IGNORED = """
def conv2d_forward(x, weight, bias, stride=1, padding=0):
    # every window, whatever the stride
    n, _, h, w = x.shape
    num_filters, _, kh, kw = weight.shape
    h_out = h + 2 * padding - kh + 1
    w_out = w + 2 * padding - kw + 1
    cols = F.unfold(x, (kh, kw), padding=padding)
    out = weight.reshape(num_filters, -1) @ cols + bias.reshape(1, -1, 1)
    return out.reshape(n, num_filters, h_out, w_out), (cols, weight, (h, w), 1, padding)
"""
DBIAS_MEAN = """
def conv2d_backward(dout, cache):
    # dbias summed over the pixels but averaged over the batch
    cols, weight, (h, w), stride, padding = cache
    n, num_filters = dout.shape[:2]
    kh, kw = weight.shape[2:]
    dout = dout.reshape(n, num_filters, -1)
    dbias = dout.sum(dim=2).mean(dim=0)
    dweight = (dout @ cols.transpose(1, 2)).sum(dim=0).reshape(weight.shape)
    dcols = weight.reshape(num_filters, -1).T @ dout
    dx = F.fold(dcols, (h, w), (kh, kw), padding=padding, stride=stride)
    return dx, dweight, dbias
"""
DBIAS_PER_IMAGE = """
_conv2d_backward = conv2d_backward
def conv2d_backward(dout, cache):
    # dbias summed over the pixels of each image only: shape (N, F)
    dx, dweight, _ = _conv2d_backward(dout, cache)
    return dx, dweight, dout.sum(dim=(2, 3))
"""
DWEIGHT_FIRST_IMAGE = """
def conv2d_backward(dout, cache):
    # dweight from the first sample only: the sum over the batch is missing
    cols, weight, (h, w), stride, padding = cache
    n, num_filters = dout.shape[:2]
    kh, kw = weight.shape[2:]
    dout = dout.reshape(n, num_filters, -1)
    dbias = dout.sum(dim=(0, 2))
    dweight = (dout[0] @ cols[0].T).reshape(weight.shape)
    dcols = weight.reshape(num_filters, -1).T @ dout
    dx = F.fold(dcols, (h, w), (kh, kw), padding=padding, stride=stride)
    return dx, dweight, dbias
"""
STRIDE_IGNORED_IN_BACKWARD = """
def conv2d_backward(dout, cache):
    # dx by a loop over kernel offsets, but the slices step by 1 instead of by the stride
    cols, weight, (h, w), stride, padding = cache
    n, num_filters, h_out, w_out = dout.shape
    _, c, kh, kw = weight.shape
    flat = dout.reshape(n, num_filters, -1)
    dbias = flat.sum(dim=(0, 2))
    dweight = (flat @ cols.transpose(1, 2)).sum(dim=0).reshape(weight.shape)
    dxp = torch.zeros(n, c, h + 2 * padding, w + 2 * padding, dtype=dout.dtype, device=dout.device)
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, u:u + h_out, v:v + w_out] += torch.einsum("nfhw,fc->nchw", dout, weight[:, :, u, v])
    return dxp[:, :, padding:padding + h, padding:padding + w], dweight, dbias
"""
DX_CROPPED_AT_THE_CORNER = """
def conv2d_backward(dout, cache):
    # dx of the padded input cropped at the top-left corner instead of removing the border
    cols, weight, (h, w), stride, padding = cache
    n, num_filters = dout.shape[:2]
    kh, kw = weight.shape[2:]
    dout = dout.reshape(n, num_filters, -1)
    dbias = dout.sum(dim=(0, 2))
    dweight = (dout @ cols.transpose(1, 2)).sum(dim=0).reshape(weight.shape)
    dcols = weight.reshape(num_filters, -1).T @ dout
    dxp = F.fold(dcols, (h + 2 * padding, w + 2 * padding), (kh, kw), stride=stride)
    return dxp[:, :, :h, :w], dweight, dbias
"""

# -- pooling -----------------------------------------------------------------------------------

MAX_POOL_STRIDE_NONE_AS_ONE = """
def max_pool2d_forward(x, kernel_size, stride=None):
    # stride=None taken as 1 (overlapping windows) instead of kernel_size
    if stride is None:
        stride = 1
    cols, (h_out, w_out), stride = _pool_windows(x, kernel_size, stride)
    out, argmax = cols.max(dim=2, keepdim=True)
    n, c = x.shape[:2]
    return out.reshape(n, c, h_out, w_out), (argmax, x.shape, kernel_size, stride)
"""
MAX_POOL_WHOLE_WINDOW = """
def max_pool2d_backward(dout, cache):
    # every element of the window gets the gradient, not only the maximum
    argmax, shape, kernel_size, stride = cache
    n, c = shape[:2]
    dcols = dout.reshape(n, c, 1, -1).expand(-1, -1, kernel_size * kernel_size, -1)
    return _unpool(dcols, shape, kernel_size, stride)
"""
MAX_POOL_OVERWRITES = """
def max_pool2d_backward(dout, cache):
    # writes dout at the argmax instead of adding: overlapping windows sharing a maximum lose gradient
    argmax, shape, kernel_size, stride = cache
    n, c, h, w = shape
    h_out, w_out = (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1
    a = argmax.reshape(n, c, h_out, w_out)
    rows = torch.arange(h_out, device=a.device)[:, None] * stride + a // kernel_size
    cols = torch.arange(w_out, device=a.device)[None, :] * stride + a % kernel_size
    dx = torch.zeros(n, c, h * w, dtype=dout.dtype, device=dout.device)
    dx.scatter_(2, (rows * w + cols).reshape(n, c, -1), dout.reshape(n, c, -1))
    return dx.reshape(shape)
"""
AVG_POOL_STRIDE_IGNORED = """
def avg_pool2d_forward(x, kernel_size, stride=None):
    # stride ignored: windows always side by side (stride = kernel_size)
    cols, (h_out, w_out), stride = _pool_windows(x, kernel_size, None)
    n, c = x.shape[:2]
    return cols.mean(dim=2).reshape(n, c, h_out, w_out), (x.shape, kernel_size, stride)
"""
AVG_POOL_STRIDE_NONE_AS_ONE = """
_avg_pool2d_forward = avg_pool2d_forward
def avg_pool2d_forward(x, kernel_size, stride=None):
    return _avg_pool2d_forward(x, kernel_size, 1 if stride is None else stride)
"""
AVG_POOL_NOT_DIVIDED = """
def avg_pool2d_backward(dout, cache):
    # the gradient copied to every pixel of the window, not divided by k*k
    shape, kernel_size, stride = cache
    n, c = shape[:2]
    window = kernel_size * kernel_size
    dcols = dout.reshape(n, c, 1, -1).expand(-1, -1, window, -1)
    return _unpool(dcols, shape, kernel_size, stride)
"""
GLOBAL_SUM = """
def global_avg_pool_forward(x):
    # the sum over the pixels, not their mean
    return x.sum(dim=(2, 3)), x.shape
"""
GLOBAL_NOT_DIVIDED = """
def global_avg_pool_backward(dout, cache):
    # dout broadcast over the pixels, not divided by H*W
    n, c, h, w = cache
    return dout.reshape(n, c, 1, 1).expand(n, c, h, w).contiguous()
"""

# -- only a network shows it -------------------------------------------------------------------

CACHE_IN_A_GLOBAL = """
_last = {}
_conv2d_forward, _conv2d_backward = conv2d_forward, conv2d_backward

def conv2d_forward(x, weight, bias, stride=1, padding=0):
    # what backward needs kept in a global: the next convolution's forward overwrites it
    out, _last["cache"] = _conv2d_forward(x, weight, bias, stride, padding)
    return out, None

def conv2d_backward(dout, cache):
    return _conv2d_backward(dout, _last["cache"])
"""
WEIGHT_IN_A_GLOBAL = """
_last = {}
_conv2d_forward = conv2d_forward

def conv2d_forward(x, weight, bias, stride=1, padding=0):
    # the input's columns are in the cache, but the weight is read back from a global in backward
    _last["weight"] = weight
    out, (cols, _, size, stride, padding) = _conv2d_forward(x, weight, bias, stride, padding)
    return out, (cols, weight.shape, size, stride, padding)

def conv2d_backward(dout, cache):
    cols, shape, (h, w), stride, padding = cache
    weight = _last["weight"]
    n, num_filters = dout.shape[:2]
    dout = dout.reshape(n, num_filters, -1)
    dweight = (dout @ cols.transpose(1, 2)).sum(dim=0).reshape(shape)
    dcols = weight.reshape(weight.shape[0], -1).T @ dout
    dx = F.fold(dcols, (h, w), shape[2:], padding=padding, stride=stride)
    return dx, dweight, dout.sum(dim=(0, 2))
"""

# -- the contract ------------------------------------------------------------------------------

AVG_POOL_DIVIDES_DOUT_IN_PLACE = """
def avg_pool2d_backward(dout, cache):
    shape, kernel_size, stride = cache
    n, c = shape[:2]
    dout /= kernel_size * kernel_size  # in place: the caller's dout changes
    dcols = dout.reshape(n, c, 1, -1).expand(-1, -1, kernel_size * kernel_size, -1)
    return _unpool(dcols, shape, kernel_size, stride)
"""
MAX_POOL_FLOAT32_ZEROS = """
def max_pool2d_backward(dout, cache):
    argmax, shape, kernel_size, stride = cache
    n, c = shape[:2]
    dcols = torch.zeros(n, c, kernel_size * kernel_size, argmax.shape[-1])  # float32, whatever dout is
    dcols = dcols.scatter(2, argmax, dout.reshape(n, c, 1, -1).to(dcols.dtype))
    return _unpool(dcols, shape, kernel_size, stride)
"""
MAX_POOL_ON_CUDA = """
def max_pool2d_backward(dout, cache):
    argmax, shape, kernel_size, stride = cache
    n, c = shape[:2]
    # written on a machine with a GPU: the device hard-coded
    dcols = torch.zeros(n, c, kernel_size * kernel_size, argmax.shape[-1], dtype=dout.dtype, device="cuda")
    dcols = dcols.scatter(2, argmax, dout.reshape(n, c, 1, -1))
    return _unpool(dcols, shape, kernel_size, stride)
"""

# -- speed: correct numbers, a Python loop over the output pixels -------------------------------

CONV_PIXEL_LOOP = """
def conv2d_forward(x, weight, bias, stride=1, padding=0):
    kh, kw = weight.shape[2:]
    xp = F.pad(x, (padding,) * 4)
    h_out, w_out = (xp.shape[2] - kh) // stride + 1, (xp.shape[3] - kw) // stride + 1
    out = torch.zeros(x.shape[0], weight.shape[0], h_out, w_out, dtype=x.dtype, device=x.device)
    flat = weight.reshape(weight.shape[0], -1)
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = window.reshape(x.shape[0], -1) @ flat.T + bias
    return out, (xp, weight, stride, padding)

def conv2d_backward(dout, cache):
    xp, weight, s, p = cache
    kh, kw = weight.shape[2:]
    n, c = xp.shape[:2]
    flat = weight.reshape(weight.shape[0], -1)
    dxp, dweight = torch.zeros_like(xp), torch.zeros_like(flat)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = xp[:, :, i * s:i * s + kh, j * s:j * s + kw].reshape(n, -1)
            dweight += dout[:, :, i, j].T @ window
            dxp[:, :, i * s:i * s + kh, j * s:j * s + kw] += (dout[:, :, i, j] @ flat).reshape(n, c, kh, kw)
    h, w = xp.shape[2] - 2 * p, xp.shape[3] - 2 * p
    return dxp[:, :, p:p + h, p:p + w], dweight.reshape(weight.shape), dout.sum(dim=(0, 2, 3))
"""
MAX_POOL_PIXEL_LOOP = """
def max_pool2d_forward(x, kernel_size, stride=None):
    k, s = kernel_size, stride or kernel_size
    h_out, w_out = (x.shape[2] - k) // s + 1, (x.shape[3] - k) // s + 1
    out = torch.zeros(x.shape[0], x.shape[1], h_out, w_out, dtype=x.dtype, device=x.device)
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = x[:, :, i * s:i * s + k, j * s:j * s + k].amax(dim=(2, 3))
    return out, (x, k, s)

def max_pool2d_backward(dout, cache):
    x, k, s = cache
    dx = torch.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + k, j * s:j * s + k]
            mask = window == window.amax(dim=(2, 3), keepdim=True)
            dx[:, :, i * s:i * s + k, j * s:j * s + k] += mask * dout[:, :, i, j, None, None]
    return dx
"""
AVG_POOL_PIXEL_LOOP = """
def avg_pool2d_forward(x, kernel_size, stride=None):
    k, s = kernel_size, stride or kernel_size
    h_out, w_out = (x.shape[2] - k) // s + 1, (x.shape[3] - k) // s + 1
    out = torch.zeros(x.shape[0], x.shape[1], h_out, w_out, dtype=x.dtype, device=x.device)
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = x[:, :, i * s:i * s + k, j * s:j * s + k].mean(dim=(2, 3))
    return out, (x.shape, k, s)

def avg_pool2d_backward(dout, cache):
    shape, k, s = cache
    dx = torch.zeros(shape, dtype=dout.dtype, device=dout.device)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + k, j * s:j * s + k] += dout[:, :, i, j, None, None] / (k * k)
    return dx
"""

MISTAKES = [
    # Both hints, and the one that names either mistake, say these:
    Wrong(CONV_FORWARD, FLIPPED_KERNEL, hint="no .flip"),
    Wrong(CONV_FORWARD, COLUMNS_REORDERED, hint="ordered (C, KH, KW), channel first"),
    Wrong(CONV_STRIDED, PADDING_IGNORED, hint="padding is ignored"),
    Wrong(CONV_STRIDED, PADDING_ONE_SIDED, hint="bottom and right only"),
    Wrong(CONV_STRIDED, STRIDE_IGNORED, hint="the stride is ignored"),
    Wrong(CONV_STRIDED, FLIPPED_KERNEL, hint="no .flip"),
    Wrong(CONV_BACKWARD, DBIAS_MEAN, hint="not averaged over the batch"),
    Wrong(CONV_BACKWARD, DBIAS_PER_IMAGE, hint="dbias has the shape of bias"),
    Wrong(CONV_BACKWARD, DWEIGHT_FIRST_IMAGE, hint="contributions of all N images"),
    Wrong(CONV_STRIDED_BACKWARD, STRIDE_IGNORED_IN_BACKWARD, hint="dx ignores the stride"),
    Wrong(CONV_STRIDED_BACKWARD, DX_CROPPED_AT_THE_CORNER, hint="without its border"),
    Wrong(CONV_STRIDED_BACKWARD, DWEIGHT_FIRST_IMAGE, hint="contributions of all N images"),
    Wrong(MAX_FORWARD, MAX_POOL_STRIDE_NONE_AS_ONE, hint="stride=None means stride = kernel_size"),
    Wrong(MAX_BACKWARD, MAX_POOL_WHOLE_WINDOW, hint="to the argmax alone"),
    Wrong(MAX_BACKWARD, MAX_POOL_OVERWRITES, hint="add into dx"),
    Wrong(AVG_FORWARD, AVG_POOL_STRIDE_IGNORED, hint="the stride is ignored"),
    Wrong(AVG_FORWARD, AVG_POOL_STRIDE_NONE_AS_ONE, hint="stride=None means stride = kernel_size"),
    Wrong(AVG_BACKWARD, AVG_POOL_NOT_DIVIDED, hint="divide the gradient by kernel_size**2"),
    Wrong(GLOBAL_FORWARD, GLOBAL_SUM, hint="takes their mean"),
    Wrong(GLOBAL_BACKWARD, GLOBAL_NOT_DIVIDED, hint="dx = dout / (H*W)"),
    # Right one layer at a time (every other check passes them), wrong in a network.
    Wrong(CNN, WEIGHT_IN_A_GLOBAL),
    Wrong(CNN, CACHE_IN_A_GLOBAL, status="error"),  # the first layer's backward gets the second's cache
    Wrong(CNN, GLOBAL_NOT_DIVIDED),
    Wrong(KEEPS_INPUTS, AVG_POOL_DIVIDES_DOUT_IN_PLACE, hint="compute into a new array or tensor"),
    Wrong(KEEPS_DTYPE, MAX_POOL_FLOAT32_ZEROS, hint="create tensors with the input's dtype"),
    Wrong(CONV_FAST, CONV_PIXEL_LOOP, hint="Python loop over output pixels"),
    Wrong(CONV_PAIR_FAST, CONV_PIXEL_LOOP, hint="F.fold"),
    Wrong(MAX_FAST, MAX_POOL_PIXEL_LOOP, hint="Python loop over output pixels"),
    Wrong(AVG_FAST, AVG_POOL_PIXEL_LOOP, hint="Python loop over output pixels"),
    # Where CUDA exists (without it the check is skipped for everyone; tests/test_devices.py proves
    # the claim on every machine, with the CPU standing in for the device).
    Wrong(GPU, MAX_POOL_ON_CUDA, status="error", cuda=True),
]
