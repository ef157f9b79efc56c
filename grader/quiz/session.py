"""The interactive quiz in a terminal: `grader quiz exercise3`.

Each question is asked in turn, its answer read with click's prompt (an answer that cannot be
one, a word where a number is asked, option 7 of 4, is asked again, never counted wrong), judged,
and answered at once: right or not, the key where this copy holds it (the instructor's) and the
explanation. In a student release the keys are sealed: the explanation opens with a right
answer, and a wrong one may be tried again, which does not change the score (the first answer
counts).
"""

from __future__ import annotations

import locale
import math
import os
import random
import re

import click

from grader.export import number, points
from grader.quiz.bank import Bank, Question
from grader.quiz.grading import Posed, judge, pose

MOST_QUESTIONS = 12  # a bank with more: a sample of this many, different each time

SAY = {
    "ko": {"points": "{}점", "answer": "답", "right": "맞았습니다.", "wrong": "틀렸습니다.", "key": "정답",
           "again": "다시 풀어 볼까요?", "score": "점수", "practice": "(연습용 수치입니다: 이 사본은 당신의 수치를 확인할 수 "
           "없습니다. 공식 채점은 당신의 수치로 합니다.)", "unchecked": "이 사본으로는 확인할 수 없습니다.",
           "single": "번호 하나", "multiple": "번호들 (예: 1,3)", "numeric": "수", "short": "답",
           "bad_option": "{low}부터 {high}까지의 번호를 쓰세요", "bad_number": "수를 쓰세요 (예: 0.25)",
           "empty": "답을 쓰세요"},
    "en": {"points": "{} pt", "answer": "Your answer", "right": "Right.", "wrong": "Not right.", "key": "The answer",
           "again": "Try again?", "score": "Score", "practice": "(practice numbers: this copy cannot check your own; "
           "official grading uses yours)", "unchecked": "This copy cannot check it.",
           "single": "one number", "multiple": "numbers, e.g. 1,3", "numeric": "a number", "short": "text",
           "bad_option": "give option numbers from {low} to {high}", "bad_number": "give a number, e.g. 0.25", "empty": "give an answer"},
}


def default_language() -> str:
    """Korean where the locale is Korean (LC_ALL, LC_MESSAGES, LANG, as POSIX ranks them), else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(variable):
            return "ko" if os.environ[variable].lower().startswith("ko") else "en"
    return "ko" if (locale.getlocale()[0] or "").lower().startswith("ko") else "en"


def run(bank: Bank, student: str, language: str) -> tuple[float, float]:
    """Ask the questions; returns (score, max score)."""
    questions = list(bank.questions)
    if len(questions) > MOST_QUESTIONS:
        chosen = set(random.sample(range(len(questions)), MOST_QUESTIONS))
        questions = [question for index, question in enumerate(questions) if index in chosen]
    say = SAY[language]
    score = 0.0
    for position, question in enumerate(questions, 1):
        posed = pose(question, student, bank.exercise, practice=True)
        click.echo()
        click.secho(f"[{position}/{len(questions)}] ({say['points'].format(number(question.points))}) ", bold=True, nl=False)
        click.echo(posed.prompt(language))
        if posed.student != student:
            click.echo(say["practice"])
        for index, option in enumerate(posed.options(language), 1):
            click.echo(f"  {index}) {option}")
        if _ask(posed, language):
            score += question.points
    max_score = sum(question.points for question in questions)
    click.echo()
    click.secho(f"{say['score']}: {points(score, max_score)}", bold=True)
    return score, max_score


def _ask(posed: Posed, language: str) -> bool:
    """Ask until answered, say whether it is right; whether the first answer was."""
    say, question = SAY[language], posed.question
    first = None
    while True:
        answer = click.prompt(f"{say['answer']} ({say[question.kind]})", value_proc=_reader(question, language))
        verdict = judge(posed, answer, language)
        first = verdict.right if first is None else first
        if verdict.right is None:
            click.echo(say["unchecked"])
            return False
        click.secho(say["right"] if verdict.right else say["wrong"], fg="green" if verdict.right else "red")
        if not verdict.right and posed.key is not None:
            click.echo(f"{say['key']}: {_shown(posed, language)}")
        if verdict.explanation:
            click.echo(verdict.explanation)
        if verdict.right or posed.key is not None or not click.confirm(say["again"], default=False):
            return bool(first)


def _reader(question: Question, language: str):
    """What click's prompt turns the typed text into, or refuses (and asks again)."""
    say = SAY[language]

    def read(text: str):
        text = text.strip()
        if question.kind in ("single", "multiple"):
            high = len(question.text[language].options)
            parts = [part for part in re.split(r"[\s,]+", text) if part]
            if not parts or not all(part.isdigit() and 1 <= int(part) <= high for part in parts) \
                    or (question.kind == "single" and len(parts) > 1):
                raise click.BadParameter(say["bad_option"].format(low=1, high=high))
            return int(parts[0]) if question.kind == "single" else [int(part) for part in parts]
        if question.kind == "numeric":
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise click.BadParameter(say["bad_number"])
            return value
        if not text:
            raise click.BadParameter(say["empty"])
        return text

    return read


def _shown(posed: Posed, language: str) -> str:
    """The key as the student would have written it."""
    question = posed.question
    if question.kind in ("single", "multiple"):
        return ", ".join(f"{index}) {posed.options(language)[index - 1]}" for index in sorted(posed.key))
    if question.kind == "short":
        return question.text[language].answers[0]
    return f"{posed.key:.6g}"
