"""Exercise 4's optimizers, built and stepped inside the worker.

An optimizer is an object that lives next to its parameters, so a check cannot call it from the
grader step by step: these drivers build the student's optimizer on parameters they make, set
the gradients themselves (given by the grader, or computed here with autograd *between* two
calls of `step()`, never inside one, so that the run-time watch does not blame the student for
it) and return, in one answer, what the grader compares with the same run of `torch.optim`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def trajectory(student, class_name: str, initial: list, groups: list[dict], kwargs: dict, gradients: list,
               no_grad: list = (), lr_changes: list = (), reuse_grads: bool = False) -> dict:
    """Step `class_name([{"params": [...], **options}, ...], **kwargs)` through the given gradients.

    initial:     the parameters' starting values (cloned here, as leaves that require grad)
    groups:      {"indices": [i, ...], "options": {...}}: which parameters each group holds
    gradients:   per parameter, its gradient at each step, stacked (steps, *shape): one tensor
                 per parameter on the wire rather than one per step
    no_grad:     (step, parameter) pairs whose gradient is None instead (0-based)
    lr_changes:  (step, group, lr): set that group's "lr" before that step (0-based), as a scheduler does
    reuse_grads: write each gradient into the tensor already in `p.grad`, as backward() does after
                 zero_grad(set_to_none=False), instead of setting a fresh tensor

    Returns {"params": per parameter, its values after each step, stacked (steps, *shape);
    "grads": per step, every `p.grad` as step() left it (None stays None), only with `reuse_grads`;
    "state": per parameter, (key, dtype, device) of each state tensor of the parameter's shape}.
    """
    params = [value.detach().clone().requires_grad_(True) for value in initial]
    optimizer = getattr(student, class_name)(
        [{"params": [params[i] for i in group["indices"]], **group["options"]} for group in groups], **kwargs)
    changes = {}
    for step, group, lr in lr_changes:
        changes.setdefault(step, []).append((group, lr))
    missing = {tuple(pair) for pair in no_grad}
    after, grads = [], []
    for step in range(len(gradients[0]) if gradients else 0):
        for group, lr in changes.get(step, []):
            optimizer.param_groups[group]["lr"] = lr
        for index, (p, values) in enumerate(zip(params, gradients)):
            _set_grad(p, None if (step, index) in missing else values[step], reuse_grads)
        optimizer.step()
        after.append([p.detach().clone() for p in params])
        if reuse_grads:
            grads.append([None if p.grad is None else p.grad.detach().clone() for p in params])
    stacked = [torch.stack([step[index] for step in after]) for index in range(len(params))]
    return {"params": stacked, "grads": grads, "state": [_state_tensors(optimizer, p) for p in params]}


def _set_grad(p, gradient, reuse: bool) -> None:
    if gradient is None:
        p.grad = None
    elif reuse and p.grad is not None:
        p.grad.copy_(gradient)
    else:
        p.grad = gradient.clone()


def _state_tensors(optimizer, p) -> list[tuple[str, str, str]]:
    """(key, dtype, device) of the tensors of the parameter's shape in `optimizer.state[p]`:
    its buffers (a step count kept as a 0-d tensor, as torch does, is not one)."""
    state = optimizer.state.get(p, {}) if isinstance(optimizer.state, dict) else {}
    return [(str(key), str(value.dtype).removeprefix("torch."), str(value.device))
            for key, value in state.items() if isinstance(value, torch.Tensor) and value.shape == p.shape]


def hyperparameters(student, class_name: str) -> dict:
    """The hyperparameters `class_name(params)` registers in its first group (all but "params")."""
    optimizer = getattr(student, class_name)([torch.zeros(2, requires_grad=True)])
    return {str(key): value for key, value in optimizer.param_groups[0].items() if key != "params"}


# BEGIN HIDDEN
def rejects(student, class_name: str, settings: list[dict]) -> list[bool]:
    """For each keyword set: does `class_name(params, **keywords)` raise ValueError?"""
    raised = []
    for keywords in settings:
        try:
            getattr(student, class_name)([torch.zeros(2, requires_grad=True)], **keywords)
        except ValueError:
            raised.append(True)
        else:
            raised.append(False)
    return raised
# END HIDDEN


def with_closure(student, class_name: str, initial, target, kwargs: dict, steps: int) -> dict:
    """`step(closure)` `steps` times on one parameter, with `p.grad` cleared before each: the
    closure sets the gradient of the loss 0.5 * |p - target|^2 itself (no autograd).

    Returns {"params": p after each step, "losses": what each step returned (numbers, None or
    other), "calls": how many times each step called the closure}."""
    p = initial.detach().clone().requires_grad_(True)
    optimizer = getattr(student, class_name)([p], **kwargs)
    calls = 0

    def closure():
        nonlocal calls
        calls += 1
        with torch.no_grad():
            difference = p - target
            p.grad = difference.clone()
        return 0.5 * (difference * difference).sum()

    params, losses, counts = [], [], []
    for _ in range(steps):
        p.grad, calls = None, 0
        loss = optimizer.step(closure)
        params.append(p.detach().clone())
        losses.append(loss.item() if isinstance(loss, torch.Tensor) and loss.numel() == 1 else loss)
        counts.append(calls)
    return {"params": params, "losses": losses, "calls": counts}


def network(weights: list) -> torch.nn.Sequential:
    """Linear, tanh, linear, with the given weights (W1, b1, W2, b2): the model `train` trains."""
    W1, b1, W2, b2 = (w.detach().clone() for w in weights)
    model = torch.nn.Sequential(torch.nn.Linear(W1.shape[1], W1.shape[0]), torch.nn.Tanh(),
                                torch.nn.Linear(W2.shape[1], W2.shape[0])).to(W1.dtype)
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), (W1, b1, W2, b2)):
            parameter.copy_(value)
    return model


def train(student, class_name: str, weights: list, kwargs: dict, inputs, targets, steps: int) -> list[float]:
    """Train `network(weights)` on the mean squared error for `steps` full-batch steps of the
    student's optimizer; gradients by autograd, here, between the steps. Returns the loss before
    the first step and after each one."""
    return fit(getattr(student, class_name), weights, kwargs, inputs, targets, steps)


def fit(optimizer_class, weights: list, kwargs: dict, inputs, targets, steps: int) -> list[float]:
    """`train` with any optimizer class: the grader runs it with torch's for the expected losses."""
    model = network(weights)
    optimizer = optimizer_class(model.parameters(), **kwargs)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.mse_loss(model(inputs), targets)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        losses.append(F.mse_loss(model(inputs), targets).item())
    return losses
