"""The grader's handle on student code: a worker process, spoken to only through `grader.protocol`.

`Student.call("softmax", z)` sends the arguments, waits at most until the current deadline, and
returns the decoded value (arrays, numbers, tuples, lists, and `Remote` for objects that stayed
in the worker). Whatever goes wrong on the student's side comes back as a `StudentError`.

Each check gets its own worker, forked by the zygote (`grader.sandbox.zygote`) and loaded with
the submission: `stop()` at the end of a check kills it and everything it started, so nothing a
check leaves behind (a thread, a patched function, a full disk) reaches the next one. A timeout
or a dead worker ends it the same way. Exit codes are never read as results: only the signed
answers on the worker's pipe are.
"""

from __future__ import annotations

import contextlib
import os
import select
import tempfile
import time
from dataclasses import dataclass, field

from grader import protocol
from grader.protocol import Remote
from grader.sandbox import layers
from grader.sandbox.zygote import NUMPY_WORKER, TORCH_WORKER, Zygote, zygote
from grader.submission import Submission

LOAD_SECONDS = 20.0  # top-level code of a submission; a hang at import is a timeout, not a hang
OUTPUT_TAIL_BYTES = 2000


class StudentError(Exception):
    """Something on the student's side went wrong; `str()` is a message for the student."""


class Raised(StudentError):
    """Student code raised an exception."""

    def __init__(self, function: str, error: dict):
        self.function, self.type = function, error["type"]
        where = error.get("where")
        location = f" ({where['file']}, line {where['line']}, in {where['function']}: {where['code']})" if where else ""
        super().__init__(f"{error['summary']}{location}")


class NotImplementedYet(Raised):
    """The stub's `raise NotImplementedError` is still there."""


class Exited(Raised):
    """Student code called sys.exit(), quit() or raised KeyboardInterrupt."""


class TimedOut(StudentError):
    pass


class Crashed(StudentError):
    """The worker died (os._exit, a segfault, being killed) or broke the protocol."""


class LoadFailed(StudentError):
    """The submission could not be loaded: every check that needs it is an error."""


class Refused(StudentError):
    """Student code tried something the worker's audit hook refuses (`grader.sandbox.guard`)."""

    def __init__(self, function: str, refused: list[str]):
        self.function, self.refused = function, refused
        super().__init__(f"`{function}` tried {refused[0]}, which is not allowed while grading (it could reach "
                         "the grader's own code or the machine); this check gives no points")


class UsedForbidden(StudentError):
    """Student code called a library op the exercise asks to re-implement (seen at run time)."""

    def __init__(self, function: str, uses: list[dict]):
        self.function, self.uses = function, uses
        first = uses[0]
        super().__init__(f"`{first['function']}` called {first['api']} ({first['file']}, line {first['line']})")


@dataclass
class Loaded:
    names: set[str]  # callables the submission defines
    notes: list[str] = field(default_factory=list)


def classify(function: str, error: dict) -> Raised:
    if error["type"] == "NotImplementedError":
        # The stub that raised it, when a driver called several: the backward of a timed pair.
        where = error.get("where")
        raised_in = where["function"].removesuffix(".__init__") if where else "<module>"
        return NotImplementedYet(function if raised_in == "<module>" else raised_in, error)
    if error["type"] in ("SystemExit", "KeyboardInterrupt"):
        return Exited(function, error)
    return Raised(function, error)


def preload_for(forbidden: frozenset[str], torch: bool) -> tuple[str, ...]:
    """The modules the zygote of an exercise's workers imports: torch for the PyTorch exercises,
    and the run-time watch of the library ops the exercise forbids."""
    preload = TORCH_WORKER if torch else NUMPY_WORKER
    if forbidden:
        from grader.drivers.watch import modules_to_preload

        preload += modules_to_preload(forbidden)
    return preload


class Student:
    """A submission, loaded in a fresh worker for every check. Use as a context manager."""

    def __init__(self, submission: Submission, forbidden: frozenset[str] = frozenset(), torch: bool = True):
        self.submission = submission
        self.forbidden = forbidden  # library ops the worker watches for (grader.drivers.watch)
        self.torch = torch  # whether its workers come with torch imported
        self.pid: int | None = None  # the current worker, a child of the zygote
        self.zygote: Zygote | None = None
        self.key = b""  # the current worker signs its answers with it
        self.deadline = float("inf")
        self.output = tempfile.TemporaryFile()
        self.loaded: Loaded | None = None
        self.load_failure: LoadFailed | None = None
        self.warnings: list[str] = []  # those of the last call
        self.layers: list[layers.Layer] = []  # the isolation in force in its last worker

    def __enter__(self) -> Student:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()
        self.output.close()

    # -- the process -------------------------------------------------------------------------
    def prepare(self) -> None:
        """Start the zygote, or find it started (`zygote()` restarts one that died); returns at once,
        so that it imports torch while the caller imports the checks."""
        if self.zygote is None:
            layers.forbid_inspection()  # this process holds the references and the hidden checks
        self.zygote = zygote(preload_for(self.forbidden, self.torch))

    def start(self) -> None:
        """Fork a worker and send it the load request; `load()` waits for its answer."""
        self.prepare()
        to_worker_read, self.to_worker = os.pipe()
        self.from_worker, from_worker_write = os.pipe()
        self.output.seek(0)
        self.output.truncate()  # what this check's worker prints, and only that
        self.key = os.urandom(32)
        scratch = tempfile.mkdtemp(prefix="grader-scratch-")
        try:
            self.pid = self.zygote.fork(to_worker_read, from_worker_write, self.output.fileno(), scratch)
        finally:
            os.close(to_worker_read)
            os.close(from_worker_write)
        cells = [{"filename": c.filename, "source": c.source, "definitions_only": c.definitions_only}
                 for c in self.submission.cells]
        self._send({"op": "load", "key": self.key.hex(), "path": str(self.submission.path), "cells": cells,
                    "watch": sorted(self.forbidden)}, [])

    def load(self) -> Loaded:
        """The names the submission defines, loading it first if needed; raises LoadFailed."""
        if self.load_failure:
            raise self.load_failure
        if self.loaded is None:
            try:
                self.loaded = self._load()
            except LoadFailed as failure:
                self.load_failure = failure
                raise
        return self.loaded

    def _load(self) -> Loaded:
        if self.pid is None:
            self.start()
        with self.time_limit(LOAD_SECONDS):
            try:
                header, _ = self._receive()
            except TimedOut:
                raise LoadFailed(f"loading your file took more than {LOAD_SECONDS:.0f} s "
                                 "(top-level code that never ends?)") from None
            except Crashed as crash:
                raise LoadFailed(f"loading your file {crash}") from None
        self.layers = [layers.Layer(**layer) for layer in header["layers"]]  # applied before student code ran
        if header.get("refused"):
            raise LoadFailed(f"your file could not be loaded: {Refused('<module>', header['refused'])}")
        if "error" in header:
            raise LoadFailed(f"your file could not be loaded: {Raised('', header['error'])}")
        return Loaded(set(header["names"]), header["notes"])

    def stop(self) -> str | None:
        """End the current worker and all it started; how it had ended ("exit code 0"), if known."""
        if self.pid is None:
            return None
        pid, self.pid = self.pid, None
        os.close(self.to_worker)
        os.close(self.from_worker)
        return self.zygote.finish(pid)

    def restart(self) -> None:
        """A fresh worker (for the next check, or after a timeout or crash), loaded the same way."""
        if self.load_failure:
            raise self.load_failure
        self.stop()
        self.start()
        loaded = self._load()
        if self.loaded is None:
            self.loaded = loaded

    @contextlib.contextmanager
    def time_limit(self, seconds: float):
        """Calls until the block ends must answer within `seconds`. Nested (a worker loaded inside a
        check gets its own load limit), the outer deadline comes back afterwards."""
        outer = self.deadline
        self.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self.deadline = outer

    def printed(self, lines: int = 10) -> str:
        """The last `lines` lines the student's code printed in this check (with Hypothesis, those of
        the smallest failing input, which runs last)."""
        return "\n".join(self.output_tail().splitlines()[-lines:])

    def output_tail(self) -> str:
        """The end of what the student's code printed in this check's worker."""
        self.output.seek(0, os.SEEK_END)
        size = self.output.tell()
        self.output.seek(max(0, size - OUTPUT_TAIL_BYTES))
        return self.output.read().decode("utf-8", "replace").strip()

    # -- requests ----------------------------------------------------------------------------
    def call(self, function: str, *args, return_args: bool = False):
        """Call `function(*args)` in the worker; returns its value, or (value, args after) with
        `return_args`. Warnings the call raised are in `self.warnings` afterwards."""
        header, blobs = self._request({"op": "call", "function": function, "return_args": return_args}, args,
                                      function)
        value = self._decode(header["value"], blobs)
        return (value, self._decode(header["args"], blobs)) if return_args else value

    def drive(self, driver: str, *args, on_behalf_of: str):
        """Run `grader.drivers.<driver>(module, *args)` in the worker (`"timing.ratio"`);
        errors are reported as those of the student's `on_behalf_of` (a class, a function)."""
        header, blobs = self._request({"op": "drive", "driver": driver}, args, on_behalf_of)
        return self._decode(header["value"], blobs)

    def _request(self, request: dict, args: tuple, function: str) -> tuple[dict, list[bytes]]:
        if self.pid is None:
            self.restart()
        blobs: list[bytes] = []
        encoded = protocol.encode(list(args), blobs, self._refuse_local)
        self._send({**request, "args": encoded}, blobs)
        header, blobs = self._receive()
        if header.get("refused"):
            raise Refused(function, header["refused"])
        if header.get("forbidden"):
            raise UsedForbidden(function, header["forbidden"])
        if "error" in header:
            raise classify(function, header["error"])
        self.warnings = header["warnings"]
        return header, blobs

    # -- transport ---------------------------------------------------------------------------
    @staticmethod
    def _refuse_local(value) -> dict:
        if isinstance(value, Remote):
            return {"ref": value.id}
        raise TypeError(f"cannot send {type(value).__name__} to the worker")

    def _decode(self, tree, blobs):
        try:
            return protocol.decode(tree, blobs, Remote)
        except protocol.ProtocolError as error:
            self.stop()
            raise Crashed(f"sent back something unreadable ({error})") from None

    def _send(self, header: dict, blobs: list[bytes]) -> None:
        data = memoryview(protocol.pack(header, blobs))
        try:
            while data:
                data = data[os.write(self.to_worker, data) :]
        except BrokenPipeError:
            self._died()

    def _receive(self) -> tuple[dict, list[bytes]]:
        try:
            return protocol.read_frame(self._read_exact, self.key)
        except protocol.ProtocolError as error:
            self.stop()
            raise Crashed(f"broke the worker's protocol ({error})") from None

    def _read_exact(self, size: int) -> bytes:
        chunks = []
        while size:
            remaining = self.deadline - time.monotonic()
            ready, _, _ = select.select([self.from_worker], [], [], max(0.0, min(remaining, 3600)))
            if not ready:
                self.stop()
                raise TimedOut("ran past its time limit (an infinite loop, or far too slow?)")
            chunk = os.read(self.from_worker, min(size, 1 << 20))
            if not chunk:
                self._died()
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _died(self):
        ended = self.stop() or "no exit code"
        tail = self.output_tail()
        printed = f"; its last output was:\n{tail[-500:]}" if tail else ""
        raise Crashed(f"ended the worker process ({ended}; os._exit(), a crash in native code, "
                      f"or a resource limit?){printed}")
