"""`grader feedback`: a Markdown and a self-contained HTML page per submission; hidden checks
show pass/fail only."""

import html
import re

import markupsafe
import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.feedback import fence, write_feedback
from grader.gradebook import Gradebook
from tests.test_export import (ALICE_1, ERROR_MESSAGE, HIDDEN_FAILED_MESSAGE, HIDDEN_PASSED_MESSAGE,
                               PUBLIC_MESSAGE, make_book)

HIDDEN_NOTE = "hidden check: details are not shown"


@pytest.fixture
def pages(tmp_path):
    """alice/exercise1, alice/exercise3 and bob/exercise2, as .md and .html."""
    path, course = make_book(tmp_path / "book")
    with Gradebook(path) as book:
        graded = book.graded()
    out = tmp_path / "feedback"
    written = write_feedback(graded, course, out)
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "alice/exercise1.html", "alice/exercise1.md", "alice/exercise3.html", "alice/exercise3.md",
        "bob/exercise2.html", "bob/exercise2.md"]
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in written}


def fenced_blocks(markdown):
    """The contents of the fenced code blocks of `markdown`, read as CommonMark does: a fence of
    N backticks is closed only by a line of at least N backticks (list indentation removed)."""
    blocks, current, opening = [], None, 0
    for line in markdown.split("\n"):
        stripped = line[2:] if line.startswith("  ") else line
        if current is None:
            match = re.fullmatch(r"(`{3,})[^`]*", stripped.strip())
            if match:
                current, opening = [], len(match.group(1))
        elif re.fullmatch(r"`{%d,}" % opening, stripped.strip()):
            blocks.append("\n".join(current))
            current = None
        else:
            current.append(stripped)
    assert current is None, "a fence is never closed"
    return blocks


def test_hidden_messages_never_appear_and_the_page_says_so(pages):
    for name in ("alice/exercise1.md", "alice/exercise1.html"):
        text = pages[name]
        assert HIDDEN_PASSED_MESSAGE not in text and HIDDEN_FAILED_MESSAGE not in text
        assert "SECRET" not in text
        assert text.count(HIDDEN_NOTE) == 2
        for check in ALICE_1.checks:  # every check is listed, hidden ones included
            assert html.escape(check.name) in text


def test_markdown_shows_every_check_in_order_with_status_and_points(pages):
    text = pages["alice/exercise1.md"]
    assert text.startswith("# exercise1: Perceptron (NumPy)\n")
    expected = ["**PASS** forward matches torch (4/4)", "**FAIL** backward matches torch (0/4)",
                "**PASS** large inputs stay finite (2/2)", "**FAIL** tiny inputs stay finite (0/2)"]
    positions = [text.index(line) for line in expected]
    assert positions == sorted(positions)
    assert "**Score: 6/12**" in text and "late" not in text.lower()

    bob = pages["bob/exercise2.md"]
    expected = ["**ERROR** relu_backward matches autograd (0/5)", "**PASS** sigmoid matches torch.sigmoid (3/3)",
                "**SKIP** runs on the GPU (0/0)"]
    positions = [bob.index(line) for line in expected]
    assert positions == sorted(positions)
    assert "## Notes" in bob and "- cell 4 does not parse: skipped" in bob


def test_markdown_message_keeps_its_lines_and_cannot_break_out_of_its_fence(pages):
    text = pages["alice/exercise1.md"]
    blocks = fenced_blocks(text)
    assert PUBLIC_MESSAGE in blocks  # whole, line breaks kept, its ``` lines inside the block
    assert ERROR_MESSAGE in fenced_blocks(pages["bob/exercise2.md"])
    # Nothing of the message is outside a code block, where it would be rendered as Markdown.
    outside = re.sub(r"(?ms)^ *(`{3,}).*?^ *\1 *$", "", text)
    assert "out of the fence" not in outside and "<script>" not in outside


def test_fence_is_longer_than_any_backtick_run():
    assert fence("plain") == "```"
    assert fence("a ``` b") == "````"
    assert fence("x\n`````\ny ``") == "``````"


def test_markdown_late_submission_shows_raw_penalty_and_final(pages):
    text = pages["alice/exercise3.md"]
    assert "Score: 9/10" in text
    assert "Late: 2 days late: −20%" in text
    assert "**Final score: 7.2/10**" in text
    assert text.index("Score: 9/10") < text.index("Late:") < text.index("Final score")


def test_html_escapes_messages_and_keeps_their_lines(pages):
    text = pages["alice/exercise1.html"]
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert f"<pre>{markupsafe.escape(PUBLIC_MESSAGE)}</pre>" in text  # whole, its line breaks kept
    assert "<title>exercise1: Perceptron (NumPy) (alice)</title>" in text


def test_html_is_self_contained(pages):
    for name, text in pages.items():
        if name.endswith(".html"):
            assert "<style>" in text
            assert not re.search(r"(?i)\b(src|href)\s*=", text)
            assert not re.search(r"(?i)<(script|link|img|iframe)\b", text)
            assert "http" not in text.lower()
            assert "url(" not in text.lower() and "@import" not in text.lower()


def test_html_shows_statuses_points_score_and_notes(pages):
    text = pages["bob/exercise2.html"]
    labels = re.findall(r'<span class="label">(\w+)</span>', text)
    assert labels == ["ERROR", "PASS", "SKIP"]
    assert re.findall(r'<span class="points">([^<]+)</span>', text) == ["0/5", "3/3", "0/0"]
    assert "Score: 3/8" in text
    assert "<li>cell 4 does not parse: skipped</li>" in text
    assert html.escape(ERROR_MESSAGE) in text
    late = pages["alice/exercise3.html"]
    assert "Score: 9/10" in late and "2 days late: −20%" in late and "Final score: 7.2/10" in late


# -- the command -----------------------------------------------------------------------------------
def test_feedback_command_writes_every_page_by_default(tmp_path, monkeypatch):
    make_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["feedback"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "wrote feedback on 3 submissions of 2 students to feedback (6 files)"
    assert sorted(p.relative_to(tmp_path / "feedback").as_posix() for p in (tmp_path / "feedback").rglob("*.*")) == [
        "alice/exercise1.html", "alice/exercise1.md", "alice/exercise3.html", "alice/exercise3.md",
        "bob/exercise2.html", "bob/exercise2.md"]
    # course.toml here gives the late penalty
    assert "Final score: 7.2/10" in (tmp_path / "feedback" / "alice" / "exercise3.md").read_text(encoding="utf-8")


def test_feedback_command_selects_a_student_and_an_exercise(tmp_path, monkeypatch):
    book_path, _ = make_book(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["feedback", "--gradebook", str(book_path), "--out", "fb",
                                       "--student", "alice", "--exercise", "exercise3"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "fb").rglob("*.*")) == ["exercise3.html", "exercise3.md"]
    # no course.toml in the working directory and no --course: no penalty
    assert "**Score: 9/10**" in (tmp_path / "fb" / "alice" / "exercise3.md").read_text(encoding="utf-8")

    result = CliRunner().invoke(main, ["feedback", "--gradebook", str(book_path), "--student", "alice",
                                       "--exercise", "exercise2"])
    assert result.exit_code == 2
    assert "no graded submission for student alice, exercise exercise2" in result.output


def test_feedback_command_refuses_a_missing_gradebook_without_creating_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["feedback"])
    assert result.exit_code == 2
    assert "no gradebook at gradebook.db" in result.output
    assert not (tmp_path / "gradebook.db").exists() and not (tmp_path / "feedback").exists()
