# Sato Yuki  exercise7
import numpy as np


def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    keep = rng.random(x.shape) >= p
    mask = keep.astype(x.dtype) * np.asarray(1 / (1 - p), dtype=x.dtype)
    return x * mask, mask


def dropout_backward(dout, cache):
    return dout.copy() if cache is None else dout * cache


def l2_penalty(weights, lam):
    loss = 0.5 * lam * sum(float((W.astype(np.float64) ** 2).sum()) for W in weights)
    return float(loss), [(lam * W).astype(W.dtype) for W in weights]


def l1_penalty(weights, lam):
    loss = lam * sum(float(np.abs(W).astype(np.float64).sum()) for W in weights)
    grads = [(lam * np.where(W >= 0, 1, -1)).astype(W.dtype) for W in weights]
    return float(loss), grads


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


class EarlyStopping:
    def __init__(self, patience=0, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best = float("inf")
        self.wait = 0

    def step(self, val_loss):
        if val_loss <= self.best - self.min_delta:
            self.best = float(val_loss)
            self.wait = 0
            return False
        self.wait += 1
        return self.wait >= self.patience
