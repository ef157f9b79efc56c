"""softmax calls quit(), the interactive shortcut for SystemExit: an error, not a clean finish."""


def softmax(z, axis=-1):
    quit()
