# Lee Jihoon - exercise 7 (regularization)
import numpy as np


def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    mask = (rng.random(x.shape) >= p).astype(x.dtype)
    out = x * mask
    return out, mask


def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    return dout * cache


def l2_penalty(weights, lam):
    loss = 0.5 * lam * sum(float(np.sum(W ** 2)) for W in weights)
    return float(loss), [(lam * W).astype(W.dtype) for W in weights]


def l1_penalty(weights, lam):
    loss = lam * sum(float(np.sum(np.abs(W))) for W in weights)
    return float(loss), [(lam * np.sign(W)).astype(W.dtype) for W in weights]


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-a, a, (fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    raise NotImplementedError


class EarlyStopping:
    def __init__(self, patience=0, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best = float("inf")
        self.wait = 0

    def step(self, val_loss):
        raise NotImplementedError
