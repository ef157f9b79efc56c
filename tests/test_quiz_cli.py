"""`grader quiz`: the interactive quiz, the answer-file template and grading a filled one, in the
instructor's checkout and in a student release (sealed keys)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.quiz.bank import load_bank
from grader.quiz.grading import pose
from grader.quiz.seal import PRACTICE
from grader.quiz.session import default_language
from grader.release import build_release


def typed(question, key) -> str:
    """The right answer as a student types it at the prompt."""
    if question.kind in ("single", "multiple"):
        return ",".join(str(option) for option in sorted(key))
    if question.kind == "numeric":
        return f"{key:.10g}"
    return question.text["en"].answers[-1]


def answers_for(bank, student: str, *, numbers_of: str | None = None) -> str:
    """Every right answer of `student`'s, those of generated questions for the numbers of
    `numbers_of` (by default the student's own)."""
    return "".join(typed(question, pose(question, numbers_of if question.generator and numbers_of else student,
                                        bank.exercise).key) + "\n" for question in bank.questions)


def test_right_answers_at_every_prompt_score_full_marks_and_the_numbers_are_the_students():
    bank = load_bank("exercise4")
    result = CliRunner().invoke(main, ["quiz", "exercise4", "--student", "kim-minji", "--lang", "en"],
                                input=answers_for(bank, "kim-minji"))
    assert result.exit_code == 0, result.output
    assert f"Score: {bank.max_score:g}/{bank.max_score:g}" in result.output
    assert result.output.count("Right.") == len(bank.questions) and "Not right." not in result.output
    assert f"[{len(bank.questions)}/{len(bank.questions)}]" in result.output


def test_a_wrong_answer_shows_the_key_and_explanation_and_an_impossible_one_is_asked_again():
    bank = load_bank("exercise1")
    first = bank.questions[0]  # single choice
    posed = pose(first, "kim", "exercise1")
    (right,) = posed.key
    wrong = 1 if right != 1 else 2
    rest = answers_for(bank, "kim").split("\n", 1)[1]
    result = CliRunner().invoke(main, ["quiz", "exercise1", "--student", "kim", "--lang", "en"],
                                input=f"9\nfoo\n{wrong}\n{rest}")
    assert result.exit_code == 0, result.output
    assert result.output.count("give option numbers from 1 to") == 2
    assert "Not right." in result.output and first.text["en"].explanation in result.output
    assert f"The answer: {right}) {first.text['en'].options[first.answer[0]]}" in result.output
    assert f"Score: {bank.max_score - first.points:g}/{bank.max_score:g}" in result.output


@pytest.mark.parametrize("environment, language", [({"LANG": "ko_KR.UTF-8"}, "ko"), ({"LANG": "en_US.UTF-8"}, "en"),
                                                   ({"LC_ALL": "ko_KR.UTF-8", "LANG": "C"}, "ko"),
                                                   ({"LC_ALL": "C.UTF-8", "LANG": "ko_KR.UTF-8"}, "en")])
def test_the_language_follows_the_locale_as_posix_ranks_it(monkeypatch, environment, language):
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert default_language() == language
    result = CliRunner().invoke(main, ["quiz", "exercise2", "--student", "kim", "--template", "-"])
    assert f'language = "{language}"' in result.output
    assert load_bank("exercise2").questions[0].text[language].prompt[:20] in result.output.replace("\n# ", " ")


def test_the_template_is_written_once_and_a_filled_one_is_graded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    bank = load_bank("exercise3")
    made = runner.invoke(main, ["quiz", "exercise3", "--template", "--student", "lee-jihoon", "--lang", "ko"])
    assert made.exit_code == 0 and (tmp_path / "quiz-exercise3.toml").is_file(), made.output
    again = runner.invoke(main, ["quiz", "exercise3", "--template", "--student", "lee-jihoon"])
    assert again.exit_code == 1 and "exists" in again.output
    text = (tmp_path / "quiz-exercise3.toml").read_text(encoding="utf-8")
    right = answers_for(bank, "lee-jihoon").splitlines()
    for question, answer in zip(bank.questions[1:], right[1:]):  # the first left empty
        value = f'"{answer}"' if question.kind == "short" else f"[{answer}]" if question.kind == "multiple" else answer
        text = text.replace(f"\n{question.id} = \n", f"\n{question.id} = {value}\n")
    (tmp_path / "quiz-exercise3.toml").write_text(text, encoding="utf-8")
    graded = runner.invoke(main, ["quiz", "exercise3", "--answers", "quiz-exercise3.toml"])
    assert graded.exit_code == 0, graded.output
    assert f"✗ {bank.questions[0].id} (0/1): not answered" in graded.output
    assert f"Score: {bank.max_score - 1:g}/{bank.max_score:g}" in graded.output
    other = runner.invoke(main, ["quiz", "exercise3", "--answers", "quiz-exercise3.toml", "--student", "someone-else"])
    assert f"Score: {bank.max_score - 1:g}" not in other.output  # another student's numbers


def test_an_answer_file_that_is_not_toml_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "quiz.toml").write_bytes(b"[answers\n\xff")
    result = CliRunner().invoke(main, ["quiz", "exercise1", "--answers", str(tmp_path / "quiz.toml")])
    assert result.exit_code == 1 and "Error:" in result.output and result.exception is not None
    assert not isinstance(result.exception, (UnicodeDecodeError, ValueError))


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    build_release(out, quiz_students=["kim-minji"])
    return out


def test_the_release_holds_every_bank_sealed(release):
    banks = sorted((release / "grader" / "quiz" / "banks").glob("exercise*.toml"))
    assert len(banks) == 7
    for path in banks:
        text = path.read_text(encoding="utf-8")
        assert text.count("[questions.sealed]") == len(load_bank(path.stem).questions)
        assert "\nanswer =" not in text and "answers =" not in text and "explanation =" not in text


def quiz_in(release, *args, input: str) -> str:
    """`grader quiz` run in the release, with the release's own (sealed) grader package."""
    done = subprocess.run([sys.executable, "-m", "grader.cli", "quiz", *args], cwd=release, input=input,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_in_the_release_a_right_answer_opens_the_explanation_and_a_wrong_one_may_be_tried_again(release):
    bank = load_bank("exercise3")
    first = bank.questions[0]
    rest = answers_for(bank, "kim-minji").split("\n", 1)[1]
    output = quiz_in(release, "exercise3", "--student", "kim-minji", "--lang", "en",
                     input=f"3\ny\n{typed(first, pose(first, 'kim-minji', 'exercise3').key)}\n{rest}")
    assert "Not right.\nTry again?" in output and "The answer:" not in output
    assert output.count(first.text["en"].explanation) == 1
    assert f"Score: {bank.max_score - first.points:g}/{bank.max_score:g}" in output  # the first answer counts
    assert "practice numbers" not in output  # kim-minji's own were sealed


def test_in_the_release_a_student_outside_the_class_practises_with_practice_numbers(release):
    bank = load_bank("exercise5")
    output = quiz_in(release, "exercise5", "--student", "stranger", "--lang", "en",
                     input=answers_for(bank, "stranger", numbers_of=PRACTICE))
    assert f"Score: {bank.max_score:g}/{bank.max_score:g}" in output
    assert output.count("practice numbers") == sum(1 for question in bank.questions if question.generator)
