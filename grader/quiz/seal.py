"""Sealed keys: how the student release checks quiz answers without holding them in plain text.

`grader release` replaces each question's key and explanation with a seal (`seal_question`):
- `salt`: random, per question, the key of every hash below (BLAKE2b, stdlib);
- `locks`: for each form a right answer can take (grader.quiz.forms), a random content key K XOR a
  hash of that form; an answer is right when the lock of its form opens to K, which `check` (a
  hash of K) recognises;
- `explanation`: each language's explanation encrypted with K, so that it is shown once the
  question is answered right: the explanation of a question states its answer.
A generated question's numbers are each student's own, so its locks are per student, filed under
a hash of the student id: for the students the release was built for, and for PRACTICE, whose
numbers anyone may practise with.

This is obfuscation, not secrecy. A question has few plausible answers (its options, a short
word, a number at the precision asked), and the code that checks them is in the release: a
student who wants a key finds it by trying them all. The seal keeps the keys out of sight and
out of search engines; official grading never uses it, only the instructor's plain banks.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field

from grader.quiz.forms import right_forms

PRACTICE = "practice"  # the student id whose generated numbers every release can check
KEY_BYTES = 8


@dataclass(frozen=True)
class Seal:
    salt: bytes
    check: str  # hash of the content key
    locks: tuple[str, ...] = ()  # a fixed question's
    students: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a generated one's, by hashed id
    explanation: dict[str, str] = field(default_factory=dict)  # by language, encrypted, base64

    def locks_for(self, student: str) -> tuple[str, ...] | None:
        """The locks `student`'s answers open, or None when this seal cannot check them."""
        if not self.students:
            return self.locks
        return self.students.get(_filed_as(self.salt, student))

    def open(self, student: str, form: str | None) -> bytes | None:
        """The content key, when `form` is a right answer of `student`'s; else None."""
        if form is None:
            return None
        student = student if self.students else ""  # a fixed question's locks are everyone's
        mask = _mask(self.salt, student, form)
        for lock in self.locks_for(student) or ():
            key = _xor(bytes.fromhex(lock), mask)
            if _check(self.salt, key) == self.check:
                return key
        return None

    def explain(self, language: str, key: bytes) -> str:
        sealed = base64.b64decode(self.explanation.get(language, ""))
        return _cipher(key, sealed).decode()


def seal_question(question, keys: dict[str, object]) -> Seal:
    """The seal of `question` (grader.quiz.bank.Question), whose key for each student is
    `keys[student]` (one entry, under "", for a question that is the same for everyone)."""
    salt, content_key = secrets.token_bytes(16), secrets.token_bytes(KEY_BYTES)

    def locks(student: str) -> tuple[str, ...]:
        return tuple(_xor(content_key, _mask(salt, student, form)).hex()
                     for form in sorted(right_forms(question, keys[student])))

    explanation = {language: base64.b64encode(_cipher(content_key, text.explanation.encode())).decode()
                   for language, text in question.text.items() if text.explanation}
    check = _check(salt, content_key)
    if question.generator is None:
        return Seal(salt, check, locks(""), explanation=explanation)
    return Seal(salt, check, students={_filed_as(salt, student): locks(student)
                                       for student in keys}, explanation=explanation)


def _mask(salt: bytes, student: str, form: str) -> bytes:
    """What a content key is XORed with in the lock that `form`, answered by `student`, opens."""
    return _hash(salt, b"form", student.encode(), form.encode())


def _filed_as(salt: bytes, student: str) -> str:
    """The name a generated question's locks for `student` are filed under: not their id."""
    return _hash(salt, b"student", student.encode()).hex()


def _check(salt: bytes, key: bytes) -> str:
    """What tells the content key from what a wrong answer's lock opens to."""
    return _hash(salt, b"check", key).hex()


def _hash(salt: bytes, *parts: bytes) -> bytes:
    return hashlib.blake2b(b"\0".join(parts), key=salt, digest_size=KEY_BYTES).digest()


def _cipher(key: bytes, data: bytes) -> bytes:
    """`data` XOR a keystream drawn from `key` (its own inverse)."""
    stream = b"".join(hashlib.blake2b(key + block.to_bytes(8, "big")).digest() for block in range(len(data) // 64 + 1))
    return _xor(data, stream)


def _xor(data: bytes, mask: bytes) -> bytes:
    """`data` XOR `mask`, as long as the shorter of the two."""
    return bytes(a ^ b for a, b in zip(data, mask))
