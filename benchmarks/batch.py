"""Throughput of batch grading: N synthetic submissions over all seven exercises, graded with
1 and with 2 jobs in the same run (each into a fresh gradebook), and the overhead outside the
checks themselves.

The class is a realistic mix, cycling per exercise through: the reference, a correct
implementation written differently (tests/alternatives), the reference with one known mistake
(tests/mistakes: a failing check shrinks its counterexample), and the stub. Every file differs
(a comment), as students' do.

Figures (issue 5 targets):
- speed-up = throughput(2 jobs) / throughput(1 job), target >= 1.7 on 2 cores;
- overhead = what a submission costs the coordinator beyond the sum of its checks' own times
  (reading, hashing, the trip to its grading process, the report, the gradebook transaction),
  target < 5% of its grading time;
- start-up = the seconds a grading process takes before its first submission (importing torch
  and the checks, starting its zygotes), paid once per job and counted in the throughput; the
  steady throughput leaves it out;
- a projection for 1,000 students x 7 exercises on 16 cores, from the 1-job rate and the 2-job
  efficiency (an optimistic bound: 16 cores share memory bandwidth and caches 2 do not).

    python benchmarks/batch.py              # N = 50
    python benchmarks/batch.py -n 50 -n 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.helpers and the catalogues of mistakes

from grader.batch import grade_class  # noqa: E402
from grader.classroom import find_submissions  # noqa: E402
from grader.exercises import TITLES  # noqa: E402
from grader.gradebook import Gradebook  # noqa: E402
from tests.helpers import reference_with  # noqa: E402


def mistakes_of(exercise: str) -> list[str]:
    module = __import__(f"tests.mistakes.{exercise}", fromlist=["MISTAKES"])
    return [wrong.code for wrong in module.MISTAKES]


def write_class(root: Path, n: int) -> None:
    """n submissions, spread evenly over the exercises, one student folder each."""
    exercises = list(TITLES)
    for index in range(n):
        exercise = exercises[index % len(exercises)]
        round_ = index // len(exercises)
        kind = round_ % 4
        if kind == 0:
            source = (ROOT / "reference" / f"{exercise}.py").read_text()
        elif kind == 1:
            source = (ROOT / "tests" / "alternatives" / f"{exercise}.py").read_text()
        elif kind == 2:
            wrongs = mistakes_of(exercise)
            source = reference_with(exercise, wrongs[round_ % len(wrongs)])
        else:
            source = (ROOT / "exercises" / f"{exercise}.py").read_text()
        folder = root / f"student{index:04d}"
        folder.mkdir(parents=True)
        (folder / f"{exercise}.py").write_text(f"# student {index}\n{source}")
        (folder / "timestamp.txt").write_text("2026-12-04 20:00:00+09:00")


def run(root: Path, jobs: int) -> dict:
    submissions = find_submissions(root)
    with tempfile.TemporaryDirectory() as scratch, Gradebook(Path(scratch) / "book.db") as book:
        graded = []
        started = time.perf_counter()
        startups = grade_class(submissions, book, jobs=jobs, on_recorded=graded.append)
        wall = time.perf_counter() - started
    assert all(g.complete for g in graded), [g for g in graded if not g.complete]
    overheads = [g.seconds - sum(check.seconds for check in g.checks) for g in graded]
    return {
        "wall": wall,
        "per_minute": 60 * len(graded) / wall,
        "overhead": sum(overheads) / sum(g.seconds for g in graded),
        "overhead_median_s": statistics.median(overheads),
        "startup_per_job": statistics.mean(startups),
        # Throughput once every process is warm: what a long batch (1,000 students) runs at.
        "steady_per_minute": 60 * len(graded) / (wall - statistics.mean(startups)),
        "mean_submission_s": statistics.mean(g.seconds for g in graded),
        "scores": sorted((g.student, g.score) for g in graded),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--submissions", type=int, action="append", help="N (repeat for several)")
    sizes = parser.parse_args().submissions or [50]
    for n in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch) / "class"
            write_class(root, n)
            one, two = run(root, 1), run(root, 2)
        assert one["scores"] == two["scores"], "the same class must get the same grades with 1 and 2 jobs"
        speedup = two["per_minute"] / one["per_minute"]
        print(f"N = {n} submissions over {len(TITLES)} exercises")
        for jobs, result in ((1, one), (2, two)):
            print(f"  --jobs {jobs}: {result['wall']:7.1f} s, {result['per_minute']:6.1f} submissions/min; "
                  f"overhead outside the checks {result['overhead']:.1%} of grading time "
                  f"(median {1000 * result['overhead_median_s']:.0f} ms per submission); "
                  f"start-up {result['startup_per_job']:.1f} s per job; steady {result['steady_per_minute']:.1f}/min")
        steady = two["steady_per_minute"] / one["steady_per_minute"]
        print(f"  speed-up with 2 jobs: {speedup:.2f}x (target >= 1.7x), {steady:.2f}x once started; "
              "same grades with 1 and 2 jobs: yes")
        efficiency = min(1.0, steady / 2)  # 2 processes cannot do more than twice the work of 1: above is noise
        class_seconds = two["startup_per_job"] + 7000 * one["mean_submission_s"] / (16 * efficiency)
        print(f"  projection, 1,000 students x 7 exercises on 16 cores at this efficiency: "
              f"{class_seconds / 60:.0f} min ({one['mean_submission_s']:.2f} s per submission on one job)")


if __name__ == "__main__":
    main()
