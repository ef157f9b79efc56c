# Exercise 2 - activations and backprop
# Kim Minji (2024-18237)

import numpy as np


def sigmoid_forward(x):
    # only exp of -|x|, so no overflow for x = -1000
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype)
    return s, s


def sigmoid_backward(dout, cache):
    s = cache
    return dout * s * (1 - s)


def tanh_forward(x):
    t = np.tanh(x)
    return t, t


def tanh_backward(dout, cache):
    return dout * (1 - cache * cache)


def relu_forward(x):
    mask = x > 0
    return np.where(mask, x, 0).astype(x.dtype), mask


def relu_backward(dout, cache):
    return np.where(cache, dout, 0).astype(dout.dtype)


def leaky_relu_forward(x, alpha=0.01):
    out = np.where(x > 0, x, alpha * x).astype(x.dtype)
    return out, (x, alpha)


def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return np.where(x > 0, dout, alpha * dout).astype(dout.dtype)


def linear_forward(x, W, b):
    out = x.dot(W) + b
    return out, (x, W)


def linear_backward(dout, cache):
    x, W = cache
    dx = dout.dot(W.T)
    dW = x.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dW, db


def mse_loss(pred, target):
    n = pred.size
    diff = pred - target
    loss = float(np.sum(diff * diff) / n)
    return loss, diff * (2.0 / n)


def mlp_loss(params, X, y):
    # forward: keep every cache
    caches = []
    h = X
    L = len(params)
    for i, (W, b) in enumerate(params):
        h, lin = linear_forward(h, W, b)
        if i < L - 1:
            h, act = relu_forward(h)
        else:
            act = None
        caches.append((lin, act))

    loss, dh = mse_loss(h, y)

    # backward
    grads = [None] * L
    for i in reversed(range(L)):
        lin, act = caches[i]
        if act is not None:
            dh = relu_backward(dh, act)
        dh, dW, db = linear_backward(dh, lin)
        grads[i] = (dW, db)
    return loss, grads
