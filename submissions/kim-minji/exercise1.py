# Exercise 1 - Perceptron
# Kim Minji (2024-18237)

import numpy as np


def step(z):
    # heaviside with step(0) = 0, keep the dtype of z
    return np.greater(z, 0).astype(z.dtype)


def perceptron_predict(X, w, b):
    scores = X @ w + b
    return step(scores)


def perceptron_update(x, y, w, b, lr):
    e = y - step(np.dot(x, w) + b)
    new_w = w + lr * e * x      # new array, w is not touched
    new_b = b + lr * e
    return new_w, new_b


def perceptron_train(X, y, lr=1.0, epochs=100):
    n, d = X.shape
    w = np.zeros(d, dtype=X.dtype)
    b = 0.0
    errors = []
    epoch = 0
    while epoch < epochs:
        wrong = 0
        for i in range(n):
            if step(X[i] @ w + b) != y[i]:
                wrong += 1
            w, b = perceptron_update(X[i], y[i], w, b, lr)
        errors.append(wrong)
        epoch += 1
        if wrong == 0:   # converged
            break
    return w, b, errors
