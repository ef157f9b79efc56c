"""softmax returns its input object itself (after normalising it in place): the values may even be
right, but the input changed, which "no function changes its input arrays" catches."""
import numpy as np


def softmax(z, axis=-1):
    z -= z.max(axis=axis, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=axis, keepdims=True)
    return z
