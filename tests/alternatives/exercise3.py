"""A correct exercise 3 written unlike the reference: loops over rows, logsumexp via log1p,
sigmoid through tanh, and float32 kept throughout."""

import numpy as np


def _moved(z, axis):
    return np.moveaxis(z, axis, -1)


def softmax(z, axis=-1):
    rows = _moved(z, axis)
    out = np.empty_like(rows)
    for index in np.ndindex(rows.shape[:-1]):
        row = rows[index]
        e = np.exp(row - row.max())
        out[index] = e / e.sum()
    return np.moveaxis(out, -1, axis)


def log_softmax(z, axis=-1):
    top = np.max(z, axis=axis, keepdims=True)
    return (z - top) - np.log(np.exp(z - top).sum(axis=axis, keepdims=True))


def cross_entropy(logits, labels):
    n, c = logits.shape
    onehot = np.zeros_like(logits)
    for row, label in enumerate(labels):
        onehot[row, label] = 1
    logp = log_softmax(logits, axis=1)
    loss = -(onehot * logp).sum() / n
    return float(loss), (softmax(logits, axis=1) - onehot) / np.asarray(n, dtype=logits.dtype)


def binary_cross_entropy_with_logits(logits, targets):
    # log(1 + exp(x)) = softplus(x), computed stably; loss = softplus(x) - x*t
    softplus = np.where(logits > 0, logits + np.log1p(np.exp(-np.abs(logits))), np.log1p(np.exp(-np.abs(logits))))
    sigmoid = (0.5 * (1 + np.tanh(0.5 * logits))).astype(logits.dtype)
    loss = (softplus - logits * targets).mean()
    return float(loss), ((sigmoid - targets) / logits.size).astype(logits.dtype)
