"""The zygote: one process that imports numpy, torch and the worker once, then forks a fresh,
hardened worker for every check.

Why: starting Python and importing torch costs 2–5 s; forking a process that already has costs
about 20 ms. The zygote forks from a clean state: it never loads a reference, a check or a
student's file, runs no torch op, and keeps a single thread (forking after torch has started
its thread pools deadlocks the child), so every child starts the same.

The grader speaks to it over a UNIX `SOCK_SEQPACKET` socketpair, one JSON message per packet:

    {"op": "fork", "scratch": dir}   + fds [requests, answers, output]   ->  {"pid": N}
    {"op": "finish", "pid": N}       kill the child's process group     ->  {"ended": "exit code 0"}

`finish` goes through the zygote because only the zygote, the children's parent, knows that a
pid still belongs to its child: killing by pid from anywhere else could hit a recycled pid.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from grader.sandbox import child, layers

# What a worker has imported before it forks. NumPy exercises do without torch: importing it costs
# two seconds of a core that a student's laptop spends better on the grader's own start-up.
NUMPY_WORKER = ("numpy", "grader.worker", "grader.drivers.randomness", "grader.drivers.objects")
TORCH_WORKER = (*NUMPY_WORKER, "torch", "grader.drivers.optimizers", "grader.drivers.timing", "grader.drivers.cnn",
                "grader.drivers.normalized_net", "grader.drivers.devices")
PACKET_BYTES = 1 << 16
START_SECONDS = 120.0  # importing torch on a cold, busy machine


class ZygoteError(RuntimeError):
    """The zygote could not start or stopped answering: a fault of the grader's host, not the student's."""


# -- the grader's side ---------------------------------------------------------------------------
class Zygote:
    """A handle on a zygote process that imports the modules `preload` names; `fork()` and
    `finish()` may be called from any thread."""

    def __init__(self, preload: tuple[str, ...]):
        self.preload = preload
        self.lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.socket = ours
        # Not `-m`: that puts the working directory on sys.path, which then becomes readable to workers.
        command = [sys.executable, "-s", "-c", "import sys; del sys.path[0]; from grader.sandbox.zygote import main; "
                   "main()", str(theirs.fileno()), *preload]
        self.process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                        cwd=tempfile.gettempdir(), env=child.zygote_environment())
        theirs.close()
        self.socket.settimeout(START_SECONDS)
        self.owner = os.getpid()

    def fork(self, requests: int, answers: int, output: int, scratch: str) -> int:
        """A new worker reading `requests` and writing `answers`, printing to `output`."""
        return self._ask({"op": "fork", "scratch": scratch}, [requests, answers, output])["pid"]

    def finish(self, pid: int) -> str:
        """Kill the worker `pid` and everything it started; how it had ended ("exit code 0", "signal 9")."""
        return self._ask({"op": "finish", "pid": pid})["ended"]

    def wait_ready(self) -> None:
        """Return once the zygote has imported its modules (what `fork` would otherwise wait for)."""
        self._ask({"op": "ready"})

    def alive(self) -> bool:
        return self.process.poll() is None and self.owner == os.getpid()

    def close(self) -> None:
        self.socket.close()  # the zygote sees EOF, kills its children and exits
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _ask(self, request: dict, fds: list[int] = ()) -> dict:
        with self.lock:
            try:
                socket.send_fds(self.socket, [json.dumps(request).encode()], list(fds))
                answer = self.socket.recv(PACKET_BYTES)
            except OSError as error:
                raise ZygoteError(f"the zygote stopped answering ({error})") from None
        if not answer:
            raise ZygoteError(f"the zygote exited (code {self.process.poll()})")
        return json.loads(answer)


_zygotes: dict[tuple[str, ...], Zygote] = {}
_zygotes_lock = threading.Lock()


def zygote(preload: tuple[str, ...]) -> Zygote:
    """This process's zygote with `preload` imported (started on first use, restarted if it died)."""
    with _zygotes_lock:
        current = _zygotes.get(preload)
        if current is None or not current.alive():
            current = _zygotes[preload] = Zygote(preload)
        return current


@atexit.register
def _close_all() -> None:
    for each in _zygotes.values():
        if each.owner == os.getpid():
            each.close()


# -- the zygote's side ---------------------------------------------------------------------------
def describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return f"signal {number} ({signal.Signals(number).name})"
        return f"signal {number}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


class Server:
    def __init__(self, sock: socket.socket, drivers: dict):
        self.socket, self.drivers = sock, drivers
        self.readable = layers.readable_paths()  # the same for every worker: worked out once
        self.children: dict[int, str] = {}  # pid -> its scratch directory

    def serve(self) -> None:
        while True:
            try:
                message, fds, _flags, _address = socket.recv_fds(self.socket, PACKET_BYTES, 3)
            except OSError:
                message = b""
            if not message:
                self.shutdown()
                return
            request = json.loads(message)
            if request["op"] == "fork":
                answer = self.fork(request["scratch"], fds)
            elif request["op"] == "finish":
                answer = self.finish(request["pid"])
            else:  # "ready": its imports are done, since it answers
                answer = {}
            self.socket.send(json.dumps(answer).encode())

    def fork(self, scratch: str, fds: list[int]) -> dict:
        pid = os.fork()
        if pid == 0:
            self.socket.close()
            child.become_worker(*fds, scratch=scratch, drivers=self.drivers, readable=self.readable)  # never returns
        for fd in fds:
            os.close(fd)
        self.children[pid] = scratch
        return {"pid": pid}

    def finish(self, pid: int) -> dict:
        scratch = self.children.pop(pid, None)
        if scratch is None:
            return {"ended": "unknown"}
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)  # its group: whatever it started goes with it
        _, status = os.waitpid(pid, 0)
        shutil.rmtree(scratch, ignore_errors=True)
        return {"ended": describe_status(status)}

    def shutdown(self) -> None:
        for pid in list(self.children):
            self.finish(pid)


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    child.prepare_zygote()
    modules = {name: importlib.import_module(name) for name in sys.argv[2:]}
    drivers = {name.rpartition(".")[2]: module for name, module in modules.items()
               if name.startswith("grader.drivers.")}
    if "torch" in modules:
        modules["torch"].set_num_threads(1)  # no thread pool may exist when we fork
    Server(sock, drivers).serve()

