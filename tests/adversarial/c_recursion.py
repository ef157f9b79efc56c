"""softmax lifts the recursion limit and recurses without end in C (repr of a list nested a million
deep): the C stack overflows and the worker dies with a signal, reported as a crash; the next
check gets a fresh worker."""
import sys


def softmax(z, axis=-1):
    sys.setrecursionlimit(10**6)
    nested = []
    for _ in range(10**6):
        nested = [nested]
    return repr(nested)
