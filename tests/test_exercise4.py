"""Exercise 4 beyond the generic tests: an optimizer built on torch.optim's gets no points however
it is spelled, while the other optimizers' checks still score; failures name the step, the
parameter and the hyperparameters; and the GPU check, built for the CPU, passes a correct
submission and catches state made in the wrong dtype."""

import pytest
import torch

from grader.checks.core import run_check
from grader.exercises import FORBIDDEN
from grader.exercises import exercise4 as checks
from grader.student import Student
from grader.submission import read_submission
from tests.helpers import ROOT, grade_source, reference_with
from tests.mistakes import exercise4 as mistakes

ADAM, SGD, GPU = mistakes.ADAM, mistakes.SGD, mistakes.GPU
OTHER_OPTIMIZERS = [mistakes.SGD, mistakes.ADAGRAD, mistakes.RMSPROP]

WRAPPER = """
class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))
        self.inner = {make}(self.param_groups)

    def step(self, closure=None):
        return self.inner.step(closure)
"""
# (code appended to the reference, the text of the line the message must point to, the API named)
SPELLINGS = {
    "subclass": ("class Adam(torch.optim.Adam):\n    pass\n", "class Adam(torch.optim.Adam)", "torch.optim.Adam"),
    "aliased subclass": ("from torch.optim import Adam as TorchAdam\n\nclass Adam(TorchAdam):\n    pass\n",
                         "class Adam(TorchAdam)", "torch.optim.Adam"),
    "wrapper": (WRAPPER.format(make="torch.optim.Adam"), "self.inner =", "torch.optim.Adam"),
    "wrapper, import torch.optim as optim": ("import torch.optim as optim\n" + WRAPPER.format(make="optim.Adam"),
                                             "self.inner =", "torch.optim.Adam"),
    "wrapper, from torch import optim": ("from torch import optim\n" + WRAPPER.format(make="optim.Adam"),
                                         "self.inner =", "torch.optim.Adam"),
    "reached at run time only": (WRAPPER.format(make='getattr(torch.optim, "Ad" + "am")'), "self.inner =",
                                 "torch.optim.Adam"),
}


def line_of(source: str, text: str) -> int:
    """The line of `text` in the code the test appended (the reference's docstrings name torch too)."""
    lines = source.splitlines()
    start = lines.index("# -- replaced by the test --")
    return next(number for number, line in enumerate(lines, 1) if number > start and text in line)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_adam_built_on_torch_optim_scores_nothing_but_sgd_still_scores(tmp_path, spelling):
    code, marker, api = SPELLINGS[spelling]
    source = reference_with("exercise4", code)
    results = grade_source(tmp_path, "exercise4", source, only=[ADAM, SGD])
    assert (results[ADAM].status, results[ADAM].score) == ("failed", 0), results[ADAM].message
    assert api in results[ADAM].message and f"line {line_of(source, marker)})" in results[ADAM].message
    assert "gives no points even though the numbers may be right" in results[ADAM].message
    assert results[SGD].status == "passed", results[SGD].message


def test_every_check_that_uses_a_torch_adam_scores_nothing_and_the_others_full_marks(tmp_path):
    source = reference_with("exercise4", SPELLINGS["subclass"][0])
    results = grade_source(tmp_path, "exercise4", source)
    uses_adam = {check.name for check in checks.CHECKS if "Adam" in check.uses}
    assert uses_adam == set(results) - set(OTHER_OPTIMIZERS)
    for name in uses_adam:
        assert (results[name].status, results[name].score) == ("failed", 0), name
        assert "`Adam` uses torch.optim.Adam" in results[name].message
    assert all(results[name].score == results[name].max_score for name in OTHER_OPTIMIZERS)


def test_a_failure_names_the_first_step_and_parameter_that_differ_and_the_hyperparameters(tmp_path):
    results = grade_source(tmp_path, "exercise4", reference_with("exercise4", mistakes.ADAM_ONE_STEP_COUNTER),
                           only=[ADAM])
    message = results[ADAM].message
    assert message.startswith("step 1 agrees with torch.optim.Adam; parameter 0 (shape (1,), group 0) after step 2 "
                              "is wrong"), message
    assert "smallest failing input: optimizer='Adam', constructor={'lr': 0.01, 'betas': (0.9, 0.999)" in message
    assert "no_grad=[(0, 0)]" in message  # the parameter skipped at step 1 is where one counter goes wrong


# -- the GPU check, with the CPU standing in for the device ---------------------------------------

FLOAT32_STATE = """
class RMSprop(RMSprop):
    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None and "square_avg" not in self.state[p]:
                    self.state[p]["square_avg"] = torch.zeros(p.shape)
                    if group["momentum"] > 0:
                        self.state[p]["momentum_buffer"] = torch.zeros(p.shape)
        return super().step(closure)
"""


def on_cpu_result(tmp_path, source: str):
    path = tmp_path / "mine.py"
    path.write_text(source)
    with Student(read_submission(path), FORBIDDEN["exercise4"]) as student:
        return run_check(checks.runs_on_device("the optimizers run on the CPU", 2, device="cpu"), student)


@pytest.mark.parametrize("solution", ["reference/exercise4.py", "tests/alternatives/exercise4.py"])
def test_the_device_check_passes_correct_optimizers(tmp_path, solution):
    result = on_cpu_result(tmp_path, (ROOT / solution).read_text())
    assert result.status == "passed", result.message


def test_the_device_check_catches_state_in_another_dtype(tmp_path):
    result = on_cpu_result(tmp_path, reference_with("exercise4", FLOAT32_STATE))
    assert result.status == "failed"
    assert ("RMSprop on cpu with float64 parameters: state['square_avg'] of parameter 0 (shape (3,), group 0) is a "
            "float32 tensor on cpu") in result.message
    assert "hint: create state like the parameter: torch.zeros_like(p)" in result.message


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the check runs instead")
def test_without_cuda_the_gpu_check_is_skipped_and_not_counted(tmp_path):
    results = grade_source(tmp_path, "exercise4", (ROOT / "reference" / "exercise4.py").read_text(), only=[GPU])
    assert (results[GPU].status, results[GPU].score) == ("skipped", 0)
    assert "no cuda device on this machine" in results[GPU].message
