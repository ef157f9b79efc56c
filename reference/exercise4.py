"""Exercise 4: optimizers (PyTorch).

Implement four optimizers as subclasses of `torch.optim.Optimizer`, each with the constructor
defaults and exactly the `step()` update of the torch class of the same name: `SGD` (with
momentum, dampening, Nesterov and weight decay), `Adagrad`, `RMSprop` and `Adam`. Your trajectory
of parameters, step after step, is compared with the one `torch.optim` produces.

How a `torch.optim.Optimizer` subclass works:
- The constructor checks its hyperparameters, puts them in a dict `defaults` and calls
  `super().__init__(params, defaults)`. The base class then builds `self.param_groups`, a list of
  dicts, each with a `"params"` list of tensors and every hyperparameter of `defaults` (a group
  given as a dict may override some of them: `SGD([{"params": [w]}, {"params": [b], "lr": 0.1}])`).
- `step()` reads the hyperparameters from each group, never from the constructor's arguments.
- `self.state[p]` is a dict per parameter `p` (empty at first) where the optimizer keeps what it
  needs between steps: momentum buffers, running averages, a step count.

Conventions (../shared/curriculum.md):
- Call no `torch.optim` optimizer (only the base class `torch.optim.Optimizer`) and no autograd
  (`.backward()`, `torch.autograd`): `step()` reads the gradients already stored in `p.grad`.
- Skip every parameter whose `p.grad` is None.
- Update the parameters in place (`step` runs under `torch.no_grad()`), but never modify
  `p.grad`: `g = p.grad + weight_decay * p` makes a new tensor, `p.grad.add_(...)` would not.
  Likewise a buffer that starts as a copy of the gradient must be a copy (`.clone()`).
- Dtype and device are preserved: create state with `torch.zeros_like(p)`, `torch.full_like(...)`
  or `.clone()`.
"""

import torch


def _evaluate_closure(closure):
    """The loss of `closure()`, evaluated with gradients enabled, or None without a closure.

    Given: like torch's optimizers, `step(closure)` may be handed a function that recomputes the
    loss and its gradients; start every `step` with `loss = _evaluate_closure(closure)` and
    return `loss` at the end.
    """
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


class SGD(torch.optim.Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov and weight decay,
    as torch.optim.SGD (without its `maximize`, `foreach`, ... options)."""

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        """Check the hyperparameters and register them as the groups' defaults.

        Raise ValueError if lr < 0, momentum < 0 or weight_decay < 0, and if nesterov is True
        while momentum <= 0 or dampening != 0. Then call
        `super().__init__(params, defaults)` with `defaults` a dict of the five
        hyperparameters under their argument names ("lr", "momentum", ...).
        """
        # BEGIN SOLUTION
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)
        # END SOLUTION

    @torch.no_grad()
    def step(self, closure=None):
        """One update of every parameter `p` that has a gradient, with its group's hyperparameters.

        Update, for each such p (g starts as p.grad; lr, momentum, ... are the group's):
            g = g + weight_decay * p                        (if weight_decay != 0)
            if momentum != 0:
                buf = copy of g                             (first step of p)
                buf = momentum * buf + (1 - dampening) * g  (every later step)
                g = g + momentum * buf   if nesterov   else   g = buf
            p = p - lr * g                                  (in place)
        State per parameter: state["momentum_buffer"] = buf, kept only when momentum != 0.
        Note that the buffer starts as the first gradient itself (not zero, no dampening).
        Returns the closure's loss (see `_evaluate_closure`), None without a closure.
        """
        # BEGIN SOLUTION
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov = group["weight_decay"], group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if weight_decay != 0:
                    g = g.add(p, alpha=weight_decay)
                if momentum != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        buf = state["momentum_buffer"] = g.clone()
                    else:
                        buf = state["momentum_buffer"]
                        buf.mul_(momentum).add_(g, alpha=1 - dampening)
                    g = g.add(buf, alpha=momentum) if nesterov else buf
                p.add_(g, alpha=-lr)
        return loss
        # END SOLUTION


class Adagrad(torch.optim.Optimizer):
    """Adagrad: per-coordinate step sizes shrinking with the accumulated squared gradients,
    as torch.optim.Adagrad."""

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        """Check the hyperparameters and register them as the groups' defaults.

        Raise ValueError if any of lr, lr_decay, weight_decay, initial_accumulator_value, eps
        is negative. Then call `super().__init__(params, defaults)` with `defaults` a dict of the
        five hyperparameters under their argument names.
        Finally, like torch, create the state of every parameter of every group right here:
        state["step"] = 0 and state["sum"] = a tensor like p filled with the constructor's
        `initial_accumulator_value` (torch uses this argument, even for a group that gives its
        own "initial_accumulator_value").
        """
        # BEGIN SOLUTION
        for name, value in [("learning rate", lr), ("lr_decay", lr_decay),
                            ("weight_decay", weight_decay),
                            ("initial_accumulator_value", initial_accumulator_value),
                            ("epsilon", eps)]:
            if value < 0.0:
                raise ValueError(f"Invalid {name} value: {value}")
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["step"] = 0
                self.state[p]["sum"] = torch.full_like(p, initial_accumulator_value)
        # END SOLUTION

    @torch.no_grad()
    def step(self, closure=None):
        """One update of every parameter `p` that has a gradient, with its group's hyperparameters.

        Update, for each such p (g starts as p.grad; t counts p's steps, 1 at its first):
            g = g + weight_decay * p                        (if weight_decay != 0)
            clr = lr / (1 + (t - 1) * lr_decay)
            sum = sum + g * g
            p = p - clr * g / (sqrt(sum) + eps)             (in place; eps outside the sqrt)
        State per parameter (created by the constructor): state["step"] = t, a number, and
        state["sum"].
        Returns the closure's loss (see `_evaluate_closure`), None without a closure.
        """
        # BEGIN SOLUTION
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                state["step"] += 1
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g.add(p, alpha=group["weight_decay"])
                clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
                state["sum"].addcmul_(g, g, value=1)
                std = state["sum"].sqrt().add_(group["eps"])
                p.addcdiv_(g, std, value=-clr)
        return loss
        # END SOLUTION


class RMSprop(torch.optim.Optimizer):
    """RMSprop: gradients divided by a running root mean square of the gradients, with optional
    momentum, as torch.optim.RMSprop (not centered)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0):
        """Check the hyperparameters and register them as the groups' defaults.

        Raise ValueError if any of lr, alpha, eps, weight_decay, momentum is negative. Then call
        `super().__init__(params, defaults)` with `defaults` a dict of the five hyperparameters
        under their argument names.
        """
        # BEGIN SOLUTION
        for name, value in [("learning rate", lr), ("alpha", alpha), ("epsilon", eps),
                            ("weight_decay", weight_decay), ("momentum", momentum)]:
            if value < 0.0:
                raise ValueError(f"Invalid {name} value: {value}")
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        super().__init__(params, defaults)
        # END SOLUTION

    @torch.no_grad()
    def step(self, closure=None):
        """One update of every parameter `p` that has a gradient, with its group's hyperparameters.

        Update, for each such p (g starts as p.grad):
            g = g + weight_decay * p                           (if weight_decay != 0)
            square_avg = alpha * square_avg + (1 - alpha) * g * g
            avg = sqrt(square_avg) + eps                       (eps outside the sqrt)
            if momentum > 0:
                buf = momentum * buf + g / avg
                p = p - lr * buf                               (in place)
            else:
                p = p - lr * g / avg                           (in place)
        State per parameter: state["square_avg"], starting at zeros like p, and, when
        momentum > 0, state["momentum_buffer"], also starting at zeros (unlike SGD's).
        Returns the closure's loss (see `_evaluate_closure`), None without a closure.
        """
        # BEGIN SOLUTION
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            alpha, momentum = group["alpha"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["square_avg"] = torch.zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = torch.zeros_like(p)
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g.add(p, alpha=group["weight_decay"])
                square_avg = state["square_avg"]
                square_avg.mul_(alpha).addcmul_(g, g, value=1 - alpha)
                avg = square_avg.sqrt().add_(group["eps"])
                if momentum > 0:
                    buf = state["momentum_buffer"]
                    buf.mul_(momentum).addcdiv_(g, avg)
                    p.add_(buf, alpha=-group["lr"])
                else:
                    p.addcdiv_(g, avg, value=-group["lr"])
        return loss
        # END SOLUTION


class Adam(torch.optim.Optimizer):
    """Adam with bias correction and L2 weight decay added to the gradient (not AdamW),
    as torch.optim.Adam (without amsgrad)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        """Check the hyperparameters and register them as the groups' defaults.

        Raise ValueError if lr, eps or weight_decay is negative, or if a beta is outside [0, 1).
        Then call `super().__init__(params, defaults)` with `defaults` a dict of the four
        hyperparameters under their argument names ("betas" is the pair).
        """
        # BEGIN SOLUTION
        for name, value in [("learning rate", lr), ("epsilon", eps),
                            ("weight_decay", weight_decay)]:
            if value < 0.0:
                raise ValueError(f"Invalid {name} value: {value}")
        for index, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super().__init__(params, defaults)
        # END SOLUTION

    @torch.no_grad()
    def step(self, closure=None):
        """One update of every parameter `p` that has a gradient, with its group's hyperparameters.

        Update, for each such p (g starts as p.grad; beta1, beta2 = betas; t counts p's steps,
        1 at its first):
            g = g + weight_decay * p                     (if weight_decay != 0; L2, not AdamW)
            m = beta1 * m + (1 - beta1) * g              (first moment)
            v = beta2 * v + (1 - beta2) * g * g          (second moment)
            m_hat = m / (1 - beta1**t)                   (bias corrections)
            v_hat = v / (1 - beta2**t)
            p = p - lr * m_hat / (sqrt(v_hat) + eps)     (in place; eps outside the sqrt)
        torch computes the last three lines as
            p = p - (lr / (1 - beta1**t)) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps),
        which is the same up to rounding.
        State per parameter: state["step"] = t (a number), state["exp_avg"] = m and
        state["exp_avg_sq"] = v, both starting at zeros like p.
        Returns the closure's loss (see `_evaluate_closure`), None without a closure.
        """
        # BEGIN SOLUTION
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g.add(p, alpha=group["weight_decay"])
                m.lerp_(g, 1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                step_size = group["lr"] / (1 - beta1**t)
                denom = (v.sqrt() / (1 - beta2**t) ** 0.5).add_(group["eps"])
                p.addcdiv_(m, denom, value=-step_size)
        return loss
        # END SOLUTION
