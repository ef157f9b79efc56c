# Nguyen Thanh Ha - Exercise 2 (activations, backprop)
import numpy as np


def sigmoid_forward(x):
    out = 1.0 / (1.0 + np.exp(-x))
    return out, out


def sigmoid_backward(dout, cache):
    return dout * cache * (1.0 - cache)


def tanh_forward(x):
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    return dout * (1.0 - cache * cache)


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache >= 0)


def leaky_relu_forward(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x), (x, alpha)


def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return np.where(x > 0, dout, alpha * dout)


def linear_forward(x, W, b):
    return np.dot(x, W) + b, (x, W)


def linear_backward(dout, cache):
    x, W = cache
    return np.dot(dout, W.T), np.dot(x.T, dout), np.sum(dout, axis=0)


def mse_loss(pred, target):
    d = pred - target
    return float(np.mean(d ** 2)), 2.0 * d / d.size


def mlp_loss(params, X, y):
    acts = [X]
    caches = []
    for k, (W, b) in enumerate(params):
        z, lin = linear_forward(acts[-1], W, b)
        if k + 1 < len(params):
            a, rel = relu_forward(z)
        else:
            a, rel = z, None
        caches.append((lin, rel))
        acts.append(a)
    loss, grad = mse_loss(acts[-1], y)
    grads = []
    for lin, rel in caches[::-1]:
        if rel is not None:
            grad = relu_backward(grad, rel)
        grad, dW, db = linear_backward(grad, lin)
        grads = [(dW, db)] + grads
    return loss, grads
