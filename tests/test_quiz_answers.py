"""Answer files: the template round-trips, a filled one is graded per question, a bad one named."""

from __future__ import annotations

import pytest

from grader.quiz.answers import AnswerFileError, grade_answers, read_answers, template
from grader.quiz.bank import load_bank
from grader.quiz.grading import pose


def right_answer(question, student, exercise_id) -> str:
    posed = pose(question, student, exercise_id)
    if question.kind == "single":
        return str(min(posed.key))
    if question.kind == "multiple":
        return str(sorted(posed.key))
    if question.kind == "numeric":
        return repr(float(posed.key))
    return '"' + question.text["ko"].answers[0] + '"'


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_template_filled_with_the_keys_gets_full_marks_and_an_empty_one_none(language):
    bank = load_bank("exercise4")
    text = template(bank, "kim-minji", language)
    read = read_answers(text)
    assert (read.student, read.language, read.answers) == ("kim-minji", language, {})
    assert [r.score for r in grade_answers(bank, read.student, read.answers)] == [0.0] * len(bank.questions)
    filled = text
    for question in bank.questions:
        filled = filled.replace(f"\n{question.id} = \n", f"\n{question.id} = {right_answer(question, 'kim-minji', 'exercise4')}\n")
    read = read_answers(filled)
    results = grade_answers(bank, read.student, read.answers, read.language)
    assert sum(r.score for r in results) == bank.max_score and all(r.answered and not r.message for r in results)


def test_another_students_numbers_do_not_answer_mine():
    bank = load_bank("exercise4")
    generated = [q for q in bank.questions if q.generator]
    answers = {q.id: float(pose(q, "lee-jihoon", "exercise4").key) for q in generated}
    mine = {r.id: r.score for r in grade_answers(bank, "kim-minji", answers)}
    assert any(mine[q.id] == 0 for q in generated)


def test_a_file_that_is_not_toml_is_named_and_unparsable_answers_are_wrong():
    with pytest.raises(AnswerFileError, match="not a TOML answer file"):
        read_answers('[answers]\nq = "unterminated\n')
    bank = load_bank("exercise1")
    results = grade_answers(bank, "kim", {q.id: "no idea" for q in bank.questions})
    assert sum(r.score for r in results) == 0 and all(r.answered for r in results)
