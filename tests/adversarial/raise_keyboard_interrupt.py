"""softmax raises KeyboardInterrupt, which `except Exception` would let through to the worker's loop."""


def softmax(z, axis=-1):
    raise KeyboardInterrupt
