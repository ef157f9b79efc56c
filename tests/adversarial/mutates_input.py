"""softmax zeroes its input after computing a correct result: caught by "no function changes its
input arrays"."""
import numpy as np


def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    result = e / e.sum(axis=axis, keepdims=True)
    z[...] = 0
    return result
