"""The class at a glance (`grader report`): scores, the checks the class missed, slow gradings and
errors, from the gradebook and the course's late policy.

- A final score is the stored score after the late penalty, as a fraction of the maximum.
- An incomplete submission (the grader itself failed on it; `grader grade` grades it again) is
  listed on its own and left out of the scores, the pass rates and the error groups: its
  results say nothing about the student's code.
- A check's pass rate is passed / counted, where a skipped check is not counted.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import click

from grader import charts
from grader.course import Course
from grader.exercises import in_course_order, title
from grader.gradebook import Graded

BINS = 10
WORST = 10  # checks in the terminal's list of the most missed
SLOWEST = 5
NAMES_SHOWN = 8  # students named per error group in the terminal


@dataclass(frozen=True)
class CheckStats:
    exercise: str
    name: str
    hidden: bool
    passed: int
    counted: int  # passed, failed or error: every status but skipped
    skipped: int
    seconds: float  # mean grading time over the runs that counted (0 when none did)

    @property
    def rate(self) -> float | None:
        return self.passed / self.counted if self.counted else None


@dataclass(frozen=True)
class ExerciseStats:
    exercise: str
    title: str
    graded: int  # submissions in the book, incomplete ones included
    scores: tuple[float, ...]  # final fraction of each complete submission, ascending
    histogram: tuple[int, ...]  # of `scores`, BINS bins; 100% falls in the top one
    late: int
    with_errors: int  # complete submissions with at least one check in error
    incomplete: int
    checks: tuple[CheckStats, ...]  # the most missed first

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    @property
    def minimum(self) -> float | None:
        return self.scores[0] if self.scores else None

    @property
    def maximum(self) -> float | None:
        return self.scores[-1] if self.scores else None

    @property
    def slowest_check(self) -> CheckStats | None:
        timed = [check for check in self.checks if check.counted]
        return max(timed, key=lambda check: check.seconds, default=None)


@dataclass(frozen=True)
class Slow:
    student: str
    exercise: str
    seconds: float


@dataclass(frozen=True)
class ErrorGroup:
    message: str  # the first line of the checks' messages
    checks: int  # checks in error with this first line
    submissions: tuple[tuple[str, str], ...]  # (student, exercise), sorted

    @property
    def students(self) -> tuple[str, ...]:
        return tuple(sorted({student for student, _ in self.submissions}))


@dataclass(frozen=True)
class Incomplete:
    student: str
    exercise: str
    reason: str  # the first line of its first error, or of its first note


@dataclass(frozen=True)
class ClassStats:
    students: int
    submissions: int
    exercises: tuple[ExerciseStats, ...]
    slowest: tuple[Slow, ...]
    errors: tuple[ErrorGroup, ...]  # the most frequent first
    incomplete: tuple[Incomplete, ...]

    @property
    def worst_checks(self) -> tuple[CheckStats, ...]:
        return tuple(sorted((check for exercise in self.exercises for check in exercise.checks if check.counted),
                            key=lambda check: (check.rate, -check.counted)))[:WORST]


# -- statistics ----------------------------------------------------------------------------------
def class_stats(graded: Sequence[Graded], course: Course) -> ClassStats:
    by_exercise: dict[str, list[Graded]] = {}
    for submission in graded:
        by_exercise.setdefault(submission.exercise, []).append(submission)
    complete = [submission for submission in graded if submission.complete]
    return ClassStats(
        students=len({submission.student for submission in graded}),
        submissions=len(graded),
        exercises=tuple(exercise_stats(exercise, by_exercise[exercise], course) for exercise in in_course_order(by_exercise)),
        slowest=slowest(graded),
        errors=error_groups(complete),
        incomplete=tuple(Incomplete(s.student, s.exercise, _reason(s)) for s in graded if not s.complete),
    )


def final_fraction(submission: Graded, course: Course) -> float | None:
    """The score after the late penalty, as a fraction of the maximum (None without a maximum)."""
    if submission.max_score <= 0:
        return None
    return course.final_score(submission) / submission.max_score


def histogram(fractions: Iterable[float], bins: int = BINS) -> tuple[int, ...]:
    counts = [0] * bins
    for fraction in fractions:
        # 1e-9: 0.3 of the maximum is in the 30–40% bin even when its float is a hair below.
        counts[min(bins - 1, max(0, math.floor(fraction * bins + 1e-9)))] += 1
    return tuple(counts)


def exercise_stats(exercise: str, submissions: Sequence[Graded], course: Course) -> ExerciseStats:
    complete = [submission for submission in submissions if submission.complete]
    scores = sorted(fraction for fraction in (final_fraction(s, course) for s in complete) if fraction is not None)
    return ExerciseStats(
        exercise=exercise,
        title=title(exercise) or "",
        graded=len(submissions),
        scores=tuple(scores),
        histogram=histogram(scores),
        late=sum(course.lateness(s).days > 0 for s in submissions),
        with_errors=sum(s.errors > 0 for s in complete),
        incomplete=len(submissions) - len(complete),
        checks=check_stats(exercise, complete),
    )


def check_stats(exercise: str, submissions: Sequence[Graded]) -> tuple[CheckStats, ...]:
    """Each check of the exercise with its pass rate, the most missed first (then the most
    counted; checks skipped everywhere last), ties in the exercise's order."""
    rows: dict[str, list] = {}  # name -> the check's rows, in the order checks first appear
    for submission in submissions:
        for check in submission.checks:
            rows.setdefault(check.name, []).append(check)
    stats = []
    for name, checks in rows.items():
        counted = [check for check in checks if check.status != "skipped"]
        stats.append(CheckStats(
            exercise=exercise, name=name, hidden=any(check.hidden for check in checks),
            passed=sum(check.status == "passed" for check in counted), counted=len(counted),
            skipped=len(checks) - len(counted),
            seconds=statistics.fmean(check.seconds for check in counted) if counted else 0.0))
    return tuple(sorted(stats, key=lambda check: (check.rate is None, check.rate or 0.0, -check.counted)))


def slowest(submissions: Iterable[Graded], count: int = SLOWEST) -> tuple[Slow, ...]:
    ranked = sorted(submissions, key=lambda s: (-s.seconds, s.student, s.exercise))
    return tuple(Slow(s.student, s.exercise, s.seconds) for s in ranked[:count])


def first_line(message: str) -> str:
    return message.strip().split("\n", 1)[0].strip() or "(no message)"


def error_groups(submissions: Iterable[Graded]) -> tuple[ErrorGroup, ...]:
    """Checks in error grouped by the first line of their message, the most submissions first."""
    checks: dict[str, int] = {}
    concerned: dict[str, set[tuple[str, str]]] = {}
    for submission in submissions:
        for check in submission.checks:
            if check.status == "error":
                line = first_line(check.message)
                checks[line] = checks.get(line, 0) + 1
                concerned.setdefault(line, set()).add((submission.student, submission.exercise))
    groups = [ErrorGroup(line, checks[line], tuple(sorted(concerned[line]))) for line in checks]
    return tuple(sorted(groups, key=lambda group: (-len(group.submissions), -group.checks, group.message)))


def _reason(submission: Graded) -> str:
    errors = [check.message for check in submission.checks if check.status == "error"]
    if errors:
        return first_line(errors[0])
    return first_line(submission.notes[0]) if submission.notes else ""


# -- the terminal --------------------------------------------------------------------------------
SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def sparkline(counts: Sequence[int]) -> str:
    """One character per bin, its height proportional to the count; a space for an empty bin."""
    top = max(counts, default=0)
    return "".join(SPARKS[math.ceil(count / top * len(SPARKS)) - 1] if count else " " for count in counts)


def bar(rate: float, width: int = 10) -> str:
    """A bar of `width` cells filled to `rate`, in eighths of a cell, on a light track."""
    eighths = round(rate * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text + "░" * (width - len(text))


def terminal_color(rate: float | None) -> str:
    return "white" if rate is None else "red" if rate < 0.5 else "yellow" if rate < 0.8 else "green"


def render_terminal(stats: ClassStats, color: bool) -> str:
    if not stats.submissions:
        return "The gradebook holds no graded submission yet."
    style = click.style if color else (lambda text, **_: text)
    sections = [_summary(stats), _overview(stats), _worst(stats, style), _slowest(stats),
                _errors(stats), _incomplete(stats)]
    return "\n\n".join(section for section in sections if section)


def _summary(stats: ClassStats) -> str:
    return (f"Class report: {stats.submissions} submission{'s' * (stats.submissions != 1)} of "
            f"{stats.students} student{'s' * (stats.students != 1)}; scores are final "
            "(after any late penalty), as a percentage of the maximum.")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str) -> list[str]:
    """Aligned columns: `align` holds '<' or '>' for each; the last column is never padded."""
    rows = [list(header), *map(list, rows)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = []
    for row in rows:
        cells = [f"{cell:{side}{width}}" for cell, side, width in zip(row[:-1], align, widths)] + [row[-1]]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _overview(stats: ClassStats) -> str:
    rows = [(e.exercise, str(e.graded), percent(e.mean), percent(e.median), percent(e.minimum), percent(e.maximum),
             str(e.late), str(e.with_errors), str(e.incomplete), f"[{sparkline(e.histogram)}]", e.title)
            for e in stats.exercises]
    header = ("exercise", "graded", "mean", "median", "min", "max", "late", "errors", "incomplete",
              "0–100%".center(BINS + 2), "title")
    return "\n".join(["Scores per exercise:", *_table(header, rows, "<>>>>>>>><<")])


def _worst(stats: ClassStats, style) -> str:
    worst = stats.worst_checks
    if not worst:
        return ""
    lines = ["Checks the class missed most (pass rate; skipped checks not counted):"]
    table = _table(("exercise", "check", "pass rate", "", "", ""),
                   [(c.exercise, charts.shorten(c.name, 64), bar(c.rate), percent(c.rate),
                     f"{c.passed}/{c.counted}", "hidden" if c.hidden else "") for c in worst], "<<<>><")
    lines.append(table[0])
    for check, line in zip(worst, table[1:]):
        drawn = bar(check.rate)
        lines.append(line.replace(drawn, style(drawn, fg=terminal_color(check.rate)), 1))
    return "\n".join(lines)


def _slowest(stats: ClassStats) -> str:
    lines = ["Slowest gradings:", *_table(("student", "exercise", "seconds"),
                                          [(s.student, s.exercise, f"{s.seconds:.1f}") for s in stats.slowest],
                                          "<<>")]
    slow_checks = [(e.exercise, e.slowest_check) for e in stats.exercises if e.slowest_check]
    if slow_checks:
        lines += ["", "Slowest check of each exercise (mean seconds over the submissions that ran it):",
                  *_table(("exercise", "check", "mean s"),
                          [(exercise, charts.shorten(check.name, 64), f"{check.seconds:.2f}")
                           for exercise, check in slow_checks], "<<>")]
    return "\n".join(lines)


def _errors(stats: ClassStats) -> str:
    if not stats.errors:
        return "Errors: no check ended in error."
    lines = ["Errors (checks with status error), by the first line of their message:"]
    for group in stats.errors:
        names = [f"{student} ({exercise})" for student, exercise in group.submissions]
        more = f", … and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
        lines.append(f"  {group.checks:>3} check{'s' if group.checks != 1 else ' '} "
                     f"in {len(group.submissions)} submission{'s' if len(group.submissions) != 1 else ''}: "
                     f"{charts.shorten(group.message, 120)}")
        lines.append(f"        {', '.join(names[:NAMES_SHOWN])}{more}")
    return "\n".join(lines)


def _incomplete(stats: ClassStats) -> str:
    if not stats.incomplete:
        return ""
    return "\n".join(["Incomplete (the grader itself failed; `grader grade` grades them again):",
                      *_table(("student", "exercise", "reason"),
                              [(i.student, i.exercise, charts.shorten(i.reason, 90)) for i in stats.incomplete],
                              "<<<")])


# -- the HTML page -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExerciseView:
    stats: ExerciseStats
    histogram: charts.Histogram
    rates: charts.RateChart | None  # None when no check ran


def render_html(stats: ClassStats) -> str:
    from grader.html import render

    views = [ExerciseView(exercise, charts.histogram(exercise.histogram),
                          charts.rate_bars([_rate_row(check) for check in exercise.checks]) if exercise.checks else None)
             for exercise in stats.exercises]
    return render("class_report.html.j2", stats=stats, exercises=views, percent=percent,
                  rate_color=charts.rate_color)


def _rate_row(check: CheckStats) -> charts.RateRow:
    detail = f"{percent(check.rate)} · {check.passed}/{check.counted}" if check.counted else "skipped everywhere"
    if check.counted and check.skipped:
        detail += f" · {check.skipped} skipped"
    return charts.RateRow(check.name, check.rate, detail, "hidden" if check.hidden else "")
