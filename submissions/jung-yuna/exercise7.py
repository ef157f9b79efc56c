"""Exercise 7 - regularization and initialization.  Jung Yuna"""
import numpy as np


def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    scale = np.asarray(1.0 / (1.0 - p), dtype=x.dtype)
    mask = (rng.random(x.shape) >= p) * scale
    return x * mask, mask


def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    return dout * cache


def l2_penalty(weights, lam):
    sq = sum(float(np.square(W, dtype=np.float64).sum()) for W in weights)
    return 0.5 * lam * sq, [np.asarray(lam * W, dtype=W.dtype) for W in weights]


def l1_penalty(weights, lam):
    s = sum(float(np.abs(W).sum(dtype=np.float64)) for W in weights)
    return float(lam * s), [np.asarray(lam * np.sign(W), dtype=W.dtype) for W in weights]


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    std = np.sqrt(2.0 / fan_in)
    return std * rng.standard_normal((fan_in, fan_out))


class EarlyStopping:
    def __init__(self, patience=0, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.wait = float("inf"), 0

    def step(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best, self.wait = float(val_loss), 0
            return False
        self.wait += 1
        return bool(self.wait >= self.patience)
