"""softmax kills its parent through a pidfd (os.pidfd_open and signal.pidfd_send_signal raise no
audit event that the hook refuses): Landlock's signal scope stops it."""
import os
import signal


def softmax(z, axis=-1):
    signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGKILL)
