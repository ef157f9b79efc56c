"""What a freshly forked worker does before it runs a line of student code.

In order: its own session (so that a kill of its process group takes everything it starts), death
with the zygote, the capture file as stdout and stderr, every other inherited descriptor closed,
a clean environment, a private scratch directory, then the isolation layers of
`grader.sandbox.layers`. It then tells the grader which layers hold (before any student code
could lie about it) and serves requests until the grader is done with it.
"""

from __future__ import annotations

import os
import signal
import traceback

from grader.sandbox import guard, layers
from grader.worker import Worker

# Set for the zygote, so that numpy and torch read them when imported there.
THREAD_VARIABLES = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def zygote_environment() -> dict[str, str]:
    return {
        **os.environ,
        **THREAD_VARIABLES,  # one thread: a fork after a parallel op deadlocks; same sums everywhere
        "PYTHONHASHSEED": "0",  # set iteration order in student code is the same every run
        "MPLBACKEND": "Agg",  # a stray plt.show() never opens a window
        "PYTORCH_NVML_BASED_CUDA_CHECK": "1",  # asking about CUDA must not initialise it before fork
    }


def worker_environment(scratch: str) -> dict[str, str]:
    """Nothing of the grader's environment (tokens, paths) reaches student code."""
    return {**THREAD_VARIABLES, "MPLBACKEND": "Agg", "HOME": scratch, "TMPDIR": scratch, "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8"}


def prepare_zygote() -> None:
    layers.die_with_parent()
    layers.forbid_inspection()  # and every child inherits it: no worker reads another's memory


def become_worker(requests: int, answers: int, output: int, *, scratch: str, drivers: dict,
                  readable: list[str]) -> None:
    """Never returns: the process ends with `os._exit`, whatever happens. `readable`: the Python
    installation (`layers.readable_paths()`, computed once by the zygote)."""
    try:
        os.setsid()
        layers.die_with_parent()
        _redirect_output(output)
        _close_descriptors_except({0, 1, 2, requests, answers})
        os.environ.clear()
        os.environ.update(worker_environment(scratch))
        os.chdir(scratch)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file over its size limit fails to write, not kills
        applied = layers.harden(scratch, readable)
        worker = Worker(requests, answers, drivers)
        watchman, audit_hook = guard.install(worker.filenames, readable)
        worker.serve(watchman, [layer.to_json() for layer in [*applied, audit_hook]])
    except BaseException:  # nothing may escape into the zygote's code: this is its fork
        traceback.print_exc()  # to the capture file: the grader shows its tail
    finally:
        os._exit(0)


def _redirect_output(output: int) -> None:
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(null)
    os.close(output)


def _close_descriptors_except(keep: set[int]) -> None:
    start = 0
    for fd in sorted(keep):
        if start < fd:  # os.closerange(n, n) closes everything from n on (Python 3.11)
            os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, 1 << 20)
