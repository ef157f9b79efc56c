"""The Landlock and seccomp layers, each applied in a forked child that tries what student code might.

A layer cannot be undone, so every test forks: the child applies the layer, attempts things, and
writes what happened as one JSON object to a pipe before `os._exit`, never returning into pytest.
Tests skip on hosts without the layer.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox import Unavailable, landlock, seccomp


def in_child(body: Callable[[], dict]) -> dict:
    """Run `body` in a forked child and return the dict it returned; skip the test if a layer is unavailable."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        exit_status = 1
        try:
            os.close(read_end)
            try:
                outcome = body()
            except Unavailable as why:
                outcome = {"unavailable": str(why)}
            except Exception as error:
                outcome = {"crashed": f"{type(error).__name__}: {error}"}
            os.write(write_end, json.dumps(outcome).encode())
            exit_status = 0
        finally:
            os._exit(exit_status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        written = pipe.read()
    _, wait_status = os.waitpid(pid, 0)
    assert written, f"child wrote nothing (wait status {wait_status:#x})"
    outcome = json.loads(written)
    if "unavailable" in outcome:
        pytest.skip(outcome["unavailable"])
    assert "crashed" not in outcome, outcome["crashed"]
    return outcome


def attempt(action: Callable[[], object]) -> str:
    """'ok', or the name of the OSError the action raised."""
    try:
        action()
    except OSError as error:
        return type(error).__name__
    return "ok"


# ---- Landlock ----------------------------------------------------------------------------------

needs_landlock = pytest.mark.skipif(landlock.abi_version() == 0, reason="this kernel offers no Landlock")


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    """A read-only directory holding a file, an empty read-write directory, and a directory outside both."""
    paths = {name: tmp_path / name for name in ("read_only", "read_write", "outside")}
    for path in paths.values():
        path.mkdir()
    (paths["read_only"] / "given.txt").write_text("given")
    (paths["outside"] / "secret.txt").write_text("secret")
    return paths


@needs_landlock
def test_landlock_read_only_directory_can_be_read_not_written(dirs):
    def body():
        landlock.restrict([str(dirs["read_only"])], [str(dirs["read_write"])])
        given = dirs["read_only"] / "given.txt"
        return {
            "read": given.read_text(),
            "listed": sorted(os.listdir(dirs["read_only"])),
            "overwrite": attempt(lambda: given.write_text("changed")),
            "create": attempt(lambda: (dirs["read_only"] / "new.txt").write_text("new")),
            "remove": attempt(given.unlink),
        }

    assert in_child(body) == {"read": "given", "listed": ["given.txt"], "overwrite": "PermissionError",
                              "create": "PermissionError", "remove": "PermissionError"}


@needs_landlock
def test_landlock_read_write_directory_allows_create_write_truncate_remove(dirs):
    def body():
        landlock.restrict([], [str(dirs["read_write"])])
        scratch = dirs["read_write"] / "scratch.txt"
        scratch.write_text("one two")
        os.truncate(scratch, 3)
        content = scratch.read_text()
        (dirs["read_write"] / "sub").mkdir()
        scratch.unlink()
        return {"content": content, "left": sorted(os.listdir(dirs["read_write"]))}

    assert in_child(body) == {"content": "one", "left": ["sub"]}


@needs_landlock
def test_landlock_denies_everything_not_listed(dirs):
    def body():
        landlock.restrict([str(dirs["read_only"])], [str(dirs["read_write"])])
        return {
            "read": attempt(lambda: (dirs["outside"] / "secret.txt").read_text()),
            "list": attempt(lambda: os.listdir(dirs["outside"])),
            "create": attempt(lambda: (dirs["outside"] / "new.txt").write_text("new")),
        }

    assert in_child(body) == {"read": "PermissionError", "list": "PermissionError", "create": "PermissionError"}


@needs_landlock
def test_landlock_single_file_and_missing_paths(dirs):
    given = dirs["read_only"] / "given.txt"
    (dirs["read_only"] / "other.txt").write_text("other")

    def body():
        landlock.restrict([str(given), str(dirs["outside"] / "missing")], [str(dirs["read_write"] / "missing")])
        return {
            "given": given.read_text(),
            "overwrite_given": attempt(lambda: given.write_text("changed")),
            "sibling": attempt(lambda: (dirs["read_only"] / "other.txt").read_text()),
        }

    assert in_child(body) == {"given": "given", "overwrite_given": "PermissionError", "sibling": "PermissionError"}


@needs_landlock
def test_landlock_returns_the_abi_it_used():
    assert in_child(lambda: {"abi": landlock.restrict([], [])}) == {
        "abi": min(landlock.abi_version(), landlock.NEWEST_KNOWN_ABI)}


@pytest.mark.parametrize("older_abi", range(1, landlock.NEWEST_KNOWN_ABI))
def test_landlock_rulesets_of_older_abis_are_accepted(older_abi, dirs, monkeypatch):
    """A newer kernel accepts an older ABI's struct size and rights, so each layout can be tried here."""
    if landlock.abi_version() < older_abi:
        pytest.skip(f"this kernel offers Landlock ABI {landlock.abi_version()}")
    monkeypatch.setattr(landlock, "_kernel_abi", lambda: older_abi)

    def body():
        used = landlock.restrict([str(dirs["read_only"])], [str(dirs["read_write"])])
        return {"abi": used, "outside": attempt(lambda: (dirs["outside"] / "secret.txt").read_text()),
                "write": attempt(lambda: (dirs["read_write"] / "new.txt").write_text("new"))}

    assert in_child(body) == {"abi": older_abi, "outside": "PermissionError", "write": "ok"}


@pytest.mark.skipif(landlock.abi_version() < 6, reason="signal scoping needs Landlock ABI 6")
def test_landlock_scopes_signals_to_the_domain():
    def body():
        landlock.restrict([], [])
        return {"self": attempt(lambda: os.kill(os.getpid(), 0)), "parent": attempt(lambda: os.kill(os.getppid(), 0))}

    assert in_child(body) == {"self": "ok", "parent": "PermissionError"}


@pytest.mark.skipif(landlock.abi_version() < 4, reason="TCP rules need Landlock ABI 4")
def test_landlock_denies_tcp_connect():
    def body():
        landlock.restrict([], [])
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            return {"connect": attempt(lambda: client.connect(("127.0.0.1", 9)))}

    assert in_child(body) == {"connect": "PermissionError"}


# ---- seccomp -----------------------------------------------------------------------------------

def sandboxed(body: Callable[[], dict]) -> dict:
    """`in_child`, with the seccomp filter installed first."""
    def filtered_body():
        seccomp.install(os.getpid())
        return body()

    return in_child(filtered_body)


def test_seccomp_denies_new_processes():
    def body():
        return {
            "fork": attempt(os.fork),
            "exec": attempt(lambda: os.execv("/bin/true", ["true"])),
            "subprocess": attempt(lambda: subprocess.run(["/bin/true"])),
        }

    assert sandboxed(body) == {"fork": "PermissionError", "exec": "PermissionError", "subprocess": "PermissionError"}


def test_seccomp_allows_only_unix_sockets():
    def body():
        left, right = socket.socketpair()
        left.sendall(b"ping")
        return {"socketpair": right.recv(4).decode(), "inet": attempt(lambda: socket.socket(socket.AF_INET)),
                "inet6": attempt(lambda: socket.socket(socket.AF_INET6)),
                "unix": attempt(lambda: socket.socket(socket.AF_UNIX).close())}

    assert sandboxed(body) == {"socketpair": "ping", "inet": "PermissionError", "inet6": "PermissionError",
                               "unix": "ok"}


def test_seccomp_allows_threads():
    def body():
        results = []
        worker = threading.Thread(target=lambda: results.append(threading.get_native_id() != os.getpid()))
        worker.start()
        worker.join()
        return {"thread_ran_apart": results}

    assert sandboxed(body) == {"thread_ran_apart": [True]}


def test_seccomp_allows_signals_to_itself_only():
    def body():
        return {"self": attempt(lambda: os.kill(os.getpid(), 0)),
                "parent": attempt(lambda: os.kill(os.getppid(), 0)),
                "everyone": attempt(lambda: os.kill(-1, 0))}

    assert sandboxed(body) == {"self": "ok", "parent": "PermissionError", "everyone": "PermissionError"}


def test_seccomp_keeps_numpy_working():
    def body():
        rng = np.random.default_rng(0)
        matrix = rng.standard_normal((300, 300))
        product = matrix @ np.linalg.inv(matrix)
        return {"identity": bool(np.allclose(product, np.eye(300), atol=1e-6))}

    assert sandboxed(body) == {"identity": True}


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_seccomp_filter_jumps_stay_inside_the_program(machine):
    program = seccomp.build_filter(machine, own_pid=4242)
    for position, instruction in enumerate(program):
        if instruction.code & 0x07 == 0x05:  # a jump
            assert position + 1 + max(instruction.jt, instruction.jf) < len(program)
    assert program[-1].code == 0x06 and program[-1].k == 0x7FFF0000  # ends allowing
