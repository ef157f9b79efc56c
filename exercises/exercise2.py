"""Exercise 2: activations and backpropagation (NumPy).

Implement the forward and backward passes of the usual activations and of a linear layer, the
mean squared error, and put them together into the loss and gradients of a small multi-layer
perceptron (MLP), by hand, as autograd would compute them.

Every layer is a pair of functions:
- `*_forward(inputs...)` returns `(out, cache)`, where `cache` is whatever the backward pass will
  need (the input, the output, or both); nobody but your own backward looks inside it.
- `*_backward(dout, cache)` takes `dout`, the gradient of the loss with respect to `out` (same
  shape as `out`), and returns the gradient with respect to the input(s), by the chain rule:
  for an elementwise activation f, dx = dout * f'(x).

Conventions (../shared/curriculum.md): float32 in gives float32 out, float64 gives float64;
never modify an input array (nor `dout`, nor the cache): compute new arrays instead of writing
into the ones you were given. Losses return `(loss, gradient)` with `loss` a Python float.
"""

import numpy as np


def sigmoid_forward(x):
    """Logistic sigmoid, elementwise.

    Formula: sigmoid(x) = 1 / (1 + exp(-x)).
    Stability: it must be finite and raise no warning for any finite x, e.g. x = ±1000, where
    exp(-x) overflows for x = -1000. Only ever exponentiate a non-positive number: with
    e = exp(-|x|), sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0.
    Shapes: `x` of any shape; `out` of the same shape and dtype.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def sigmoid_backward(dout, cache):
    """Gradient of the loss with respect to the sigmoid's input `x`.

    Formula: with s = sigmoid(x) (the forward's output), sigmoid'(x) = s * (1 - s), so
    dx = dout * s * (1 - s).
    Shapes: `dout` of the shape of `x`; returns `dx` of the same shape and dtype.
    """
    raise NotImplementedError


def tanh_forward(x):
    """Hyperbolic tangent, elementwise (np.tanh is stable for every finite x).

    Shapes: `x` of any shape; `out` of the same shape and dtype.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def tanh_backward(dout, cache):
    """Gradient of the loss with respect to the tanh's input `x`.

    Formula: with t = tanh(x) (the forward's output), tanh'(x) = 1 - t**2, so
    dx = dout * (1 - t**2).
    Shapes: `dout` of the shape of `x`; returns `dx` of the same shape and dtype.
    """
    raise NotImplementedError


def relu_forward(x):
    """Rectified linear unit, elementwise: relu(x) = max(x, 0).

    Shapes: `x` of any shape; `out` of the same shape and dtype.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def relu_backward(dout, cache):
    """Gradient of the loss with respect to the relu's input `x`.

    Formula: relu'(x) = 1 where x > 0, else 0; at exactly x = 0 the gradient is 0 (as in torch),
    so dx = dout where x > 0 and 0 elsewhere.
    Shapes: `dout` of the shape of `x`; returns `dx` of the same shape and dtype.
    """
    raise NotImplementedError


def leaky_relu_forward(x, alpha=0.01):
    """Leaky rectified linear unit, elementwise, with negative slope `alpha` (a float >= 0).

    Formula: leaky_relu(x) = x where x > 0, else alpha * x (as torch.nn.functional.leaky_relu
    with negative_slope=alpha).
    Shapes: `x` of any shape; `out` of the same shape and dtype.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def leaky_relu_backward(dout, cache):
    """Gradient of the loss with respect to the leaky relu's input `x`.

    Formula: leaky_relu'(x) = 1 where x > 0, else alpha; at exactly x = 0 the gradient is alpha
    (as in torch), so dx = dout where x > 0 and alpha * dout elsewhere.
    Shapes: `dout` of the shape of `x`; returns `dx` of the same shape and dtype.
    """
    raise NotImplementedError


def linear_forward(x, W, b):
    """Fully connected (affine) layer: out = x @ W + b, b added to every row.

    Shapes: `x` (N, D), `W` (D, M), `b` (M,); `out` (N, M), all of one dtype.
    Returns `(out, cache)`.
    """
    raise NotImplementedError


def linear_backward(dout, cache):
    """Gradients of the loss with respect to the linear layer's `x`, `W` and `b`.

    Formula: dx = dout @ W.T, dW = x.T @ dout, and db = dout summed over the batch (axis 0),
    since the same b is added to every one of the N rows.
    Shapes: `dout` (N, M); returns `(dx, dW, db)` of the shapes of `x` (N, D), `W` (D, M) and
    `b` (M,), in their dtype.
    """
    raise NotImplementedError


def mse_loss(pred, target):
    """Mean squared error and its gradient with respect to `pred`.

    Formula: loss = mean over all elements of (pred - target)**2
             dpred = 2 * (pred - target) / pred.size
    As torch.nn.functional.mse_loss(pred, target) (reduction "mean").
    Shapes: `pred` and `target` of the same, any shape.
    Returns `(loss, dpred)`: `loss` a Python float (float(...) of the mean; a NumPy float32 or a
    0-d array is not one), `dpred` of the shape and dtype of `pred`.
    """
    raise NotImplementedError


def mlp_loss(params, X, y):
    """Loss and parameter gradients of a multi-layer perceptron, by forward then backward pass.

    The network: `params` is a list of L >= 1 pairs `(W, b)`, first layer first. Each hidden
    layer is linear_forward followed by relu_forward; the last layer is linear_forward alone
    (no activation on the output). The loss is mse_loss(output, y).
    Backward: start from mse_loss's dpred and go through the layers in reverse, with
    linear_backward and relu_backward, keeping each layer's (dW, db).
    Shapes: `X` (N, D), layer l's `W` (D_l, D_{l+1}) and `b` (D_{l+1},) with D_0 = D, and
    `y` (N, M) with M the last layer's output size; one dtype for all.
    Returns `(loss, grads)`: `loss` a Python float, `grads` a list of pairs `(dW, db)` in the
    order of `params`, each of the shape and dtype of its `(W, b)`.
    """
    raise NotImplementedError
