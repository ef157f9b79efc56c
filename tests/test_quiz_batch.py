"""Quiz answer files in batch grading: `<student>/quiz-exerciseN.toml` found next to the code,
graded by the coordinator as the exercise `quiz-exerciseN`, and reported like any exercise."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

import grader.batch
from grader.batch import grade_class
from grader.checks.result import CheckResult
from grader.class_report import class_stats
from grader.classroom import StudentFile, find_submissions
from grader.cli import main
from grader.course import Course, load_course
from grader.export import results_json, write_csv
from grader.feedback import write_feedback
from grader.gradebook import Gradebook, Graded
from grader.quiz.answers import template
from grader.quiz.bank import load_bank
from grader.quiz.generators import GENERATORS, NoReference
from grader.quiz.official import grade_quiz_file
from tests.test_quiz_answers import right_answer

BANK = load_bank("exercise3")
GENERATED = [question.id for question in BANK.questions if question.generator]
QUIZ_TITLE = "Quiz: Softmax and cross-entropy (NumPy)"
ON_TIME = datetime(2026, 12, 1, tzinfo=timezone.utc)


def keys(student: str) -> dict[str, str]:
    """Every exercise3 question's right answer for `student`, as a TOML value."""
    return {question.id: right_answer(question, student, "exercise3") for question in BANK.questions}


def answer_file(student: str, answers: dict[str, str], language: str = "en") -> bytes:
    """`student`'s template filled in with `answers`, as a student hands it in."""
    text = template(BANK, student, language)
    for question_id, value in answers.items():
        text = text.replace(f"\n{question_id} = \n", f"\n{question_id} = {value}\n")
    return text.encode("utf-8")


def hand_in(root: Path, files: dict[str, bytes]) -> Path:
    """`files` maps "student/quiz-exercise3.toml" to its bytes."""
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def grade(root: Path, book_path: Path, jobs: int = 2) -> dict[tuple[str, str], Graded]:
    """The class graded into the book at `book_path`, read back by (student, exercise)."""
    with Gradebook(book_path) as book:
        grade_class(find_submissions(root), book, jobs=jobs, grader_id="test")
        return {(graded.student, graded.exercise): graded for graded in book.graded()}


@pytest.fixture(autouse=True)
def processes(monkeypatch) -> list[list[str]]:
    """Stand-ins for the grading processes: the exercises each was started for. A code
    submission gets full marks on one check, in no time."""
    started: list[list[str]] = []

    class FakeProcess:
        def __init__(self, exercises, threads=1):
            started.append(list(exercises))
            self.startups = []

        def grade(self, submission, timeout):
            return Graded(submission.student, submission.exercise, str(submission.path), submission.sha256,
                          submission.submitted_at, 0.0, 1.0, 1.0, (CheckResult("runs", 1.0, 1.0, "passed", ""),))

        def close(self):
            pass

    monkeypatch.setattr(grader.batch, "GradingProcess", FakeProcess)
    return started


def test_quiz_files_are_found_right_after_their_exercise_with_the_folders_time(tmp_path):
    root = hand_in(tmp_path / "class", {"ann/exercise3.py": b"", "ann/quiz-exercise3.toml": b"",
                                        "ann/quiz-exercise1.toml": b"", "ann/quiz-exercise3.txt": b"",
                                        "ann/timestamp.txt": b"2026-12-04 23:00:00+09:00"})
    found = find_submissions(root)
    assert [(s.exercise, s.path.name) for s in found] == [
        ("quiz-exercise1", "quiz-exercise1.toml"), ("exercise3", "exercise3.py"),
        ("quiz-exercise3", "quiz-exercise3.toml")]
    assert found[2].submitted_at == datetime(2026, 12, 4, 14, 0, tzinfo=timezone.utc)
    assert [s.exercise for s in find_submissions(root, ["exercise3"])] == ["exercise3", "quiz-exercise3"]


def test_right_answers_get_full_marks_without_a_grading_process(tmp_path, processes):
    root = hand_in(tmp_path / "class", {"ann/quiz-exercise3.toml": answer_file("ann", keys("ann"))})
    graded = grade(root, tmp_path / "book.db")[("ann", "quiz-exercise3")]
    assert [check.name for check in graded.checks] == [question.id for question in BANK.questions]
    assert all(check.status == "passed" and not check.hidden for check in graded.checks)
    assert graded.score == graded.max_score == BANK.max_score and graded.complete and not graded.notes
    assert processes == []  # a batch of quizzes starts no grading process


def test_a_wrong_answer_fails_with_the_explanation_in_the_files_language(tmp_path):
    answers = keys("ann") | {"softmax-subtract-max": "2"}
    del answers["regression-loss"]
    root = hand_in(tmp_path / "class", {"ann/quiz-exercise3.toml": answer_file("ann", answers, "ko")})
    checks = {check.name: check for check in grade(root, tmp_path / "book.db")[("ann", "quiz-exercise3")].checks}
    wrong = checks["softmax-subtract-max"]
    explanation = next(q for q in BANK.questions if q.id == "softmax-subtract-max").text["ko"].explanation
    assert (wrong.status, wrong.score, wrong.max_score) == ("failed", 0.0, 1.0)
    assert wrong.message == f"2 is not right: {explanation}"
    assert (checks["regression-loss"].status, checks["regression-loss"].message) == ("failed", "not answered")
    assert sum(check.status == "passed" for check in checks.values()) == len(BANK.questions) - 2


def test_a_file_naming_another_student_is_graded_with_the_folders_numbers(tmp_path):
    mine, copied = keys("ann"), keys("bob")
    assert all(mine[question] != copied[question] for question in GENERATED)  # else this proves nothing
    # ann hands in bob's file, having answered the first generated question with her own numbers.
    answers = copied | {GENERATED[0]: mine[GENERATED[0]]}
    root = hand_in(tmp_path / "class", {"ann/quiz-exercise3.toml": answer_file("bob", answers)})
    graded = grade(root, tmp_path / "book.db")[("ann", "quiz-exercise3")]
    status = {check.name: check.status for check in graded.checks}
    assert status[GENERATED[0]] == "passed"
    assert all(status[question] == "failed" for question in GENERATED[1:])
    assert all(status[q.id] == "passed" for q in BANK.questions if q.kind == "short")
    assert any(status[q.id] == "failed" for q in BANK.questions if q.kind == "single")  # bob's order of options
    assert graded.notes == ("the file names student 'bob'; graded as ann "
                            "(generated questions use the numbers of the student graded)",)


def test_unreadable_files_are_named_errors_and_the_batch_goes_on(tmp_path):
    too_big = answer_file("cat", keys("cat")) + b"#" * (1 << 20)  # valid answers: its size alone is refused
    root = hand_in(tmp_path / "class", {
        "ann/quiz-exercise3.toml": answer_file("ann", keys("ann")),
        "bob/quiz-exercise3.toml": b'[answers\nsoftmax-subtract-max = "1',
        "cat/quiz-exercise3.toml": too_big,
        "dan/quiz-exercise3.toml": answer_file("dan", keys("dan")).replace(b"[answers]", b"[answers]\n# \xff\xfe"),
        "dan/exercise3.py": b"",
    })
    graded = grade(root, tmp_path / "book.db")
    problems = {"bob": "quiz-exercise3.toml: not a TOML answer file", "cat": "quiz-exercise3.toml: larger than 1 MiB",
                "dan": "quiz-exercise3.toml: not UTF-8 text"}
    for student, problem in problems.items():
        quiz = graded[(student, "quiz-exercise3")]
        assert len(quiz.checks) == len(BANK.questions) and quiz.max_score == BANK.max_score, student
        assert all(check.status == "error" and check.message.startswith(problem) for check in quiz.checks), student
        assert quiz.score == 0 and quiz.complete, student  # the student's file: graded again when it changes
    assert graded[("ann", "quiz-exercise3")].score == BANK.max_score
    assert graded[("dan", "exercise3")].score == 1.0  # the code went to a grading process as usual


def test_a_quiz_without_a_bank_is_a_clear_error_graded_again_later(tmp_path):
    path = tmp_path / "quiz-exercise9.toml"
    path.write_text("[answers]\n")
    graded = grade_quiz_file(StudentFile("ann", "quiz-exercise9", path, "x", ON_TIME))
    [check] = graded.checks
    assert check.status == "error" and "exercise9 has no quiz bank" in check.message
    assert not graded.complete


def test_a_grader_that_cannot_compute_a_key_records_no_grade_and_tries_again(tmp_path, monkeypatch):
    def no_reference(fields):
        raise NoReference("reference/exercise3.py is not here")

    root = hand_in(tmp_path / "class", {"ann/quiz-exercise3.toml": answer_file("ann", keys("ann"))})
    # As in a student release, where reference/ is left out: one generated key cannot be computed.
    question = next(q for q in BANK.questions if q.id == GENERATED[0])
    monkeypatch.setitem(GENERATORS, question.generator,
                        dataclasses.replace(GENERATORS[question.generator], solve=no_reference))
    graded = grade(root, tmp_path / "book.db")[("ann", "quiz-exercise3")]
    [check] = graded.checks
    assert check.status == "error" and f"cannot check {GENERATED[0]} for ann" in check.message
    assert not graded.complete  # not a wrong answer: graded again by the instructor's grader


def test_grading_processes_are_started_for_the_code_only(tmp_path, processes):
    root = hand_in(tmp_path / "class", {"ann/exercise3.py": b"", "ann/quiz-exercise3.toml": b"",
                                        "bob/exercise5.py": b"", "bob/quiz-exercise5.toml": b""})
    graded = grade(root, tmp_path / "book.db", jobs=4)
    assert len(graded) == 4
    assert processes == [["exercise3", "exercise5"]] * 2  # two code submissions: two processes, no quiz warm-up


def test_grade_command_grades_the_quiz_of_the_exercise_asked_for(tmp_path, processes):
    root = hand_in(tmp_path / "class", {"ann/quiz-exercise3.toml": answer_file("ann", keys("ann")),
                                        "ann/quiz-exercise1.toml": b"[answers]\n"})
    command = ["grade", str(root), "--exercise", "exercise3", "--gradebook", str(tmp_path / "book.db")]
    first = CliRunner().invoke(main, command)
    assert first.exit_code == 0, first.output
    assert "1 submissions of 1 students" in first.output and "1 to grade" in first.output
    with Gradebook(tmp_path / "book.db") as book:
        assert [(g.exercise, g.score) for g in book.graded()] == [("quiz-exercise3", BANK.max_score)]
    assert "0 to grade, 1 unchanged" in CliRunner().invoke(main, command).output
    assert processes == []


def test_csv_puts_each_quiz_right_after_its_exercise(tmp_path):
    graded = [Graded("ann", exercise, "f", "x", ON_TIME, 0.1, 1.0, 1.0, ())
              for exercise in ("exercise4", "quiz-exercise3", "quiz-exercise4", "exercise3")]
    write_csv(graded, Course(), tmp_path / "grades.csv")
    header = (tmp_path / "grades.csv").read_text().splitlines()[0]
    assert header == "student,exercise3,quiz-exercise3,exercise4,quiz-exercise4,total"


def test_feedback_and_reports_show_the_quiz_with_its_title(tmp_path):
    answers = keys("ann") | {"softmax-subtract-max": "2"}
    root = hand_in(tmp_path / "class", {"ann/quiz-exercise3.toml": answer_file("ann", answers)})
    [graded] = grade(root, tmp_path / "book.db").values()
    write_feedback([graded], Course(), tmp_path / "feedback")
    page = (tmp_path / "feedback" / "ann" / "quiz-exercise3.md").read_text(encoding="utf-8")
    explanation = next(q for q in BANK.questions if q.id == "softmax-subtract-max").text["en"].explanation
    assert page.startswith(f"# quiz-exercise3: {QUIZ_TITLE}\n")
    assert f"**Score: {BANK.max_score - 1:g}/{BANK.max_score:g}**" in page
    assert "- **FAIL** softmax-subtract-max (0/1)" in page and explanation in page
    assert results_json(graded, Course())["output"].startswith(f"quiz-exercise3: {QUIZ_TITLE}\n")
    assert [e.title for e in class_stats([graded], Course()).exercises] == [QUIZ_TITLE]


COURSE_TOML = """\
[late]
deadline = 2026-12-04T23:59:00+09:00
penalty_per_day = 0.10

[late.deadlines]
exercise3 = 2026-12-11T23:59:00+09:00
exercise4 = 2026-12-11T23:59:00+09:00
quiz-exercise4 = 2026-12-06T23:59:00+09:00
"""


def test_a_quiz_is_due_at_its_own_deadline_else_at_its_exercises(tmp_path):
    (tmp_path / "course.toml").write_text(COURSE_TOML)
    course = load_course(tmp_path / "course.toml")
    submitted = datetime(2026, 12, 8, 12, 0, tzinfo=timezone.utc)  # after the course's deadline
    late = {exercise: course.lateness(Graded("ann", exercise, "f", "x", submitted, 0.1, 10.0, 10.0, ())).days
            for exercise in ("quiz-exercise3", "quiz-exercise4", "quiz-exercise1")}
    # exercise3's deadline; its own (before exercise4's); the course's.
    assert late == {"quiz-exercise3": 0, "quiz-exercise4": 2, "quiz-exercise1": 4}
