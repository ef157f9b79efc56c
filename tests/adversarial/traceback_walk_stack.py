"""softmax walks traceback.walk_stack(None) to the worker's frames: refused."""
import traceback


def softmax(z, axis=-1):
    return [frame.f_locals for frame, _ in traceback.walk_stack(None)]
