"""GPU checks: skipped (and not counted) without CUDA; where the device exists, tensors must stay
on it, keep their dtype and match the CPU run. The CPU stands in for the device here, so that
the claim itself is tested on every machine."""

import textwrap

import pytest
import torch

from grader.checks.core import run_check
from grader.checks.devices import on_device
from grader.checks.robustness import Call
from grader.checks.strategies import float_dtypes, tensors
from grader.runner import Report
from grader.student import Student
from grader.submission import read_submission

CALLS = [Call("double", float_dtypes.flatmap(lambda dtype: tensors(dtype, (3,)).map(lambda x: {"x": x})))]


def result_of(tmp_path, source: str, device: str):
    path = tmp_path / "mine.py"
    path.write_text("import torch\n" + textwrap.dedent(source))
    with Student(read_submission(path)) as student:
        return run_check(on_device("double runs on the device", 1, CALLS, device=device), student)


def test_a_correct_function_passes_on_the_device(tmp_path):
    result = result_of(tmp_path, "def double(x):\n    return x * 2\n", "cpu")
    assert result.status == "passed", result.message


def test_a_result_in_another_dtype_fails(tmp_path):
    result = result_of(tmp_path, "def double(x):\n    return x.double() * 2\n", "cpu")
    assert result.status == "failed" and "torch.float64 tensor on cpu for float32 input" in result.message


def test_a_result_that_differs_from_the_cpu_run_fails(tmp_path):
    # Each call doubles more than the last: the second (device) run disagrees with the first (CPU).
    result = result_of(tmp_path, "_calls = []\ndef double(x):\n    _calls.append(1)\n    return x * len(_calls)\n", "cpu")
    assert result.status == "failed" and "vs the CPU" in result.message


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the check runs instead")
@pytest.mark.parametrize("source", ["def double(x):\n    return x * 2\n",
                                    "def double(x):\n    raise NotImplementedError\n"])
def test_without_cuda_the_check_is_skipped_and_not_counted_whatever_the_code(tmp_path, source):
    # Not implemented yet or not: every student's maximum is the same on one machine.
    result = result_of(tmp_path, source, "cuda")
    assert (result.status, result.score) == ("skipped", 0) and "no cuda device" in result.message
    assert Report(None, tmp_path, [result]).max_score == 0
