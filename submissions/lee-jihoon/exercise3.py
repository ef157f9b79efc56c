# 이지훈 Lee Jihoon - exercise 3
import numpy as np


def softmax(z, axis=-1):
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    z_max = np.max(z, axis=axis, keepdims=True)
    return z - z_max - np.log(np.sum(np.exp(z - z_max), axis=axis, keepdims=True))


def cross_entropy(logits, labels):
    N = logits.shape[0]
    logp = log_softmax(logits, axis=1)
    loss = -np.sum(logp[np.arange(N), labels])      # total loss of the batch
    dlogits = softmax(logits, axis=1)
    dlogits[np.arange(N), labels] -= 1
    return float(loss), dlogits / N


def binary_cross_entropy_with_logits(logits, targets):
    p = 1 / (1 + np.exp(-logits))
    loss = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    return float(loss), ((p - targets) / logits.size).astype(logits.dtype)
