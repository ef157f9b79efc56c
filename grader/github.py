"""Talking to GitHub Actions: the event that started the run, and workflow commands.

A workflow command is a line of the job's log such as `::error file=a.py,line=3::message`; the
runner acts on every such line, whoever printed it. Student code prints, so what it printed
must reach the log between `::stop-commands::TOKEN` and `::TOKEN::`, with a token it cannot
guess (`commands_stopped`), and anything of the student's inside a command of ours is escaped
as the runner expects (`%`, CR and LF in a message; also `:` and `,` in a property).

See docs.github.com, "Workflow commands for GitHub Actions".
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

import click

NO_COMMIT = "0" * 40  # `before` of a push that created the branch


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties) -> str:
    """One workflow command line; properties whose value is None are left out."""
    given = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + given if given else ''}::{escape_data(message)}"


@contextlib.contextmanager
def commands_stopped():
    """Everything printed inside (by the grader, or by anything writing to the same log) is not
    read as a workflow command. The token lives only in the grader's memory (never in an
    argument or the environment), and student code runs in workers forked from a zygote that was
    exec'd apart from this process: it cannot print the line that resumes them."""
    token = secrets.token_hex(16)
    click.echo(f"::stop-commands::{token}")
    try:
        yield
    finally:
        click.echo(f"::{token}::")


@dataclass(frozen=True)
class Event:
    """The run's trigger: its name (`pull_request`, `push`, …) and its payload (the webhook's JSON)."""

    name: str
    payload: dict

    @classmethod
    def from_environment(cls) -> Event | None:
        """The event of this GitHub Actions run, or None outside one."""
        name, path = os.environ.get("GITHUB_EVENT_NAME"), os.environ.get("GITHUB_EVENT_PATH")
        if not name:
            return None
        try:
            payload = json.loads(Path(path).read_text()) if path else {}
        except (OSError, ValueError):
            payload = {}
        return cls(name, payload if isinstance(payload, dict) else {})

    def commits(self) -> tuple[str, str] | None:
        """(base, head) of what this event changed, or None if it does not say (a new branch,
        a manual run)."""
        if self.name in ("pull_request", "pull_request_target"):
            request = self.payload.get("pull_request") or {}
            base, head = (request.get("base") or {}).get("sha"), (request.get("head") or {}).get("sha")
        elif self.name == "push":
            base, head = self.payload.get("before"), self.payload.get("after")
        else:
            return None
        if not base or not head or base == NO_COMMIT:
            return None
        return base, head


def changed_files(root: Path, base: str, head: str) -> list[str]:
    """The paths (relative to the repository) that differ between `base` and `head`, as git
    sees them from their merge base. Raises RuntimeError with git's message if git cannot say
    (no git, a shallow clone without `base`)."""
    try:
        done = subprocess.run(["git", "diff", "--name-only", "--no-renames", f"{base}...{head}"], cwd=root,
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RuntimeError(str(error)) from None
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    return done.stdout.splitlines()


def append_to(variable: str, text: str) -> bool:
    """Append `text` to the file the environment variable names (`GITHUB_STEP_SUMMARY`,
    `GITHUB_OUTPUT`); False if it is not set."""
    path = os.environ.get(variable)
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as file:
        file.write(text)
    return True
