"""Code the grader runs *inside the worker*, next to student code.

Some claims need many calls in a row on objects that live in the worker: an optimizer stepped
through a trajectory, a function timed against torch's own op, a tiny CNN trained for one step.
A driver does that in one request (`Student.drive("optimizers.trajectory", ...)`), and `watch`
records every call student code makes to a library op it must re-implement. A driver is
trusted code but runs in an untrusted process: whatever it returns is checked in the grader
like any student result, and nothing here decides a grade.

Each driver is a function `driver(student, *args)`, where `student` is the submission's module.
"""
