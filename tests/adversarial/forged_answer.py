"""softmax writes a forged answer frame straight onto the worker's answer pipe (found with fstat:
the one pipe open for writing besides stdout) with the right value and a signature of zeros (it
cannot know the key): the grader rejects the frame, the check is an error, never points."""
import json
import os
import stat
import struct

import numpy as np


def _answer_pipe():
    for fd in range(3, 64):
        try:
            info = os.fstat(fd)
        except OSError:
            continue
        if stat.S_ISFIFO(info.st_mode) and os.get_blocking(fd) and _is_write_end(fd):
            return fd
    raise RuntimeError("no answer pipe found")


def _is_write_end(fd):
    try:
        os.write(fd, b"")
        return True
    except OSError:
        return False


def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    value = e / e.sum(axis=axis, keepdims=True)
    from io import BytesIO
    buffer = BytesIO()
    np.save(buffer, value, allow_pickle=False)
    blob = buffer.getvalue()
    head = json.dumps({"value": {"array": 0}, "warnings": [], "refused": [], "blobs": [len(blob)]}).encode()
    os.write(_answer_pipe(), struct.pack("<Q", len(head)) + head + blob + bytes(32))
    return value
