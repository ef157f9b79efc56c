"""Exercise 1: the perceptron (NumPy).

Implement Rosenblatt's perceptron for labels 0 and 1: a linear threshold unit that predicts
`step(x @ w + b)`, and its learning rule, which changes the weights only on the samples it
gets wrong.

Conventions (../shared/curriculum.md): float32 in gives float32 out, float64 gives float64;
never modify an input array (return new ones).
"""

import numpy as np


def step(z):
    """The Heaviside step function, elementwise.

    Formula: step(z) = 1.0 where z > 0, else 0.0; in particular step(0) == 0.0.
    Shapes: `z` a float array of any shape (or a NumPy float scalar, such as `x @ w + b` for one
    sample); returns floats 0.0 and 1.0 (not booleans) of the same shape and dtype as `z`.
    """
    out = (z > 0) * 1.0
    return out.astype(z.dtype)


def perceptron_predict(X, w, b):
    """The labels (0.0 or 1.0) the perceptron with weights `w` and bias `b` predicts for `X`.

    Formula: predict(X) = step(X @ w + b), one label per row of X.
    Shapes: `X` (n, d), `w` (d,), `b` a float; returns an array (n,) of the dtype of `X`.
    """
    return step(X @ w + b)


def perceptron_update(x, y, w, b, lr):
    """One step of the perceptron learning rule, on the sample `x` with label `y`.

    Formula: e = y - step(x @ w + b)    (0 if x is classified correctly, +1 or -1 if not)
             w_new = w + lr * e * x
             b_new = b + lr * e
    Shapes: `x` (d,), `y` 0 or 1, `w` (d,), `b` and `lr` floats.
    Returns `(w_new, b_new)`: a new array (d,) of the dtype of `w` (`w` itself must stay
    unchanged) and a float.
    """
    # TODO
    raise NotImplementedError


def perceptron_train(X, y, lr=1.0, epochs=100):
    """Train a perceptron on the samples `X` with labels `y` by the perceptron learning rule.

    Algorithm: start from w = zeros(d) (of the dtype of `X`) and b = 0.0. Each epoch visits the
    samples in their order in X, i = 0, 1, ..., n-1, and applies
    perceptron_update(X[i], y[i], w, b, lr). Sample i is misclassified in that epoch if its
    e = y[i] - step(X[i] @ w + b) is nonzero, with w and b as they are when it is visited (just
    before its own update). errors[k] is the number of samples misclassified during epoch k.
    Training stops after the first epoch with 0 errors (w and b then separate the data) or after
    `epochs` epochs, whichever comes first.
    Shapes: `X` (n, d), `y` (n,) labels 0.0 or 1.0 of the dtype of `X`; `lr` a float, `epochs`
    an int >= 1.
    Returns `(w, b, errors)`: `w` an array (d,) of the dtype of `X`, `b` a float, and `errors` a
    list of Python ints, one per epoch run (its last entry is 0 exactly when training converged).
    """
    # TODO
    raise NotImplementedError
