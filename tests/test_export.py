"""`grader export`: the CSV of grades and Gradescope's results.json, late penalties applied."""

import csv
import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from grader.checks.result import CheckResult
from grader.cli import main
from grader.course import Course, load_course
from grader.export import write_csv, write_gradescope
from grader.gradebook import Graded, Gradebook

COURSE_TOML = """\
[late]
deadline = 2026-12-04T23:59:00+00:00
penalty_per_day = 0.10
"""

ON_TIME = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
TWO_DAYS_LATE = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)  # 1 day 12 h after the deadline

# A public message holding markup and a code fence, as student output can.
PUBLIC_MESSAGE = ("backward(...) is wrong\nexpected: 1\ngot:      2\n"
                  "smallest failing input: x=<script>alert(1)</script>\n```\nprint('out of the fence')\n```\n"
                  "hint: ``` more backticks ````")
HIDDEN_PASSED_MESSAGE = "SECRET-PASSED expected 3.0 on x=[1e30]"
HIDDEN_FAILED_MESSAGE = "SECRET-FAILED smallest failing input: x=[1e-30]"
ERROR_MESSAGE = "ZeroDivisionError: division by zero\n  in relu_backward, line 12"

ALICE_1 = Graded(
    "alice", "exercise1", "submissions/alice/exercise1.py", "a1", ON_TIME, 1.4, 6.0, 12.0,
    (CheckResult("forward matches torch", 4.0, 4.0, "passed", ""),
     CheckResult("backward matches torch", 0.0, 4.0, "failed", PUBLIC_MESSAGE),
     CheckResult("large inputs stay finite", 2.0, 2.0, "passed", HIDDEN_PASSED_MESSAGE, hidden=True),
     CheckResult("tiny inputs stay finite", 0.0, 2.0, "failed", HIDDEN_FAILED_MESSAGE, hidden=True)))
ALICE_3 = Graded(
    "alice", "exercise3", "submissions/alice/exercise3.ipynb", "a3", TWO_DAYS_LATE, 0.4, 9.0, 10.0,
    (CheckResult("softmax matches torch.softmax", 6.0, 6.0, "passed", ""),
     CheckResult("cross_entropy matches", 3.0, 4.0, "failed", "the loss: expected 0.69, got 1.38")))
BOB_2 = Graded(
    "bob", "exercise2", "submissions/bob/exercise2.ipynb", "b2", ON_TIME, 2.6, 3.0, 8.0,
    (CheckResult("relu_backward matches autograd", 0.0, 5.0, "error", ERROR_MESSAGE),
     CheckResult("sigmoid matches torch.sigmoid", 3.0, 3.0, "passed", ""),
     CheckResult("runs on the GPU", 0.0, 0.0, "skipped", "no CUDA on this host")),
    notes=("cell 4 does not parse: skipped",))
SUBMISSIONS = [ALICE_3, BOB_2, ALICE_1]  # recorded out of order on purpose


def make_book(folder):
    """A gradebook and course.toml in `folder`: alice has exercise1 (on time, hidden checks) and
    exercise3 (2 days late: −20%) but no exercise2; bob has only exercise2 (an error, a skipped
    check, a note)."""
    folder.mkdir(parents=True, exist_ok=True)
    with Gradebook(folder / "gradebook.db") as book:
        for graded in SUBMISSIONS:
            book.record(graded, "test-grader")
    (folder / "course.toml").write_text(COURSE_TOML)
    return folder / "gradebook.db", load_course(folder / "course.toml")


@pytest.fixture
def book(tmp_path):
    path, course = make_book(tmp_path)
    with Gradebook(path) as opened:
        return opened.graded(), course


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_csv_has_a_column_per_exercise_in_the_book_blanks_and_late_penalties(book, tmp_path):
    graded, course = book
    out = tmp_path / "out" / "grades.csv"
    write_csv(graded, course, out)
    rows = read_csv(out)
    assert rows[0] == ["student", "exercise1", "exercise2", "exercise3", "total"]
    # alice: exercise3 is 9 raw, 2 days late at 10 %/day: 7.2; no exercise2: blank, not 0.
    assert rows[1] == ["alice", "6", "", "7.2", "13.2"]
    assert rows[2] == ["bob", "", "3", "", "3"]
    assert len(rows) == 3


def test_csv_without_a_late_policy_holds_raw_scores(book, tmp_path):
    graded, _ = book
    write_csv(graded, Course(), tmp_path / "raw.csv")
    assert read_csv(tmp_path / "raw.csv")[1] == ["alice", "6", "", "9", "15"]


def test_csv_orders_exercises_as_the_catalogue_does(tmp_path):
    late_first = [Graded("zoe", exercise, "f.py", "x", ON_TIME, 0.1, 1.0, 1.0, ())
                  for exercise in ("exercise7", "exercise5", "exercise6")]
    write_csv(late_first, Course(), tmp_path / "order.csv")
    assert read_csv(tmp_path / "order.csv")[0] == ["student", "exercise5", "exercise6", "exercise7", "total"]


def load_results(folder, student, exercise):
    return json.loads((folder / student / exercise / "results.json").read_text(encoding="utf-8"))


def test_gradescope_results_have_the_documented_fields_and_types(book, tmp_path):
    graded, course = book
    out = tmp_path / "gradescope"
    written = write_gradescope(graded, course, out)
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "alice/exercise1/results.json", "alice/exercise3/results.json", "bob/exercise2/results.json"]
    assert not (out / "bob" / "exercise1").exists()
    for path in written:
        results = json.loads(path.read_text(encoding="utf-8"))
        assert set(results) == {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests"}
        assert isinstance(results["score"], float)
        assert isinstance(results["execution_time"], int)
        assert isinstance(results["output"], str) and results["output"]
        assert results["visibility"] in {"visible", "hidden", "after_due_date", "after_published"}
        assert results["stdout_visibility"] in {"visible", "hidden", "after_due_date", "after_published"}
        for test in results["tests"]:
            assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}
            assert test["status"] in {"passed", "failed"}
            assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
            assert isinstance(test["name"], str) and isinstance(test["output"], str)


def test_gradescope_hidden_checks_are_after_published_and_never_show_their_message(book, tmp_path):
    graded, course = book
    write_gradescope(graded, course, tmp_path)
    results = load_results(tmp_path, "alice", "exercise1")
    assert [t["name"] for t in results["tests"]] == [c.name for c in ALICE_1.checks]
    assert [t["visibility"] for t in results["tests"]] == ["visible", "visible", "after_published", "after_published"]
    assert [t["status"] for t in results["tests"]] == ["passed", "failed", "passed", "failed"]
    assert [t["score"] for t in results["tests"]] == [4.0, 0.0, 2.0, 0.0]
    assert results["tests"][1]["output"] == PUBLIC_MESSAGE
    text = (tmp_path / "alice" / "exercise1" / "results.json").read_text(encoding="utf-8")
    assert "SECRET" not in text
    assert "hidden check" in results["tests"][2]["output"] and "passed" in results["tests"][2]["output"]
    assert "failed" in results["tests"][3]["output"]
    assert results["score"] == 6.0 == sum(t["score"] for t in results["tests"])
    assert results["execution_time"] == 1


def test_gradescope_errors_are_failed_and_skipped_checks_left_out(book, tmp_path):
    graded, course = book
    write_gradescope(graded, course, tmp_path)
    results = load_results(tmp_path, "bob", "exercise2")
    assert [(t["name"], t["status"]) for t in results["tests"]] == [
        ("relu_backward matches autograd", "failed"), ("sigmoid matches torch.sigmoid", "passed")]
    assert ERROR_MESSAGE in results["tests"][0]["output"] and "error" in results["tests"][0]["output"]
    assert sum(t["max_score"] for t in results["tests"]) == BOB_2.max_score
    assert results["score"] == 3.0
    assert results["execution_time"] == 3  # 2.6 s, rounded
    assert "1 check skipped" in results["output"]
    assert "cell 4 does not parse: skipped" in results["output"]
    assert "late" not in results["output"].lower()


def test_gradescope_score_has_the_late_penalty_and_output_says_so(book, tmp_path):
    graded, course = book
    write_gradescope(graded, course, tmp_path)
    results = load_results(tmp_path, "alice", "exercise3")
    assert results["score"] == pytest.approx(7.2)
    assert sum(t["score"] for t in results["tests"]) == 9.0  # the checks keep their raw points
    assert "Score: 9/10" in results["output"]
    assert "2 days late: −20%" in results["output"] and "7.2/10" in results["output"]


# -- the command -----------------------------------------------------------------------------------
def test_export_command_writes_grades_csv_here_with_the_course_toml_here(tmp_path, monkeypatch):
    make_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "wrote grades.csv (2 students, 3 submissions)"
    assert read_csv(tmp_path / "grades.csv")[1] == ["alice", "6", "", "7.2", "13.2"]
    assert not (tmp_path / "gradescope").exists()


def test_export_command_with_gradescope_and_an_explicit_course(tmp_path, monkeypatch):
    book_path, _ = make_book(tmp_path / "data")
    monkeypatch.chdir(tmp_path)  # no course.toml here: only --course gives the penalty
    result = CliRunner().invoke(main, ["export", "--gradebook", str(book_path), "--course",
                                       str(tmp_path / "data" / "course.toml"), "--csv", "out/g.csv",
                                       "--gradescope", "gs"])
    assert result.exit_code == 0, result.output
    assert "wrote out/g.csv" in result.output and "3 results.json under gs" in result.output
    assert read_csv(tmp_path / "out" / "g.csv")[1][3] == "7.2"
    assert load_results(tmp_path / "gs", "alice", "exercise3")["score"] == pytest.approx(7.2)

    result = CliRunner().invoke(main, ["export", "--gradebook", str(book_path), "--csv", "raw.csv"])
    assert result.exit_code == 0, result.output
    assert read_csv(tmp_path / "raw.csv")[1][3] == "9"  # no course.toml here: no late policy


def test_export_command_refuses_a_missing_gradebook_without_creating_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export", "--gradebook", "nope.db"])
    assert result.exit_code == 2
    assert "no gradebook at nope.db" in result.output
    assert not (tmp_path / "nope.db").exists() and not (tmp_path / "grades.csv").exists()


def test_export_command_reports_a_broken_course_file(tmp_path, monkeypatch):
    make_book(tmp_path)
    (tmp_path / "course.toml").write_text("[late]\ndeadline = 2026-12-04T23:59:00\n")  # no time zone
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 1
    assert "UTC offset" in result.output
    assert not (tmp_path / "grades.csv").exists()
