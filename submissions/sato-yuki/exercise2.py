# Sato Yuki  exercise2
import numpy as np


def sigmoid_forward(x):
    out = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out, out


def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)


def tanh_forward(x):
    t = np.tanh(x)
    return t, t


def tanh_backward(dout, cache):
    return dout * (1 - cache ** 2)


def relu_forward(x):
    return x * (x > 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def leaky_relu_forward(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x), (x, alpha)


def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return np.where(x > 0, dout, alpha * dout)


def linear_forward(x, W, b):
    return x @ W + b, (x, W)


def linear_backward(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def mse_loss(pred, target):
    err = target - pred
    loss = float(np.mean(err ** 2))
    dpred = 2 * err / err.size      # d/dpred of mean(err^2)
    return loss, dpred


def mlp_loss(params, X, y):
    *hidden, last = params
    h, caches = X, []
    for W, b in hidden:
        z, lc = linear_forward(h, W, b)
        h, rc = relu_forward(z)
        caches.append((lc, rc))
    out, out_cache = linear_forward(h, *last)
    loss, d = mse_loss(out, y)
    d, dW, db = linear_backward(d, out_cache)
    grads = [(dW, db)]
    for lc, rc in reversed(caches):
        d, dW, db = linear_backward(relu_backward(d, rc), lc)
        grads.append((dW, db))
    return loss, grads[::-1]
