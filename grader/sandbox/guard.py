"""Inside the worker: the grader's own code out of reach of the student's.

The worker's answer-writer, the drivers and the run-time watch share a process with student
code, and nothing in Python truly separates code in one process. What matters is that no answer
can earn points unchecked: the grader checks every value itself, and answers carry a MAC whose
key lives in the worker's frames. This module keeps student code from reaching those frames and
that code:

- the grader's modules leave `sys.modules`, `import grader` is refused, and `__main__` is blank;
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

import os
import socket
import sys
import types
from pathlib import Path

import grader
from grader.sandbox.layers import Layer, readable_paths

ALWAYS_REFUSED = frozenset({
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames", "sys._current_exceptions",
    "sys.settrace", "sys.setprofile", "os.fork", "os.forkpty", "os.posix_spawn", "os.system", "subprocess.Popen",
    "os.kill", "os.killpg",
})
FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})  # the audited ways to a frame
FRAME_LIBRARIES = frozenset({"inspect", "traceback"})  # they hand frames to whoever calls them


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
        self.student_files = student_files
        self.trusted_prefixes = tuple(os.path.join(directory, "") for directory in trusted_directories)
        self.verdicts: dict[types.CodeType, bool] = {}
        self.busy = False  # the hook itself is running: its own frame lookups must not re-enter it
        self.refused: list[str] = []

    def take_refused(self) -> list[str]:
        refused, self.refused = self.refused, []
        return refused

    def audit(self, event: str, args: tuple) -> None:
        if self.busy or (event == "object.__getattr__" and args[1] not in FRAME_ATTRIBUTES):
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
        if event in ALWAYS_REFUSED or event.startswith(("os.exec", "os.spawn")):
            return event
        if event == "import" and _is_grader(str(args[0])):
            return f"importing {args[0]}"
        if event == "socket.__new__" and args[1] not in (socket.AF_UNIX, -1):
            return "opening a network socket"
        if event in ("object.__setattr__", "object.__delattr__") and _belongs_to_grader(args[0]):
            return f"changing the grader's {getattr(args[0], '__qualname__', type(args[0]).__name__)}"
        if event in ("sys._getframe", "object.__getattr__"):
            return self.frame_refusal(event, args, sys._getframe(2))  # 0: here, 1: audit, 2: who asked
        if event.startswith("ctypes.") and self.untrusted_on_stack(sys._getframe(2)):
            return "ctypes"
        return None

    def frame_refusal(self, event: str, args: tuple, asking) -> str | None:
        """Refused when `asking` is student code, or a frame library called by student code."""
        through_library = asking.f_globals.get("__name__") in FRAME_LIBRARIES
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
        while frame is not None:
            if not self.trusted(frame):
                return True
            frame = frame.f_back
        return False


def _is_grader(module: str) -> bool:
    return module == "grader" or module.startswith("grader.")


def _belongs_to_grader(target) -> bool:
    module = target.__name__ if isinstance(target, types.ModuleType) else getattr(target, "__module__", None)
    return isinstance(module, str) and _is_grader(module)


def install(student_files: set[str]) -> tuple[Guard, Layer]:
    trusted = [*readable_paths(), str(Path(grader.__file__).resolve().parent)]
    guard = Guard(student_files, trusted)
    hide_grader_modules()
    sys.addaudithook(guard.audit)
    return guard, Layer("audit hook", True, "frames, gc, ctypes, processes, sockets and the grader's code "
                                            "refused to student code")
