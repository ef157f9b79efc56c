"""A correct exercise 2 written unlike the reference: sigmoid through tanh, masks as multiplication,
the input (not the output) cached, linear backward with einsum, and the MLP as one loop over the
layers that stores every activation."""

import numpy as np


def sigmoid_forward(x):
    # sigmoid(x) = (1 + tanh(x/2)) / 2, and tanh never overflows
    return 0.5 * (1 + np.tanh(0.5 * x)), x


def sigmoid_backward(dout, cache):
    s, _ = sigmoid_forward(cache)
    return dout * s - dout * s * s


def tanh_forward(x):
    return np.tanh(x), x


def tanh_backward(dout, cache):
    t = np.tanh(cache)
    return dout * (1 - t) * (1 + t)


def relu_forward(x):
    return x * (x > 0), x


def relu_backward(dout, cache):
    return np.where(cache > 0, dout, np.zeros_like(dout))


def leaky_relu_forward(x, alpha=0.01):
    slope = np.where(x > 0, np.ones_like(x), np.full_like(x, alpha))
    return x * slope, slope


def leaky_relu_backward(dout, cache):
    return dout * cache


def linear_forward(x, W, b):
    return np.einsum("nd,dm->nm", x, W) + b[np.newaxis, :], (x, W)


def linear_backward(dout, cache):
    x, W = cache
    return np.einsum("nm,dm->nd", dout, W), np.einsum("nd,nm->dm", x, dout), np.einsum("nm->m", dout)


def mse_loss(pred, target):
    diff = (pred - target).ravel()
    loss = diff @ diff / diff.size
    return float(loss), (diff * (2 / diff.size)).reshape(pred.shape)


def mlp_loss(params, X, y):
    activations = [X]  # the input of each layer, then the output
    for index, (W, b) in enumerate(params):
        z = activations[-1] @ W + b
        activations.append(z if index == len(params) - 1 else np.maximum(z, 0))
    loss, delta = mse_loss(activations[-1], y)

    grads = [None] * len(params)
    for index in range(len(params) - 1, -1, -1):
        W, _ = params[index]
        grads[index] = (activations[index].T @ delta, delta.sum(axis=0))
        if index > 0:
            # activations[index] > 0 exactly where the relu that produced it had a positive input
            delta = (delta @ W.T) * (activations[index] > 0)
    return loss, grads
