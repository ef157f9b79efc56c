"""Inside the worker: the grader's own code out of reach of the student's.

The worker's answer-writer, the drivers and the run-time watch share a process with student
code, and nothing in Python truly separates code in one process. What matters is that no answer
can earn points unchecked: the grader checks every value itself, and answers carry a MAC whose
key lives in the worker's frames. This module keeps student code from reaching those frames and
that code:

- the grader's modules leave `sys.modules`, `import grader` is refused, and `__main__` is blank;
- the grader's classes become immutable (no method of the worker can be replaced);
- an audit hook (PEP 578) refuses what leads from student code to the objects of its callers:
  a frame got from `sys._getframe`, a traceback or a generator (Python 3.11 does not audit
  `frame.f_back`, so the frame itself must not be had), directly or through `inspect` and
  `traceback`; `gc.get_objects` and friends; tracing; ctypes; changing a class or function of
  the grader; starting processes and opening sockets other than AF_UNIX.

Who asks decides: code is trusted when it comes from a file of the Python installation or of the
grader, and anything else (the student's cells, code they `exec`) is not. A refused attempt
raises `PermissionError` in the student's code and is reported with the check's result. This is
a tripwire, not a sandbox: the OS layers (`grader.sandbox.layers`) are.
"""

from __future__ import annotations

import ctypes
import inspect
import os
import socket
import sys
import threading
import traceback
import types
from pathlib import Path

import grader
from grader.sandbox.layers import Layer

GRADER_DIRECTORY = str(Path(grader.__file__).resolve().parent)

ALWAYS_REFUSED = frozenset({
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames", "sys._current_exceptions",
    "sys.settrace", "sys.setprofile", "os.fork", "os.forkpty", "os.posix_spawn", "os.system", "subprocess.Popen",
    "os.kill", "os.killpg",
})
FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})  # the audited ways to a frame
IMPORT_MACHINERY = "<frozen importlib._bootstrap>"
IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE: no attribute of the class can be set or deleted


def hide_grader_modules() -> None:
    for name in [name for name in sys.modules if name == "grader" or name.startswith("grader.")]:
        del sys.modules[name]
    sys.modules["__main__"] = types.ModuleType("__main__")
    sys.meta_path.insert(0, _RefuseGraderImports())


class _RefuseGraderImports:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if _is_grader(name):
            raise ImportError("the grader's modules cannot be imported while grading")
        return None


class Guard:
    """The audit hook and its record. Student code never holds a reference to it: only the hook
    and the worker's frames do."""

    def __init__(self, student_files: set[str], trusted_directories: list[str]):
        # Every grader function's `__globals__` (not audited) leads student code to this module's
        # globals, and `builtins` is shared: a name looked up there while deciding could have been
        # rebound (ALWAYS_REFUSED = frozenset(), sys = a fake whose _getframe returns None). So the
        # hook decides with what it holds itself; this instance is reachable only through frames
        # and gc, which it refuses.
        self.always_refused, self.frame_attributes = ALWAYS_REFUSED, FRAME_ATTRIBUTES
        self.getframe, self.af_unix, self.str, self.getattr = sys._getframe, socket.AF_UNIX, str, getattr
        self.is_grader, self.belongs_to_grader = _is_grader, _belongs_to_grader
        # Frame libraries by file, not by `__name__`: a module's `__name__` can be rewritten by anyone.
        self.frame_library_files = frozenset(module.__file__ for module in (inspect, traceback))
        # The thread that installs the hook is the one that runs the worker. In any other thread
        # (one of a ThreadPoolExecutor the student's code waits on) every frame on the stack is
        # trusted library code, so "who asks" proves nothing there: a traceback handed to
        # `pool.submit(getattr, tb, "tb_frame")` led up the main thread's live frames to the
        # worker and its key, and `pool.submit(ctypes.CDLL, None)` to libc. Both are refused there.
        self.get_ident, self.main_thread = threading.get_ident, threading.get_ident()
        self.grader_prefix = os.path.join(GRADER_DIRECTORY, "")
        self.student_files = student_files
        self.trusted_prefixes = tuple(os.path.join(directory, "") for directory in trusted_directories)
        self.verdicts: dict[types.CodeType, bool] = {}
        self.busy = False  # the hook itself is running: its own frame lookups must not re-enter it
        self.refused: list[str] = []

    def take_refused(self) -> list[str]:
        refused, self.refused = self.refused, []
        return refused

    def audit(self, event: str, args: tuple) -> None:
        if self.busy or (event == "object.__getattr__" and args[1] not in self.frame_attributes):
            return  # the common case, first: numpy and torch read __code__ and f_code all the time
        self.busy = True
        try:
            reason = self.refusal(event, args)
        finally:
            self.busy = False
        if reason:
            self.refused.append(reason)
            raise PermissionError(f"{reason} is not allowed while grading")

    def refusal(self, event: str, args: tuple) -> str | None:
        if event in self.always_refused or event.startswith(("os.exec", "os.spawn")):
            return event
        if event == "import" and self.is_grader(self.str(args[0])):
            return f"importing {args[0]}"
        if event == "socket.__new__" and args[1] not in (self.af_unix, -1):
            return "opening a network socket"
        if event in ("object.__setattr__", "object.__delattr__") and self.belongs_to_grader(args[0],
                                                                                           self.grader_prefix):
            name = self.getattr(args[0], "__qualname__", None) or self.getattr(args[0], "__name__", "code")
            return f"changing the grader's {name}"
        if self.get_ident() != self.main_thread and (event == "object.__getattr__" or event.startswith("ctypes.")):
            return f"reading .{args[1]} in a thread" if event == "object.__getattr__" else "ctypes in a thread"
        if event in ("sys._getframe", "object.__getattr__"):
            return self.frame_refusal(event, args, self.getframe(2))  # 0: here, 1: audit, 2: who asked
        if event.startswith("ctypes.") and self.untrusted_on_stack(self.getframe(2)):
            return "ctypes"
        return None

    def frame_refusal(self, event: str, args: tuple, asking) -> str | None:
        """Refused when `asking` is student code, or a frame library called by student code."""
        through_library = asking.f_code.co_filename in self.frame_library_files
        if self.trusted(asking) and not (through_library and not self.trusted(asking.f_back)):
            return None
        return "sys._getframe" if event == "sys._getframe" else f"reading .{args[1]}"

    def trusted(self, frame) -> bool:
        if frame is None:
            return True
        code = frame.f_code
        verdict = self.verdicts.get(code)
        if verdict is None:
            name = code.co_filename
            verdict = self.verdicts[code] = name not in self.student_files and (
                name.startswith(self.trusted_prefixes) or name.startswith("<frozen "))
        return verdict

    def untrusted_on_stack(self, frame) -> bool:
        """Is student code among the callers of `frame`, up to the nearest import? (A library's own
        import, `import torch` at the top of a submission, loads its libraries with ctypes.)"""
        while frame is not None:
            if not self.trusted(frame):
                return True
            if frame.f_code.co_filename == IMPORT_MACHINERY:
                return False
            frame = frame.f_back
        return False


def _is_grader(module: str) -> bool:
    return module == "grader" or module.startswith("grader.")


def _belongs_to_grader(target, grader_prefix: str, _function=types.FunctionType,
                       _module=types.ModuleType, _isinstance=isinstance, _getattr=getattr, _str=str) -> bool:
    # A function by the file of its code, not by `__module__`: setting `__module__` is not audited,
    # so `f.__module__ = "x"; f.__code__ = ...` would otherwise rewrite a grader function.
    # (Defaults, not globals or builtins: see Guard.__init__; `__defaults__` is a tuple.)
    if _isinstance(target, _function):
        return target.__code__.co_filename.startswith(grader_prefix)
    module = target.__name__ if _isinstance(target, _module) else _getattr(target, "__module__", None)
    return _isinstance(module, _str) and (module == "grader" or module.startswith("grader."))


def freeze_grader_classes() -> None:
    """Make every class of the grader immutable, as the built-in types are.

    Python 3.11 audits no assignment to a class attribute, and `object.__subclasses__()` hands any
    class to student code: `Worker.send = ...` would receive the worker, key and all. The flag is
    set in the type's `tp_flags`, found at the offset where the interpreter keeps `__flags__`."""
    classes = [value for name, module in list(sys.modules.items()) if _is_grader(name)
               for value in vars(module).values() if isinstance(value, type) and value.__module__ == name]
    probe = type("Probe", (), {})
    offset = next(offset for offset in range(0, 512, ctypes.sizeof(ctypes.c_ulong))
                  if ctypes.c_ulong.from_address(id(probe) + offset).value == probe.__flags__)
    for cls in classes:
        flags = ctypes.c_ulong.from_address(id(cls) + offset)
        if flags.value == cls.__flags__:  # the same layout: a class like any other
            flags.value |= IMMUTABLE_TYPE


def install(student_files: set[str], python_paths: list[str]) -> tuple[Guard, Layer]:
    """Guard this worker; code from `python_paths` (the installation, see `layers.readable_paths`)
    and from the grader's own files is trusted."""
    guard = Guard(student_files, [*python_paths, GRADER_DIRECTORY])
    freeze_grader_classes()
    hide_grader_modules()
    sys.addaudithook(guard.audit)
    return guard, Layer("audit hook", True, "frames, gc, ctypes, processes, sockets and the grader's code "
                                            "refused to student code")
