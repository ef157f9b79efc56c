"""Feedback for students: per submission a Markdown file and a self-contained HTML page.

Each shows the exercise's title, the score (raw, the late penalty if any, final), every check in
order with PASS/FAIL/ERROR/SKIP and its points, and the message of each public check (expected vs
got, the smallest failing input, the hint) with its line breaks kept. A hidden check shows only
whether it passed: its message never leaves the gradebook. The notes (notebook cells skipped, …)
close the page. The HTML has its CSS inline and loads nothing; it is rendered with autoescaping,
so what student code printed shows as text.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.exercises import title
from grader.export import HIDDEN_DETAILS, points, safe_component
from grader.gradebook import Graded
from grader.html import render

LABELS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP"}


def view(graded: Graded, course) -> dict:
    """What both formats show, as plain values."""
    lateness = course.lateness(graded)
    checks = []
    for check in graded.checks:
        checks.append({
            "label": LABELS.get(check.status, check.status.upper()),
            "status": check.status,
            "name": check.name,
            "points": points(check.score, check.max_score),
            "hidden": check.hidden,
            # A hidden check's message (its inputs, its expected values) is never shown.
            "message": None if check.hidden else (check.message.rstrip("\n") or None),
        })
    return {
        "student": graded.student,
        "exercise": graded.exercise,
        "title": title(graded.exercise) or graded.exercise,
        "path": graded.path,
        "submitted_at": graded.submitted_at.strftime("%Y-%m-%d %H:%M UTC"),
        "raw": points(graded.score, graded.max_score),
        "late": lateness.describe() if lateness.days else None,
        "final": points(course.final_score(graded), graded.max_score),
        "complete": graded.complete,
        "checks": checks,
        "counts": {label: sum(c["status"] == status for c in checks) for status, label in LABELS.items()},
        "notes": list(graded.notes),
        "hidden_details": HIDDEN_DETAILS,
    }


def fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in `text`, so `text` cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def markdown(graded: Graded, course) -> str:
    page = view(graded, course)
    lines = [f"# {page['exercise']}: {page['title']}", "",
             f"Student: {page['student']}  ", f"Graded file: `{page['path']}`  ",
             f"Submitted: {page['submitted_at']}", ""]
    if page["late"]:
        lines += [f"Score: {page['raw']}  ", f"Late: {page['late']}  ", f"**Final score: {page['final']}**"]
    else:
        lines += [f"**Score: {page['final']}**"]
    if not page["complete"]:
        lines += ["", "Grading did not complete (the grader failed); this submission will be graded again."]
    lines += ["", "## Checks", ""]
    for check in page["checks"]:
        lines.append(f"- **{check['label']}** {check['name']} ({check['points']})")
        if check["hidden"]:
            lines.append(f"  *{HIDDEN_DETAILS}*")
        elif check["message"]:
            marker = fence(check["message"])
            lines += ["", f"  {marker}text"]
            lines += [f"  {line}" if line else "" for line in check["message"].split("\n")]
            lines += [f"  {marker}", ""]
    if page["notes"]:
        lines += ["", "## Notes", ""]
        lines += [f"- {note}" for note in page["notes"]]
    return "\n".join(lines).rstrip("\n") + "\n"


def html(graded: Graded, course) -> str:
    return render("feedback.html.j2", **view(graded, course))


def write_feedback(graded: list[Graded], course, out_dir: Path) -> list[Path]:
    """Write `out_dir/<student>/<exercise>.md` and `.html` for each submission; returns the files."""
    written = []
    for submission in graded:
        folder = Path(out_dir) / safe_component(submission.student)
        folder.mkdir(parents=True, exist_ok=True)
        stem = safe_component(submission.exercise)
        for suffix, text in ((".md", markdown(submission, course)), (".html", html(submission, course))):
            path = folder / f"{stem}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
