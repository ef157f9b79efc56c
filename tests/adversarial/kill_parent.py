"""softmax kills its parent, the zygote every worker is forked from: os.kill is refused."""
import os
import signal


def softmax(z, axis=-1):
    os.kill(os.getppid(), signal.SIGKILL)
