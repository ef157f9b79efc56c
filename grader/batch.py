"""Grading a whole class in parallel, into the gradebook.

`grade_class` hands submissions to `jobs` grading processes (`python -m grader.batch`), each a
long-lived grader with its own zygotes, so torch and the checks are imported once per process,
not once per submission. The coordinator (this process) alone writes the gradebook, one
transaction per submission, as results arrive. A quiz's answer file runs no code: the coordinator
grades it itself (grader.quiz.official), while the grading processes start.

Nothing a submission does can stop the batch: student code runs in the workers of a grading
process (grader.sandbox), and should a grading process itself die or hang (a bug of the grader,
the host's OOM killer), that submission gets an `error` result naming what happened, marked
incomplete so the next run grades it again, and a fresh process takes the next submission.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from grader import integrity
from grader.classroom import StudentFile
from grader.exercises import TORCH_EXERCISES, quizzed_exercise
from grader.checks.result import CheckResult
from grader.gradebook import Gradebook, Graded
from grader.quiz.official import grade_quiz_file

SUBMISSION_SECONDS = 900.0  # far above any submission's checks (their own limits add up to less)
READY = b"ready\n"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
START_SECONDS = 300.0  # importing torch and the checks, starting zygotes, on a cold and busy machine


def fingerprint() -> str:
    """A hash of the grader's own files: a submission graded by another grader is graded again."""
    return integrity.fingerprint(integrity.package_files())[:16]


def outdated(submissions: list[StudentFile], book: Gradebook, grader_id: str) -> list[StudentFile]:
    """The submissions the book lacks a current grade of: new, changed, graded by another grader,
    or graded incompletely. An unchanged file only gets its submission time updated."""
    todo = []
    for submission in submissions:
        if book.is_current(submission.student, submission.exercise, submission.sha256, grader_id):
            book.retime(submission.student, submission.exercise, submission.submitted_at)
        else:
            todo.append(submission)
    return todo


def grade_class(submissions: list[StudentFile], book: Gradebook, *, jobs: int, on_recorded=lambda graded: None,
                timeout: float = SUBMISSION_SECONDS, grader_id: str | None = None) -> list[float]:
    """Grade every submission, code with `jobs` processes and quiz answers here, recording each in
    `book` as it completes (under `grader_id`, by default this grader's fingerprint). Returns the
    seconds each grading process took to start (not counted in any submission's time)."""
    grader_id = grader_id or fingerprint()
    quizzes = [submission for submission in submissions if quizzed_exercise(submission.exercise)]
    code = [submission for submission in submissions if not quizzed_exercise(submission.exercise)]
    pending: queue.Queue[StudentFile | None] = queue.Queue()
    # The PyTorch exercises take longest: started first, they do not finish alone at the end.
    for submission in sorted(code, key=lambda s: s.exercise not in TORCH_EXERCISES):
        pending.put(submission)
    finished: queue.Queue[Graded] = queue.Queue()
    exercises = sorted({submission.exercise for submission in code})
    jobs = min(jobs, len(code))  # no process without code to grade
    # The cores are shared out: with one process per core, thread pools in each would fight over
    # the cores the others use (benchmarks/batch.py, 2 jobs on 2 cores: 1.56x the 1-job throughput
    # with a pool of 2 threads in each, 1.84x and 2.08x with 1).
    threads = max(1, (os.cpu_count() or 1) // max(jobs, 1))
    processes = [GradingProcess(exercises, threads) for _ in range(jobs)]
    slots = [threading.Thread(target=_serve_slot, args=(process, pending, finished, timeout), daemon=True)
             for process in processes]
    for slot in slots:
        pending.put(None)  # one stop sign per slot
        slot.start()

    def record(graded: Graded) -> None:
        book.record(graded, grader_id)
        on_recorded(graded)

    try:
        for submission in quizzes:  # data, not code: graded here while the grading processes start
            record(grade_quiz_file(submission))
        for _ in code:
            record(finished.get())
    finally:  # Ctrl-C included: no grading process outlives the batch
        for process in processes:
            process.close()
    return [seconds for process in processes for seconds in process.startups]


def _serve_slot(process: GradingProcess, pending: queue.Queue, finished: queue.Queue, timeout: float) -> None:
    while (submission := pending.get()) is not None:
        try:
            finished.put(process.grade(submission, timeout))
        except Exception as bug:  # of the coordinator's own (a process that cannot start): noted, not lost
            finished.put(_ungraded(submission, f"the grader failed ({type(bug).__name__}: {bug})", 0.0))


class GradingProcess:
    """One `python -m grader.batch EXERCISE…` process: a submission (JSON line) in, its report out."""

    def __init__(self, exercises: list[str], threads: int = 1):
        self.exercises = exercises  # warmed up before the first submission
        self.threads = threads  # for torch's, OpenMP's and BLAS's pools in it
        self.startups: list[float] = []  # seconds each start took, until the process was ready
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # its stderr: shown when it dies, never mixed into the bar
        self.lock = threading.Lock()  # its slot thread may be starting it while the coordinator closes it
        self.closed = False

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.stop()

    def start(self) -> None:
        self.log.seek(0)
        self.log.truncate()
        started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, "-m", "grader.batch", *self.exercises], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log, start_new_session=True,
                                        env=os.environ | dict.fromkeys(THREAD_VARIABLES, str(self.threads)))
        ready, _, _ = select.select([self.process.stdout], [], [], START_SECONDS)
        if not ready or self.process.stdout.readline() != READY:
            raise StartFailed(f"the grading process did not start ({self._death() if ready else 'no answer'})")
        self.startups.append(time.perf_counter() - started)

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, 9)  # its zygotes and workers too
            self.process.wait()
            self.process = None

    def grade(self, submission: StudentFile, timeout: float) -> Graded:
        with self.lock:
            if self.closed:
                raise RuntimeError("the batch is over")
            if self.process is None or self.process.poll() is not None:
                try:
                    self.start()
                except StartFailed as failed:
                    self.stop()
                    return _ungraded(submission, str(failed), 0.0)
        started = time.perf_counter()
        try:
            self.process.stdin.write(json.dumps({"exercise": submission.exercise,
                                                 "path": str(submission.path)}).encode() + b"\n")
            self.process.stdin.flush()
            ready, _, _ = select.select([self.process.stdout], [], [], timeout)
            line = self.process.stdout.readline() if ready else None
        except (BrokenPipeError, OSError):
            line = b""
        seconds = time.perf_counter() - started
        if line:
            answer = json.loads(line)
            if "report" in answer:
                return _graded(submission, answer["report"], seconds)
            problem = f"the grader failed on this submission ({answer['internal_error']})"
        elif line is None:
            problem = f"grading took more than {timeout:.0f} s and was stopped"
        else:
            problem = f"the grading process died ({self._death()})"
        self.stop()
        return _ungraded(submission, problem, seconds)

    def _death(self) -> str:
        """How the process ended, with the last lines of its log."""
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return "it stopped answering"
        self.log.seek(0)
        tail = self.log.read().decode(errors="replace").strip().splitlines()[-3:]
        how = f"signal {-code}" if code < 0 else f"exit code {code}"
        return how + (f": {' / '.join(tail)}" if tail else "")


class StartFailed(RuntimeError):
    """A grading process died or hung before it was ready (a broken install, no memory left)."""


def _graded(submission: StudentFile, report: dict, seconds: float) -> Graded:
    checks = tuple(CheckResult(**check) for check in report["checks"])  # Report.to_json(timings=True), undone
    return Graded(submission.student, submission.exercise, str(submission.path), submission.sha256,
                  submission.submitted_at, seconds, report["score"], report["max_score"], checks,
                  submission.notes + tuple(report["notes"]))


def _ungraded(submission: StudentFile, problem: str, seconds: float) -> Graded:
    """Every check an error with `problem`, and incomplete: the next `grader grade` tries again.
    Code submissions only: quizzes never reach a grading process."""
    from grader.exercises import load_exercise

    message = f"{problem}; this is not your fault, and it will be graded again"
    checks = tuple(CheckResult(check.name, 0.0, check.points, "error", message, check.hidden)
                   for check in load_exercise(submission.exercise).checks)
    return Graded(submission.student, submission.exercise, str(submission.path), submission.sha256,
                  submission.submitted_at, seconds, 0.0, sum(check.max_score for check in checks), checks,
                  submission.notes, complete=False)


def serve(exercises: list[str]) -> None:
    """The grading process: warm up for `exercises`, say so, then read one JSON line per
    submission on stdin and answer one report per line."""
    from grader.runner import grade, warm_up

    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything printed while grading goes to the log, never into an answer
    warm_up(exercises)
    answers.write(READY.decode())
    answers.flush()
    for line in sys.stdin:
        job = json.loads(line)
        try:
            answer = {"report": grade(job["exercise"], Path(job["path"])).to_json(timings=True)}
        except Exception as bug:  # a bug of the grader's: this submission is retried, the batch goes on
            answer = {"internal_error": f"{type(bug).__name__}: {bug}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve(sys.argv[1:])
