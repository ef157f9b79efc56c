"""A quiz bank: the questions of one exercise, read from `grader/quiz/banks/exerciseN.toml`.

The format is in `grader/quiz/banks/README.md`. `load_bank` refuses a bank that is not whole
(BankError, naming the question and what is wrong): an id used twice, a question missing a
language, a key that cannot be answered (an index out of range, a single-choice question with
two answers, a short question accepting nothing), a generator that does not exist or whose
fields the prompt does not match.

A student release's banks hold no keys: each question has a `sealed` table instead
(grader.quiz.seal), written by grader.quiz.release.
"""

from __future__ import annotations

import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.quiz.generators import GENERATORS
from grader.quiz.seal import Seal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BANKS = Path(__file__).resolve().parent / "banks"
LANGUAGES = ("ko", "en")
KINDS = ("single", "multiple", "numeric", "short")
QUESTION_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class BankError(ValueError):
    """A bank that cannot be used as it is; the message names the file and the question."""


@dataclass(frozen=True)
class Text:
    prompt: str
    options: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()  # short questions: what is accepted
    explanation: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    points: float
    text: dict[str, Text]  # by language
    answer: tuple[int, ...] | float | None = None  # choice indices, or a fixed numeric key
    generator: str | None = None
    tolerance: float = 0.0  # absolute
    relative: float = 0.0
    seal: Seal | None = None  # in a student release, instead of the key and the explanation
    shuffle: bool = True  # choice questions: options in an order of each student's own


@dataclass(frozen=True)
class Bank:
    exercise: str
    questions: tuple[Question, ...]

    @property
    def max_score(self) -> float:
        return sum(question.points for question in self.questions)


def load_bank(exercise_id: str, banks: Path = BANKS) -> Bank:
    path = banks / f"{exercise_id}.toml"
    return parse_bank(exercise_id, read_bank_file(path), path)


def read_bank_file(path: Path) -> dict:
    """A bank's TOML as it is written (grader.quiz.release rewrites it sealed)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BankError(f"{path}: cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise BankError(f"{path}: not valid TOML ({error})") from None


def parse_bank(exercise_id: str, data: dict, path: Path) -> Bank:
    """The bank `data` (read from `path`) describes, refused (BankError) unless it is whole."""
    if data.get("exercise") != exercise_id:
        raise BankError(f"{path}: `exercise` must be {exercise_id!r}")
    questions = [_question(path, entry) for entry in data.get("questions", [])]
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise BankError(f"{path}: question id {question.id!r} is used twice")
        seen.add(question.id)
    if not questions:
        raise BankError(f"{path}: no [[questions]]")
    return Bank(exercise_id, tuple(questions))


def _question(path: Path, entry: dict) -> Question:
    qid = entry.get("id", "")
    where = f"{path}, question {qid!r}"
    if not isinstance(qid, str) or not QUESTION_ID.match(qid):
        raise BankError(f"{where}: an id is lowercase words joined by hyphens")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise BankError(f"{where}: `kind` must be one of {', '.join(KINDS)}")
    missing = [language for language in LANGUAGES if not isinstance(entry.get(language), dict)
               or not str(entry[language].get("prompt", "")).strip()]
    if missing:
        raise BankError(f"{where}: no prompt in {', '.join(missing)}")
    text = {language: Text(entry[language]["prompt"], tuple(entry[language].get("options", ())),
                           tuple(entry[language].get("answers", ())), entry[language].get("explanation", ""))
            for language in LANGUAGES}
    question = Question(qid, kind, float(entry.get("points", 1)), text, _key(entry.get("answer")),
                        entry.get("generator"), float(entry.get("tolerance", 0)), float(entry.get("relative", 0)),
                        _seal(where, entry.get("sealed")), entry.get("shuffle", True) is not False)
    problem = _answerable(question)
    if problem:
        raise BankError(f"{where}: {problem}")
    return question


def _key(answer):
    if isinstance(answer, list):
        return tuple(answer)
    return float(answer) if isinstance(answer, (int, float)) and not isinstance(answer, bool) else None


def _seal(where: str, sealed) -> Seal | None:
    if sealed is None:
        return None
    try:
        return Seal(bytes.fromhex(sealed["salt"]), sealed["check"], tuple(sealed.get("locks", ())),
                    {student: tuple(locks) for student, locks in sealed.get("students", {}).items()},
                    dict(sealed.get("explanation", {})))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BankError(f"{where}: `sealed` is damaged ({type(error).__name__}: {error}); build the release again") from None


def _answerable(question: Question) -> str | None:
    """What keeps the question from being answered right, if anything."""
    if question.points <= 0:
        return "`points` must be positive"
    if question.kind in ("single", "multiple"):
        counts = {len(text.options) for text in question.text.values()}
        if len(counts) != 1 or counts.pop() < 2:
            return "options: at least two, as many in every language"
        if question.seal is not None:
            return None
        if not isinstance(question.answer, tuple) or not question.answer:
            return "`answer` lists the indices of the right options"
        count = len(question.text["en"].options)
        if any(not isinstance(i, int) or not 0 <= i < count for i in question.answer):
            return f"`answer` indices must be in 0..{count - 1}"
        if len(set(question.answer)) != len(question.answer):
            return "`answer` names an option twice"
        if question.kind == "single" and len(question.answer) != 1:
            return "a single-choice question has exactly one answer"
    elif question.kind == "short":
        if question.seal is None and any(not any(answer.strip() for answer in text.answers) for text in question.text.values()):
            return "`answers`: at least one accepted answer in every language"
    elif question.generator is not None:
        if question.generator not in GENERATORS:
            return f"no generator {question.generator!r} (grader.quiz.generators.GENERATORS)"
        fields = set(GENERATORS[question.generator].fields)
        for language, text in question.text.items():
            used = {name for _, name, _, _ in string.Formatter().parse(text.prompt) if name}
            if not used <= fields:
                return f"the {language} prompt shows {sorted(used - fields)}, which {question.generator} does not draw"
    elif question.seal is None and not isinstance(question.answer, float):
        return "a numeric question has `answer = <number>` or a `generator`"
    if question.kind == "numeric":
        if question.tolerance and question.relative:
            return "`tolerance` or `relative`, not both"
        if question.tolerance < 0 or not 0 <= question.relative < 1:
            return "`tolerance` cannot be negative, and `relative` is from 0 to less than 1"
    return None
