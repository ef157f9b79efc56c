"""Exercise 1 - perceptron.  Jung Yuna
(sorry, submitting late: I was sick on Thursday and Friday)
"""
import numpy as np


def step(z):
    return np.heaviside(z, 0.0).astype(z.dtype)


def perceptron_predict(X, w, b):
    return step(X.dot(w) + b)


def perceptron_update(x, y, w, b, lr):
    err = y - step(x.dot(w) + b)
    return w + lr * err * x, b + lr * err


def perceptron_train(X, y, lr=1.0, epochs=100):
    w = np.zeros(X.shape[1], dtype=X.dtype)
    b = 0.0
    history = []
    for _ in range(epochs):
        count = 0
        for xi, yi in zip(X, y):
            if yi - step(xi.dot(w) + b) != 0:
                count += 1
            w, b = perceptron_update(xi, yi, w, b, lr)
        history.append(count)
        if count == 0:
            break
    return w, b, history
