"""GPU claims: the torch exercises work on CUDA too.

Every call first runs once on the CPU, on any machine: code not written yet, or that only works
on a GPU (a hard-coded `device="cuda"`), says so everywhere. Then, without a CUDA device in the
worker, the check is skipped, and a skipped check counts neither in the score nor in the
maximum: nobody loses points for having no GPU. With one, each
call of `calls` runs on the CPU and on the device with the same inputs: every tensor it returns
must stay on the device, keep the input's dtype and hold the values of the CPU run (whose
correctness the CPU checks establish). With `timing`, the message also reports how the
student's code compares with torch's op on the device (for information, not for points).
"""

from __future__ import annotations

from grader.checks.compare import compare, tolerance_for
from grader.checks.core import Check, Failure, Skip, for_all
from grader.checks.robustness import Call, arrays_in
from grader.checks.strategies import dtype_of, first_float_dtype
from grader.checks.timing import Timing
from grader.protocol import is_tensor


def on_device(name: str, points: float, calls: list[Call], device: str = "cuda", examples: int = 5,
              timing: Timing | None = None) -> Check:
    """Every call gives, on `device`, the tensors it gives on the CPU, on `device` and in the input's dtype."""

    def claim(student, call, case):
        on_cpu = call.run(student, case)
        moved = {name: value.to(device) if is_tensor(value) else value for name, value in case.items()}
        for (function, sent, _, expected), (_, _, _, got) in zip(on_cpu, call.run(student, moved)):
            dtype = next(dtype_of(t) for t in sent if is_tensor(t) and dtype_of(t).kind == "f")
            for tensor in arrays_in(got):
                if tensor.device.type != device:
                    raise Failure(f"{function} returned a tensor on {tensor.device} for inputs on {device}",
                                  "create new tensors on the input's device: torch.zeros_like(x), "
                                  "torch.zeros(shape, dtype=x.dtype, device=x.device)")
                if dtype_of(tensor) != dtype:
                    raise Failure(f"{function} returned a {tensor.dtype} tensor on {device} for {dtype} input")
            expected, got = list(arrays_in(expected)), list(arrays_in(got))
            if len(got) != len(expected):
                raise Failure(f"{function} returned {len(got)} tensors on {device}, {len(expected)} on the CPU")
            tolerance = tolerance_for(first_float_dtype(case))
            for index, (tensor, on_cpu) in enumerate(zip(got, expected)):
                compare(tensor.cpu(), on_cpu, tolerance, f"tensor {index} of {function} on {device} (vs the CPU)")

    def body(student):
        # Whether the device exists decides first: the maximum score of an exercise on a machine
        # must be the same for every student, whatever state their functions are in.
        if not student.drive("devices.available", device, on_behalf_of=calls[0].function):
            raise Skip(f"no {device} device on this machine: not counted in the score")
        for call in calls:
            for_all(call.inputs, lambda student, case, call=call: call.run(student, case), examples=1)(student)
        for call in calls:
            for_all(call.inputs, lambda student, case, call=call: claim(student, call, case), examples)(student)
        return timing.measure(student, device)[1] if timing else None

    uses = tuple(dict.fromkeys(function for call in calls for function in call.uses))
    return Check(name, points, uses, body, time_limit=60.0)

