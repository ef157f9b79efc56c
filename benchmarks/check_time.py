"""How long `grader check` takes on a reference, as a ratio to `python -c "import numpy, torch"`.

Both are timed in the same run, interleaved, and the medians compared: machines here are noisy,
so only the ratio means anything. Targets: at most 3x for exercise3 (issue 2), at most 4x for
exercises 5 and 6, whose timing checks run the student's code against torch's (issue 3).

    python benchmarks/check_time.py                 # every exercise with checks, 5 rounds
    python benchmarks/check_time.py exercise3 -n 9
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from grader.exercises import TITLES, has_checks

ROOT = Path(__file__).resolve().parents[1]
BASELINE = [sys.executable, "-c", "import numpy, torch"]


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=False, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exercises", nargs="*", default=[e for e in TITLES if has_checks(e)])
    parser.add_argument("-n", "--rounds", type=int, default=5)
    args = parser.parse_args()
    checks = {e: [sys.executable, "-m", "grader.cli", "check", e, f"reference/{e}.py"] for e in args.exercises}
    times: dict[str, list[float]] = {"baseline": [], **{e: [] for e in checks}}
    seconds(BASELINE)  # warm the file cache once, untimed
    for _ in range(args.rounds):
        times["baseline"].append(seconds(BASELINE))
        for exercise_id, command in checks.items():
            times[exercise_id].append(seconds(command))
    baseline = statistics.median(times["baseline"])
    print(f"baseline `python -c 'import numpy, torch'`: median {baseline:.2f} s over {args.rounds} rounds")
    for exercise_id in checks:
        median = statistics.median(times[exercise_id])
        print(f"grader check {exercise_id} reference/{exercise_id}.py: median {median:.2f} s = "
              f"{median / baseline:.2f}x the baseline")


if __name__ == "__main__":
    main()
