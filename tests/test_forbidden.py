"""Forbidden library ops: found in the source through any import alias (grader.checks.forbidden)
and at run time however they are reached (grader.drivers.watch), and only where they count."""

import textwrap

import pytest

from grader.checks.forbidden import forbidden_uses
from grader.exercises import FORBIDDEN
from grader.student import Student, UsedForbidden
from grader.submission import read_submission

CONV = FORBIDDEN["exercise5"]


def submission(tmp_path, source: str):
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent(source))
    return read_submission(path)


@pytest.mark.parametrize("imports, call", [
    ("import torch.nn.functional as F", "F.conv2d(x, w)"),
    ("from torch.nn import functional as fn", "fn.conv2d(x, w)"),
    ("from torch.nn.functional import conv2d as correlate", "correlate(x, w)"),
    ("import torch", "torch.conv2d(x, w)"),
    ("import torch.nn.functional", "torch.nn.functional.conv2d(x, w)"),
    ("from torch import nn", "nn.Conv2d(3, 4, 3)(x)"),
])
def test_an_aliased_forbidden_call_is_found_with_its_line(tmp_path, imports, call):
    source = f"{imports}\n\ndef conv2d_forward(x, w):\n    return {call}, None\n"
    uses = forbidden_uses(submission(tmp_path, source), CONV, ("conv2d_forward",))
    assert [(use.definition, use.line) for use in uses] == [("conv2d_forward", 4)]
    assert uses[0].api.startswith("torch.")


def test_helpers_are_followed_and_code_outside_definitions_does_not_count(tmp_path):
    mine = submission(tmp_path, """
        import torch
        import torch.nn.functional as F

        correlate = F.conv2d

        def _windows(x, w):
            return correlate(x, w)

        def conv2d_forward(x, w):
            return _windows(x, w), None

        def relu(x):
            return x.clamp(min=0)

        if __name__ == "__main__":
            print(F.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)))
    """)
    assert [use.definition for use in forbidden_uses(mine, CONV, ("conv2d_forward",))] == ["correlate"]
    assert forbidden_uses(mine, CONV, ("relu",)) == []


def test_autograd_is_found_but_a_students_own_backward_is_not(tmp_path):
    mine = submission(tmp_path, """
        import torch
        from torch import autograd

        def uses_backward(x):
            y = (x.clone().requires_grad_() ** 2).sum()
            y.backward()

        def uses_grad(x, y):
            return autograd.grad(y, x)

        def own_layers(layer, dout):
            return layer.backward(dout)
    """)
    assert forbidden_uses(mine, CONV, ("uses_backward",))[0].api == "autograd (.backward())"
    assert forbidden_uses(mine, CONV, ("uses_grad",))[0].api == "torch.autograd.grad"
    assert forbidden_uses(mine, CONV, ("own_layers",)) == []


def test_a_subclass_of_a_torch_optimizer_is_found(tmp_path):
    mine = submission(tmp_path, """
        from torch.optim import Adam as TorchAdam, Optimizer

        class Adam(TorchAdam):
            pass

        class SGD(Optimizer):
            pass
    """)
    assert [use.api for use in forbidden_uses(mine, FORBIDDEN["exercise4"], ("Adam",))] == ["torch.optim.Adam"]
    assert forbidden_uses(mine, FORBIDDEN["exercise4"], ("SGD",)) == []


def test_a_call_hidden_from_the_source_is_caught_at_run_time_with_its_line(tmp_path):
    mine = submission(tmp_path, """
        import torch

        def conv2d_forward(x, w):
            op = getattr(torch, "conv" + "2d")
            return op(x, w), None

        def fine(x):
            return x * 2
    """)
    import torch

    with Student(mine, CONV) as student:
        assert forbidden_uses(mine, CONV, ("conv2d_forward",)) == []
        with pytest.raises(UsedForbidden) as caught:
            student.call("conv2d_forward", torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
        assert str(caught.value) == "`conv2d_forward` called torch's conv2d (mine.py, line 6)"
        assert student.call("fine", torch.ones(2)).tolist() == [2.0, 2.0]


def test_the_graders_own_torch_calls_in_a_driver_are_not_blamed_on_the_student(tmp_path):
    mine = submission(tmp_path, """
        def conv2d_forward(x, weight, bias, stride=1, padding=0):
            return x[:, :1, : x.shape[2] - weight.shape[2] + 1, : x.shape[3] - weight.shape[3] + 1] * 0, None
    """)
    import torch

    with Student(mine, CONV) as student:
        case = [torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), torch.zeros(1), 1, 0]
        measured = student.drive("timing.ratio", ["conv2d_forward"], "conv2d", case, None,
                                 on_behalf_of="conv2d_forward")  # runs F.conv2d itself, every round
        assert measured["ratio"] > 0
