"""`grader report`: the class statistics, exactly, and their terminal and HTML renderings."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from grader import charts
from grader.checks.result import CheckResult
from grader.class_report import (ErrorGroup, Incomplete, Slow, class_stats, histogram, render_html,
                                 render_terminal)
from grader.cli import main
from grader.course import Course, load_course
from grader.gradebook import Gradebook, Graded

DEADLINE = datetime(2026, 12, 2, tzinfo=timezone.utc)
ON_TIME = DEADLINE - timedelta(hours=5)
COURSE_TOML = "[late]\ndeadline = 2026-12-02T00:00:00+00:00\npenalty_per_day = 0.25\n"

EVIL_STUDENT = "<script>alert('id')</script>"
EVIL_CHECK = "cross_entropy <script>alert('check')</script> matches"
STOPPED = "`log_softmax` tried to stop the program (SystemExit: 1); return a value instead of calling sys.exit()"
TIMED_OUT = "your code took more than 10 s"
UNDEFINED = "`predict` is not defined in exercise1.py"


def row(name, points, status, seconds, message="", hidden=False):
    return CheckResult(name, points if status == "passed" else 0.0, points, status, message, hidden, seconds)


def ex3(student, a, b, c, d, seconds, late_days=0):
    """exercise3: A (2 points), B (4, hidden), C (2, skipped without a GPU), D (4); each a
    (status, seconds) or (status, seconds, message)."""
    checks = (row("softmax matches torch.softmax", 2, *a), row(EVIL_CHECK, 4, *b, hidden=True),
              row("softmax on the GPU", 2, *c), row("log_softmax matches torch.log_softmax", 4, *d))
    return graded(student, "exercise3", checks, seconds, late_days)


def ex1(student, p, q, seconds, late_days=0, complete=True):
    checks = (row("predict matches", 5, *p), row("train converges", 5, *q))
    return graded(student, "exercise1", checks, seconds, late_days, complete)


def graded(student, exercise, checks, seconds, late_days, complete=True):
    counted = [check for check in checks if check.status != "skipped"]
    return Graded(student, exercise, f"{exercise}.py", "0" * 64,
                  ON_TIME + timedelta(days=late_days), seconds, sum(c.score for c in counted),
                  sum(c.max_score for c in counted), checks, complete=complete)


SUBMISSIONS = [
    # exercise3: final scores 100%, 20%, 4/10 one day late = 30%, 8/12 = 66.7%
    ex3("alice", ("passed", 0.5), ("passed", 0.2), ("skipped", 0.0), ("passed", 3.0), seconds=3.0),
    ex3("bob", ("passed", 0.5), ("failed", 0.2), ("skipped", 0.0),
        ("error", 4.0, STOPPED + "\nyour code printed (last lines):\n  bye"), seconds=9.0),
    ex3("carol", ("error", 10.0, TIMED_OUT), ("passed", 0.2), ("skipped", 0.0),
        ("error", 3.0, STOPPED + "\nyour code printed (last lines):\n  something else"), seconds=20.0, late_days=1),
    ex3("dave", ("passed", 0.5), ("passed", 0.2), ("passed", 1.0), ("failed", 3.0), seconds=5.0),
    # exercise1: 5/10 three days late = 12.5%, 100%, 0% (two errors), one incomplete
    ex1("alice", ("passed", 1.0), ("failed", 2.0), seconds=1.0, late_days=3),
    ex1(EVIL_STUDENT, ("passed", 1.0), ("passed", 2.0), seconds=30.0),
    ex1("frank", ("error", 1.0, UNDEFINED), ("error", 2.0, UNDEFINED + "\nsecond line"), seconds=2.0),
    ex1("erin", ("error", 50.0, "internal error of the grader (OSError: x)\nplease report it"),
        ("error", 50.0, "internal error of the grader (OSError: x)"), seconds=0.5, complete=False),
]


@pytest.fixture
def book_path(tmp_path):
    path = tmp_path / "gradebook.db"
    with Gradebook(path) as book:
        for submission in SUBMISSIONS:
            book.record(submission, "test-grader")
    return path


@pytest.fixture
def course_path(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text(COURSE_TOML)
    return path


@pytest.fixture
def stats(book_path, course_path):
    with Gradebook(book_path) as book:
        return class_stats(book.graded(), load_course(course_path))


def by_id(stats):
    return {exercise.exercise: exercise for exercise in stats.exercises}


# -- statistics ----------------------------------------------------------------------------------
def test_scores_are_final_fractions_after_the_late_penalty(stats):
    exercise3, exercise1 = by_id(stats)["exercise3"], by_id(stats)["exercise1"]
    assert [e.exercise for e in stats.exercises] == ["exercise1", "exercise3"]  # the course's order
    assert exercise3.scores == pytest.approx([0.2, 0.3, 8 / 12, 1.0])
    assert exercise3.mean == pytest.approx((0.2 + 0.3 + 8 / 12 + 1.0) / 4)
    assert exercise3.median == pytest.approx((0.3 + 8 / 12) / 2)
    assert (exercise3.minimum, exercise3.maximum) == pytest.approx((0.2, 1.0))
    # erin's incomplete submission is counted as graded, never as a 0 score
    assert exercise1.scores == pytest.approx([0.0, 0.125, 1.0])
    assert exercise1.mean == pytest.approx(0.375) and exercise1.median == pytest.approx(0.125)
    assert (exercise1.graded, exercise1.incomplete, exercise3.graded, exercise3.incomplete) == (4, 1, 4, 0)
    assert (stats.students, stats.submissions) == (7, 8)


def test_histogram_counts_late_and_errors(stats):
    exercise3, exercise1 = by_id(stats)["exercise3"], by_id(stats)["exercise1"]
    assert exercise3.histogram == (0, 0, 1, 1, 0, 0, 1, 0, 0, 1)
    assert exercise1.histogram == (1, 1, 0, 0, 0, 0, 0, 0, 0, 1)
    assert (exercise3.late, exercise1.late) == (1, 1)
    assert (exercise3.with_errors, exercise1.with_errors) == (2, 1)  # erin's is incomplete, not "with errors"


def test_histogram_bins_put_each_bound_in_the_upper_bin_and_100_percent_in_the_top_one():
    assert histogram([0.0, 0.1, 0.3, 0.7, 0.95, 0.9999, 1.0]) == (1, 1, 0, 1, 0, 0, 0, 1, 0, 3)
    assert histogram([1 - 0.7]) == (0, 0, 0, 1, 0, 0, 0, 0, 0, 0)  # 0.30000000000000004
    assert histogram([]) == (0,) * 10


def test_pass_rates_leave_skipped_out_and_put_the_most_missed_first(stats):
    checks = by_id(stats)["exercise3"].checks
    assert [(c.name, c.passed, c.counted, c.skipped) for c in checks] == [
        ("log_softmax matches torch.log_softmax", 1, 4, 0),
        ("softmax matches torch.softmax", 3, 4, 0),
        (EVIL_CHECK, 3, 4, 0),
        ("softmax on the GPU", 1, 1, 3),
    ]
    assert [c.hidden for c in checks] == [False, False, True, False]
    assert checks[0].rate == 0.25 and checks[-1].rate == 1.0
    # the incomplete submission's errors say nothing about the class: P 2/3, Q 1/3 (not 2/4, 1/4)
    assert [(c.name, c.passed, c.counted) for c in by_id(stats)["exercise1"].checks] == [
        ("train converges", 1, 3), ("predict matches", 2, 3)]
    assert [(c.exercise, c.name) for c in stats.worst_checks] == [
        ("exercise3", "log_softmax matches torch.log_softmax"), ("exercise1", "train converges"),
        ("exercise1", "predict matches"), ("exercise3", "softmax matches torch.softmax"),
        ("exercise3", EVIL_CHECK), ("exercise3", "softmax on the GPU")]


def test_slowest_submissions_and_the_slowest_check_on_average(stats):
    assert stats.slowest == (Slow(EVIL_STUDENT, "exercise1", 30.0), Slow("carol", "exercise3", 20.0),
                             Slow("bob", "exercise3", 9.0), Slow("dave", "exercise3", 5.0),
                             Slow("alice", "exercise3", 3.0))
    # A took 10 s once (mean 2.875 s); D is slower on average (3.25 s)
    slowest3 = by_id(stats)["exercise3"].slowest_check
    assert slowest3.name == "log_softmax matches torch.log_softmax" and slowest3.seconds == pytest.approx(3.25)
    gpu = next(c for c in by_id(stats)["exercise3"].checks if c.name == "softmax on the GPU")
    assert gpu.seconds == pytest.approx(1.0)  # the mean over the one run that counted, not over skips
    # erin's 50 s checks were incomplete: left out
    assert by_id(stats)["exercise1"].slowest_check.name == "train converges"


def test_errors_are_grouped_by_the_first_line_of_their_message(stats):
    assert stats.errors == (
        ErrorGroup(STOPPED, 2, (("bob", "exercise3"), ("carol", "exercise3"))),
        ErrorGroup(UNDEFINED, 2, (("frank", "exercise1"),)),
        ErrorGroup(TIMED_OUT, 1, (("carol", "exercise3"),)),
    )
    assert stats.errors[0].students == ("bob", "carol")
    assert stats.incomplete == (Incomplete("erin", "exercise1", "internal error of the grader (OSError: x)"),)


def test_without_a_late_policy_nobody_is_late(book_path):
    with Gradebook(book_path) as book:
        stats = class_stats(book.graded(exercise="exercise3"), Course())
    exercise3 = by_id(stats)["exercise3"]
    assert exercise3.late == 0 and exercise3.scores == pytest.approx([0.2, 0.4, 8 / 12, 1.0])


# -- the terminal --------------------------------------------------------------------------------
def test_terminal_shows_the_key_lines(stats):
    text = render_terminal(stats, color=False)
    assert "\x1b[" not in text
    overview = next(line for line in text.splitlines() if line.startswith("  exercise3  "))
    assert overview.split()[:9] == ["exercise3", "4", "54%", "48%", "20%", "100%", "1", "2", "0"]
    assert "[  ██  █  █]" in overview and "Softmax and cross-entropy" in overview
    worst = text.split("Checks the class missed most")[1].splitlines()[2:8]
    assert "log_softmax matches torch.log_softmax" in worst[0] and "██▌░░░░░░░" in worst[0]
    assert worst[0].split()[-2:] == ["25%", "1/4"]
    assert worst[4].split()[-3:] == ["75%", "3/4", "hidden"]
    slow = text.split("Slowest gradings:")[1].splitlines()[2:7]
    assert [line.split()[-2:] for line in slow][:2] == [["exercise1", "30.0"], ["exercise3", "20.0"]]
    assert f"2 checks in 2 submissions: {STOPPED}" in text
    assert "bob (exercise3), carol (exercise3)" in text
    assert "1 check  in 1 submission: your code took more than 10 s" in text
    assert re.search(r"erin\s+exercise1\s+internal error of the grader", text)


def test_terminal_colors_the_bars_by_rate(stats):
    text = render_terminal(stats, color=True)
    assert "\x1b[31m██▌░░░░░░░" in text  # 25%: red
    assert "\x1b[32m██████████" in text  # the GPU check, 100%: green


def test_terminal_says_when_the_book_is_empty():
    assert "no graded submission" in render_terminal(class_stats([], Course()), color=False)


def test_sparkline_and_bar():
    from grader.class_report import bar, sparkline

    assert sparkline([0, 1, 2, 4, 8, 0, 0, 0, 0, 8]) == " ▁▂▄█    █"
    assert bar(0.0) == "░" * 10 and bar(1.0) == "█" * 10 and bar(0.55) == "█████▌░░░░"


# -- the HTML page -------------------------------------------------------------------------------
VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "source", "wbr"}


class Structure(HTMLParser):
    """Every start tag, and an error for any end tag that does not close the innermost open one."""

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.problems = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.fixture
def page(stats):
    return render_html(stats)


def test_html_is_well_formed_with_one_svg_per_chart(page):
    structure = Structure()
    structure.feed(page)
    structure.close()
    assert structure.problems == [] and structure.stack == []
    svgs = [attrs["class"] for tag, attrs in structure.tags if tag == "svg"]
    assert svgs == ["histogram", "rates"] * 2  # one histogram and one chart of pass rates per exercise
    parsed = [ElementTree.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page, re.S)]
    assert len(parsed) == 4


def svg_of(page, kind, exercise):
    section = page.split(f'<section id="{exercise}">')[1].split("</section>")[0]
    return ElementTree.fromstring(re.search(rf'<svg class="{kind}".*?</svg>', section, re.S).group(0))


def test_histogram_chart_has_a_column_per_bin_with_its_count_and_axis_titles(page):
    svg = svg_of(page, "histogram", "exercise1")
    columns = [rect for rect in svg.iter("rect")]
    assert [rect.find("title").text for rect in columns][:2] == ["0–10%: 1 submission", "10–20%: 1 submission"]
    assert len(columns) == 10
    heights = [float(rect.get("height")) for rect in columns]
    assert heights[0] == heights[1] == heights[9] > 0 and heights[2:9] == [0.0] * 7
    values = [text.text for text in svg.iter("text") if text.get("class") == "value"]
    assert values == ["1", "1", "1"]
    titles = [text.text for text in svg.iter("text") if text.get("class") == "axis-title"]
    assert titles == ["final score (% of the maximum, after late penalty)", "submissions"]


def test_rate_chart_lists_checks_worst_first_with_widths_and_colors_by_rate(page):
    svg = svg_of(page, "rates", "exercise3")
    labels = ["".join(text.itertext()) for text in svg.iter("text") if text.get("class") == "label"]
    assert labels == ["log_softmax matches torch.log_softmax", "softmax matches torch.softmax",
                      f"{EVIL_CHECK} hidden", "softmax on the GPU"]
    fills = [rect for rect in svg.iter("rect") if rect.get("class") != "track"]
    track = float(next(rect for rect in svg.iter("rect") if rect.get("class") == "track").get("width"))
    assert [float(rect.get("width")) / track for rect in fills] == pytest.approx([0.25, 0.75, 0.75, 1.0])
    assert [rect.get("fill") for rect in fills] == [charts.rate_color(0.25), charts.rate_color(0.75),
                                                    charts.rate_color(0.75), charts.rate_color(1.0)]
    assert charts.rate_color(0.0) != charts.rate_color(1.0)
    details = [text.text for text in svg.iter("text") if text.get("class") == "value"]
    assert details == ["25% · 1/4", "75% · 3/4", "75% · 3/4", "100% · 1/1 · 3 skipped"]


def test_html_escapes_student_ids_and_check_names(page):
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;id&#39;)&lt;/script&gt;" in page
    assert "cross_entropy &lt;script&gt;alert(&#39;check&#39;)&lt;/script&gt; matches" in page


def test_html_is_self_contained(page):
    assert not re.search(r"https?:|//[a-z]|\bsrc=|<link|@import|url\(|<script", page, re.I)
    assert "<style>" in page


def test_html_tables_show_the_slowest_errors_and_incomplete(page):
    slowest = page.split("<h2>Slowest gradings</h2>")[1].split("</table>")[0]
    assert re.findall(r"<td class=\"num\">([\d.]+)</td>", slowest) == ["30.0", "20.0", "9.0", "5.0", "3.0"]
    errors = page.split("<h2>Errors</h2>")[1].split("</table>")[0]
    assert [m for m in re.findall(r'<td class="message">(.*?)</td>', errors)] == [
        "`log_softmax` tried to stop the program (SystemExit: 1); return a value instead of calling sys.exit()",
        "`predict` is not defined in exercise1.py", "your code took more than 10 s"]
    assert "Incomplete submissions" in page and "internal error of the grader (OSError: x)" in page


def test_html_of_an_empty_book_says_so():
    page = render_html(class_stats([], Course()))
    assert "no graded submission" in page and "<svg" not in page


def test_nice_axis_tops():
    assert [charts.nice_top(n) for n in (0, 1, 3, 7, 12, 37, 370)] == [
        (1, 1), (1, 1), (3, 1), (8, 2), (15, 5), (40, 10), (400, 100)]
    assert all(math.ceil(top / step) <= 5 for top, step in map(charts.nice_top, range(1, 2000, 7)))


# -- the command ---------------------------------------------------------------------------------
def test_cli_prints_the_report_and_writes_the_page(book_path, course_path, tmp_path):
    html_path = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "--gradebook", str(book_path), "--course", str(course_path),
                                       "--html", str(html_path)])
    assert result.exit_code == 0, result.output
    assert "Scores per exercise:" in result.output and f"wrote {html_path}" in result.output
    assert re.search(r"^  exercise3\s+4\s+54%", result.output, re.M)
    assert html_path.read_text(encoding="utf-8").count("<svg") == 4


def test_cli_filters_one_exercise(book_path, course_path):
    result = CliRunner().invoke(main, ["report", "--gradebook", str(book_path), "--course", str(course_path),
                                       "--exercise", "exercise1"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^  exercise1\s+4\s+38%", result.output, re.M)
    assert "exercise3" not in result.output


def test_cli_refuses_a_missing_gradebook_without_creating_one(tmp_path):
    missing = tmp_path / "nope.db"
    result = CliRunner().invoke(main, ["report", "--gradebook", str(missing)])
    assert result.exit_code == 2
    assert "no gradebook at" in result.output and str(missing) in result.output
    assert not missing.exists()


def test_cli_says_when_the_book_is_empty(tmp_path, course_path):
    empty = tmp_path / "empty.db"
    Gradebook(empty).close()
    result = CliRunner().invoke(main, ["report", "--gradebook", str(empty), "--course", str(course_path)])
    assert result.exit_code == 0 and "holds no graded submission" in result.output
