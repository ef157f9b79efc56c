"""The Markdown summary of a `grader ci` step, as GitHub shows it on the run's page.

A table of the exercises graded and their points, then per exercise a table of its checks, and
under it the details of each check that failed, collapsed (`<details>`). Whatever student code
may have shaped (messages, what it printed, notes naming its statements) is only ever inside a
code fence longer than any run of backticks in it, so it shows as text: no Markdown, no HTML.
"""

from __future__ import annotations

import html

from grader.export import points, public_message
from grader.feedback import fence

MARKS = {"passed": "✅", "failed": "❌", "error": "💥", "skipped": "⏭️"}


def step_summary(outcome) -> str:
    """`outcome`: a `grader.ci.Outcome`."""
    graded = outcome.graded
    heading = f"{points(outcome.score, outcome.max_score)} points" if graded else "nothing graded"
    lines = [f"## Autograding: {heading}", "", f"GradedFile: {_inline(outcome.selection.reason)}.", ""]
    if graded:
        lines += ["| Exercise | Points | Passed | Failed | Errors |", "|---|---:|---:|---:|---:|"]
        for item in graded:
            statuses = [result.status for result in item.report.results]
            lines.append(f"| {_cell(item.report.exercise.id + ': ' + item.report.exercise.title)} "
                         f"| {points(item.report.score, item.report.max_score)} | {statuses.count('passed')} "
                         f"| {statuses.count('failed')} | {statuses.count('error')} |")
    for item in graded:
        lines += _exercise(item)
    lines += ["", f"Grader: {_inline(outcome.integrity.detail)}.  ",
              f"Isolation of student code: {_inline(outcome.isolation)}.", ""]
    return "\n".join(lines) + "\n"


def _exercise(item) -> list[str]:
    report = item.report
    lines = ["", f"### {_cell(report.exercise.id)}: {_cell(report.exercise.title)}: "
                 f"{points(report.score, report.max_score)}", "", f"File: `{_inline(item.file)}`", "",
             "| | Check | Points |", "|---|---|---:|"]
    lines += [f"| {MARKS[r.status]} | {_cell(r.name)}{' (hidden)' * r.hidden} | {points(r.score, r.max_score)} |"
              for r in report.results]
    for result in report.results:
        if result.status in ("failed", "error") or (result.status == "skipped" and result.message):
            place = item.places.get(result.name)
            where = f" ({place.where})" if place else ""
            message = public_message(result)
            lines += ["", f"<details><summary>{MARKS[result.status]} {html.escape(result.name)}{where}</summary>",
                      "", *_fenced(message), "", "</details>"]
    if report.notes:
        lines += ["", "<details><summary>Notes</summary>", "",
                  *_fenced("\n".join(f"- {note}" for note in report.notes)), "", "</details>"]
    return lines


def _fenced(text: str) -> list[str]:
    marker = fence(text)
    return [f"{marker}text", text.rstrip("\n"), marker]


def _cell(text: str) -> str:
    """Text of ours (claims, titles) in a table cell: its pipes escaped, its HTML shown as text."""
    return html.escape(text, quote=False).replace("|", "\\|")


def _inline(text: str) -> str:
    return html.escape(text, quote=False).replace("`", "'")
