"""Answer files: the template a student fills in, and grading a filled one.

`grader quiz exercise3 --template` writes the questions as TOML comments, each followed by its
key line left empty (`softmax-output = `); the student writes the option number(s), the number
or the text after it. `grade_answers` reads the file back and grades each question: a missing
or unparsable answer is simply wrong, and a file that is not TOML is an error of its own.
"""

from __future__ import annotations

import json
import sys
import textwrap
from dataclasses import dataclass

from grader.export import number, points
from grader.quiz.bank import LANGUAGES, Bank
from grader.quiz.grading import Posed, judge, pose

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HOW_TO_ANSWER = {
    "ko": {"single": "번호 하나 (예: 2)", "multiple": "번호의 목록 (예: [1, 3])", "numeric": "수 (예: 0.25)",
           "short": '따옴표 안의 글 (예: "답")'},
    "en": {"single": "one number (e.g. 2)", "multiple": "a list of numbers (e.g. [1, 3])",
           "numeric": "a number (e.g. 0.25)", "short": 'text in quotes (e.g. "answer")'},
}


class AnswerFileError(ValueError):
    """The answer file cannot be read as TOML at all."""


@dataclass(frozen=True)
class AnswerFile:
    student: str | None  # as the file names them (batch grading goes by the folder's name)
    language: str  # of the feedback: the template's, "en" when the file names none it knows
    answers: dict  # by question id


@dataclass(frozen=True)
class QuestionResult:
    id: str
    score: float
    max_score: float
    answered: bool
    message: str  # "" when right; else what was wrong, and the explanation where there is one


def template(bank: Bank, student: str, language: str) -> str:
    lines = [f"# grader quiz {bank.exercise} --answers <this file>", f"student = {json.dumps(student)}",
             f'language = "{language}"', "", "[answers]"]
    for position, question in enumerate(bank.questions, 1):
        posed = pose(question, student, bank.exercise)
        lines += ["", f"# {position}. ({question.points:g}) {HOW_TO_ANSWER[language][question.kind]}"]
        lines += ["# " + line for line in textwrap.wrap(posed.prompt(language), 96)]
        lines += [f"#   {index}) {option}" for index, option in enumerate(posed.options(language), 1)]
        lines.append(f"{question.id} = ")
    return "\n".join(lines) + "\n"


def read_answers(text: str) -> AnswerFile:
    """The answer file's student, language and answers. An answer left empty (`id = `) is not
    valid TOML, so such lines are dropped before parsing."""
    kept = [line for line in text.splitlines() if not (line.rstrip().endswith("=") and not line.startswith("#"))]
    try:
        data = tomllib.loads("\n".join(kept))
    except tomllib.TOMLDecodeError as error:
        raise AnswerFileError(f"not a TOML answer file ({error})") from None
    answers = data.get("answers", {})
    student = data.get("student")
    language = data.get("language")
    return AnswerFile(student if isinstance(student, str) else None, language if language in LANGUAGES else "en",
                      answers if isinstance(answers, dict) else {})


def grade_answers(bank: Bank, student: str, answers: dict, language: str = "en") -> list[QuestionResult]:
    return grade_posed([pose(question, student, bank.exercise) for question in bank.questions], answers, language)


def grade_posed(posed_questions: list[Posed], answers: dict, language: str) -> list[QuestionResult]:
    """`grade_answers`, for questions already posed (official grading poses them first, to know
    this copy can check them)."""
    results = []
    for posed in posed_questions:
        question = posed.question
        if question.id not in answers:
            results.append(QuestionResult(question.id, 0.0, question.points, False, "not answered"))
            continue
        verdict = judge(posed, answers[question.id], language)
        if verdict.right:
            message = ""
        elif verdict.right is None:
            message = "this copy of the quiz cannot check your numbers: official grading will"
        else:
            message = f"{_quoted(answers[question.id])} is not right" + (f": {verdict.explanation}" if verdict.explanation else "")
        results.append(QuestionResult(question.id, question.points if verdict.right else 0.0, question.points, True,
                                      message))
    return results


def _quoted(answer, most: int = 80) -> str:
    """The answer as the file wrote it, cut short: it goes into the gradebook and the feedback."""
    text = repr(answer)
    return text if len(text) <= most else text[:most - 1] + "…"


def render(bank: Bank, student: str, results: list[QuestionResult]) -> str:
    """A graded answer file as the terminal shows it: a line per question, then the score."""
    lines = [f"{bank.exercise} quiz, {student}:"]
    for result in results:
        mark = "✓" if result.score == result.max_score else "✗"
        lines.append(f"  {mark} {result.id} ({number(result.score)}/{number(result.max_score)})"
                     + (f": {result.message}" if result.message else ""))
    lines.append(f"Score: {points(sum(r.score for r in results), sum(r.max_score for r in results))}")
    return "\n".join(lines)
