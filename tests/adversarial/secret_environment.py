"""softmax looks for the grader's secret in its environment (@SECRET@, set in the grader's
process) and returns the length of what it found, folded into a correct result: the worker's
environment is rebuilt from scratch, so it finds nothing and the result is unchanged."""
import os

import numpy as np


def softmax(z, axis=-1):
    found = os.environ.get("@SECRET@", "")
    print("secret:", found)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True) + len(found)
