"""Batch grading: a class in parallel into the gradebook; broken submissions, a killed batch,
a dying grading process, and readers during a batch."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from grader.batch import GradingProcess, grade_class
from grader.classroom import find_submissions
from grader.exercises import load_exercise
from grader.gradebook import Gradebook
from tests.helpers import ROOT

EXERCISE3_CHECKS = len(load_exercise("exercise3").checks)
MAX3 = load_exercise("exercise3").max_score


def make_class(root: Path, files: dict[str, str | Path]) -> Path:
    """`files` maps "student/exercise3.py" to its text, or to a file to copy."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, path)
        else:
            path.write_text(content)
    return root


SMALL_CLASS = {
    "ann/exercise3.py": ROOT / "reference" / "exercise3.py",
    "ann/timestamp.txt": "2026-12-05 10:00:00+09:00",
    "bob/exercise3.py": ROOT / "exercises" / "exercise3.py",
    "cat/exercise3.py": "",
    "dan/exercise3.py": "import sys\nsys.exit(0)\n",
    "eve/exercise3.ipynb": '{"cells": [{"cell_type": "code", "sour',
}


def grader_command(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def consistent(book: Gradebook, exercise: str | None = None) -> list:
    """Every submission the book holds (of `exercise`), each checked whole: all its checks, and a
    score that is their sum."""
    graded = book.graded(exercise)
    for submission in graded:
        assert len(submission.checks) == EXERCISE3_CHECKS, submission
        assert submission.score == sum(check.score for check in submission.checks)
    return graded


def test_a_class_with_broken_submissions_is_graded_whole_and_unchanged_files_are_skipped(tmp_path):
    make_class(tmp_path / "class", SMALL_CLASS)
    first = grader_command("grade", "class", "--jobs", "2", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "5 submissions of 5 students in class: 5 to grade, 0 unchanged" in first.stderr
    assert "[5/5]" in first.stderr and "with errors" in first.stderr  # a line per submission off a terminal
    with Gradebook(tmp_path / "gradebook.db") as book:
        graded = {submission.student: submission for submission in consistent(book)}
        assert book.students() == ["ann", "bob", "cat", "dan", "eve"]
    assert graded["ann"].score == MAX3
    assert graded["ann"].submitted_at == datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc)  # timestamp.txt
    assert graded["bob"].score == 0 and all(c.status == "failed" for c in graded["bob"].checks)  # the stub: TODO
    expected = {"cat": "exercise3.py is empty", "dan": "could not be loaded: SystemExit: 0",
                "eve": "not a readable Jupyter notebook"}
    for student, message in expected.items():
        assert graded[student].score == 0
        assert all(c.status == "error" and message in c.message for c in graded[student].checks), student

    # Again: nothing changed, nothing graded. Then one student fixes the file: only it is graded.
    again = grader_command("grade", "class", "--jobs", "2", cwd=tmp_path)
    assert "0 to grade, 5 unchanged" in again.stderr
    shutil.copy(ROOT / "reference" / "exercise3.py", tmp_path / "class" / "bob" / "exercise3.py")
    fixed = grader_command("grade", "class", cwd=tmp_path)
    assert "1 to grade, 4 unchanged" in fixed.stderr and "[1/1] bob exercise3" in fixed.stderr
    with Gradebook(tmp_path / "gradebook.db") as book:
        assert [s.score for s in consistent(book) if s.student == "bob"] == [MAX3]


def test_a_batch_killed_mid_way_loses_nothing_and_duplicates_nothing(tmp_path):
    reference = ROOT / "reference" / "exercise3.py"
    make_class(tmp_path / "class", {f"student{n}/exercise3.py": reference for n in range(4)})
    batch = subprocess.Popen([sys.executable, "-m", "grader.cli", "grade", "class", "--jobs", "1"], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    book_path = tmp_path / "gradebook.db"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if book_path.exists() and len(Gradebook(book_path).graded()) >= 1:
                break
            time.sleep(0.05)
    finally:
        os.killpg(batch.pid, signal.SIGKILL)  # mid-way: the coordinator dies without a word
        batch.wait()
    with Gradebook(book_path) as book:
        survived = consistent(book)
    assert 1 <= len(survived) < 4
    rerun = grader_command("grade", "class", "--jobs", "2", cwd=tmp_path)
    assert f"{4 - len(survived)} to grade, {len(survived)} unchanged" in rerun.stderr
    with Gradebook(book_path) as book:
        graded = consistent(book)
    assert sorted(s.student for s in graded) == [f"student{n}" for n in range(4)]
    assert all(s.score == MAX3 for s in graded)


def test_readers_see_a_consistent_book_while_a_batch_writes(tmp_path):
    make_class(tmp_path / "class", {f"s{n}/exercise3.py": ("" if n % 2 else "import sys\nsys.exit(1)\n")
                                    for n in range(8)})
    book_path = tmp_path / "gradebook.db"
    reads, stop = [], threading.Event()

    def reader():
        with Gradebook(book_path) as book:
            while not stop.is_set():
                reads.append(len(consistent(book)))

    with Gradebook(book_path) as book:
        thread = threading.Thread(target=reader)
        thread.start()
        try:
            grade_class(find_submissions(tmp_path / "class"), book, jobs=2)
        finally:
            stop.set()
            thread.join()
    assert reads[-1] == 8 and reads == sorted(reads)  # submissions appear whole, one by one


def test_a_grading_process_that_dies_or_hangs_costs_that_submission_only_and_it_is_retried(tmp_path):
    make_class(tmp_path / "class", {"ann/exercise3.py": ROOT / "reference" / "exercise3.py"})
    [submission] = find_submissions(tmp_path / "class")
    process = GradingProcess(["exercise3"])
    answer = {}
    thread = threading.Thread(target=lambda: answer.update(graded=process.grade(submission, timeout=300)))
    thread.start()
    while not process.startups:  # started and warmed up: now grading
        time.sleep(0.01)
    time.sleep(0.5)
    process.process.kill()  # the host's OOM killer, say
    thread.join()
    died = answer["graded"]
    assert not died.complete and died.score == 0 and len(died.checks) == EXERCISE3_CHECKS
    assert all("the grading process died (signal 9" in check.message and "graded again" in check.message
               for check in died.checks)

    hung = process.grade(submission, timeout=0.2)  # a fresh process; far too short to grade anything
    assert not hung.complete and "grading took more than 0 s and was stopped" in hung.checks[0].message
    graded = process.grade(submission, timeout=300)  # and the next submission is graded as usual
    process.close()
    assert graded.complete and graded.score == MAX3

    with Gradebook(tmp_path / "gradebook.db") as book:
        book.record(died, "this grader")
        assert not book.is_current("ann", "exercise3", submission.sha256, "this grader")  # retried next run
        book.record(graded, "this grader")
        assert book.is_current("ann", "exercise3", submission.sha256, "this grader")


def test_submissions_are_found_with_their_times_and_a_second_file_is_noted(tmp_path):
    make_class(tmp_path / "class", {
        "ann/exercise1.py": "", "ann/exercise1.ipynb": "{}", "ann/exercise2.ipynb": "{}", "ann/notes.txt": "",
        "ann/timestamp.txt": "2026-12-04 23:00:00+09:00",
        "bob/exercise7.py": "", "bob/timestamp.txt": "yesterday evening",
        ".git/exercise1.py": "", "README.md": "",
    })
    found = find_submissions(tmp_path / "class")
    assert [(s.student, s.path.name) for s in found] == [("ann", "exercise1.py"), ("ann", "exercise2.ipynb"),
                                                          ("bob", "exercise7.py")]
    assert found[0].notes == ("exercise1.ipynb was also handed in; exercise1.py was graded",)
    assert found[0].submitted_at == datetime(2026, 12, 4, 14, 0, tzinfo=timezone.utc)
    assert "not an ISO 8601 time" in found[2].notes[0]  # the file's own time counts, and the report says why
    assert found[2].submitted_at == datetime.fromtimestamp(found[2].path.stat().st_mtime, timezone.utc)
    assert [s.exercise for s in find_submissions(tmp_path / "class", ["exercise7"])] == ["exercise7"]


@pytest.mark.parametrize("option", ["--strict"])
def test_strict_batch_refuses_on_a_host_without_the_required_layers(tmp_path, option, monkeypatch):
    from click.testing import CliRunner

    import grader.runner
    from grader.cli import main

    def missing():
        raise grader.runner.IncompleteIsolation("landlock: not supported by this kernel")

    monkeypatch.setattr(grader.runner, "require_isolation", missing)
    make_class(tmp_path / "class", {"ann/exercise3.py": ""})
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), option,
                                       "--gradebook", str(tmp_path / "book.db")])
    assert result.exit_code == 2 and "landlock: not supported" in result.output
    assert not (tmp_path / "book.db").exists()


def test_a_grading_process_that_cannot_start_is_a_named_error_not_a_crash(tmp_path, monkeypatch):
    make_class(tmp_path / "class", {"ann/exercise3.py": ""})
    [submission] = find_submissions(tmp_path / "class")
    monkeypatch.setattr(sys, "executable", "/bin/false")  # a broken install: the process exits at once
    process = GradingProcess(["exercise3"])
    graded = process.grade(submission, timeout=60)
    process.close()
    assert not graded.complete and len(graded.checks) == EXERCISE3_CHECKS
    assert "the grading process did not start (exit code 1)" in graded.checks[0].message


def test_the_sample_class_grades_as_its_readme_says(tmp_path):
    # README's main command, on the exercise the class covers most, its quiz included: the scores
    # of submissions/README.md, the late ones marked by their timestamp.txt.
    result = grader_command("grade", str(ROOT / "submissions"), "--exercise", "exercise3", "--jobs", "2",
                            "--gradebook", str(tmp_path / "book.db"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    with Gradebook(tmp_path / "book.db") as book:
        scores = {s.student: (s.score, s.max_score) for s in consistent(book, "exercise3")}
        quizzes = {s.student: (s.score, s.max_score) for s in book.graded("quiz-exercise3")}
    assert scores == {"choi-hyunwoo": (12, 24), "han-seojun": (0, 24), "kim-minji": (24, 24), "lee-jihoon": (13, 24),
                      "nguyen-thanh-ha": (24, 24), "park-seoyeon": (24, 24), "yoon-jiwoo": (0, 24)}
    assert quizzes == {"kim-minji": (10, 11), "nguyen-thanh-ha": (7, 11)}
    assert not list((ROOT / "submissions").rglob("results.json"))  # the hostile one's forgery went nowhere
