"""softmax recurses without end in Python: a RecursionError, an ordinary error of the student's."""


def softmax(z, axis=-1):
    return softmax(z, axis)
