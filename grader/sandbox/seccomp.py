"""System-call filter for a forked child: no fork, exec, ptrace, network sockets or kernel administration.

A seccomp-BPF filter is a small program the kernel runs on every system call the process makes
(and, after us, every process it could start): it sees the call number and raw arguments and
answers allow, fail with an errno, or kill. Student code gets an errno (EPERM, so Python raises
PermissionError and the check can report it) for everything that would let it escape the child:
new processes, other programs, debugging other processes, network sockets, namespaces, mounts,
kernel keyrings and modules. Threads stay allowed (numpy and torch need them), and so do signals to
the child itself. The filter is written by hand, as a sequence of independent blocks each of which
looks at one system call, so a reader can check each rule against its comment.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import sys

from grader.sandbox import Unavailable

# ---- constants (linux/filter.h, linux/seccomp.h, linux/audit.h) ---------------------------------

# Classic BPF opcodes, the only four this filter needs.
_LOAD_WORD = 0x00 | 0x00 | 0x20  # BPF_LD | BPF_W | BPF_ABS: A = the 32-bit word at an offset in seccomp_data
_JUMP_IF_EQUAL = 0x05 | 0x10 | 0x00  # BPF_JMP | BPF_JEQ | BPF_K
_JUMP_IF_AT_LEAST = 0x05 | 0x30 | 0x00  # BPF_JMP | BPF_JGE | BPF_K (unsigned)
_JUMP_IF_ANY_BIT = 0x05 | 0x40 | 0x00  # BPF_JMP | BPF_JSET | BPF_K: A & k != 0
_RETURN = 0x06 | 0x00  # BPF_RET | BPF_K

_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000  # the low 16 bits are the errno the call returns
_RET_ALLOW = 0x7FFF0000

# struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }. Both supported
# architectures are little-endian, so an argument's low 32 bits are the first word of its u64.
_OFFSET_NR = 0
_OFFSET_ARCH = 4
_OFFSET_ARGS = 16

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_X32_SYSCALL_BIT = 0x40000000

_CLONE_THREAD = 0x00010000
_AF_UNIX = 1

# ---- system call numbers (asm/unistd_64.h for x86_64, asm-generic/unistd.h for aarch64) --------

_DENIED_SYSCALLS_X86_64 = {
    "fork": 57, "vfork": 58, "execve": 59, "execveat": 322,
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "tkill": 200,
    "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "unshare": 272, "setns": 308,
    "keyctl": 250, "add_key": 248, "request_key": 249,
    "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "kexec_load": 246, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "reboot": 169, "acct": 163, "swapon": 167, "swapoff": 168, "personality": 135,
}
_DENIED_SYSCALLS_AARCH64 = {  # no fork or vfork: aarch64 has only clone
    "execve": 221, "execveat": 281,
    "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "tkill": 130,
    "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "unshare": 97, "setns": 268,
    "keyctl": 219, "add_key": 217, "request_key": 218,
    "bpf": 280, "perf_event_open": 241, "userfaultfd": 282,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "kexec_load": 104, "init_module": 105, "finit_module": 273, "delete_module": 106,
    "reboot": 142, "acct": 89, "swapon": 224, "swapoff": 225, "personality": 92,
}
_CHECKED_SYSCALLS_X86_64 = {"clone": 56, "clone3": 435, "socket": 41, "kill": 62, "tgkill": 234}
_CHECKED_SYSCALLS_AARCH64 = {"clone": 220, "clone3": 435, "socket": 198, "kill": 129, "tgkill": 131}


class _SockFilter(ctypes.Structure):
    """struct sock_filter: one BPF instruction; jt/jf are how many instructions to skip."""

    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    """struct sock_fprog: the program handed to the kernel."""

    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


_libc = ctypes.CDLL(None, use_errno=True)


def install(own_pid: int) -> None:
    """Filter the system calls of this process and all it could start; `own_pid` is the only process it may signal.

    Irreversible; threads started before the call are not filtered, so call it single-threaded.
    Raises `Unavailable` on another platform or architecture, or if the kernel refuses the filter.
    """
    machine = platform.machine()
    if sys.platform != "linux" or machine not in _AUDIT_ARCH or ctypes.sizeof(ctypes.c_void_p) != 8:
        raise Unavailable(f"seccomp: no filter for {sys.platform}/{machine}")
    instructions = build_filter(machine, own_pid)
    program = _SockFprog(len(instructions), (_SockFilter * len(instructions))(*instructions))
    # Without no_new_privs the kernel refuses a filter unless we hold CAP_SYS_ADMIN: a setuid
    # program must not run under a filter its unprivileged caller chose.
    _prctl("PR_SET_NO_NEW_PRIVS", _PR_SET_NO_NEW_PRIVS, 1, 0)
    _prctl("PR_SET_SECCOMP", _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(program))


def build_filter(machine: str, own_pid: int) -> list[_SockFilter]:
    """The filter for `machine` ("x86_64" or "aarch64"), as a list of BPF instructions."""
    if machine == "x86_64":
        denied, checked = _DENIED_SYSCALLS_X86_64, _CHECKED_SYSCALLS_X86_64
    else:
        denied, checked = _DENIED_SYSCALLS_AARCH64, _CHECKED_SYSCALLS_AARCH64
    own_pid_word = own_pid & 0xFFFFFFFF
    minus_own_pid_word = -own_pid & 0xFFFFFFFF  # kill(-pid) signals the process group `pid` leads

    program = _check_architecture(_AUDIT_ARCH[machine])
    program.append(_load(_OFFSET_NR))  # every block below expects the call number in A
    if machine == "x86_64":
        # x32 system calls are x86_64 ones with bit 30 set and other numbers: refuse them all
        # rather than keep a third table.
        program += [_jump(_JUMP_IF_AT_LEAST, _X32_SYSCALL_BIT, 0, 1), _return(_RET_ERRNO | errno.EPERM)]
    for number in denied.values():
        program += _deny(number, errno.EPERM)
    # clone makes threads and processes; only CLONE_THREAD tells them apart, and threads must work.
    program += _allow_if_any_bit(checked["clone"], arg=0, bits=_CLONE_THREAD, otherwise=errno.EPERM)
    # clone3 passes its flags in a struct that BPF cannot read. ENOSYS makes glibc fall back to
    # clone, which the rule above can judge.
    program += _deny(checked["clone3"], errno.ENOSYS)
    # Unix sockets (socketpair, multiprocessing-style pipes) are local; every other family reaches
    # a network or the kernel (AF_INET, AF_NETLINK, AF_PACKET).
    program += _allow_if_arg_in(checked["socket"], arg=0, values=[_AF_UNIX], otherwise=errno.EPERM)
    # Signals: to itself (pid), to its own process group (0, or -pid when it leads the group), never
    # to another process, whatever uid that runs as; kill(-1) would reach all of them.
    program += _allow_if_arg_in(checked["kill"], arg=0, values=[0, own_pid_word, minus_own_pid_word],
                                otherwise=errno.EPERM)
    # tgkill(tgid, tid) signals one thread: only threads of this process.
    program += _allow_if_arg_in(checked["tgkill"], arg=0, values=[own_pid_word], otherwise=errno.EPERM)
    program.append(_return(_RET_ALLOW))
    return program


# ---- building blocks: each is self-contained and jumps only within itself -----------------------

def _check_architecture(audit_arch: int) -> list[_SockFilter]:
    """Kill the process on a call made in another architecture's convention (numbers would mean other calls)."""
    return [
        _load(_OFFSET_ARCH),
        _jump(_JUMP_IF_EQUAL, audit_arch, 1, 0),
        _return(_RET_KILL_PROCESS),
    ]


def _deny(number: int, error: int) -> list[_SockFilter]:
    """System call `number` fails with `error`."""
    return [
        _jump(_JUMP_IF_EQUAL, number, 0, 1),
        _return(_RET_ERRNO | error),
    ]


def _allow_if_arg_in(number: int, arg: int, values: list[int], otherwise: int) -> list[_SockFilter]:
    """System call `number` is allowed if argument `arg` (low 32 bits) is in `values`, else fails with `otherwise`."""
    tests = [_jump(_JUMP_IF_EQUAL, value, len(values) - index, 0) for index, value in enumerate(values)]
    return _guarded_by_number(number, [_load(_argument(arg)), *tests,
                                       _return(_RET_ERRNO | otherwise), _return(_RET_ALLOW)])


def _allow_if_any_bit(number: int, arg: int, bits: int, otherwise: int) -> list[_SockFilter]:
    """System call `number` is allowed if argument `arg` has any of `bits` set, else fails with `otherwise`."""
    return _guarded_by_number(number, [
        _load(_argument(arg)),
        _jump(_JUMP_IF_ANY_BIT, bits, 1, 0),
        _return(_RET_ERRNO | otherwise),
        _return(_RET_ALLOW),
    ])


def _guarded_by_number(number: int, body: list[_SockFilter]) -> list[_SockFilter]:
    """`body` runs only for system call `number`, and must return: it overwrites A, which the next block needs."""
    return [_jump(_JUMP_IF_EQUAL, number, 0, len(body)), *body]


def _argument(index: int) -> int:
    return _OFFSET_ARGS + 8 * index


def _load(offset: int) -> _SockFilter:
    return _SockFilter(_LOAD_WORD, 0, 0, offset)


def _jump(opcode: int, k: int, if_true: int, if_false: int) -> _SockFilter:
    # BPF jumps skip forward a count of instructions stored in one byte.
    assert 0 <= if_true <= 255 and 0 <= if_false <= 255
    return _SockFilter(opcode, if_true, if_false, k)


def _return(action: int) -> _SockFilter:
    return _SockFilter(_RETURN, 0, 0, action)


def _prctl(name: str, option: int, arg2: int, arg3: int) -> None:
    if _libc.prctl(ctypes.c_int(option), ctypes.c_ulong(arg2), ctypes.c_ulong(arg3),
                   ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        number = ctypes.get_errno()
        raise Unavailable(f"seccomp: prctl({name}) failed: "
                          f"{errno.errorcode.get(number, str(number))} ({os.strerror(number)})")
