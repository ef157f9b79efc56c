"""What isolating one check costs: a worker forked by the zygote, hardened, loaded, asked one
call and killed, against what a fresh worker process would cost (`python -c "import numpy, torch"`).

Timed in the same run, interleaved; the medians are compared, since machines here are noisy.
Target (issue 4): the per-check overhead in the tens of milliseconds, a small fraction of a
fresh process.

    python benchmarks/isolation.py            # 30 rounds
    python benchmarks/isolation.py -n 100
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from grader.student import Student
from grader.submission import read_submission

FRESH_PROCESS = [sys.executable, "-c", "import numpy, torch"]
SUBMISSION = "import numpy as np\n\ndef identity(x):\n    return x\n"
ARRAY = np.zeros((256, 1024), dtype=np.float32)  # 1 MiB each way


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "identity.py")
        path.write_text(SUBMISSION)
        with Student(read_submission(path)) as student:
            student.load()  # the zygote starts (imports torch) once, untimed

            def one_check(argument) -> None:
                student.restart()  # fork, harden, load
                student.call("identity", argument)
                student.stop()  # kill its process group, reap it

            def small_call() -> None:
                student.call("identity", 1.0)

            def array_call() -> None:
                student.call("identity", ARRAY)

            times: dict[str, list[float]] = {"fresh": [], "check": [], "small": [], "array": []}
            for _ in range(args.rounds):
                times["fresh"].append(timed(lambda: subprocess.run(FRESH_PROCESS, check=True)))
                times["check"].append(timed(lambda: one_check(1.0)))
                student.restart()
                times["small"].append(timed(small_call))
                times["array"].append(timed(array_call))
            layers = [layer.name for layer in student.layers if layer.active]
    fresh, check = statistics.median(times["fresh"]), statistics.median(times["check"])
    small, array = statistics.median(times["small"]), statistics.median(times["array"])
    print(f"active layers: {', '.join(layers)}")
    print(f"fresh process with numpy and torch:            median {fresh * 1e3:7.1f} ms")
    print(f"one isolated check (fork+harden+load+call+kill): median {check * 1e3:7.1f} ms "
          f"= {check / fresh:.3f}x the fresh process")
    print(f"a call with a float, in a warm worker:           median {small * 1e3:7.2f} ms")
    print(f"a call with a 1 MiB array each way:              median {array * 1e3:7.2f} ms")


if __name__ == "__main__":
    main()
