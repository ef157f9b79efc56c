"""Exercise 5 beyond the generic tests: a layer built on torch's own op or on autograd gets no
points however it is reached, while the other layers' checks still score; the timing checks pass
correct vectorised code and fail a loop over output pixels, reporting the ratio; the tiny CNN's
failures say where the network goes wrong; and the GPU check, built for the CPU, passes a correct
submission and catches a result in the wrong dtype."""

import re

import pytest
import torch
import torch.nn.functional as F

from grader.checks.core import run_check
from grader.exercises import FORBIDDEN
from grader.exercises import exercise5 as checks
from grader.student import Student
from grader.submission import read_submission
from tests.helpers import ROOT, grade_source, reference_with
from tests.mistakes import exercise5 as mistakes

CONV_CHECKS = {check.name for check in checks.CHECKS if {"conv2d_forward", "conv2d_backward"} & set(check.uses)}
POOL_CHECKS = {mistakes.MAX_FORWARD, mistakes.MAX_BACKWARD, mistakes.AVG_FORWARD, mistakes.AVG_BACKWARD,
               mistakes.GLOBAL_FORWARD, mistakes.GLOBAL_BACKWARD}
TIMING_CHECKS = [mistakes.CONV_FAST, mistakes.CONV_PAIR_FAST, mistakes.MAX_FAST, mistakes.AVG_FAST]

CONV_BY_TORCH = """
from torch.nn import functional as F

def conv2d_forward(x, weight, bias, stride=1, padding=0):
    out = F.conv2d(x, weight, bias, stride, padding)
    cols = F.unfold(x, weight.shape[2:], padding=padding, stride=stride)
    return out, (cols, weight, x.shape[2:], stride, padding)
"""
CONV_BY_TORCH_AT_RUN_TIME = CONV_BY_TORCH.replace("F.conv2d(", 'getattr(F, "conv" + "2d")(')
CONV_BACKWARD_BY_AUTOGRAD = """
def conv2d_backward(dout, cache):
    cols, weight, (h, w), stride, padding = cache
    cols, weight = cols.detach().requires_grad_(True), weight.detach().requires_grad_(True)
    n, num_filters = dout.shape[:2]
    out = weight.reshape(num_filters, -1) @ cols
    out.backward(dout.reshape(n, num_filters, -1))
    dx = F.fold(cols.grad, (h, w), weight.shape[2:], padding=padding, stride=stride)
    return dx, weight.grad, dout.sum(dim=(0, 2, 3))
"""


def line_of(source: str, text: str) -> int:
    """The line of `text` in the code the test appended (the reference's docstrings name torch too)."""
    lines = source.splitlines()
    start = lines.index("# -- replaced by the test --")
    return next(number for number, line in enumerate(lines, 1) if number > start and text in line)


@pytest.mark.parametrize("code, api", [(CONV_BY_TORCH, "torch.nn.functional.conv2d"),
                                       (CONV_BY_TORCH_AT_RUN_TIME, "torch's conv2d")],
                         ids=["in the source", "reached at run time only"])
def test_conv2d_by_torch_scores_nothing_on_the_conv_checks_but_pooling_still_scores(tmp_path, code, api):
    source = reference_with("exercise5", code)
    results = grade_source(tmp_path, "exercise5", source, only=sorted(CONV_CHECKS | POOL_CHECKS))
    line = line_of(source, "conv2d(" if "getattr" not in code else "getattr(F")
    for name in CONV_CHECKS:
        if name == mistakes.GPU and not torch.cuda.is_available() and code is CONV_BY_TORCH_AT_RUN_TIME:
            # Without CUDA the GPU check runs nothing, so only a use in the source (read first) is seen.
            assert results[name].status == "skipped", results[name].message
            continue
        assert (results[name].status, results[name].score) == ("failed", 0), (name, results[name].message)
        assert api in results[name].message and f"line {line})" in results[name].message, results[name].message
        assert "gives no points even though the numbers may be right" in results[name].message
    for name in POOL_CHECKS:
        assert results[name].status == "passed", (name, results[name].message)


def test_a_backward_computed_by_autograd_scores_nothing(tmp_path):
    source = reference_with("exercise5", CONV_BACKWARD_BY_AUTOGRAD)
    only = [mistakes.CONV_BACKWARD, mistakes.CONV_STRIDED_BACKWARD, mistakes.CONV_FORWARD]
    results = grade_source(tmp_path, "exercise5", source, only=only)
    for name in only[:2]:
        assert (results[name].status, results[name].score) == ("failed", 0), results[name].message
        assert "autograd (.backward())" in results[name].message
        assert f"line {line_of(source, 'out.backward(')})" in results[name].message
    assert results[mistakes.CONV_FORWARD].status == "passed", results[mistakes.CONV_FORWARD].message


# -- speed -------------------------------------------------------------------------------------
# In the measurements made for issue 3 (20 timings each, on an idle and on a loaded 2-core
# machine), every correct vectorised variant passed all 20 under these bounds, the reference and the
# alternative included, and every Python loop over output pixels failed all of its timings.


@pytest.mark.parametrize("solution", ["reference/exercise5.py", "tests/alternatives/exercise5.py"])
def test_vectorised_code_passes_the_timing_checks(tmp_path, solution):
    results = grade_source(tmp_path, "exercise5", (ROOT / solution).read_text(), only=TIMING_CHECKS)
    for name in TIMING_CHECKS:
        assert results[name].status == "passed", results[name].message
        assert re.search(r"took \d+\.\d× the time of torch's .* the limit is \d+×", results[name].message)


def test_a_loop_over_output_pixels_fails_with_the_ratio_it_measured(tmp_path):
    results = grade_source(tmp_path, "exercise5", reference_with("exercise5", mistakes.CONV_PIXEL_LOOP),
                           only=[mistakes.CONV_FAST])
    message = results[mistakes.CONV_FAST].message
    ratio = float(re.search(r"conv2d_forward took (\d+\.\d)× the time of torch's conv2d on cpu", message)[1])
    assert ratio > 30 and "the limit is 30×" in message, message
    assert "x (2, 3, 32, 32), weight (4, 3, 3, 3), bias (4,), stride=1, padding=1" in message


# -- the tiny CNN ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", checks.CNN_CASES, ids=lambda case: case["loss"])
def test_the_cnn_problems_keep_away_from_kinks_and_ties(case):
    params, x, _ = checks.cnn_problem(case["seed"], case["loss"])
    h = F.conv2d(x, params["conv1.weight"], params["conv1.bias"], 1, 1)
    assert h.abs().min() > 1e-3
    windows = F.unfold(h.clamp(min=0), 2, stride=2).reshape(x.shape[0], h.shape[1], 4, -1)
    top = windows.topk(2, dim=2).values
    gaps = (top[:, :, 0] - top[:, :, 1])[top[:, :, 0] > 0]
    assert gaps.min() > 1e-4


def test_the_cnn_check_names_the_first_gradient_that_goes_wrong(tmp_path):
    results = grade_source(tmp_path, "exercise5", reference_with("exercise5", mistakes.WEIGHT_IN_A_GLOBAL),
                           only=[mistakes.CNN, mistakes.CONV_BACKWARD])
    assert results[mistakes.CONV_BACKWARD].status == "passed"  # one layer at a time, it is right
    message = results[mistakes.CNN].message
    assert "conv (stride 2, padding 1)" in message and "the gradient of the images x is wrong" in message, message
    assert ("(the loss, the gradient of linear.weight, the gradient of linear.bias, the gradient of conv2.weight, "
            "the gradient of conv2.bias, the gradient of conv1.weight, the gradient of conv1.bias agree with torch "
            "autograd)") in message


def test_the_cnn_check_names_the_function_not_written_yet(tmp_path):
    source = reference_with("exercise5", "def max_pool2d_backward(dout, cache):\n    raise NotImplementedError\n")
    results = grade_source(tmp_path, "exercise5", source, only=[mistakes.CNN])
    assert results[mistakes.CNN].status == "failed"
    assert results[mistakes.CNN].message.startswith("not implemented: `max_pool2d_backward`")


# -- the GPU check, with the CPU standing in for the device ---------------------------------------

GLOBAL_BACKWARD_IN_FLOAT64 = """
_global_avg_pool_backward = global_avg_pool_backward
def global_avg_pool_backward(dout, cache):
    return _global_avg_pool_backward(dout, cache).double()
"""


def on_cpu_result(tmp_path, source: str):
    path = tmp_path / "mine.py"
    path.write_text(source)
    with Student(read_submission(path), FORBIDDEN["exercise5"]) as student:
        return run_check(checks.runs_on_device("the layers run on the CPU", 2, device="cpu"), student)


@pytest.mark.parametrize("solution", ["reference/exercise5.py", "tests/alternatives/exercise5.py"])
def test_the_device_check_passes_correct_layers_and_reports_the_speed_of_conv(tmp_path, solution):
    result = on_cpu_result(tmp_path, (ROOT / solution).read_text())
    assert result.status == "passed", result.message
    assert "conv2d_forward took" in result.message and "the time of torch's conv2d on cpu" in result.message


def test_the_device_check_catches_a_result_in_another_dtype(tmp_path):
    result = on_cpu_result(tmp_path, reference_with("exercise5", GLOBAL_BACKWARD_IN_FLOAT64))
    assert result.status == "failed"
    assert "global_avg_pool_backward returned a torch.float64 tensor on cpu for float32 input" in result.message


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the check runs instead")
def test_without_cuda_the_gpu_check_is_skipped_and_not_counted(tmp_path):
    results = grade_source(tmp_path, "exercise5", (ROOT / "reference" / "exercise5.py").read_text(),
                           only=[mistakes.GPU])
    assert (results[mistakes.GPU].status, results[mistakes.GPU].score) == ("skipped", 0)
    assert "no cuda device on this machine" in results[mistakes.GPU].message
