"""softmax ends its process with os._exit(0), skipping every handler: a dead worker, never a pass."""
import os


def softmax(z, axis=-1):
    os._exit(0)
