"""The quiz banks as a student release holds them: every key and explanation sealed.

`sealed_bank` reads a bank as the instructor wrote it and writes it again (TOML, with tomli-w)
without `answer`, the short questions' `answers` and the explanations: each question gets a
`sealed` table instead (grader.quiz.seal). A generated question is sealed for `students` (the
class, when the instructor names it) and for PRACTICE, its keys computed by the references,
which the release itself does not hold.
"""

from __future__ import annotations

from pathlib import Path

import tomli_w

from grader.quiz.bank import BANKS, LANGUAGES, parse_bank, read_bank_file
from grader.quiz.grading import pose
from grader.quiz.seal import PRACTICE, seal_question

UNSEALED = ("answer", "answers", "explanation")  # what the release must not hold in plain text


def sealed_bank(exercise_id: str, students: list[str] = (), banks: Path = BANKS) -> str:
    path = banks / f"{exercise_id}.toml"
    data = read_bank_file(path)
    bank = parse_bank(exercise_id, data, path)  # refuses a bank that is not whole before sealing it
    for entry, question in zip(data["questions"], bank.questions):
        everyone = [PRACTICE, *students] if question.generator else [""]
        keys = {student: _key(pose(question, student, exercise_id)) for student in dict.fromkeys(everyone)}
        seal = seal_question(question, keys)
        entry.pop("answer", None)
        for language in LANGUAGES:
            for name in UNSEALED:
                entry[language].pop(name, None)
        entry["sealed"] = {"salt": seal.salt.hex(), "check": seal.check, "explanation": seal.explanation}
        if question.generator:
            entry["sealed"]["students"] = {student: list(locks) for student, locks in seal.students.items()}
        else:
            entry["sealed"]["locks"] = list(seal.locks)
    return (f"# {exercise_id}'s quiz as released: keys and explanations sealed (grader.quiz.seal).\n"
            + tomli_w.dumps(data))


def _key(posed):
    """The key as the seal holds it: a choice question's in the bank's order of options (not the
    student's), which every student's answer is put back into (grader.quiz.grading.Posed.unshuffled)."""
    return frozenset(index + 1 for index in posed.question.answer) if posed.order else posed.key
