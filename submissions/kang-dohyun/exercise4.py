# Kang Dohyun / exercise 4 optimizers
import torch


def _evaluate_closure(closure):
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError("negative hyperparameter")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["weight_decay"]:
                    g = g + group["weight_decay"] * p
                if group["momentum"]:
                    state = self.state[p]
                    # velocity starts at zero (as in the lecture slides)
                    v = state.get("momentum_buffer", torch.zeros_like(p))
                    v = group["momentum"] * v + (1 - group["dampening"]) * g
                    state["momentum_buffer"] = v
                    g = g + group["momentum"] * v if group["nesterov"] else v
                p.sub_(group["lr"] * g)
        return loss


class Adagrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        if min(lr, lr_decay, weight_decay, initial_accumulator_value, eps) < 0:
            raise ValueError("negative hyperparameter")
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value, "eps": eps})
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["step"] = 0
                self.state[p]["sum"] = torch.full_like(p, initial_accumulator_value)

    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                st["step"] += 1
                g = p.grad if not group["weight_decay"] else p.grad + group["weight_decay"] * p
                st["sum"] = st["sum"] + g * g
                clr = group["lr"] / (1 + (st["step"] - 1) * group["lr_decay"])
                p.sub_(clr * g / (st["sum"].sqrt() + group["eps"]))
        return loss


class RMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0):
        if min(lr, alpha, eps, weight_decay, momentum) < 0:
            raise ValueError("negative hyperparameter")
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum})

    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                g = p.grad if not group["weight_decay"] else p.grad + group["weight_decay"] * p
                sq = group["alpha"] * st.get("square_avg", torch.zeros_like(p)) + (1 - group["alpha"]) * g * g
                st["square_avg"] = sq
                upd = g / (sq.sqrt() + group["eps"])
                if group["momentum"] > 0:
                    upd = group["momentum"] * st.get("momentum_buffer", torch.zeros_like(p)) + upd
                    st["momentum_buffer"] = upd
                p.sub_(group["lr"] * upd)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        if min(lr, eps, weight_decay) < 0 or not all(0 <= b < 1 for b in betas):
            raise ValueError("invalid hyperparameter")
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                st["step"] = st.get("step", 0) + 1
                g = p.grad if not group["weight_decay"] else p.grad + group["weight_decay"] * p
                m = b1 * st.get("exp_avg", torch.zeros_like(p)) + (1 - b1) * g
                v = b2 * st.get("exp_avg_sq", torch.zeros_like(p)) + (1 - b2) * g * g
                st["exp_avg"], st["exp_avg_sq"] = m, v
                m_hat = m / (1 - b1 ** st["step"])
                v_hat = v / (1 - b2 ** st["step"])
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss
