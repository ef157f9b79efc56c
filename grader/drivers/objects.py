"""Objects of the student's classes, made and used inside the worker.

Only arrays, numbers and sequences travel: a check that steps an object through many calls
(early stopping on a sequence of losses) gets back, in one request, what each call returned and
the attributes it reads after it.
"""

from __future__ import annotations


def method_calls(student, class_name: str, keywords: list, method: str, arguments: list,
                 attributes: list[str]) -> list[tuple]:
    """Make `class_name(**dict(keywords))`, call `.method(argument)` for each argument in turn,
    and after each call record `(result, *attributes)`: one tuple per call."""
    instance = getattr(student, class_name)(**dict(keywords))
    records = []
    for argument in arguments:
        result = getattr(instance, method)(argument)
        records.append((result, *(getattr(instance, name) for name in attributes)))
    return records
