"""What a check comes to: its status, points and message. A module of its own, free of the
checks' heavy imports (torch, Hypothesis), because the gradebook and everything that reads it
(export, feedback, the class report) hold results too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["passed", "failed", "error", "skipped"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    score: float
    max_score: float
    status: Status
    message: str
    hidden: bool = False
    seconds: float = 0.0  # wall time of the check, worker start included
