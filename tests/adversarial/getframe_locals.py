"""softmax reads its caller's locals with sys._getframe(1).f_locals (the worker, its key): refused."""
import sys


def softmax(z, axis=-1):
    return sys._getframe(1).f_locals
