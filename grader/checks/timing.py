"""Timing claims: "conv2d_forward is vectorised", measured against torch's own op.

The student's function and torch's op run interleaved in the same worker, on the same fixed
inputs (`grader.drivers.timing`); the ratio of their fastest calls is compared with a
generous bound, chosen so that every vectorised implementation passes on a busy machine and a
Python loop over output pixels fails. The message reports the ratio, pass or fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.checks.core import Check, Failure
from grader.protocol import is_tensor


@dataclass(frozen=True)
class Timing:
    """`functions` (one function, or a forward and its backward) against torch's `baseline`
    (a name in `grader.drivers.timing.BASELINES`) on `case`: the inputs by parameter name, and
    `dout` last for a forward/backward pair."""

    functions: tuple[str, ...]
    baseline: str
    case: dict

    def measure(self, student, device: str = "cpu") -> tuple[float, str]:
        """The ratio of the student's time to torch's, and a sentence that reports it."""
        args = [value.to(device) if is_tensor(value) else value for value in self.case.values()]
        dout = args.pop() if len(self.functions) == 2 else None
        measured = student.drive("timing.ratio", list(self.functions), self.baseline, args, dout,
                                 on_behalf_of=self.functions[0])
        ratio = measured["ratio"]
        return ratio, (f"{' then '.join(self.functions)} took {ratio:.1f}× the time of torch's {self.baseline} "
                       f"on {device}, for {self.inputs()} (fastest of {measured['rounds']} calls each)")

    def inputs(self) -> str:
        """`x (8, 4, 24, 24), weight (8, 4, 3, 3), stride=1`: what the timing was measured on."""
        return ", ".join(f"{name} {tuple(value.shape)}" if is_tensor(value) else f"{name}={value!r}"
                         for name, value in self.case.items() if name != "dout")


def is_vectorised(name: str, points: float, timing: Timing, *, bound: float, hint: str) -> Check:
    """The student's functions take at most `bound` times as long as torch's op."""

    def body(student):
        ratio, report = timing.measure(student)
        report += f"; the limit is {bound:g}×"
        if ratio > bound:
            raise Failure(report, hint)
        return report

    return Check(name, points, timing.functions, body, time_limit=30.0)
