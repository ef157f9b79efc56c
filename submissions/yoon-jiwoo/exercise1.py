import numpy as np

# Yoon Jiwoo, exercise 1


def step(z):
    return (z > 0).astype(z.dtype)


def perceptron_predict(X, w, b):
    return step(X @ w + b)


def perceptron_update(x, y, w, b, lr):
    # error = prediction - target
    e = step(x @ w + b) - y
    w_new = w + lr * e * x
    b_new = b + lr * e
    return w_new, b_new


def perceptron_train(X, y, lr=1.0, epochs=100):
    w = np.zeros(X.shape[1], dtype=X.dtype)
    b = 0.0
    errors = []
    for epoch in range(epochs):
        mistakes = 0
        for i in range(X.shape[0]):
            if step(X[i] @ w + b) != y[i]:
                mistakes += 1
            w, b = perceptron_update(X[i], y[i], w, b, lr)
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, b, errors
