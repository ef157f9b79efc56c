"""softmax ignores SIGTERM and SIGINT, then loops forever: the worker is ended with SIGKILL, which
cannot be ignored, within the time limit."""
import signal


def softmax(z, axis=-1):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        pass
