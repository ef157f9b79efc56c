"""softmax forks in a loop: os.fork is refused by the audit hook at the first try."""
import os


def softmax(z, axis=-1):
    while True:
        os.fork()
