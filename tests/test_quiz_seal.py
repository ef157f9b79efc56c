"""The sealed quiz banks of a student release: no answer in plain text, and judged as the
instructor's keys judge, question by question, for the students the release was built for and
for anyone practising."""

from __future__ import annotations

import random
import sys

import pytest

from grader.exercises import TITLES
from grader.quiz.answers import grade_answers
from grader.quiz.bank import LANGUAGES, BankError, load_bank
from grader.quiz.forms import normalise
from grader.quiz.grading import judge, pose
from grader.quiz.release import UNSEALED, sealed_bank
from grader.quiz.seal import PRACTICE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CLASS = ["kim-minji", "lee-jihoon"]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sealed")
    for exercise_id in TITLES:
        (folder / f"{exercise_id}.toml").write_text(sealed_bank(exercise_id, CLASS), encoding="utf-8")
    return folder


def pairs(sealed):
    """(exercise, plain question, sealed question) for every question of every bank."""
    for exercise_id in TITLES:
        for plain, closed in zip(load_bank(exercise_id).questions, load_bank(exercise_id, sealed).questions):
            assert plain.id == closed.id
            yield exercise_id, plain, closed


@pytest.mark.parametrize("exercise_id", TITLES)
def test_a_sealed_bank_holds_no_key_explanation_or_student_id_in_plain_text(sealed, exercise_id):
    text = (sealed / f"{exercise_id}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for entry in data["questions"]:
        assert "answer" not in entry and "sealed" in entry
        assert not any(name in entry[language] for language in LANGUAGES for name in UNSEALED)
    plain = load_bank(exercise_id)
    for question, entry in zip(plain.questions, data["questions"]):
        shown = normalise(str({name: value for name, value in entry.items() if name != "sealed"}))  # random bytes may spell anything
        for language in LANGUAGES:
            explanation = question.text[language].explanation
            assert not explanation or explanation not in text
            assert not any(len(normalise(answer)) > 2 and normalise(answer) in shown
                           for answer in question.text[language].answers), question.id
    assert not any(student in text for student in CLASS)


def test_sealed_keys_judge_every_question_as_the_instructors_keys_do(sealed):
    rng = random.Random(7)
    for exercise_id, plain, closed in pairs(sealed):
        for student in [*CLASS, PRACTICE]:
            mine, theirs = pose(plain, student, exercise_id), pose(closed, student, exercise_id)
            assert theirs.checkable and theirs.fields == mine.fields
            for answer in candidates(plain, mine.key, rng):
                official, practice = judge(mine, answer, "ko"), judge(theirs, answer, "ko")
                if official.right:  # never rejects what official grading accepts; opens the explanation
                    assert practice == official, (plain.id, answer)
                elif practice.right:  # it may accept what misses the tolerance by under a 5th digit
                    assert plain.kind == "numeric" and abs(answer - mine.key) <= margin(plain, mine.key) * (1 + 1e-9)
                else:
                    assert practice.explanation == ""


def candidates(question, key, rng):
    if question.kind == "short":
        return [answer for text in question.text.values() for answer in text.answers] + ["softmax", "", 3]
    if question.kind != "numeric":
        return [sorted(key), [1], [2], [1, 2], [1, 3], [1, 2, 3], 1, 2, [2, 2], [0], True]
    tolerance = question.tolerance + question.relative * abs(key)
    near = [key + rng.uniform(-1.3, 1.3) * tolerance for _ in range(60)]
    return [key, -key - 1, key + 1, "12 units", *near, *(float(f"{value:.5g}") for value in near)]


def margin(question, key) -> float:
    """The tolerance, and one step of the grid the seal puts numbers on (grader.quiz.forms)."""
    if question.relative:
        return question.relative * abs(key) + 10.0 ** (exponent(key) - 4)
    return question.tolerance * 1.1 if question.tolerance else 0.0


def exponent(value: float) -> int:
    return int(f"{value:e}".split("e")[1])


def test_outside_the_class_generated_questions_are_practised_with_practice_numbers_and_graded_officially(sealed):
    closed = load_bank("exercise4", sealed)
    generated = [question for question in closed.questions if question.generator]
    assert generated
    for question in generated:
        assert not pose(question, "stranger", "exercise4").checkable
        assert pose(question, "stranger", "exercise4", practice=True).student == PRACTICE
    results = {r.id: r for r in grade_answers(closed, "stranger", {q.id: 1.0 for q in generated})}
    assert all(results[q.id].score == 0 and "official grading" in results[q.id].message for q in generated)


def test_a_damaged_seal_is_named(sealed, tmp_path):
    text = (sealed / "exercise1.toml").read_text(encoding="utf-8")
    (tmp_path / "exercise1.toml").write_text(text.replace('salt = "', 'salt = "zz', 1), encoding="utf-8")
    with pytest.raises(BankError, match="`sealed` is damaged"):
        load_bank("exercise1", tmp_path)


@pytest.mark.parametrize("tolerances, problem", [("tolerance = 0.1\nrelative = 1e-3", "not both"),
                                                 ("relative = 1.5", "less than 1")])
def test_a_numeric_question_names_one_tolerance_below_its_key(tmp_path, tolerances, problem):
    (tmp_path / "exercise1.toml").write_text(f'exercise = "exercise1"\n[[questions]]\nid = "q"\nkind = "numeric"\n'
                                             f'answer = 2.0\n{tolerances}\nko.prompt = "?"\nen.prompt = "?"\n')
    with pytest.raises(BankError, match=problem):
        load_bank("exercise1", tmp_path)
