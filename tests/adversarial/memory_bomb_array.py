"""softmax allocates a 800 GB array: the address-space limit makes it a MemoryError."""
import numpy as np


def softmax(z, axis=-1):
    return np.ones((10**6, 10**5))
