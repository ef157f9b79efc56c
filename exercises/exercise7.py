"""Exercise 7: regularization and initialization (NumPy).

Implement the usual tools that keep a network from overfitting and that start its training well:
dropout (forward and backward), the L2 and L1 weight penalties, the Xavier (Glorot) uniform and
He (Kaiming) normal initialisers, and early stopping on the validation loss.

Conventions (../shared/curriculum.md):
- Dropout follows torch: `p` is the probability of *dropping* a unit, and it is *inverted*
  dropout, so the units that are kept are scaled by 1/(1-p) during training and the layer is the
  identity at evaluation time (`training=False`).
- Randomness: every random function takes `rng`, a `numpy.random.Generator`
  (`np.random.default_rng(seed)`), and draws from it alone: never from `np.random.*` (the global
  generator) nor from a generator you create yourself, so that a seed makes a run reproducible.
- Layers: `*_forward(...)` returns `(out, cache)`, where `cache` is whatever the backward pass
  needs; nobody but your own backward looks inside it. `*_backward(dout, cache)` returns the
  gradient with respect to the input.
- float32 in gives float32 out, float64 gives float64 (beware: a NumPy float64 scalar times a
  float32 array is a float64 array); never modify an input array (nor `dout`, nor the cache).
- Penalties return `(loss, grads)` with `loss` a Python float and `grads` a list with one
  gradient per weight array, in the order, shapes and dtypes of `weights`.
- Initialisers return float64 arrays of shape (fan_in, fan_out), the layout of the `W` in
  exercise 2's `x @ W + b`.
"""

import numpy as np


def dropout_forward(x, p, training, rng):
    """Inverted dropout, as torch.nn.functional.dropout(x, p, training).

    Training (with 0 < p < 1): each unit is dropped (set to 0) independently with probability
    `p` and kept with probability 1 - p; kept units are scaled by 1/(1-p), so that the expected
    value of every output equals its input:
        mask_i ~ Bernoulli(1 - p)   (1 = keep), drawn from `rng`
        out = x * mask / (1 - p)
    Special cases: `training=False` or p == 0 is the identity (out equals x, nothing is drawn);
    p == 1 drops everything (out is all zeros; do not compute 0 * (1/0) = nan).
    Shapes: `x` of any shape, float32 or float64; `p` a float in [0, 1]; `training` a bool;
    `out` of the shape and dtype of `x`.
    Returns `(out, cache)`; the backward must reuse this call's mask, not draw a new one.
    """
    raise NotImplementedError


def dropout_backward(dout, cache):
    """Gradient of the loss with respect to the dropout's input `x`.

    Formula: out = x * mask / (1 - p) is linear in x, so dx = dout * mask / (1 - p), with the
    mask of the forward pass: the units the forward dropped get a zero gradient.
    In evaluation mode or with p == 0 the layer is the identity, and dx equals dout.
    Shapes: `dout` of the shape of `x`; returns `dx` of the same shape and dtype.
    """
    raise NotImplementedError


def l2_penalty(weights, lam):
    """L2 regularisation ("weight decay") term of the loss, and its gradients.

    Formula: loss = 0.5 * lam * sum over the arrays W of ||W||^2 (the sum of all squared entries)
             dloss/dW = lam * W
    Shapes: `weights` a list of arrays of any shapes; `lam` a float >= 0.
    Returns `(loss, grads)`: `loss` a Python float, `grads` a list with one array per weight
    array, of its shape and dtype.
    """
    raise NotImplementedError


def l1_penalty(weights, lam):
    """L1 regularisation term of the loss (it pushes weights to exactly 0), and its gradients.

    Formula: loss = lam * sum over the arrays W of sum |W|
             dloss/dW = lam * sign(W), with sign(0) = 0 (the subgradient torch uses)
    Shapes: `weights` a list of arrays of any shapes; `lam` a float >= 0.
    Returns `(loss, grads)`: `loss` a Python float, `grads` a list with one array per weight
    array, of its shape and dtype.
    """
    raise NotImplementedError


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    """Xavier (Glorot) uniform initialisation, as torch.nn.init.xavier_uniform_.

    Formula: every entry is drawn independently from the uniform distribution on [-a, a], with
        a = gain * sqrt(6 / (fan_in + fan_out)),
    so that its variance is a^2 / 3 = gain^2 * 2 / (fan_in + fan_out).
    Shapes: `fan_in`, `fan_out` positive ints, `rng` a numpy.random.Generator, `gain` a float;
    returns a float64 array of shape (fan_in, fan_out).
    """
    raise NotImplementedError


def he_normal(fan_in, fan_out, rng):
    """He (Kaiming) normal initialisation for ReLU layers, as
    torch.nn.init.kaiming_normal_(W, mode="fan_in", nonlinearity="relu").

    Formula: every entry is drawn independently from the normal distribution with mean 0 and
    standard deviation std = sqrt(2 / fan_in) (so variance 2 / fan_in; fan_out plays no part).
    Shapes: `fan_in`, `fan_out` positive ints, `rng` a numpy.random.Generator; returns a float64
    array of shape (fan_in, fan_out).
    """
    raise NotImplementedError


class EarlyStopping:
    """Early stopping on a validation loss, as keras.callbacks.EarlyStopping(mode="min").

    Call `step(val_loss)` once per epoch; it returns True when training should stop.
    - An improvement is val_loss < best - min_delta, where `best` is the lowest loss seen so far
      (it starts at +inf, so the first call always improves). On an improvement, best becomes
      val_loss, the wait counter goes back to 0, and step returns False.
    - Otherwise the wait counter grows by one, and step returns True once wait >= patience
      (so with patience=0 the first epoch without improvement stops).
    Attributes: `patience` (int >= 0), `min_delta` (float >= 0), `best` (float), `wait` (int,
    the number of calls since the last improvement).
    """

    def __init__(self, patience=0, min_delta=0.0):
        raise NotImplementedError

    def step(self, val_loss):
        """Record this epoch's validation loss; return True (a bool) if training should stop."""
        raise NotImplementedError
