"""Grades out of the gradebook: a CSV for a spreadsheet or an LMS, and Gradescope's `results.json`.

Late penalties (`course.toml`) are applied here, on reading; the book holds raw scores.

CSV (`write_csv`): a header `student,exercise1,…,total`, then one row per student, sorted by
student. There is a column for each exercise that has at least one submission in the book, in
the order exercise1 … exercise7, each exercise's quiz (`quiz-exercise3`) right after it. A cell
holds the score after the late penalty, formatted with `:g` (`21.6`, `24`); it is empty when the
student submitted nothing for that exercise. `total` is the sum of the row. Maximum points are
not in the file (`grader list` shows them): an LMS sets them when its column is created, and a
row of maxima would be imported as a student.

Gradescope (`write_gradescope`): `DIR/<student>/<exercise>/results.json` per submission, in the
format of Gradescope's autograder specification:
- top-level `score`: the score after the late penalty (Gradescope uses it instead of the sum of
  the tests' scores, which stay the raw points of each check); `execution_time`: whole seconds of
  grading; `output`: the score, the late penalty if any, skipped checks and notes;
  `visibility: "visible"`; `stdout_visibility: "hidden"` (the grader's own log is for staff).
- `tests`: one per check, in order, with `name`, `score`, `max_score`, `status` (`passed`, or
  `failed` for both `failed` and `error`: Gradescope knows only these two), `output` and
  `visibility`. Public checks are `visible` and their output is the message (expected vs got,
  the smallest failing input, the hint; an error says `error:` first). Hidden checks are
  `after_published`, and their output never holds their message: only pass or fail.
- `skipped` checks (a GPU check on a host without CUDA) are left out of `tests`: they count
  neither in the score nor in the maximum; `output` says how many there were.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from grader.exercises import in_course_order, title
from grader.gradebook import Graded

HIDDEN_DETAILS = "hidden check: details are not shown"


def public_message(check) -> str:
    """What a check's message may show outside the gradebook: nothing of a hidden check's."""
    return HIDDEN_DETAILS if check.hidden else check.message


def number(value: float) -> str:
    """A score as a spreadsheet reads it: `21.6`, `24`, `0`."""
    return f"{value + 0.0:g}"  # + 0.0: no "-0"


def points(score: float, max_score: float) -> str:
    """`7/24`, `21.6/24`."""
    return f"{number(score)}/{number(max_score)}"


def safe_component(name: str) -> str:
    """A student or exercise id used as one path component under the output folder."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"{name!r} cannot be used as a file name")
    return name


def write_csv(graded: list[Graded], course, out: Path) -> list[str]:
    """Write the grades table to `out`; returns its students, in the order of its rows."""
    exercises = in_course_order({g.exercise for g in graded})
    scores: dict[str, dict[str, float]] = {}
    for submission in graded:
        scores.setdefault(submission.student, {})[submission.exercise] = course.final_score(submission)
    students = sorted(scores)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["student", *exercises, "total"])
        for student in students:
            row = scores[student]
            writer.writerow([student, *(number(row[e]) if e in row else "" for e in exercises),
                             number(sum(row.values()))])
    return students


def results_json(graded: Graded, course) -> dict:
    """One submission as Gradescope's `results.json`."""
    tests = []
    for check in graded.checks:
        if check.status == "skipped":
            continue
        passed = check.status == "passed"
        if check.hidden:
            output = f"{'passed' if passed else 'failed'} ({HIDDEN_DETAILS})"
        elif check.status == "error":
            output = f"error: {check.message}"
        else:
            output = check.message
        tests.append({"name": check.name, "score": check.score, "max_score": check.max_score,
                      "status": "passed" if passed else "failed", "output": output,
                      "visibility": "after_published" if check.hidden else "visible"})
    return {"score": course.final_score(graded), "execution_time": int(round(graded.seconds)),
            "output": summary(graded, course), "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests}


def summary(graded: Graded, course) -> str:
    """A few lines on the whole submission: score, late penalty, skipped checks, notes."""
    lateness = course.lateness(graded)
    named = title(graded.exercise)
    lines = [f"{graded.exercise}: {named}" if named else graded.exercise,
             f"Score: {points(graded.score, graded.max_score)}"]
    if lateness.days:
        lines.append(f"Late: {lateness.describe()}; final score "
                     f"{points(course.final_score(graded), graded.max_score)}")
    skipped = sum(check.status == "skipped" for check in graded.checks)
    if skipped:
        lines.append(f"{skipped} check{'s' if skipped > 1 else ''} skipped (not counted in the score nor the maximum)")
    if not graded.complete:
        lines.append("Grading did not complete (the grader failed); this submission will be graded again.")
    lines.extend(f"Note: {note}" for note in graded.notes)
    return "\n".join(lines)


def write_gradescope(graded: list[Graded], course, out_dir: Path) -> list[Path]:
    """Write `out_dir/<student>/<exercise>/results.json` for each submission; returns the files."""
    written = []
    for submission in graded:
        folder = Path(out_dir) / safe_component(submission.student) / safe_component(submission.exercise)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "results.json"
        path.write_text(json.dumps(results_json(submission, course), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written
