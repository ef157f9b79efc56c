"""A correct exercise 4 written unlike the reference: one shared base class whose `step` loops
over the groups and calls a per-parameter `_update` hook, validation from a table, state under
other keys and rebuilt out of place with plain arithmetic (no addcmul_/lerp_), Adagrad's
accumulator created lazily (from the constructor's initial value, as torch does) and its rate as
lr / (1 + k*lr_decay) with k the steps already taken, and Adam's bias corrections folded into the
step size and eps as torch's documentation describes."""

import math

import torch


class _Base(torch.optim.Optimizer):
    nonnegative = ()

    def __init__(self, params, **defaults):
        for name in self.nonnegative:
            if not defaults[name] >= 0:
                raise ValueError(f"{name} must be >= 0, got {defaults[name]}")
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p, p.grad, self.state[p], group)
        return loss

    @staticmethod
    def _decayed(p, grad, group):
        return grad + group["weight_decay"] * p if group["weight_decay"] else grad


class SGD(_Base):
    nonnegative = ("lr", "momentum", "weight_decay")

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        if nesterov and not (momentum > 0 and dampening == 0):
            raise ValueError("nesterov needs momentum > 0 and dampening == 0")
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov)

    def _update(self, p, grad, state, group):
        d = self._decayed(p, grad, group)
        mu = group["momentum"]
        if mu:
            velocity = state.get("velocity")
            if velocity is None:
                velocity = d.clone()
            else:
                velocity = mu * velocity + (1 - group["dampening"]) * d
            state["velocity"] = velocity
            d = d + mu * velocity if group["nesterov"] else velocity
        p.sub_(group["lr"] * d)


class Adagrad(_Base):
    nonnegative = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps)
        # torch fills every accumulator with the constructor's value, whatever a group says
        self._initial = initial_accumulator_value

    def _update(self, p, grad, state, group):
        previous = state.get("k", 0)          # steps taken before this one
        state["k"] = previous + 1
        accumulator = state.get("accumulator")
        if accumulator is None:
            accumulator = torch.zeros_like(p) + self._initial
        d = self._decayed(p, grad, group)
        accumulator = accumulator + d * d
        state["accumulator"] = accumulator
        rate = group["lr"] / (1 + previous * group["lr_decay"])
        p.sub_(rate * (d / (torch.sqrt(accumulator) + group["eps"])))


class RMSprop(_Base):
    nonnegative = ("lr", "alpha", "eps", "weight_decay", "momentum")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0):
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                         momentum=momentum)

    def _update(self, p, grad, state, group):
        d = self._decayed(p, grad, group)
        alpha = group["alpha"]
        mean_square = state.get("ms", torch.zeros_like(p))
        mean_square = alpha * mean_square + (1 - alpha) * d.square()
        state["ms"] = mean_square
        direction = d / (mean_square.sqrt() + group["eps"])
        if group["momentum"] > 0:
            direction = group["momentum"] * state.get("mom", torch.zeros_like(p)) + direction
            state["mom"] = direction
        p.sub_(group["lr"] * direction)


class Adam(_Base):
    nonnegative = ("lr", "eps", "weight_decay")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        if not all(0 <= beta < 1 for beta in betas):
            raise ValueError(f"betas must lie in [0, 1), got {betas}")
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay)

    def _update(self, p, grad, state, group):
        b1, b2 = group["betas"]
        t = state.get("t", 0) + 1
        state["t"] = t
        d = self._decayed(p, grad, group)
        m = b1 * state.get("m", torch.zeros_like(p)) + (1 - b1) * d
        v = b2 * state.get("v", torch.zeros_like(p)) + (1 - b2) * d * d
        state["m"], state["v"] = m, v
        # lr * m_hat / (sqrt(v_hat) + eps) == lr_t * m / (sqrt(v) + eps_t), with
        # lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t) and eps_t = eps * sqrt(1 - b2^t)
        root = math.sqrt(1 - b2**t)
        lr_t = group["lr"] * root / (1 - b1**t)
        p.sub_(lr_t * m / (v.sqrt() + group["eps"] * root))
