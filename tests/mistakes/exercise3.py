"""Plausible wrong implementations of exercise 3: at least one that each check must catch,
with the hint it must show where one is known."""

from tests.helpers import Wrong

SOFTMAX_LAST_AXIS = """
def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""
SOFTMAX_NO_MAX = """
def softmax(z, axis=-1):
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
"""

MISTAKES = [
    Wrong("softmax matches torch.softmax along any axis", SOFTMAX_LAST_AXIS, hint="along the last axis"),
    Wrong("softmax entries lie in [0, 1] and sum to 1 along the axis", """
def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum()
"""),
    Wrong("softmax is unchanged when a constant is added to every logit", SOFTMAX_NO_MAX),
    Wrong("softmax is correct, finite and warning-free for logits of ±1e4", SOFTMAX_NO_MAX,
          hint="subtract the maximum"),
    Wrong("log_softmax matches torch.log_softmax along any axis", """
def log_softmax(z, axis=-1):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
""", hint="along the last axis"),
    Wrong("log_softmax is correct and never -inf for logits of ±1e4", """
def log_softmax(z, axis=-1):
    return np.log(softmax(z, axis))
""", hint="log(softmax(z)) is -inf"),
    Wrong("cross_entropy loss matches F.cross_entropy (mean over the batch)", """
_mean_cross_entropy = cross_entropy
def cross_entropy(logits, labels):
    loss, dlogits = _mean_cross_entropy(logits, labels)
    return loss * len(labels), dlogits
""", hint="sum over the batch"),
    Wrong("cross_entropy gradient matches autograd", """
def cross_entropy(logits, labels):
    n = logits.shape[0]
    loss = -np.mean(log_softmax(logits, axis=1)[np.arange(n), labels])
    dlogits = softmax(logits, axis=1)
    dlogits[np.arange(n), labels] -= 1
    return float(loss), dlogits
""", hint="divide dlogits by the batch size"),
    Wrong("cross_entropy gradient matches central differences of its loss (float64)", """
def cross_entropy(logits, labels):
    n = logits.shape[0]
    loss = -np.mean(log_softmax(logits, axis=1)[np.arange(n), labels])
    dlogits = softmax(logits, axis=1)
    dlogits[np.arange(n), labels] -= 1
    return float(loss), dlogits * 2 / n
"""),
    Wrong("cross_entropy is correct, finite and warning-free for logits of ±1e4", """
def cross_entropy(logits, labels):
    n = logits.shape[0]
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    dlogits = p.copy()
    dlogits[np.arange(n), labels] -= 1
    return float(-np.mean(np.log(p[np.arange(n), labels]))), dlogits / n
""", hint="use log_softmax"),
    Wrong("binary_cross_entropy_with_logits loss matches torch (mean over all elements)", """
_mean_bce = binary_cross_entropy_with_logits
def binary_cross_entropy_with_logits(logits, targets):
    loss, dlogits = _mean_bce(logits, targets)
    return loss * logits.size, dlogits
""", hint="sum over all elements"),
    Wrong("binary_cross_entropy_with_logits gradient matches autograd", """
_mean_bce = binary_cross_entropy_with_logits
def binary_cross_entropy_with_logits(logits, targets):
    loss, dlogits = _mean_bce(logits, targets)
    return loss, dlogits * logits.size
""", hint="divide dlogits by logits.size"),
    Wrong("binary_cross_entropy_with_logits gradient matches central differences (float64)", """
_mean_bce = binary_cross_entropy_with_logits
def binary_cross_entropy_with_logits(logits, targets):
    loss, dlogits = _mean_bce(logits, targets)
    return loss, dlogits + targets / logits.size
"""),
    Wrong("binary_cross_entropy_with_logits is correct, finite and warning-free for logits of ±1e4", """
def binary_cross_entropy_with_logits(logits, targets):
    p = 1 / (1 + np.exp(-logits))
    loss = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    return float(loss), (p - targets) / logits.size
""", hint="log(sigmoid(x)) is -inf"),
    Wrong("no function changes its input arrays", """
def softmax(z, axis=-1):
    z -= np.max(z, axis=axis, keepdims=True)
    np.exp(z, out=z)
    return z / np.sum(z, axis=axis, keepdims=True)
""", hint="rather than writing into the input"),
    Wrong("float32 inputs give float32 results, float64 give float64", """
_float_ce = cross_entropy
def cross_entropy(logits, labels):
    loss, dlogits = _float_ce(logits, labels)
    return loss, dlogits.astype(np.float64)
""", hint="input's dtype"),
]

