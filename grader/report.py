"""Showing a report to a person: one line per claim, the details of what failed under it."""

from __future__ import annotations

import textwrap

import click

from grader.runner import Report
from grader.sandbox.layers import describe

LABELS = {"passed": ("PASS", "green"), "failed": ("FAIL", "red"), "error": ("ERROR", "red"),
          "skipped": ("SKIP", "yellow")}
NOT_IMPLEMENTED = "not implemented"
MAX_NOTES = 5


def _points(value: float) -> str:
    return f"{value:g}"


def render(report: Report, color: bool) -> str:
    style = (lambda text, **kw: click.style(text, **kw)) if color else (lambda text, **kw: text)
    lines = [style(f"{report.exercise.id}: {report.exercise.title}", bold=True), f"graded file: {report.path}", ""]
    if report.notes:
        lines.append(f"notes ({len(report.notes)}):")
        lines += [f"  - {note}" for note in report.notes[:MAX_NOTES]]
        if len(report.notes) > MAX_NOTES:
            lines.append(f"  - … and {len(report.notes) - MAX_NOTES} more")
        lines.append("")
    width = max(len(result.name) for result in report.results) if report.results else 0
    for result in report.results:
        label, color_name = LABELS[result.status]
        if result.message.startswith(NOT_IMPLEMENTED):
            label, color_name = "TODO", "yellow"
        points = f"{_points(result.score)}/{_points(result.max_score)}"
        lines.append(f"  {style(f'{label:<5}', fg=color_name, bold=True)} {result.name:<{width}}  {points:>7}")
        if result.message:  # what went wrong, or a note on a pass (a measured speed)
            lines += [textwrap.indent(line, " " * 9) for line in result.message.splitlines()]
    counts = {status: sum(r.status == status for r in report.results) for status in LABELS}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    full = report.score == report.max_score
    total = f"Score: {_points(report.score)}/{_points(report.max_score)}"
    lines += ["", style(total, fg="green" if full else "red", bold=True) + f"  ({summary})"]
    if report.isolation:
        lines.append(f"isolation: {describe(report.isolation)}")
    return "\n".join(lines)
