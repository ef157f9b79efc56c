"""softmax starts a process through _posixsubprocess.fork_exec, which subprocess.Popen uses but which
raises no audit event of its own: only seccomp (no fork, vfork or exec) stops it."""
import os

import _posixsubprocess


def softmax(z, axis=-1):
    errpipe_read, errpipe_write = os.pipe()
    _posixsubprocess.fork_exec(
        [b"/bin/true"], [b"/bin/true"], True, (errpipe_write,), None, None,
        -1, -1, -1, -1, -1, -1, errpipe_read, errpipe_write,
        False, False, -1, None, None, None, -1, None, True)
