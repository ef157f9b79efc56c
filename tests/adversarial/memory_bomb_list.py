"""softmax grows a list of 1 GiB arrays without end: the address-space limit stops it with a
import numpy as np

MemoryError long before the machine runs out."""


def softmax(z, axis=-1):
    hoard = []
    while True:
        hoard.append(np.empty(2**30, np.uint8))  # mapped, never touched: fast
