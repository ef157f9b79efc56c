"""File-system allow-list for a forked child, with Landlock (Linux ≥ 5.13).

Landlock lets an unprivileged process give up rights for itself and every process it later starts:
we build a ruleset that "handles" every file-system right the running kernel knows, so each of them
is denied unless a rule allows it beneath a listed directory (or on a listed file), then restrict
the calling thread to it. Student code can then read the Python installation and the exercise files,
write only in its scratch directory, and see nothing else (no home directories, no grader secrets).
Newer kernels know more rights, so the ruleset is built for the ABI the kernel reports: truncation
(v3) and device ioctls (v5) would otherwise stay allowed, TCP bind/connect can be denied from v4,
and from v6 the child can no longer signal processes outside its domain or connect to abstract unix
sockets they listen on. Nothing here needs privileges; ctypes calls the three system calls directly
because neither glibc nor Python wraps them.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import stat
import sys
from collections.abc import Iterable

from grader.sandbox import Unavailable

# The newest ABI whose features this module knows; a newer kernel is restricted as if it were this one.
NEWEST_KNOWN_ABI = 7

# System call numbers: x86_64 and aarch64 share them (both took 444-446 from the unified table).
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_SUPPORTED_MACHINES = ("x86_64", "aarch64")

_LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
_LANDLOCK_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# File-system rights (linux/landlock.h), with the ABI that introduced each one.
ACCESS_FS_EXECUTE = 1 << 0
ACCESS_FS_WRITE_FILE = 1 << 1
ACCESS_FS_READ_FILE = 1 << 2
ACCESS_FS_READ_DIR = 1 << 3
ACCESS_FS_REMOVE_DIR = 1 << 4
ACCESS_FS_REMOVE_FILE = 1 << 5
ACCESS_FS_MAKE_CHAR = 1 << 6
ACCESS_FS_MAKE_DIR = 1 << 7
ACCESS_FS_MAKE_REG = 1 << 8
ACCESS_FS_MAKE_SOCK = 1 << 9
ACCESS_FS_MAKE_FIFO = 1 << 10
ACCESS_FS_MAKE_BLOCK = 1 << 11
ACCESS_FS_MAKE_SYM = 1 << 12
ACCESS_FS_REFER = 1 << 13  # ABI 2: rename or link a file into another directory
ACCESS_FS_TRUNCATE = 1 << 14  # ABI 3
ACCESS_FS_IOCTL_DEV = 1 << 15  # ABI 5: ioctl on character and block devices

# Network rights (ABI 4) and scopes (ABI 6).
ACCESS_NET_BIND_TCP = 1 << 0
ACCESS_NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1

_FS_RIGHTS_ABI_1 = (ACCESS_FS_EXECUTE | ACCESS_FS_WRITE_FILE | ACCESS_FS_READ_FILE | ACCESS_FS_READ_DIR
                    | ACCESS_FS_REMOVE_DIR | ACCESS_FS_REMOVE_FILE | ACCESS_FS_MAKE_CHAR | ACCESS_FS_MAKE_DIR
                    | ACCESS_FS_MAKE_REG | ACCESS_FS_MAKE_SOCK | ACCESS_FS_MAKE_FIFO | ACCESS_FS_MAKE_BLOCK
                    | ACCESS_FS_MAKE_SYM)

# What a read-only path allows: reading files and listing directories, and executing or mapping
# files executable (the Python interpreter, shared libraries of numpy and torch).
READ_ONLY_RIGHTS = ACCESS_FS_EXECUTE | ACCESS_FS_READ_FILE | ACCESS_FS_READ_DIR

# What a read-write path allows: every handled right but creating device nodes. Device ioctls are
# in: a device that needs them (a GPU) is opened for writing anyway, so it has to be listed here.
READ_WRITE_RIGHTS = (_FS_RIGHTS_ABI_1 | ACCESS_FS_REFER | ACCESS_FS_TRUNCATE | ACCESS_FS_IOCTL_DEV) \
    & ~(ACCESS_FS_MAKE_CHAR | ACCESS_FS_MAKE_BLOCK)

# The only rights the kernel accepts in a rule for a path that is not a directory (else EINVAL).
_FILE_RIGHTS = (ACCESS_FS_EXECUTE | ACCESS_FS_WRITE_FILE | ACCESS_FS_READ_FILE | ACCESS_FS_TRUNCATE
                | ACCESS_FS_IOCTL_DEV)


class _RulesetAttr(ctypes.Structure):
    """struct landlock_ruleset_attr; each ABI that added a field made it longer (see `_attr_size`)."""

    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),  # ABI 4
        ("scoped", ctypes.c_uint64),  # ABI 6
    ]


class _PathBeneathAttr(ctypes.Structure):
    """struct landlock_path_beneath_attr, packed in the kernel: 12 bytes, no padding."""

    _pack_ = 1
    _fields_ = [
        ("allowed_access", ctypes.c_uint64),
        ("parent_fd", ctypes.c_int32),
    ]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def abi_version() -> int:
    """The Landlock ABI this kernel offers, 0 when it offers none (or this is not Linux on x86_64/aarch64)."""
    try:
        return _kernel_abi()
    except Unavailable:
        return 0


def restrict(read_only: Iterable[str], read_write: Iterable[str]) -> int:
    """Allow the calling thread, and all it starts, file access only beneath the given paths.

    Call it in a single-threaded process: Landlock restricts the calling thread only, so a thread
    that already exists would keep its access. Paths that do not exist are skipped. From ABI 4 the
    process can neither bind nor connect TCP sockets, from ABI 6 it can signal only processes in
    its own domain. Returns the ABI whose features were used; raises `Unavailable` if Landlock is
    missing or any step fails (the process is then unrestricted).
    """
    abi = min(_kernel_abi(), NEWEST_KNOWN_ABI)
    attr, attr_size = _ruleset_attr(abi)
    ruleset_fd = _landlock_syscall("landlock_create_ruleset", _SYS_LANDLOCK_CREATE_RULESET,
                                   ctypes.byref(attr), ctypes.c_size_t(attr_size), ctypes.c_uint32(0))
    try:
        handled = attr.handled_access_fs
        for path in read_only:
            _allow_beneath(ruleset_fd, path, READ_ONLY_RIGHTS & handled)
        for path in read_write:
            _allow_beneath(ruleset_fd, path, READ_WRITE_RIGHTS & handled)
        # Without no_new_privs the kernel refuses (EPERM) unless we hold CAP_SYS_ADMIN: a setuid
        # program run later must not be confused by the restrictions of its unprivileged parent.
        _set_no_new_privs()
        _landlock_syscall("landlock_restrict_self", _SYS_LANDLOCK_RESTRICT_SELF,
                          ctypes.c_long(ruleset_fd), ctypes.c_uint32(0))
    finally:
        os.close(ruleset_fd)
    return abi


def _kernel_abi() -> int:
    """The ABI the kernel reports; raises `Unavailable` saying why there is none."""
    machine = platform.machine()
    if sys.platform != "linux" or machine not in _SUPPORTED_MACHINES or ctypes.sizeof(ctypes.c_void_p) != 8:
        raise Unavailable(f"Landlock: not supported on {sys.platform}/{machine}")
    # With a NULL attribute and size 0 this call creates nothing: it only returns the ABI version.
    return _landlock_syscall("landlock_create_ruleset", _SYS_LANDLOCK_CREATE_RULESET,
                             None, ctypes.c_size_t(0), ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))


def _ruleset_attr(abi: int) -> tuple[_RulesetAttr, int]:
    """The ruleset attribute for this ABI, and the size to pass: only the fields this ABI knows.

    A kernel given a larger struct than it knows accepts it only if the extra bytes are zero, and
    a right it does not know in any field is EINVAL; so every field and right is added by ABI.
    """
    attr = _RulesetAttr(handled_access_fs=_FS_RIGHTS_ABI_1)
    size = _RulesetAttr.handled_access_net.offset
    if abi >= 2:
        attr.handled_access_fs |= ACCESS_FS_REFER
    if abi >= 3:
        attr.handled_access_fs |= ACCESS_FS_TRUNCATE
    if abi >= 4:
        # Handled with no rule allowing any port: no TCP server, no TCP connection, anywhere.
        attr.handled_access_net = ACCESS_NET_BIND_TCP | ACCESS_NET_CONNECT_TCP
        size = _RulesetAttr.scoped.offset
    if abi >= 5:
        attr.handled_access_fs |= ACCESS_FS_IOCTL_DEV
    if abi >= 6:
        # No signals to processes outside the domain (the grader, the zygote), and no connecting to
        # abstract unix sockets they listen on (those have no path, so file rules cannot cover them).
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = ctypes.sizeof(_RulesetAttr)
    return attr, size


def _allow_beneath(ruleset_fd: int, path: str, rights: int) -> None:
    """Allow `rights` beneath `path` (on it, if it is not a directory); skip a path that does not exist."""
    try:
        # O_PATH: the descriptor only names the file, so reading rights on it are not needed.
        path_fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as error:
        raise Unavailable(f"Landlock: cannot open {path!r}: {error}") from error
    try:
        if not stat.S_ISDIR(os.fstat(path_fd).st_mode):
            rights &= _FILE_RIGHTS
        rule = _PathBeneathAttr(allowed_access=rights, parent_fd=path_fd)
        _landlock_syscall("landlock_add_rule", _SYS_LANDLOCK_ADD_RULE, ctypes.c_long(ruleset_fd),
                          ctypes.c_long(_LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0))
    finally:
        os.close(path_fd)


def _landlock_syscall(name: str, number: int, *args) -> int:
    """Make a Landlock system call; raises `Unavailable` naming the errno if it fails."""
    result = _libc.syscall(ctypes.c_long(number), *args)
    if result < 0:
        raise Unavailable(f"Landlock: {name} failed: {_errno_text(ctypes.get_errno())}")
    return result


def _set_no_new_privs() -> None:
    if _libc.prctl(ctypes.c_int(_PR_SET_NO_NEW_PRIVS), ctypes.c_ulong(1), ctypes.c_ulong(0),
                   ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        raise Unavailable(f"Landlock: prctl(PR_SET_NO_NEW_PRIVS) failed: {_errno_text(ctypes.get_errno())}")


def _errno_text(number: int) -> str:
    """'ENOSYS (Function not implemented)': the name a reader can look up, and what it means."""
    return f"{errno.errorcode.get(number, str(number))} ({os.strerror(number)})"
