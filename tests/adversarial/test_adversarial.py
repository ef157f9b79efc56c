"""Hostile submissions of exercise 3: each attack must fail with a named error or failure, score
nothing on the checks it attacks, and leave the grader and the other checks unharmed.

Each `*.py` file here holds the definitions an attacker would put in place of the reference's
(its docstring says the attack and why it must fail); the submission graded is the reference with
those definitions appended. `@NAME@` placeholders are filled in per test (paths, a secret's name).
Outcomes that rest on an OS layer skip, naming the layer, where the host does not offer it.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader import student as student_module
from grader.checks.core import run_check
from grader.exercises import load_exercise
from grader.runner import grade
from grader.sandbox import zygote as zygote_module
from grader.student import Student
from grader.submission import read_submission
from tests.helpers import ROOT, reference_with

HERE = Path(__file__).parent
SOFTMAX = "softmax matches torch.softmax along any axis"
LOG_SOFTMAX = "log_softmax matches torch.log_softmax along any axis"
KEEPS_INPUTS = "no function changes its input arrays"
CHECKS = {check.name: check for check in load_exercise("exercise3").checks}
SECRET = "GRADER_ADVERSARIAL_SECRET"


@dataclass(frozen=True)
class Case:
    file: str
    status: str  # of every attacked check: "error" or "failed"
    message: str  # a fragment of each attacked check's message that names what happened
    attacked: tuple[str, ...] = (SOFTMAX,)
    unharmed: tuple[str, ...] = (LOG_SOFTMAX,)  # graded in the same run, and must still pass
    needs: tuple[str, str] | None = None  # (layer, fragment of its detail) the outcome rests on
    must_not_exist: str | None = None  # a file the attack tries to write

    def __str__(self) -> str:
        return self.file.removesuffix(".py")


LANDLOCK = ("landlock", "")
SECCOMP = ("seccomp", "")
MEMORY_LIMIT = ("resource limits", "GiB of memory")  # no RLIMIT_AS on hosts with CUDA devices
FILE_LIMIT = ("resource limits", "files up to")
STOPPED = "tried to stop the program"
REFUSED = "which is not allowed while grading"
EVERY_CHECK_LOAD_FAILED = dict(attacked=(SOFTMAX, LOG_SOFTMAX), unharmed=())

CASES = [
    # Exits: an exit code is never a result.
    Case("sys_exit_zero.py", "error", f"{STOPPED} (SystemExit: 0"),
    Case("quit_builtin.py", "error", f"{STOPPED} (SystemExit"),
    Case("raise_system_exit.py", "error", f"{STOPPED} (SystemExit: bye"),
    Case("raise_keyboard_interrupt.py", "error", f"{STOPPED} (KeyboardInterrupt"),
    Case("raise_base_exception_subclass.py", "error", "Escape: out"),
    Case("os_exit_zero.py", "error", "ended the worker process (exit code 0"),
    Case("exit_at_import.py", "error", "could not be loaded: SystemExit", **EVERY_CHECK_LOAD_FAILED),
    # Patching the comparison or the oracle: both run in the grader's process, not the worker.
    Case("numpy_comparisons_patched.py", "failed", "expected:"),
    Case("torch_patched.py", "failed", "expected:"),
    # Reaching the grader's code or the worker's objects (its signing key).
    Case("import_grader.py", "error", f"tried importing grader.checks.compare, {REFUSED}"),
    Case("import_grader_caught.py", "error", f"tried importing grader, {REFUSED}"),
    # No audit event for a class attribute (Python 3.11): the grader's classes are immutable instead.
    Case("grader_class_patched.py", "error", "cannot set 'send' attribute of immutable type"),
    Case("grader_function_code_swapped.py", "error", "tried changing the grader's Worker.encode"),
    Case("signing_key_spied.py", "failed", "expected:"),
    Case("guard_globals_rebound.py", "error", f"tried gc.get_objects, {REFUSED}"),
    Case("inspect_renamed.py", "error", f"tried sys._getframe, {REFUSED}"),
    Case("getframe_locals.py", "error", f"tried sys._getframe, {REFUSED}"),
    Case("inspect_stack.py", "error", f"tried sys._getframe, {REFUSED}"),
    Case("traceback_walk_stack.py", "error", f"tried sys._getframe, {REFUSED}"),
    Case("traceback_frame_back.py", "error", f"tried reading .tb_frame, {REFUSED}"),
    Case("generator_frame_back.py", "error", f"tried reading .gi_frame, {REFUSED}"),
    Case("thread_pool_frame.py", "error", f"tried reading .tb_frame in a thread, {REFUSED}"),
    Case("gc_get_objects.py", "error", f"tried gc.get_objects, {REFUSED}"),
    Case("forged_answer.py", "error", "broke the worker's protocol (an answer the worker did not sign"),
    # Posing as results: stdout and files are never read as results.
    Case("fake_results_printed.py", "failed", "expected:"),
    Case("results_in_tmp.py", "error", "PermissionError", needs=LANDLOCK, must_not_exist="@TMP@/results.json"),
    Case("results_in_submission_dir.py", "error", "PermissionError", needs=LANDLOCK,
         must_not_exist="@SUBMISSION_DIR@/results.json"),
    Case("results_in_autograder.py", "error", "PermissionError", needs=LANDLOCK,
         must_not_exist="/autograder/results/results.json"),
    # Reading what the student must not see.
    Case("read_reference.py", "error", "PermissionError", needs=LANDLOCK),
    Case("read_hidden_checks.py", "error", "PermissionError", needs=LANDLOCK),
    Case("read_parent_memory.py", "error", "PermissionError", needs=LANDLOCK),
    Case("read_parent_environ.py", "error", "PermissionError", needs=LANDLOCK),
    # Network and processes.
    Case("inet_socket.py", "error", f"tried opening a network socket, {REFUSED}"),
    Case("fork_bomb.py", "error", f"tried os.fork, {REFUSED}"),
    Case("posixsubprocess_fork.py", "error", "PermissionError: [Errno 1] Operation not permitted", needs=SECCOMP),
    Case("ctypes_fork_in_thread.py", "error", f"tried ctypes in a thread, {REFUSED}"),
    # Resources.
    Case("memory_bomb_array.py", "error", "MemoryError", needs=MEMORY_LIMIT),
    Case("memory_bomb_list.py", "error", "MemoryError", needs=MEMORY_LIMIT),
    Case("huge_file.py", "error", "OSError: [Errno 27] File too large", needs=FILE_LIMIT),
    Case("deep_recursion.py", "error", "RecursionError: maximum recursion depth exceeded"),
    Case("c_recursion.py", "error", "ended the worker process (signal"),
    # Strange return values and inputs.
    Case("returns_ndarray_subclass.py", "error", "should be a numpy array"),
    Case("returns_tricky_object.py", "error", "should be a numpy array"),
    Case("returns_input.py", "failed", "softmax changed an input in place", attacked=(KEEPS_INPUTS,)),
    Case("mutates_input.py", "failed", "softmax changed an input in place", attacked=(KEEPS_INPUTS,)),
]


def submission(tmp_path: Path, file: str) -> Path:
    """The reference with the attack's definitions appended, placeholders filled in."""
    attack = fill((HERE / file).read_text(), tmp_path)
    path = tmp_path / "submission.py"
    path.write_text(reference_with("exercise3", attack))
    return path


def fill(text: str, tmp_path: Path) -> str:
    places = {"@REPO@": str(ROOT), "@SUBMISSION_DIR@": str(tmp_path), "@TMP@": tempfile.gettempdir(),
              "@SECRET@": SECRET}
    for placeholder, value in places.items():
        text = text.replace(placeholder, value)
    return text


def graded(tmp_path: Path, file: str, checks) -> dict:
    return {r.name: r for r in grade("exercise3", submission(tmp_path, file), only=list(checks)).results}


@pytest.fixture(scope="session")
def layers() -> dict:
    """The isolation layers of a worker on this host, by name."""
    with Student(read_submission(ROOT / "reference" / "exercise3.py")) as student:
        loaded = student.load()
        # Where a worker's layers are kept is changing (Loaded.layers, or Student.layers): either.
        found = getattr(student, "layers", None) or loaded.layers
        return {layer.name: layer for layer in found}


def require(layers: dict, needs: tuple[str, str] | None) -> None:
    if needs is None:
        return
    name, fragment = needs
    layer = layers[name]
    if not layer.active or fragment not in layer.detail:
        pytest.skip(f"{name} not active on this host: {layer.detail}")


def file_state(path: Path):
    return path.read_bytes() if path.exists() else None


@pytest.mark.parametrize("case", CASES, ids=str)
def test_attack_fails_and_harms_nothing_else(case: Case, tmp_path, layers):
    require(layers, case.needs)
    target = Path(fill(case.must_not_exist, tmp_path)) if case.must_not_exist else None
    before = file_state(target) if target else None  # /tmp/results.json may be someone else's
    results = graded(tmp_path, case.file, [*case.attacked, *case.unharmed])
    for name in case.attacked:
        result = results[name]
        assert (result.status, result.score) == (case.status, 0), result.message
        assert case.message in result.message
        assert "internal error of the grader" not in result.message
    for name in case.unharmed:
        assert results[name].status == "passed", results[name].message
    if target:
        assert file_state(target) == before, f"{target} was written"


def test_results_json_in_the_scratch_directory_is_allowed_and_changes_nothing(tmp_path):
    # The scratch directory is the worker's cwd: writing there is fine; nothing reads it.
    results = graded(tmp_path, "results_in_scratch.py", [SOFTMAX])
    assert results[SOFTMAX].status == "passed", results[SOFTMAX].message
    assert not (tmp_path / "results.json").exists()


def test_ten_thousand_lines_of_output_change_nothing(tmp_path):
    results = graded(tmp_path, "many_lines_of_output.py", [SOFTMAX, LOG_SOFTMAX])
    assert {r.status for r in results.values()} == {"passed"}


def test_thread_that_outlives_its_check_cannot_touch_the_next(tmp_path):
    # The saboteur patches log_softmax from softmax's check on; that worker is killed with it.
    results = graded(tmp_path, "thread_outlives_check.py", [SOFTMAX, LOG_SOFTMAX])
    assert results[SOFTMAX].status == "passed", results[SOFTMAX].message
    assert results[LOG_SOFTMAX].status == "passed", results[LOG_SOFTMAX].message


@pytest.mark.parametrize("file", ["infinite_loop.py", "sigterm_ignored.py"])
def test_endless_softmax_ends_at_its_time_limit_and_the_next_check_is_fresh(tmp_path, file):
    with Student(read_submission(submission(tmp_path, file))) as student:
        looping = run_check(dataclasses.replace(CHECKS[SOFTMAX], time_limit=1.0), student)
        after = run_check(CHECKS[LOG_SOFTMAX], student)
    assert (looping.status, looping.score) == ("error", 0)
    assert "ran past its time limit" in looping.message
    assert after.status == "passed", after.message


def test_hang_at_import_is_a_timeout_of_every_check(tmp_path, monkeypatch):
    monkeypatch.setattr(student_module, "LOAD_SECONDS", 1.0)
    results = graded(tmp_path, "hang_at_import.py", [SOFTMAX, LOG_SOFTMAX])
    for result in results.values():
        assert (result.status, result.score) == ("error", 0)
        assert "loading your file took more than 1 s" in result.message


@pytest.mark.parametrize("file, needs, message", [
    ("kill_parent.py", None, f"tried os.kill, {REFUSED}"),
    ("pidfd_kill_parent.py", LANDLOCK, "PermissionError: [Errno 1] Operation not permitted"),
])
def test_killing_the_zygote_is_refused_and_it_lives_on(tmp_path, layers, file, needs, message):
    require(layers, needs)
    path = submission(tmp_path, file)
    with Student(read_submission(path)) as student:
        student.prepare()
        zygote = student.zygote
        killing = run_check(CHECKS[SOFTMAX], student)
        after = run_check(CHECKS[LOG_SOFTMAX], student)
        assert zygote.alive() and student.zygote is zygote  # the same zygote served the next check
    assert (killing.status, killing.score) == ("error", 0)
    assert message in killing.message
    assert after.status == "passed", after.message


@pytest.fixture
def fresh_zygote(monkeypatch):
    """A zygote started inside the test, so that it inherits the environment the test sets."""
    monkeypatch.setattr(zygote_module, "_zygotes", {})
    yield
    for started in zygote_module._zygotes.values():
        started.close()


def test_the_graders_environment_is_not_visible_to_student_code(tmp_path, monkeypatch, fresh_zygote):
    monkeypatch.setenv(SECRET, "hunter2")  # before the zygote starts: it and its workers inherit it
    # softmax adds len(os.environ.get(SECRET, "")) to a correct result: any sight of it fails the check.
    results = graded(tmp_path, "secret_environment.py", [SOFTMAX])
    assert results[SOFTMAX].status == "passed", results[SOFTMAX].message
