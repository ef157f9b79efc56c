"""softmax walks inspect.stack() up to the worker's frames: refused."""
import inspect


def softmax(z, axis=-1):
    return [info.frame.f_locals for info in inspect.stack()]
