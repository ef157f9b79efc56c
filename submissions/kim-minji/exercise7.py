# Exercise 7 - regularization & init
# Kim Minji (2024-18237)

import numpy as np


def dropout_forward(x, p, training, rng):
    if (not training) or p == 0:
        return x.copy(), None
    if p == 1:
        mask = np.zeros_like(x)
    else:
        keep = rng.random(x.shape) >= p
        mask = keep.astype(x.dtype) / x.dtype.type(1 - p)
    return x * mask, mask


def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    return dout * cache


def l2_penalty(weights, lam):
    loss = 0.0
    grads = []
    for W in weights:
        loss += float(np.sum(W.astype(np.float64) ** 2))
        grads.append((lam * W).astype(W.dtype))
    return 0.5 * lam * loss, grads


def l1_penalty(weights, lam):
    loss = 0.0
    grads = []
    for W in weights:
        loss += float(np.abs(W.astype(np.float64)).sum())
        grads.append((lam * np.sign(W)).astype(W.dtype))
    return float(lam * loss), grads


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    limit = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(low=-limit, high=limit, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    return rng.normal(loc=0.0, scale=np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


class EarlyStopping:
    def __init__(self, patience=0, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best = float("inf")
        self.wait = 0

    def step(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best = float(val_loss)
            self.wait = 0
            return False
        self.wait += 1
        return self.wait >= self.patience
