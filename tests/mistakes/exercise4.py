"""Plausible wrong implementations of exercise 4: at least one that each check must catch, with
the hint it must show where one is known. Each replaces one optimizer class of the reference by a
subclass (`class SGD(SGD)`) that overrides what goes wrong; most come from a catalogue whose
trajectories were compared with torch.optim's by hand."""

from tests.helpers import Wrong

SGD = "SGD matches torch.optim.SGD over 12 steps (momentum, dampening, Nesterov, weight decay), " \
      "with several parameter groups"
ADAGRAD = "Adagrad matches torch.optim.Adagrad over 12 steps (lr_decay, initial_accumulator_value, eps, " \
          "weight decay), with several parameter groups"
RMSPROP = "RMSprop matches torch.optim.RMSprop over 12 steps (alpha, eps, momentum, weight decay), " \
          "with several parameter groups"
ADAM = "Adam matches torch.optim.Adam over 12 steps (betas, eps, weight decay), with several parameter groups"
DEFAULTS = "the constructors' defaults are torch's"
INVALID = "invalid hyperparameters raise ValueError, as in torch"
LR_CHANGE = "a learning rate changed between steps, as a scheduler does, is used from the next step"
GRADIENTS = "step() leaves the gradients unchanged"
CLOSURE = "step(closure) evaluates the closure once and returns its loss"
LEARNS = "Adam trains a small network to the loss torch.optim.Adam reaches"
GPU = "the optimizers run on CUDA: parameters and state stay on the device in their dtype, " \
      "and follow the CPU trajectory"

# SGD: momentum buffer starts at zero
SGD_BUFFER_FROM_ZERO = """
class SGD(SGD):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + group["weight_decay"] * p
                if group["momentum"] != 0:
                    buf = self.state[p].setdefault("momentum_buffer", torch.zeros_like(p))
                    buf.mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    g = g + group["momentum"] * buf if group["nesterov"] else buf
                p.sub_(group["lr"] * g)
        return loss
"""

# SGD: momentum as an average, buf = momentum*buf + (1 - momentum)*g from zero
SGD_MOMENTUM_AS_AVERAGE = """
class SGD(SGD):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            mu = group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + group["weight_decay"] * p
                if mu != 0:
                    buf = mu * self.state[p].get("momentum_buffer", torch.zeros_like(p)) + (1 - mu) * g
                    self.state[p]["momentum_buffer"] = buf
                    g = g + mu * buf if group["nesterov"] else buf
                p.sub_(group["lr"] * g)
        return loss
"""

# SGD (equivalent unless lr changes): lr folded into the buffer, p -= buf
SGD_LR_IN_BUFFER = """
class SGD(SGD):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            mu, lr = group["momentum"], group["lr"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + group["weight_decay"] * p
                if mu != 0 and not group["nesterov"]:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = lr * g
                    else:
                        state["momentum_buffer"] = mu * state["momentum_buffer"] + (1 - group["dampening"]) * lr * g
                    p.sub_(state["momentum_buffer"])
                else:
                    if mu != 0:
                        buf = self.state[p].get("momentum_buffer")
                        buf = g.clone() if buf is None else mu * buf + g
                        self.state[p]["momentum_buffer"] = buf
                        g = g + mu * buf
                    p.sub_(lr * g)
        return loss
"""

# SGD: nesterov steps along buf instead of g + momentum*buf
SGD_NESTEROV_IGNORED = """
class SGD(SGD):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + group["weight_decay"] * p
                if group["momentum"] != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"] = (group["momentum"] * state["momentum_buffer"]
                                                    + (1 - group["dampening"]) * g)
                    g = state["momentum_buffer"]          # nesterov ignored
                p.sub_(group["lr"] * g)
        return loss
"""

# SGD: weight decay added after the momentum buffer
SGD_DECAY_AFTER_MOMENTUM = """
class SGD(SGD):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["momentum"] != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"] = (group["momentum"] * state["momentum_buffer"]
                                                    + (1 - group["dampening"]) * g)
                    buf = state["momentum_buffer"]
                    g = g + group["momentum"] * buf if group["nesterov"] else buf
                p.sub_(group["lr"] * (g + group["weight_decay"] * p))
        return loss
"""

# SGD: hyperparameters kept from the constructor, groups ignored
SGD_CONSTRUCTOR_HYPERPARAMETERS = """
class SGD(SGD):
    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        super().__init__(params, lr, momentum, dampening, weight_decay, nesterov)
        self.hyper = dict(lr=lr, momentum=momentum, dampening=dampening,
                          weight_decay=weight_decay, nesterov=nesterov)

    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        h = self.hyper
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + h["weight_decay"] * p
                if h["momentum"] != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"] = (h["momentum"] * state["momentum_buffer"]
                                                    + (1 - h["dampening"]) * g)
                    buf = state["momentum_buffer"]
                    g = g + h["momentum"] * buf if h["nesterov"] else buf
                p.sub_(h["lr"] * g)
        return loss
"""

# SGD: buffer is the gradient itself, not a copy (right trajectory, mutates .grad)
SGD_BUFFER_ALIASES_GRAD = """
class SGD(SGD):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g + group["weight_decay"] * p
                if group["momentum"] != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g                 # no .clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(
                            g, alpha=1 - group["dampening"])
                    buf = state["momentum_buffer"]
                    g = g + group["momentum"] * buf if group["nesterov"] else buf
                p.sub_(group["lr"] * g)
        return loss
"""

# Adagrad: lr_decay ignored
ADAGRAD_NO_LR_DECAY = """
class Adagrad(Adagrad):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                g = p.grad + group["weight_decay"] * p
                state["sum"] += g * g
                p.sub_(group["lr"] * g / (state["sum"].sqrt() + group["eps"]))
        return loss
"""

# Adagrad: lr_decay counted from t instead of t - 1
ADAGRAD_DECAY_FROM_T = """
class Adagrad(Adagrad):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                state["step"] += 1
                g = p.grad + group["weight_decay"] * p
                clr = group["lr"] / (1 + state["step"] * group["lr_decay"])
                state["sum"] += g * g
                p.sub_(clr * g / (state["sum"].sqrt() + group["eps"]))
        return loss
"""

# Adagrad: eps inside the square root
ADAGRAD_EPS_INSIDE = """
class Adagrad(Adagrad):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                state["step"] += 1
                g = p.grad + group["weight_decay"] * p
                clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
                state["sum"] += g * g
                p.sub_(clr * g / (state["sum"] + group["eps"]).sqrt())
        return loss
"""

# Adagrad: accumulator starts at zero (initial_accumulator_value ignored)
ADAGRAD_ACCUMULATOR_FROM_ZERO = """
class Adagrad(Adagrad):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr, lr_decay, weight_decay, 0.0, eps)
"""

# RMSprop: eps inside the square root
RMSPROP_EPS_INSIDE = """
class RMSprop(RMSprop):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                g = p.grad + group["weight_decay"] * p
                sq = state.get("square_avg", torch.zeros_like(p))
                sq = group["alpha"] * sq + (1 - group["alpha"]) * g * g
                state["square_avg"] = sq
                step = g / (sq + group["eps"]).sqrt()
                if group["momentum"] > 0:
                    step = group["momentum"] * state.get("momentum_buffer", torch.zeros_like(p)) + step
                    state["momentum_buffer"] = step
                p.sub_(group["lr"] * step)
        return loss
"""

# RMSprop: alpha and 1 - alpha swapped
RMSPROP_ALPHA_SWAPPED = """
class RMSprop(RMSprop):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                g = p.grad + group["weight_decay"] * p
                sq = state.get("square_avg", torch.zeros_like(p))
                sq = (1 - group["alpha"]) * sq + group["alpha"] * g * g
                state["square_avg"] = sq
                step = g / (sq.sqrt() + group["eps"])
                if group["momentum"] > 0:
                    step = group["momentum"] * state.get("momentum_buffer", torch.zeros_like(p)) + step
                    state["momentum_buffer"] = step
                p.sub_(group["lr"] * step)
        return loss
"""

# RMSprop: momentum buffer averages with (1 - momentum), lr applied inside
RMSPROP_MOMENTUM_AS_AVERAGE = """
class RMSprop(RMSprop):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                g = p.grad + group["weight_decay"] * p
                sq = state.get("square_avg", torch.zeros_like(p))
                sq = group["alpha"] * sq + (1 - group["alpha"]) * g * g
                state["square_avg"] = sq
                step = group["lr"] * g / (sq.sqrt() + group["eps"])
                if group["momentum"] > 0:
                    mu = group["momentum"]
                    step = mu * state.get("momentum_buffer", torch.zeros_like(p)) + (1 - mu) * step
                    state["momentum_buffer"] = step
                p.sub_(step)
        return loss
"""

# Adam: one step counter for the whole optimizer
ADAM_ONE_STEP_COUNTER = """
class Adam(Adam):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        self.t = getattr(self, "t", 0) + 1
        t = self.t
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                g = p.grad + group["weight_decay"] * p
                m = b1 * state.get("exp_avg", torch.zeros_like(p)) + (1 - b1) * g
                v = b2 * state.get("exp_avg_sq", torch.zeros_like(p)) + (1 - b2) * g * g
                state["exp_avg"], state["exp_avg_sq"] = m, v
                p.sub_(group["lr"] * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + group["eps"]))
        return loss
"""


ADAM_STEP = """
class Adam(Adam):
    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            b1, b2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                t = state["step"] = state.get("step", 0) + 1
                g = p.grad
                m = state.get("exp_avg", torch.zeros_like(p))
                v = state.get("exp_avg_sq", torch.zeros_like(p))
%s
                state["exp_avg"], state["exp_avg_sq"] = m, v
        return loss
"""


def adam_step(update: str) -> str:
    """An Adam whose per-parameter update (from g, m, v, t, b1, b2, lr, eps, wd to p) is `update`."""
    return ADAM_STEP % "\n".join(" " * 16 + line for line in update.strip().splitlines())


ADAM_NO_BIAS_CORRECTION = adam_step("""
g = g + wd * p
m = b1 * m + (1 - b1) * g
v = b2 * v + (1 - b2) * g * g
p.sub_(lr * m / (v.sqrt() + eps))
""")
ADAM_EPS_INSIDE = adam_step("""
g = g + wd * p
m = b1 * m + (1 - b1) * g
v = b2 * v + (1 - b2) * g * g
p.sub_(lr * (m / (1 - b1**t)) / (v / (1 - b2**t) + eps).sqrt())
""")
ADAM_DECOUPLED_DECAY = adam_step("""
p.mul_(1 - lr * wd)
m = b1 * m + (1 - b1) * g
v = b2 * v + (1 - b2) * g * g
p.sub_(lr * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps))
""")
ADAM_UNSCALED_EPS = adam_step("""
g = g + wd * p
m = b1 * m + (1 - b1) * g
v = b2 * v + (1 - b2) * g * g
lr_t = lr * (1 - b2**t) ** 0.5 / (1 - b1**t)
p.sub_(lr_t * m / (v.sqrt() + eps))
""")
ADAM_BETAS_SWAPPED = adam_step("""
g = g + wd * p
m = b2 * m + (1 - b2) * g
v = b1 * v + (1 - b1) * g * g
p.sub_(lr * (m / (1 - b2**t)) / ((v / (1 - b1**t)).sqrt() + eps))
""")
ADAM_DECAY_INTO_GRAD = adam_step("""
if wd != 0:
    g.add_(p, alpha=wd)
m = b1 * m + (1 - b1) * g
v = b2 * v + (1 - b2) * g * g
p.sub_(lr * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps))
""")


SGD_DEFAULT_LR = """
class SGD(SGD):
    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr, momentum, dampening, weight_decay, nesterov)
"""
ADAM_DEFAULT_EPS = """
class Adam(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0):
        super().__init__(params, lr, betas, eps, weight_decay)
"""
SGD_NESTEROV_UNCHECKED = """
class SGD(SGD):
    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError("negative hyperparameter")
        torch.optim.Optimizer.__init__(self, params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                                          weight_decay=weight_decay, nesterov=nesterov))
"""
CLOSURE_IGNORED = """
_step = RMSprop.step
class RMSprop(RMSprop):
    def step(self, closure=None):
        _step(self)
"""
STATE_ON_CUDA = """
class SGD(SGD):
    @torch.no_grad()
    def step(self, closure=None):
        loss = super().step(closure)
        for state in self.state.values():  # buffers kept on the GPU, whatever the parameter's device
            if "momentum_buffer" in state:
                state["momentum_buffer"] = state["momentum_buffer"].cuda()
        return loss
"""

EPS_OUTSIDE = "eps goes outside the square root"

MISTAKES = [
    Wrong(SGD, SGD_BUFFER_FROM_ZERO, hint="not at zero"),
    Wrong(SGD, SGD_MOMENTUM_AS_AVERAGE),
    Wrong(SGD, SGD_NESTEROV_IGNORED, hint="g + momentum * buf"),
    Wrong(SGD, SGD_DECAY_AFTER_MOMENTUM),
    Wrong(SGD, SGD_CONSTRUCTOR_HYPERPARAMETERS),
    Wrong(ADAGRAD, ADAGRAD_NO_LR_DECAY),
    Wrong(ADAGRAD, ADAGRAD_DECAY_FROM_T, hint="clr = lr / (1 + (t - 1) * lr_decay)"),
    Wrong(ADAGRAD, ADAGRAD_EPS_INSIDE, hint=EPS_OUTSIDE),
    Wrong(ADAGRAD, ADAGRAD_ACCUMULATOR_FROM_ZERO),
    Wrong(RMSPROP, RMSPROP_EPS_INSIDE, hint=EPS_OUTSIDE),
    Wrong(RMSPROP, RMSPROP_ALPHA_SWAPPED),
    Wrong(RMSPROP, RMSPROP_MOMENTUM_AS_AVERAGE),
    Wrong(ADAM, ADAM_NO_BIAS_CORRECTION, hint="bias corrections"),
    Wrong(ADAM, ADAM_EPS_INSIDE, hint=EPS_OUTSIDE),
    Wrong(ADAM, ADAM_DECOUPLED_DECAY, hint="AdamW"),
    Wrong(ADAM, ADAM_UNSCALED_EPS),
    Wrong(ADAM, ADAM_BETAS_SWAPPED),
    Wrong(ADAM, ADAM_ONE_STEP_COUNTER),
    Wrong(DEFAULTS, SGD_DEFAULT_LR),
    Wrong(DEFAULTS, ADAM_DEFAULT_EPS),
    Wrong(INVALID, SGD_NESTEROV_UNCHECKED),
    Wrong(LR_CHANGE, SGD_LR_IN_BUFFER),
    Wrong(LR_CHANGE, SGD_CONSTRUCTOR_HYPERPARAMETERS),
    Wrong(GRADIENTS, SGD_BUFFER_ALIASES_GRAD, hint="not the gradient tensor itself"),
    Wrong(GRADIENTS, ADAM_DECAY_INTO_GRAD, hint="rather than writing into p.grad"),
    Wrong(CLOSURE, CLOSURE_IGNORED, hint="_evaluate_closure"),
    Wrong(LEARNS, ADAM_NO_BIAS_CORRECTION),
    Wrong(LEARNS, ADAM_BETAS_SWAPPED),
    # On any machine: the CPU run comes first and fails, before the check would be skipped without CUDA.
    Wrong(GPU, STATE_ON_CUDA, status="error"),
]
