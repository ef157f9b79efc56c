"""softmax never returns: the check's time limit ends it, and the next check gets a fresh worker."""


def softmax(z, axis=-1):
    while True:
        pass
