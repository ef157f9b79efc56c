"""softmax opens its parent's memory, /proc/<ppid>/mem (the zygote, which holds the grader's
environment): refused."""
import os


def softmax(z, axis=-1):
    with open(f"/proc/{os.getppid()}/mem", "rb") as memory:
        return memory.read(16)
