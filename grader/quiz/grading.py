"""A question put to one student, and whether an answer to it is right.

`pose` fixes what the student sees (a generated question's numbers are the student's own, and so
is the order of a choice question's options, unless its bank says `shuffle = false`: a
neighbour's answers fit neither) and the key; `judge` compares an answer with it:
- single and multiple choice: the set of chosen options (numbered from 1, as shown) is the key's;
- numeric: within `tolerance` (absolute) plus `relative` times the key;
- short: equal to an accepted answer of either language once both are normalised
  (grader.quiz.forms.normalise).
In a student release the keys are sealed (grader.quiz.seal): an answer is judged by its form, and
a generated question can be checked only for the students the release was built for; the quiz
poses others the numbers of `PRACTICE` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from grader.quiz.forms import form
from grader.quiz.generators import GENERATORS, NoReference, rng_for
from grader.quiz.seal import PRACTICE

if TYPE_CHECKING:
    from grader.quiz.bank import Question


@dataclass(frozen=True)
class Posed:
    question: Question
    student: str  # whose numbers a generated question shows
    fields: dict = field(default_factory=dict)  # a generated question's numbers
    key: object = None  # the chosen options (1-based, as shown), the number or the accepted answers; None if sealed
    order: tuple[int, ...] = ()  # a choice question's options as shown: the index of each in the bank

    def prompt(self, language: str) -> str:
        return self.question.text[language].prompt.format(**self.fields) if self.fields else \
            self.question.text[language].prompt

    def options(self, language: str) -> tuple[str, ...]:
        return tuple(self.question.text[language].options[index] for index in self.order)

    def unshuffled(self, answer):
        """A choice answer as option numbers of the bank's order (an option that does not exist
        stays one); any other answer as it is."""
        if not self.order or not isinstance(answer, (int, list)) or isinstance(answer, bool):
            return answer
        chosen = [self._unshuffled(option) for option in (answer if isinstance(answer, list) else [answer])]
        return chosen if isinstance(answer, list) else chosen[0]

    def _unshuffled(self, option):
        valid = isinstance(option, int) and not isinstance(option, bool) and 1 <= option <= len(self.order)
        return self.order[option - 1] + 1 if valid else option

    @property
    def checkable(self) -> bool:
        """Whether this copy of the grader can judge an answer: official grading always can."""
        seal = self.question.seal
        return self.key is not None or (seal is not None and seal.locks_for(self.student) is not None)


@dataclass(frozen=True)
class Verdict:
    right: bool | None  # None: this copy of the grader cannot tell (see Posed.checkable)
    explanation: str = ""  # sealed: shown only once the question is answered right


def pose(question: Question, student: str, exercise_id: str, *, practice: bool = False) -> Posed:
    """The question as `student` gets it, with its key (computed by the reference for generated
    questions: grader.quiz.generators). With `practice`, a generated question this copy cannot
    check for `student` is posed with PRACTICE's numbers, which it can."""
    if question.generator is not None:
        posed = _generated(question, student, exercise_id)
        if practice and not posed.checkable and student != PRACTICE:
            return _generated(question, PRACTICE, exercise_id)
        return posed
    if question.kind in ("single", "multiple"):
        order = list(range(len(question.text["en"].options)))
        if question.shuffle:
            rng_for(student, exercise_id, question.id).shuffle(order)
        if question.seal is not None:
            return Posed(question, student, order=tuple(order))
        return Posed(question, student, key=frozenset(order.index(index) + 1 for index in question.answer),
                     order=tuple(order))
    if question.seal is not None:
        return Posed(question, student)
    if question.kind == "short":
        return Posed(question, student, key=frozenset(form(question, answer) for text in question.text.values()
                                                      for answer in text.answers))
    return Posed(question, student, key=question.answer)


def _generated(question: Question, student: str, exercise_id: str) -> Posed:
    generator = GENERATORS[question.generator]
    fields = generator.draw(rng_for(student, exercise_id, question.id))
    if question.seal is not None:
        return Posed(question, student, fields)
    try:
        return Posed(question, student, fields, generator.solve(fields))
    except NoReference:  # a release whose bank was not sealed: nothing can check it
        return Posed(question, student, fields)


def judge(posed: Posed, answer, language: str) -> Verdict:
    """Whether `answer` (as read from an answer file or a prompt) is right; a malformed answer
    (a word for a number, an option that does not exist) is simply wrong."""
    question = posed.question
    if question.seal is not None:
        if not posed.checkable:
            return Verdict(None)
        key = question.seal.open(posed.student, form(question, posed.unshuffled(answer)))
        return Verdict(key is not None, question.seal.explain(language, key) if key else "")
    if posed.key is None:
        return Verdict(None)
    return Verdict(_right(posed, answer), question.text[language].explanation)


def is_right(posed: Posed, answer) -> bool:
    return judge(posed, answer, "en").right is True


def _right(posed: Posed, answer) -> bool:
    question = posed.question
    if question.kind in ("single", "multiple"):
        return form(question, answer) == form(question, sorted(posed.key))
    if question.kind == "short":
        return form(question, answer) in posed.key
    if form(question, answer) is None:  # not a finite number
        return False
    return abs(float(answer) - posed.key) <= question.tolerance + question.relative * abs(posed.key)
