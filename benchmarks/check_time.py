"""How long `grader check` takes on a reference, as a ratio to `python -c "import numpy, torch"`.

Both are timed in the same run, interleaved, and the medians compared: machines here are noisy,
so only the ratio means anything. Targets: at most 3x for exercise3 (issue 2), at most 4x for
exercises 5 and 6, whose timing checks run the student's code against torch's (issue 3).

    python benchmarks/check_time.py                 # every exercise with checks, 5 rounds
    python benchmarks/check_time.py exercise3 -n 9
    python benchmarks/check_time.py --before 9386f67 # also that revision, in the same rounds

With `--before REV`, the grader at git revision REV is checked out in a temporary worktree and
timed in the same rounds (its `grader` package first on PYTHONPATH), for before/after ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.exercises import TITLES, has_checks

ROOT = Path(__file__).resolve().parents[1]
BASELINE = [sys.executable, "-c", "import numpy, torch"]


def seconds(command: list[str], tree: Path = ROOT) -> float:
    environment = {**os.environ, "PYTHONPATH": str(tree)}  # this tree's grader, workers included
    start = time.perf_counter()
    subprocess.run(command, cwd=tree, env=environment, check=False, capture_output=True)
    return time.perf_counter() - start


def worktree(revision: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="grader-before-"))
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(path), revision], cwd=ROOT, check=True,
                   capture_output=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exercises", nargs="*", default=[e for e in TITLES if has_checks(e)])
    parser.add_argument("-n", "--rounds", type=int, default=5)
    parser.add_argument("--before", metavar="REV", help="also time the grader at this git revision")
    args = parser.parse_args()
    trees = {"now": ROOT, **({f"at {args.before}": worktree(args.before)} if args.before else {})}
    runs = {(e, label): tree for e in args.exercises for label, tree in trees.items()}
    times: dict = {"baseline": [], **{run: [] for run in runs}}
    seconds(BASELINE)  # warm the file cache once, untimed
    try:
        for _ in range(args.rounds):
            times["baseline"].append(seconds(BASELINE))
            for (exercise_id, label), tree in runs.items():
                command = [sys.executable, "-m", "grader.cli", "check", exercise_id, f"reference/{exercise_id}.py"]
                times[exercise_id, label].append(seconds(command, tree))
    finally:
        for label, tree in trees.items():
            if tree != ROOT:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    baseline = statistics.median(times["baseline"])
    print(f"baseline `python -c 'import numpy, torch'`: median {baseline:.2f} s over {args.rounds} rounds")
    for exercise_id, label in runs:
        median = statistics.median(times[exercise_id, label])
        now = statistics.median(times[exercise_id, "now"])
        versus = f"; now/before {now / median:.2f}" if label != "now" else ""
        print(f"grader check {exercise_id} ({label}): median {median:.2f} s = {median / baseline:.2f}x the baseline"
              f"{versus}")


if __name__ == "__main__":
    main()
