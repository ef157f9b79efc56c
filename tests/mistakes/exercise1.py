"""Plausible wrong implementations of exercise 1: at least one that each check must catch,
with the hint it must show where one is known."""

from tests.helpers import Wrong

MISTAKES = [
    Wrong("step is 1.0 where z > 0 and 0.0 elsewhere (step(0) == 0), as floats", """
def step(z):
    return (z >= 0).astype(z.dtype)
""", hint="step(0) must be 0.0"),
    Wrong("step is 1.0 where z > 0 and 0.0 elsewhere (step(0) == 0), as floats", """
def step(z):
    return z > 0
""", hint="boolean array", status="error"),
    Wrong("perceptron_predict equals step(X @ w + b), one label per row", """
def perceptron_predict(X, w, b):
    return np.sign(X @ w + b)
""", hint="np.sign"),
    Wrong("perceptron_update returns (w + lr*e*x, b + lr*e) with e = y - step(x @ w + b)", """
def perceptron_update(x, y, w, b, lr):
    e = step(x @ w + b) - y
    return w + lr * e * x, b + lr * e
""", hint="e = y - step(x @ w + b), not step(x @ w + b) - y"),
    Wrong("perceptron_update returns (w + lr*e*x, b + lr*e) with e = y - step(x @ w + b)", """
def perceptron_update(x, y, w, b, lr):
    e = y - step(x @ w + b)
    return w + lr * e * x, b
""", hint="the bias learns too"),
    Wrong("perceptron_train follows the perceptron rule epoch by epoch: w, b and errors", """
def perceptron_train(X, y, lr=1.0, epochs=100):
    w, b = np.zeros(X.shape[1], dtype=X.dtype), 0.0
    errors = []
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            w, b = perceptron_update(x_i, y_i, w, b, lr)
        errors.append(int(np.sum(perceptron_predict(X, w, b) != y)))
        if errors[-1] == 0:
            break
    return w, b, errors
""", hint="misclassified *during* epoch k"),
    Wrong("perceptron_train converges on linearly separable data and then classifies it correctly", """
def perceptron_train(X, y, lr=1.0, epochs=100):
    w, b = np.zeros(X.shape[1], dtype=X.dtype), 0.0
    errors = []
    for _ in range(epochs):
        errors.append(0)
        for x_i, y_i in zip(X, y):
            e = y_i - step(x_i @ w + b)
            w = w + lr * e * x_i
            errors[-1] += int(e != 0)
        if errors[-1] == 0:
            break
    return w, b, errors
""", hint="bias included"),
    Wrong("perceptron_train never converges on XOR: it runs every epoch, each with errors", """
_train_to_the_end = perceptron_train
def perceptron_train(X, y, lr=1.0, epochs=100):
    w, b, errors = _train_to_the_end(X, y, lr, epochs)
    for k in range(1, len(errors)):  # "no progress, give up": returns the errors up to a plateau
        if errors[k] >= errors[k - 1]:
            return w, b, errors[:k + 1]
    return w, b, errors
""", hint="stop early only after an epoch with 0 errors"),
    Wrong("from zero weights, the learning rate only scales w and b and leaves the errors unchanged", """
def perceptron_train(X, y, lr=1.0, epochs=100):
    w, b = np.ones(X.shape[1], dtype=X.dtype), 0.0
    errors = []
    for _ in range(epochs):
        errors.append(0)
        for x_i, y_i in zip(X, y):
            errors[-1] += int(step(x_i @ w + b) != y_i)
            w, b = perceptron_update(x_i, y_i, w, b, lr)
        if errors[-1] == 0:
            break
    return w, b, errors
""", hint="start from w = zeros(d)"),
    Wrong("no function changes its input arrays", """
def perceptron_update(x, y, w, b, lr):
    e = y - step(x @ w + b)
    w += lr * e * x
    return w, b + lr * e
""", hint="rather than writing into the input"),
    Wrong("float32 inputs give float32 results, float64 give float64", """
def perceptron_train(X, y, lr=1.0, epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    errors = []
    for _ in range(epochs):
        errors.append(0)
        for x_i, y_i in zip(X, y):
            errors[-1] += int(step(x_i @ w + b) != y_i)
            w, b = perceptron_update(x_i, y_i, w, b, lr)
        if errors[-1] == 0:
            break
    return w, b, errors
""", hint="input's dtype"),
]

