"""The isolation layers a worker puts between student code and everything else.

Each layer is applied if the host offers it and reported either way (`grader doctor`): a laptop
or a CI runner that lacks one still grades, and says what is not enforced; `--strict` refuses
to grade without the layers in `REQUIRED`.

    unprivileged uid    root drops to `nobody` (only if the Python installation is readable to it)
    user namespace      no capabilities over anything outside the worker
    network namespace   no network interface but a loopback that is down
    resource limits     CPU seconds, address space, file size, open files, processes, no core dumps
    landlock            reads only Python and its packages (never the grader's own checks), writes
                        only its scratch directory, no TCP, no signals to processes outside
    seccomp             no fork, exec, ptrace, other processes' memory, or sockets but AF_UNIX
    audit hook          (`grader.sandbox.guard`) the grader's code out of reach from inside
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import resource
import stat
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import grader
from grader.sandbox import Unavailable, landlock, seccomp

REQUIRED = ("resource limits", "landlock", "seccomp", "audit hook")

NOBODY = 65534
CPU_SECONDS = 120  # far above any check's wall-clock limit: a backstop if the grader itself stalls
ADDRESS_SPACE_HEADROOM = 4 * 2**30  # above the zygote's own mapping (torch maps about 1 GiB)
FILE_BYTES = 64 * 2**20
OPEN_FILES = 256
PROCESSES = 256  # threads count too; only set for the dedicated `nobody` uid

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
# Read by a worker beyond its Python: shared libraries torch may load late, CPU topology, entropy.
SYSTEM_READABLE = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/etc/ld.so.cache", "/dev/urandom",
                   "/sys/devices/system/cpu", "/proc/cpuinfo", "/proc/self")
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


@dataclass(frozen=True)
class Layer:
    name: str
    active: bool
    detail: str

    to_json = asdict


def harden(scratch: str, readable: list[str]) -> list[Layer]:
    """Apply every layer this host offers to the calling process (a single-threaded fresh fork),
    which may then read only `readable` (see `readable_paths`) and write only `scratch`."""
    uid = _layer("unprivileged uid", lambda: _drop_root(scratch))
    namespaces = _enter_namespaces()
    limits = _layer("resource limits", lambda: _limit_resources(uid.active and os.getuid() == NOBODY))
    files = _layer("landlock", lambda: _restrict_files(scratch, readable))
    calls = _layer("seccomp", lambda: seccomp.install(os.getpid()) or "no fork, exec, ptrace or network sockets")
    return [uid, *namespaces, limits, files, calls]


def _layer(name: str, apply) -> Layer:
    try:
        return Layer(name, True, apply())
    except Unavailable as missing:
        return Layer(name, False, str(missing))


# -- uid and namespaces --------------------------------------------------------------------------
def _drop_root(scratch: str) -> str:
    if os.geteuid() != 0:
        return f"runs as uid {os.geteuid()}, not root"
    unreadable = next((p for p in _python_paths() if not _readable_by_anyone(p)), None)
    if unreadable is not None:
        raise Unavailable(f"stays root: uid {NOBODY} cannot read {unreadable}; the user namespace "
                          "takes root's capabilities away instead")
    os.chown(scratch, NOBODY, NOBODY)
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    return f"root dropped to uid {NOBODY}"


def _readable_by_anyone(path: str) -> bool:
    """Can a uid that is neither owner nor group member reach and read `path`?"""
    target = Path(path).resolve()
    for directory in [*reversed(target.parents), target]:
        mode = directory.stat().st_mode
        if not mode & stat.S_IXOTH or (directory == target and not mode & stat.S_IROTH):
            return False
    return True


def _enter_namespaces() -> list[Layer]:
    if _libc is None:
        reason = f"not on Linux ({sys.platform})"
        return [Layer("user namespace", False, reason), Layer("network namespace", False, reason)]
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return [Layer("user namespace", True, "no capabilities outside the worker"),
                Layer("network namespace", True, "no network interfaces")]
    user_error = _errno_name()
    user = Layer("user namespace", False, f"refused by the host ({user_error})")
    if _libc.unshare(CLONE_NEWNET) == 0:  # root (still) may make one without a user namespace
        return [user, Layer("network namespace", True, "no network interfaces")]
    return [user, Layer("network namespace", False, f"refused by the host ({_errno_name()})")]


def _errno_name() -> str:
    return errno.errorcode.get(ctypes.get_errno(), "unknown error")


# -- resource limits ------------------------------------------------------------------------------
def _limit_resources(dedicated_uid: bool) -> str:
    limits = {
        resource.RLIMIT_CPU: (CPU_SECONDS, CPU_SECONDS + 5),
        resource.RLIMIT_FSIZE: (FILE_BYTES, FILE_BYTES),
        resource.RLIMIT_NOFILE: (OPEN_FILES, OPEN_FILES),
        resource.RLIMIT_CORE: (0, 0),
    }
    notes = []
    if _has_cuda_devices():
        notes.append("no address-space limit (CUDA maps more than any limit would allow)")
    elif hasattr(resource, "RLIMIT_AS"):
        size = _mapped_bytes() + ADDRESS_SPACE_HEADROOM
        limits[resource.RLIMIT_AS] = (size, size)
    if dedicated_uid:
        limits[resource.RLIMIT_NPROC] = (PROCESSES, PROCESSES)
    for which, (soft, hard) in limits.items():
        _, current_hard = resource.getrlimit(which)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(which, (soft, hard))
    summary = (f"{CPU_SECONDS} s CPU, files up to {FILE_BYTES >> 20} MiB, {OPEN_FILES} open files, no core dumps"
               + (f", {ADDRESS_SPACE_HEADROOM >> 30} GiB of memory" if resource.RLIMIT_AS in limits else ""))
    return "; ".join([summary, *notes])


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _has_cuda_devices() -> bool:
    return os.path.exists("/dev/nvidiactl")


# -- the file system -------------------------------------------------------------------------------
def _restrict_files(scratch: str, readable: list[str]) -> str:
    read_write = [scratch, os.devnull]
    if _has_cuda_devices():
        read_write += glob.glob("/dev/nvidia*")
    abi = landlock.restrict(readable, read_write)
    return f"ABI {abi}: reads Python and its packages only, writes only its scratch directory"


def readable_paths() -> list[str]:
    """Python, its standard library and packages, minus the grader's own source (its checks)."""
    hidden = _grader_source()
    paths = []
    for root in {sys.prefix, sys.base_prefix, sys.exec_prefix, *_python_paths()}:
        paths += _beneath_except(Path(root).resolve(), hidden)
    return sorted(set(paths)) + list(SYSTEM_READABLE)


def _python_paths() -> list[str]:
    return [path for path in sys.path if path and os.path.isdir(path)]


def _grader_source() -> Path:
    """The grader package, or its whole source checkout (references, tests) if installed editable."""
    package = Path(grader.__file__).resolve().parent
    return package.parent if (package.parent / "pyproject.toml").exists() else package


def _beneath_except(root: Path, hidden: Path) -> list[str]:
    """`root`, or if `hidden` lies inside it, every sibling along the way down to `hidden`. (A
    Python root inside `hidden`, such as a virtual environment in the checkout, stays readable.)"""
    if root == hidden:
        return []
    if not hidden.is_relative_to(root):
        return [str(root)]
    step = root / hidden.relative_to(root).parts[0]
    return [str(entry) for entry in root.iterdir() if entry != step] + _beneath_except(step, hidden)


# -- the grader's own process ----------------------------------------------------------------------
def forbid_inspection() -> None:
    """No process of the same uid may read this one's memory (`/proc/PID/mem`, ptrace, core dumps)."""
    if _libc is not None:
        _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def die_with_parent() -> None:
    if _libc is not None:
        _libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)


def describe(layers: list[Layer]) -> str:
    missing = [layer.name for layer in layers if not layer.active]
    if not missing:
        return "every layer active"
    return f"not enforced on this host: {', '.join(missing)} (`grader doctor` says why)"
