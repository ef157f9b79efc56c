"""softmax raises SystemExit itself: a BaseException the worker must catch and report as an exit."""


def softmax(z, axis=-1):
    raise SystemExit("bye")
