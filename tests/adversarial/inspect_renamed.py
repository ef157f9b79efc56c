"""inspect's __name__ is rewritten so that it no longer looks like a frame library, then
inspect.stack() is called to reach the worker's frames: still refused."""
import inspect


def softmax(z, axis=-1):
    inspect.__name__ = "not_inspect"
    return inspect.stack()[1].frame.f_locals["self"].key
