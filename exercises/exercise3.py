"""Exercise 3: softmax and cross-entropy (NumPy).

Implement the output functions and losses of a classifier so that they are *numerically
stable*: finite, warning-free and accurate even for logits of ±1e4.

Conventions (../shared/curriculum.md): float32 in gives float32 out, float64 gives float64;
never modify an input array; losses are means and return `(loss, gradient)`.
"""

import numpy as np


def softmax(z, axis=-1):
    """Softmax of the logits `z` along `axis`.

    Formula: softmax(z)_i = exp(z_i) / sum_j exp(z_j), along `axis`.
    Stability: softmax(z) == softmax(z - c) for any constant c; subtract the maximum along
    `axis` before exponentiating so that exp never overflows (logits of ±1e4 must work).
    Shapes: `z` of any shape; returns an array of the same shape and dtype whose entries
    along `axis` are in [0, 1] and sum to 1.
    """
    raise NotImplementedError


def log_softmax(z, axis=-1):
    """Logarithm of the softmax of `z` along `axis`, in the stable log-sum-exp form.

    Formula: log_softmax(z)_i = z_i - m - log(sum_j exp(z_j - m)), with m = max_j z_j.
    Never compute log(softmax(z)): softmax underflows to 0 for very negative logits and its
    log is -inf; the formula above is finite for every finite input.
    Shapes: `z` of any shape; returns an array of the same shape and dtype.
    """
    raise NotImplementedError


def cross_entropy(logits, labels):
    """Mean cross-entropy of a batch of logits against integer class labels, and its gradient.

    Formula: loss = -(1/N) * sum_n log_softmax(logits)[n, labels[n]]
             dlogits = (softmax(logits) - onehot(labels)) / N
    As torch.nn.functional.cross_entropy(logits, labels) (reduction "mean").
    Shapes: `logits` (N, C) floats, `labels` (N,) ints in [0, C).
    Returns `(loss, dlogits)`: `loss` a float, `dlogits` of shape (N, C) and the dtype of `logits`.
    """
    raise NotImplementedError


def binary_cross_entropy_with_logits(logits, targets):
    """Mean binary cross-entropy of logits against targets in [0, 1], and its gradient.

    Formula: with p = sigmoid(x), loss_i = -(t_i log p_i + (1 - t_i) log(1 - p_i)).
    Stable form: loss_i = max(x_i, 0) - x_i * t_i + log(1 + exp(-|x_i|)); use it, since
    log(sigmoid(x)) is -inf for x = -1e4.
    Gradient of the mean: dlogits = (sigmoid(logits) - targets) / logits.size
    As torch.nn.functional.binary_cross_entropy_with_logits (reduction "mean").
    Shapes: `logits` and `targets` of the same, any shape; targets may be soft (e.g. 0.3).
    Returns `(loss, dlogits)`: `loss` a float, `dlogits` of the shape and dtype of `logits`.
    """
    raise NotImplementedError
