"""The quiz banks and their keys: every bank whole and answerable, every generated key the
reference's and equal to PyTorch's own computation, and answers judged as the docs say."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from grader.exercises import TITLES
from grader.quiz.bank import LANGUAGES, BankError, load_bank
from grader.quiz.generators import GENERATORS, rng_for
from grader.quiz.forms import normalise
from grader.quiz.grading import is_right, pose

STUDENTS = ["kim-minji", "lee-jihoon", "park-soyeon", "choi-hyunwoo", "student-42"]


@pytest.mark.parametrize("exercise_id", TITLES)
def test_every_bank_is_whole_and_every_question_answerable_by_every_student(exercise_id):
    bank = load_bank(exercise_id)  # refuses duplicate ids, missing languages, unanswerable keys
    assert 8 <= len(bank.questions) <= 12
    assert {q.kind for q in bank.questions} >= {"single", "short"}
    for question in bank.questions:
        for student in STUDENTS:
            posed = pose(question, student, exercise_id)
            for language in LANGUAGES:
                assert "{" not in posed.prompt(language), (question.id, language)
            if question.kind == "numeric":
                assert math.isfinite(posed.key) and is_right(posed, posed.key)
                assert not is_right(posed, posed.key + 1 + abs(posed.key))
            elif question.kind == "short":
                assert all(is_right(posed, answer) for text in question.text.values() for answer in text.answers)
            else:
                assert is_right(posed, sorted(posed.key)) and not is_right(posed, [])


def by_torch(name: str, case: dict) -> float:
    """Each generated key computed independently, by PyTorch's own layers and optimizers."""
    z = torch.tensor([[case.get("z1", 0.0), case.get("z2", 0.0), case.get("z3", 0.0)]], dtype=torch.float64)
    if name == "conv_output_size":
        conv = torch.nn.Conv2d(1, 1, case["K"], stride=case["S"], padding=case["P"])
        return conv(torch.zeros(1, 1, case["H"], case["H"])).shape[-1]
    if name == "conv_parameters":
        return sum(p.numel() for p in torch.nn.Conv2d(case["C_in"], case["C_out"], case["K"]).parameters())
    if name == "linear_parameters":
        return sum(p.numel() for p in torch.nn.Linear(case["n_in"], case["n_out"]).parameters())
    if name == "softmax_probability":
        return torch.softmax(z, dim=1)[0, 0].item()
    if name == "cross_entropy_loss":
        return F.cross_entropy(z, torch.tensor([case["label"] - 1])).item()
    if name == "batchnorm_output":
        x = torch.tensor([[case[f"x{i}"]] for i in range(1, 5)], dtype=torch.float64)
        bn = torch.nn.BatchNorm1d(1, dtype=torch.float64)
        with torch.no_grad():
            bn.weight.fill_(case["gamma"])
            bn.bias.fill_(case["beta"])
        return bn(x)[0, 0].item()
    w = torch.tensor([case["w"]], dtype=torch.float64, requires_grad=True)
    if name == "sgd_momentum_step":  # torch's first step sets the buffer to g: take one from v = 0 first
        optimizer = torch.optim.SGD([w], lr=case["lr"], momentum=case["momentum"])
        optimizer.state[w]["momentum_buffer"] = torch.tensor([case["v"]], dtype=torch.float64)
    elif name == "rmsprop_step":
        optimizer = torch.optim.RMSprop([w], lr=case["lr"], alpha=case["alpha"])
        optimizer.state[w].update(step=torch.tensor(0.0), square_avg=torch.tensor([case["s"]], dtype=torch.float64))
    else:
        optimizer = torch.optim.Adam([w], lr=case["lr"], betas=(case["beta1"], case["beta2"]))
        optimizer.state[w].update(step=torch.tensor(float(case["t"] - 1)),
                                  exp_avg=torch.tensor([case["m"]], dtype=torch.float64),
                                  exp_avg_sq=torch.tensor([case["v"]], dtype=torch.float64))
    w.grad = torch.tensor([case["g"]], dtype=torch.float64)
    optimizer.step()
    return w.item()


@pytest.mark.parametrize("name", GENERATORS)
def test_generated_keys_are_the_references_and_agree_with_torch(name):
    generator = GENERATORS[name]
    cases = [generator.draw(rng_for(student, "exerciseN", name)) for student in STUDENTS]
    assert len({tuple(sorted(case.items())) for case in cases}) > 1  # students get different numbers
    assert cases[0] == generator.draw(rng_for(STUDENTS[0], "exerciseN", name))  # and the same on every run
    for case in cases:
        assert set(generator.fields) <= set(case)
        assert math.isclose(generator.solve(case), by_torch(name, case), rel_tol=1e-9, abs_tol=1e-12), case


BANK = '''exercise = "exercise9"
[[questions]]
id = "q"
kind = "single"
ko.prompt = "질문"
en.prompt = "Question"
ko.options = ["가", "나"]
en.options = ["a", "b"]
answer = [1]
'''


@pytest.mark.parametrize("old, new, complaint", [
    ("", "", None),
    ("answer = [1]\n", 'answer = [1]\n[[questions]]\nid = "q"\nkind = "short"\nko.prompt = "p"\nen.prompt = "p"\n'
     'ko.answers = ["x"]\nen.answers = ["x"]\n', "is used twice"),
    ('en.prompt = "Question"\n', "", "no prompt in en"),
    ("answer = [1]", "answer = [2]", "indices must be in 0..1"),
    ("answer = [1]", "answer = [0, 1]", "exactly one answer"),
    ('en.options = ["a", "b"]', 'en.options = ["a", "b", "c"]', "as many in every language"),
    ('kind = "single"', 'kind = "essay"', "`kind` must be one of"),
    ('id = "q"', 'id = "Q 1"', "lowercase words joined by hyphens"),
])
def test_a_bank_that_is_not_whole_is_refused_with_the_question_named(tmp_path, old, new, complaint):
    (tmp_path / "exercise9.toml").write_text(BANK.replace(old, new, 1) if old else BANK)
    if complaint is None:
        assert load_bank("exercise9", tmp_path).questions[0].answer == (1,)
    else:
        with pytest.raises(BankError, match=complaint):
            load_bank("exercise9", tmp_path)


@pytest.mark.parametrize("entry, complaint", [
    ('kind = "numeric"\ngenerator = "conv_output_size"\nko.prompt = "{H} {Q}"\nen.prompt = "{H}"', "shows ['Q']"),
    ('kind = "numeric"\ngenerator = "nope"\nko.prompt = "p"\nen.prompt = "p"', "no generator 'nope'"),
    ('kind = "numeric"\nko.prompt = "p"\nen.prompt = "p"', "`answer = <number>` or a `generator`"),
    ('kind = "short"\nko.prompt = "p"\nen.prompt = "p"\nko.answers = ["x"]\nen.answers = [" "]', "at least one"),
])
def test_numeric_and_short_questions_must_have_a_key(tmp_path, entry, complaint):
    (tmp_path / "exercise9.toml").write_text(f'exercise = "exercise9"\n[[questions]]\nid = "q"\n{entry}\n')
    with pytest.raises(BankError, match=complaint.replace("[", r"\[").replace("(", r"\(")):
        load_bank("exercise9", tmp_path)


def test_answers_are_judged_as_documented(tmp_path):
    (tmp_path / "exercise9.toml").write_text(
        'exercise = "exercise9"\n'
        '[[questions]]\nid = "one"\nkind = "single"\nko.prompt = "p"\nen.prompt = "p"\n'
        'ko.options = ["a", "b", "c"]\nen.options = ["a", "b", "c"]\nanswer = [2]\nshuffle = false\n'
        '[[questions]]\nid = "some"\nkind = "multiple"\nko.prompt = "p"\nen.prompt = "p"\n'
        'ko.options = ["a", "b", "c"]\nen.options = ["a", "b", "c"]\nanswer = [0, 2]\nshuffle = false\n'
        '[[questions]]\nid = "number"\nkind = "numeric"\nanswer = 1.25\nrelative = 1e-3\nko.prompt = "p"\n'
        'en.prompt = "p"\n'
        '[[questions]]\nid = "words"\nkind = "short"\nko.prompt = "p"\nen.prompt = "p"\n'
        'ko.answers = ["평균 제곱 오차"]\nen.answers = ["Mean squared error", "MSE"]\n')
    one, some, number, words = (pose(q, "kim", "exercise9") for q in load_bank("exercise9", tmp_path).questions)
    assert is_right(one, 3) and is_right(one, [3]) and not is_right(one, 2) and not is_right(one, True)
    assert is_right(some, [3, 1]) and not is_right(some, [1]) and not is_right(some, [1, 2, 3])
    assert not is_right(some, [1, 1, 3]) and not is_right(some, "1, 3")
    assert is_right(number, "1.2505") and is_right(number, 1.25) and not is_right(number, 1.252)
    assert not is_right(number, "a lot") and not is_right(number, float("nan"))
    assert all(is_right(words, answer) for answer in ["mse", "mean-squared  error", "평균제곱오차", "ＭＳＥ"])
    assert not is_right(words, "mean error") and not is_right(words, 3)
    assert normalise(" Mean_Squared-Error ") == "meansquarederror"


def test_each_student_sees_the_options_in_an_order_of_their_own_and_the_key_follows_them():
    questions = [(exercise_id, question) for exercise_id in TITLES for question in load_bank(exercise_id).questions
                 if question.kind in ("single", "multiple")]
    orders = set()
    for student in STUDENTS:
        first_is_right = 0
        for exercise_id, question in questions:
            posed = pose(question, student, exercise_id)
            for language in LANGUAGES:
                shown = posed.options(language)
                assert sorted(shown) == sorted(question.text[language].options)
                assert {shown[number - 1] for number in posed.key} == \
                    {question.text[language].options[index] for index in question.answer}
            first_is_right += 1 in posed.key and question.kind == "single"
            orders.add((question.id, posed.order))
        assert first_is_right < len(questions) / 2  # the banks' authors put the right option first
    assert len(orders) > 2 * len(questions)


def test_a_question_that_says_shuffle_false_keeps_the_banks_order(tmp_path):
    (tmp_path / "exercise9.toml").write_text(
        'exercise = "exercise9"\n[[questions]]\nid = "sizes"\nkind = "single"\nshuffle = false\n'
        'ko.prompt = "p"\nen.prompt = "p"\nko.options = ["1", "2", "4", "8"]\nen.options = ["1", "2", "4", "8"]\n'
        'answer = [2]\n')
    question = load_bank("exercise9", tmp_path).questions[0]
    for student in STUDENTS:
        posed = pose(question, student, "exercise9")
        assert posed.options("en") == ("1", "2", "4", "8") and posed.key == {3}
