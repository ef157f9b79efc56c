"""Plausible wrong implementations of exercise 2: at least one that each check must catch,
with the hint it must show where one is known."""

from tests.helpers import Wrong

MISTAKES = [
    Wrong("sigmoid_forward matches torch.sigmoid, finite and warning-free even for x = ±1000", """
def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))
    return out, out
""", hint="only exponentiate -|x|"),
    Wrong("sigmoid_backward matches autograd", """
def sigmoid_forward(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)), x
def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)
""", hint="the forward's output, not the input x"),
    Wrong("tanh_forward matches torch.tanh", """
def tanh_forward(x):
    out = 1 - 2 / (np.exp(x) + 1)
    return out, out
"""),
    Wrong("tanh_backward matches autograd", """
def tanh_forward(x):
    return np.tanh(x), x
def tanh_backward(dout, cache):
    return dout * (1 - cache**2)
""", hint="the forward's output, not the input x"),
    Wrong("relu_forward matches torch.relu", """
def relu_forward(x):
    return (x > 0).astype(x.dtype), x
"""),
    Wrong("relu_backward matches autograd, with gradient 0 at x = 0", """
def relu_backward(dout, cache):
    return dout * (cache >= 0)
""", hint="not x >= 0"),
    Wrong("leaky_relu_forward matches F.leaky_relu for any alpha, and alpha defaults to 0.01", """
def leaky_relu_forward(x, alpha=0.1):
    return np.where(x > 0, x, alpha * x), (x, alpha)
"""),
    Wrong("leaky_relu_backward matches autograd, with gradient alpha at x = 0", """
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return np.where(x >= 0, dout, alpha * dout)
""", hint="at exactly x = 0 is alpha"),
    Wrong("linear_forward computes x @ W + b", """
def linear_forward(x, W, b):
    return x @ W, (x, W)
"""),
    Wrong("linear_backward returns (dx, dW, db) as autograd does", """
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout
""", hint="summed over the batch"),
    Wrong("mse_loss loss matches F.mse_loss (mean over all elements)", """
def mse_loss(pred, target):
    diff = pred - target
    return float(np.sum(diff**2)), 2 * diff / pred.size
""", hint="not their sum"),
    Wrong("mse_loss returns its loss as a Python float", """
def mse_loss(pred, target):
    diff = pred - target
    return np.mean(diff**2), 2 * diff / pred.size
""", hint="float(np.mean(...))", status="error"),
    Wrong("mse_loss gradient matches autograd", """
def mse_loss(pred, target):
    diff = pred - target
    return float(np.mean(diff**2)), diff / pred.size
""", hint="the factor 2 is missing"),
    Wrong("mlp_loss loss matches a torch MLP (relu after hidden layers, linear output)", """
def mlp_loss(params, X, y):
    h, caches = X, []
    for W, b in params:
        z, linear_cache = linear_forward(h, W, b)
        h, relu_cache = relu_forward(z)
        caches.append((linear_cache, relu_cache))
    loss, dh = mse_loss(h, y)
    grads = []
    for linear_cache, relu_cache in reversed(caches):
        dh, dW, db = linear_backward(relu_backward(dh, relu_cache), linear_cache)
        grads.insert(0, (dW, db))
    return loss, grads
""", hint="no relu on the network's output"),
    Wrong("mlp_loss gradients match autograd, one (dW, db) per layer in order", """
_grads_in_order = mlp_loss
def mlp_loss(params, X, y):
    loss, grads = _grads_in_order(params, X, y)
    return loss, grads[::-1]
""", hint="first layer first"),
    Wrong("mlp_loss gradients match central differences of its loss (float64)", """
def mlp_loss(params, X, y):
    h, caches = X, []
    for W, b in params[:-1]:
        h, linear_cache = linear_forward(h, W, b)
        h = np.maximum(h, 0)
        caches.append(linear_cache)
    pred, output_cache = linear_forward(h, *params[-1])
    loss, dpred = mse_loss(pred, y)
    dh, dW, db = linear_backward(dpred, output_cache)
    grads = [(dW, db)]
    for linear_cache in reversed(caches):  # the relu's mask is forgotten on the way back
        dh, dW, db = linear_backward(dh, linear_cache)
        grads.insert(0, (dW, db))
    return loss, grads
"""),
    Wrong("no function changes its input arrays, dout or cache", """
def relu_backward(dout, cache):
    dout[cache <= 0] = 0
    return dout
""", hint="rather than writing into the input"),
    Wrong("no function changes its input arrays, dout or cache", """
_mlp_loss = mlp_loss
def mlp_loss(params, X, y):
    loss, grads = _mlp_loss(params, X, y)
    for (W, b), (dW, db) in zip(params, grads):
        W -= 0.1 * dW  # a gradient step on the caller's own weights
    return loss, grads
""", hint="rather than writing into the input"),
    Wrong("float32 inputs give float32 results, float64 give float64", """
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha)
""", hint="input's dtype"),
    Wrong("gradient descent with mlp_loss's gradients fits XOR", """
_mse_loss = mse_loss
def mse_loss(pred, target):
    loss, dpred = _mse_loss(pred, target)
    return loss, -dpred  # (target - pred): the gradient of the gain, not of the loss
""", hint="wrong sign"),
]
