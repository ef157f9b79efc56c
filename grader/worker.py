"""The worker: the only process that runs student code.

A child of the zygote (`grader.sandbox.zygote`), hardened by `grader.sandbox.child`, serves one
check: it reads requests on one pipe and answers on another in the frames of `grader.protocol`,
each answer signed with the key the grader sent in `load` (student code shares this process and
could write to the pipe; it cannot sign). Its stdout and stderr are a capture file, so nothing
the student prints can pose as an answer. It answers three requests:

    load    compile and run the submission's cells in a fresh module; answers with the names it
            defines and the isolation layers in force
    call    call one of the module's functions; objects that cannot travel stay here as refs
    drive   run a driver of `grader.drivers` on the module (a trajectory, a timing)

With a `watch` list at load, the library ops the exercise forbids are watched during calls and
drives (`grader.drivers.watch`); each answer lists those the student's code called, and the
attempts the audit hook refused (`grader.sandbox.guard`).

Every exception raised by student code, `SystemExit` and `KeyboardInterrupt` included, becomes an
`error` answer; the worker itself keeps running.
"""

from __future__ import annotations

import __future__
import ast
import contextlib
import functools
import linecache
import operator
import os
import re
import sys
import traceback
import types
import warnings

import numpy as np

from grader import protocol
from grader.notebook import keep_definitions

MODULE_NAME = "submission"
MISSING_MODULE = " (not installed where grading runs: the graded functions must not need it)"
DRIVER = re.compile(r"([a-z_]+)\.([a-z_]+)")  # "timing.ratio": module.function in grader.drivers


class Worker:
    def __init__(self, read_fd: int, write_fd: int, drivers: dict[str, types.ModuleType]):
        self.read_fd, self.write_fd = read_fd, write_fd
        self.drivers = drivers  # imported by the zygote: the grader's modules are hidden from here on
        self.layers: list[dict] = []  # grader.sandbox.layers.Layer, as applied to this process
        self.module = types.ModuleType(MODULE_NAME)
        self.filenames: set[str] = set()
        self.refs: dict[int, object] = {}
        self.watch = None  # a grader.drivers.watch.LibraryWatch, for exercises that forbid ops
        self.guard = None  # a grader.sandbox.guard.Guard
        self.key = b""  # signs answers; sent by the grader with `load`
        # Held here, not looked up in this module's globals, which student code can reach and rebind
        # (any function's `__globals__`); this instance it cannot reach (grader.sandbox.guard).
        self.pack, self.write = protocol.pack, os.write

    # -- transport ---------------------------------------------------------------------------
    def read_exact(self, size: int) -> bytes:
        chunks = []
        while size:
            chunk = os.read(self.read_fd, min(size, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def send(self, header: dict, blobs: list[bytes]) -> None:
        for stream in (sys.stdout, sys.stderr):  # the capture file is complete when the grader reads it
            with contextlib.suppress(Exception):
                stream.flush()
        data = memoryview(self.pack(header, blobs, self.key))
        while data:
            data = data[self.write(self.write_fd, data) :]

    def serve(self, guard, layers: list[dict]) -> None:
        self.guard, self.layers = guard, layers
        while True:
            try:
                header, blobs = protocol.read_frame(self.read_exact)
            except EOFError:
                return
            handler = {"load": self.load, "call": self.call, "drive": self.drive}[header["op"]]
            answer_blobs: list[bytes] = []
            answer = handler(header, blobs, answer_blobs)
            answer["refused"] = self.guard.take_refused()
            self.send(answer, answer_blobs)

    # -- values ------------------------------------------------------------------------------
    def keep(self, value) -> dict:
        ref = len(self.refs) + 1
        self.refs[ref] = value
        kind = type(value)
        return {"ref": ref, "type": f"{kind.__module__}.{kind.__qualname__}".removeprefix("builtins.")}

    def encode(self, value, blobs: list[bytes]):
        return protocol.encode(value, blobs, self.keep)

    # -- requests ----------------------------------------------------------------------------
    def load(self, header: dict, _blobs, _answer_blobs) -> dict:
        """Run each cell in the module; a notebook's broken cells are skipped with a note."""
        self.key = bytes.fromhex(header["key"])
        sys.modules[MODULE_NAME] = self.module
        self.module.__file__ = header["path"]
        if header.get("watch"):
            # Before any student code runs, so that the drivers hold torch's own functions.
            self.watch = self.drivers["watch"].LibraryWatch(frozenset(header["watch"]), self.module.__dict__)
        notes = []
        for cell in header["cells"]:
            filename, source, definitions_only = cell["filename"], cell["source"], cell["definitions_only"]
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            self.filenames.add(filename)
            try:
                pieces = self.compile_cell(source, filename, definitions_only, notes)
            except BaseException as error:  # a syntax error: in a notebook, only this cell is lost
                if not definitions_only:
                    return {"error": self.describe(error), "layers": self.layers}
                notes.append(f"{filename} was skipped: {self.describe(error)['summary']}")
                continue
            for line, code in pieces:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        exec(code, self.module.__dict__)
                except BaseException as error:  # student code: anything may come out of it
                    if not definitions_only:
                        return {"error": self.describe(error), "layers": self.layers}
                    notes.append(f"{filename}, line {line} was skipped: {self.describe(error)['summary']}"
                                 + (MISSING_MODULE if isinstance(error, ModuleNotFoundError) else ""))
        names = sorted(name for name, value in vars(self.module).items() if callable(value))
        return {"names": names, "notes": notes, "layers": self.layers}

    @staticmethod
    def compile_cell(source: str, filename: str, definitions_only: bool, notes: list[str]) -> list[tuple[int, object]]:
        """The cell's code, as (first line, code object) pieces. A file is one piece. A notebook
        cell is one piece per defining statement, so that one failing statement (an import of a
        plotting library the grading host lacks) costs only itself, not the functions beside it."""
        if not definitions_only:
            return [(1, compile(source, filename, "exec"))]
        tree, dropped = keep_definitions(source, filename)
        notes.extend(f"{filename}, line {line}: not run when grading ({what})" for line, what in dropped)
        pieces, future_flags = [], 0
        for statement in tree.body:
            if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
                future_flags |= functools.reduce(
                    operator.or_, (getattr(__future__, alias.name).compiler_flag for alias in statement.names), 0)
            module = ast.Module(body=[statement], type_ignores=[])
            pieces.append((statement.lineno, compile(module, filename, "exec", flags=future_flags, dont_inherit=True)))
        return pieces

    def call(self, header: dict, blobs: list[bytes], answer_blobs: list[bytes]) -> dict:
        args = self.decode(header["args"], blobs)
        return self.run(lambda: getattr(self.module, header["function"])(*args), answer_blobs,
                        args if header.get("return_args") else None)

    def drive(self, header: dict, blobs: list[bytes], answer_blobs: list[bytes]) -> dict:
        module_name, function = DRIVER.fullmatch(header["driver"]).groups()
        driver = getattr(self.drivers[module_name], function)
        args = self.decode(header["args"], blobs)
        return self.run(lambda: driver(self.module, *args), answer_blobs)

    def decode(self, tree, blobs: list[bytes]):
        return protocol.decode(tree, blobs, lambda ref, _type: self.refs[ref])  # refs come from this worker

    def run(self, thunk, answer_blobs: list[bytes], args_after=None) -> dict:
        """The answer to a call: its value (or error), the warnings it raised, the forbidden
        library calls it made, and with `args_after` the arguments as they are after the call."""
        watching = self.watch if self.watch is not None else contextlib.nullcontext()
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            try:
                with watching:
                    value = thunk()
            except BaseException as error:  # student code: anything may come out of it
                answer = {"error": self.describe(error)}
            else:
                answer = {"value": self.encode(value, answer_blobs)}
                answer["warnings"] = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
                if args_after is not None:
                    answer["args"] = self.encode(list(args_after), answer_blobs)
        if self.watch is not None:
            answer["forbidden"] = type(self.watch).take(self.watch)  # the class's take: not one set on the instance
        return answer

    @staticmethod
    def qualified_name(error: BaseException, summary: traceback.FrameSummary) -> str:
        """`SGD.step` rather than `step`: the name of the student's innermost frame, with its class."""
        for frame, line in reversed(list(traceback.walk_tb(error.__traceback__))):
            if frame.f_code.co_filename == summary.filename and line == summary.lineno:
                return getattr(frame.f_code, "co_qualname", summary.name)
        return summary.name

    def describe(self, error: BaseException) -> dict:
        """What went wrong, located at the innermost line of the student's own code."""
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in self.filenames]
        if isinstance(error, SyntaxError) and error.filename in self.filenames:
            frames.append(traceback.FrameSummary(error.filename, error.lineno or 0, "<module>", line=error.text))
        kind = type(error).__name__
        try:
            message = str(error.msg if isinstance(error, SyntaxError) else error).strip()
        except BaseException:  # a student exception whose __str__ itself fails
            message = "(its message could not be shown)"
        summary = f"{kind}: {message}" if message else kind
        where = None
        if frames:
            frame = frames[-1]
            where = {"file": frame.filename, "line": frame.lineno, "function": self.qualified_name(error, frame),
                     "code": (frame.line or "").strip()}
        return {"type": kind, "message": message[:2000], "summary": summary[:2000], "where": where}
