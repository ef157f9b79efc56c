"""Plausible wrong implementations of exercise 7: at least one that each check must catch, with
the hint it must show where one is known. Each replaces definitions of the reference; several
checks catch the same mistake, each listed under every check whose hint names it."""

from tests.helpers import Wrong

DROPOUT_FRACTION = "dropout_forward drops a fraction p of the units (p is the probability of dropping)"
DROPOUT_PER_UNIT = "dropout_forward draws every unit on its own (rows of a batch get different masks)"
DROPOUT_SCALE = "dropout_forward scales the kept units by 1/(1-p) (inverted dropout)"
DROPOUT_MEAN = "dropout_forward keeps the mean of its input"
DROPOUT_BACKWARD = "dropout_backward reuses the forward's mask and scale"
DROPOUT_IDENTITY = "dropout is the identity in eval mode (training=False) and for p = 0, forward and backward"
DROPOUT_ALL = "dropout with p = 1 gives zeros, without nan or warnings"
DROPOUT_RNG = "dropout_forward draws from the rng it is given, and from nothing else"
L2_LOSS = "l2_penalty loss is 0.5 * lam * Σ‖W‖², a Python float"
L2_GRADS = "l2_penalty grads are lam * W, one per weight array, in order and of its dtype"
L1_LOSS = "l1_penalty loss is lam * Σ|W|, a Python float"
L1_GRADS = "l1_penalty grads are lam * sign(W) with sign(0) = 0, in order and of the weights' dtypes"
INIT_SHAPE = "xavier_uniform and he_normal return float64 arrays of shape (fan_in, fan_out)"
XAVIER_BOUND = "xavier_uniform fills [-a, a] with a = gain * sqrt(6 / (fan_in + fan_out))"
XAVIER_UNIFORM = "xavier_uniform is uniform: mean 0, variance a² / 3, half of the values within a / 2"
HE_STD = "he_normal has mean 0 and standard deviation sqrt(2 / fan_in)"
HE_NORMAL = "he_normal is normal: 68% of the values within one std, 1.2% beyond 2.5 std"
KERAS_RULE = "EarlyStopping agrees with the Keras rule (improvement: loss < best - min_delta) on any loss sequence"
PYTHON_BOOLS = "EarlyStopping.step returns Python bools"
KEEPS_INPUTS = "no function changes its input arrays, dout or cache"
KEEPS_DTYPE = "float32 inputs give float32 results, float64 give float64"

KEEP_PROBABILITY = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        mask = np.zeros(x.shape, dtype=x.dtype)
    else:
        mask = (rng.random(x.shape) < p).astype(x.dtype) / x.dtype.type(p)
    return x * mask, mask
"""
NOT_INVERTED = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    mask = (rng.random(x.shape) >= p).astype(x.dtype)
    return x * mask, mask
"""
SCALED_BY_KEEP = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    mask = (rng.random(x.shape) >= p).astype(x.dtype) * x.dtype.type(1 - p)
    return x * mask, mask
"""
SHARED_MASK = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        scaled_mask = np.zeros(x.shape, dtype=x.dtype)
    else:
        keep = rng.random(x.shape[1:]) >= p
        scaled_mask = np.broadcast_to(keep.astype(x.dtype) * np.asarray(1 / (1 - p), dtype=x.dtype), x.shape)
    return x * scaled_mask, scaled_mask
"""
FRESH_MASK_IN_BACKWARD = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        return np.zeros_like(x), (p, rng)
    keep = rng.random(x.shape) >= p
    return x * keep / x.dtype.type(1 - p), (p, rng)

def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    p, rng = cache
    if p == 1:
        return np.zeros_like(dout)
    keep = rng.random(dout.shape) >= p
    return dout * keep / dout.dtype.type(1 - p)
"""
BACKWARD_NOT_SCALED = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        return np.zeros_like(x), np.zeros(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= p
    return x * keep / x.dtype.type(1 - p), keep

def dropout_backward(dout, cache):
    return dout.copy() if cache is None else dout * cache
"""
EVAL_STILL_DROPS = """
def dropout_forward(x, p, training, rng):
    if p == 0:
        return x.copy(), None
    if p == 1:
        scaled_mask = np.zeros(x.shape, dtype=x.dtype)
    else:
        keep = rng.random(x.shape) >= p
        scaled_mask = keep.astype(x.dtype) * np.asarray(1 / (1 - p), dtype=x.dtype)
    return x * scaled_mask, scaled_mask
"""
NAN_AT_P_ONE = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    keep = (rng.random(x.shape) >= p).astype(x.dtype)
    return x * keep / x.dtype.type(1 - p), (keep, p)

def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    keep, p = cache
    return dout * keep / dout.dtype.type(1 - p)
"""
GLOBAL_RNG = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        scaled_mask = np.zeros(x.shape, dtype=x.dtype)
    else:
        keep = np.random.rand(*x.shape) >= p
        scaled_mask = keep.astype(x.dtype) * np.asarray(1 / (1 - p), dtype=x.dtype)
    return x * scaled_mask, scaled_mask
"""
OWN_GENERATOR = """
def dropout_forward(x, p, training, rng):
    rng = np.random.default_rng(0)
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        scaled_mask = np.zeros(x.shape, dtype=x.dtype)
    else:
        keep = rng.random(x.shape) >= p
        scaled_mask = keep.astype(x.dtype) * np.asarray(1 / (1 - p), dtype=x.dtype)
    return x * scaled_mask, scaled_mask
"""
MUTATES_INPUT = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x, None
    if p == 1:
        scaled_mask = np.zeros(x.shape, dtype=x.dtype)
    else:
        scaled_mask = (rng.random(x.shape) >= p).astype(x.dtype) * np.asarray(1 / (1 - p), dtype=x.dtype)
    x *= scaled_mask
    return x, scaled_mask
"""
UPCASTS = """
def dropout_forward(x, p, training, rng):
    if not training or p == 0:
        return x.copy(), None
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (rng.random(x.shape) >= p) * np.float64(1 / (1 - p))
    return x * mask, mask
"""


def xavier_with_bound(bound: str) -> str:
    return f"""
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = {bound}
    return rng.uniform(-a, a, size=(fan_in, fan_out))
"""


def he_with_std(std: str) -> str:
    return f"""
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, {std}, size=(fan_in, fan_out))
"""


def early_stopping(improves="val_loss < self.best - self.min_delta", best="float(val_loss)", reset="self.wait = 0",
                   stop="self.wait >= self.patience", lowers_best=""):
    return f"""
class EarlyStopping:
    def __init__(self, patience=0, min_delta=0.0):
        self.patience, self.min_delta, self.best, self.wait = patience, min_delta, float("inf"), 0

    def step(self, val_loss):
        improved = {improves}
        {lowers_best}
        if improved:
            self.best = {best}
            {reset}
            return False
        self.wait += 1
        return {stop}
"""


MISTAKES = [
    Wrong(DROPOUT_FRACTION, KEEP_PROBABILITY, hint="probability of *dropping*"),
    Wrong(DROPOUT_PER_UNIT, SHARED_MASK, hint="its own draw"),
    Wrong(DROPOUT_SCALE, NOT_INVERTED, hint="without the inverted scaling"),
    Wrong(DROPOUT_SCALE, SCALED_BY_KEEP, hint="not multiplied by it"),
    Wrong(DROPOUT_SCALE, KEEP_PROBABILITY, hint="probability of *dropping*"),
    Wrong(DROPOUT_MEAN, NOT_INVERTED, hint="without the inverted scaling"),
    Wrong(DROPOUT_MEAN, SCALED_BY_KEEP, hint="not multiplied by it"),
    Wrong(DROPOUT_BACKWARD, FRESH_MASK_IN_BACKWARD, hint="instead of drawing a new mask"),
    Wrong(DROPOUT_BACKWARD, BACKWARD_NOT_SCALED, hint="dout / (1 - p)"),
    Wrong(DROPOUT_IDENTITY, EVAL_STILL_DROPS, hint="training=False dropout does nothing"),
    Wrong(DROPOUT_ALL, NAN_AT_P_ONE, hint="0 * inf = nan"),
    Wrong(DROPOUT_RNG, GLOBAL_RNG, hint="draw from the `rng` argument only"),
    Wrong(DROPOUT_RNG, OWN_GENERATOR, hint="consecutive calls with one rng"),
    Wrong(L2_LOSS, """
def l2_penalty(weights, lam):
    return float(lam * sum(float(np.sum(W.astype(np.float64) ** 2)) for W in weights)), [lam * W for W in weights]
""", hint="the 0.5 is missing"),
    Wrong(L2_LOSS, """
def l2_penalty(weights, lam):
    return np.float32(0.5 * lam * sum(np.sum(W.astype(np.float64) ** 2) for W in weights)), [lam * W for W in weights]
""", hint="float(...)", status="error"),
    Wrong(L2_GRADS, """
def l2_penalty(weights, lam):
    loss = 0.5 * lam * sum(float(np.sum(W.astype(np.float64) ** 2)) for W in weights)
    return float(loss), [2 * lam * W for W in weights]
""", hint="the 0.5 cancels the 2"),
    Wrong(L2_GRADS, """
def l2_penalty(weights, lam):
    loss = 0.5 * lam * sum(float(np.sum(W.astype(np.float64) ** 2)) for W in weights)
    return float(loss), [lam * W.astype(np.float64) for W in weights]
""", hint="weight array's dtype"),
    Wrong(L1_LOSS, """
def l1_penalty(weights, lam):
    return float(lam * sum(float(np.sum(W)) for W in weights)), [lam * np.sign(W) for W in weights]
"""),
    Wrong(L1_GRADS, """
def l1_penalty(weights, lam):
    loss = lam * sum(float(np.abs(W).sum()) for W in weights)
    return float(loss), [(lam * np.where(W >= 0, 1, -1)).astype(W.dtype) for W in weights]
""", hint="sign(0) = 0"),
    Wrong(INIT_SHAPE, """
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_out, fan_in))
""", hint="the layout of the W"),
    Wrong(XAVIER_BOUND, xavier_with_bound("gain * np.sqrt(6.0 / fan_in)"), hint="not sqrt(6 / fan_in)"),
    Wrong(XAVIER_BOUND, xavier_with_bound("gain * np.sqrt(6.0 / fan_out)"), hint="not sqrt(6 / fan_out)"),
    Wrong(XAVIER_BOUND, xavier_with_bound("gain * np.sqrt(2.0 / (fan_in + fan_out))"),
          hint="is the standard deviation"),
    Wrong(XAVIER_BOUND, xavier_with_bound("np.sqrt(6.0 / (fan_in + fan_out))"), hint="multiply the bound by `gain`"),
    Wrong(XAVIER_UNIFORM, """
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    return gain * np.sqrt(6.0 / (fan_in + fan_out)) * rng.random((fan_in, fan_out))
""", hint="symmetric around 0"),
    Wrong(XAVIER_UNIFORM, """
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))
""", hint="look normally distributed"),
    Wrong(HE_STD, he_with_std("2.0 / fan_in"), hint="is the variance"),
    Wrong(HE_STD, he_with_std("np.sqrt(2.0 / fan_out)"), hint="not sqrt(2 / fan_out)"),
    Wrong(HE_STD, he_with_std("np.sqrt(1.0 / fan_in)"), hint="LeCun"),
    Wrong(HE_NORMAL, """
def he_normal(fan_in, fan_out, rng):
    b = np.sqrt(6.0 / fan_in)
    return rng.uniform(-b, b, size=(fan_in, fan_out))
""", hint="uniformly distributed"),
    Wrong(HE_NORMAL, """
def he_normal(fan_in, fan_out, rng):
    s = np.sqrt(2.0 / fan_in) / 0.87962566103423978
    w = rng.normal(0.0, s, size=(fan_in, fan_out))
    bad = np.abs(w) > 2 * s
    while bad.any():
        w[bad] = rng.normal(0.0, s, size=int(bad.sum()))
        bad = np.abs(w) > 2 * s
    return w
""", hint="truncated normal"),
    Wrong(KERAS_RULE, early_stopping(improves="val_loss <= self.best - self.min_delta"), hint="use <, not <="),
    Wrong(KERAS_RULE, early_stopping(improves="val_loss < self.best"), hint="min_delta is ignored"),
    Wrong(KERAS_RULE, early_stopping(improves="val_loss < self.best + self.min_delta"), hint="wrong sign"),
    Wrong(KERAS_RULE, early_stopping(lowers_best="self.best = min(self.best, float(val_loss))"),
          hint="best changes only on an improvement"),
    Wrong(KERAS_RULE, early_stopping(reset="pass"), hint="resets the wait counter"),
    Wrong(KERAS_RULE, early_stopping(stop="self.wait > self.patience"), hint="not wait > patience"),
    Wrong(PYTHON_BOOLS, early_stopping(stop="np.greater_equal(self.wait, self.patience)"), hint="Python bool"),
    Wrong(KEEPS_INPUTS, MUTATES_INPUT, hint="rather than writing into the input"),
    Wrong(KEEPS_DTYPE, UPCASTS, hint="input's dtype"),
]
