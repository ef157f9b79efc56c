"""softmax starts a thread that, later, replaces log_softmax in the module with a wrong one: the
thread dies with softmax's worker, so log_softmax, checked in a fresh worker, still passes."""
import sys
import threading
import time

import numpy as np


def _sabotage():
    while True:
        sys.modules["submission"].log_softmax = lambda z, axis=-1: np.zeros_like(z)
        time.sleep(0.01)


def softmax(z, axis=-1):
    if not any(thread.name == "saboteur" for thread in threading.enumerate()):
        threading.Thread(target=_sabotage, name="saboteur", daemon=True).start()
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
