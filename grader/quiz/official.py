"""Official grading of a quiz's answer file, `<student>/quiz-exerciseN.toml`, in a batch.

An answer file is data, never code: the coordinator (grader.batch) grades it itself, without a
grading process. Each question is a check named by its id, `passed` or `failed` with what was
wrong and the explanation, so the gradebook, the export, the feedback and the class report show a
quiz as they show any exercise.

- The student graded is the folder's name, whatever the file's `student` says: a generated
  question's numbers are drawn per student (grader.quiz.generators), so a file copied from a
  classmate is judged on the numbers of the student who handed it in, and a note says so.
- A file that cannot be read as answers (over MAX_BYTES, not UTF-8, not TOML) is the student's
  doing: every question is an `error` naming why, and the grade is complete (graded again when
  the file changes).
- A problem of the grader's (no bank for the exercise, a broken bank, a key this copy of the
  grader cannot compute or unseal) is one `error` result, incomplete: the next `grader grade`
  tries again.
"""

from __future__ import annotations

import time
from pathlib import Path

from grader.checks.result import CheckResult
from grader.classroom import StudentFile
from grader.exercises import quizzed_exercise
from grader.gradebook import Graded
from grader.quiz.answers import AnswerFileError, grade_posed, read_answers
from grader.quiz.bank import BANKS, load_bank
from grader.quiz.grading import Posed, pose

MAX_BYTES = 1 << 20  # a filled template is a few KiB; more is not an answer file, and is not read
WHOLE_QUIZ = "quiz"  # the name of the one result of a quiz the grader could not grade


class Unreadable(ValueError):
    """The file cannot be read as text; `str()` says why."""


def grade_quiz_file(submission: StudentFile) -> Graded:
    """Grade one answer file. Never raises: whatever goes wrong is a result."""
    started = time.perf_counter()
    try:
        checks, notes = _grade(submission)
        complete = True
    except Exception as problem:  # the grader's, not the student's: graded again next run, the batch goes on
        message = f"the grader failed ({type(problem).__name__}: {problem}); this is not your fault, " \
                  "and it will be graded again"
        checks, notes, complete = (CheckResult(WHOLE_QUIZ, 0.0, 0.0, "error", message),), (), False
    return Graded(submission.student, submission.exercise, str(submission.path), submission.sha256,
                  submission.submitted_at, time.perf_counter() - started, sum(check.score for check in checks),
                  sum(check.max_score for check in checks), checks, submission.notes + notes, complete)


def _grade(submission: StudentFile) -> tuple[tuple[CheckResult, ...], tuple[str, ...]]:
    posed = _posed(quizzed_exercise(submission.exercise), submission.student)
    try:
        answer_file = read_answers(_text(submission.path))
    except (Unreadable, AnswerFileError) as problem:
        message = f"{submission.path.name}: {problem}"
        return tuple(CheckResult(asked.question.id, 0.0, asked.question.points, "error", message)
                     for asked in posed), ()
    results = grade_posed(posed, answer_file.answers, answer_file.language)
    checks = tuple(CheckResult(result.id, result.score, result.max_score,
                               "passed" if result.score == result.max_score else "failed", result.message)
                   for result in results)
    named = answer_file.student
    notes = () if named in (None, submission.student) else (
        f"the file names student {named[:60]!r}; graded as {submission.student} "
        "(generated questions use the numbers of the student graded)",)
    return checks, notes


def _posed(exercise: str, student: str) -> list[Posed]:
    """The exercise's questions as `student` gets them, provided this grader can judge every
    answer to them."""
    if not (BANKS / f"{exercise}.toml").is_file():
        raise LookupError(f"{exercise} has no quiz bank ({exercise}.toml)")
    bank = load_bank(exercise)
    # A student release's sealed keys, or a checkout without reference/, cannot judge every answer:
    # such a grade would read as wrong answers, so none is recorded.
    posed = [pose(question, student, exercise) for question in bank.questions]
    unchecked = [asked.question.id for asked in posed if not asked.checkable]
    if unchecked:
        raise LookupError(f"this copy of the grader cannot check {', '.join(unchecked)} for {student}: "
                          "official grading needs the instructor's checkout")
    return posed


def _text(path: Path) -> str:
    with path.open("rb") as file:
        data = file.read(MAX_BYTES + 1)  # never more, whatever the file's size
    if len(data) > MAX_BYTES:
        raise Unreadable(f"larger than {MAX_BYTES >> 20} MiB, which no answer file is")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(f"not UTF-8 text (byte {error.start} cannot be decoded)") from None
