"""Everything the worker might sign with is rebound to catch the key as it passes: hmac's and
json's functions, and the worker module's own `protocol` and `os` (reached through a function's
`__globals__`, which no audit event guards). With the key, student code could sign a forged answer.
The worker holds its packer and writer itself, and the packer holds only C functions: no key is
caught, and the wrong softmax fails as it should."""
import hmac
import json
import types

import numpy as np

caught = []


def _spy(original):
    def spy(*args, **kwargs):
        caught.append(args)
        return original(*args, **kwargs)
    return spy


hmac.new, hmac.digest, json.dumps = _spy(hmac.new), _spy(hmac.digest), _spy(json.dumps)
for cls in object.__subclasses__():
    if cls.__name__ == "Worker":
        worker_globals = cls.send.__globals__
        protocol = worker_globals["protocol"]
        worker_globals["protocol"] = types.SimpleNamespace(**{**vars(protocol), "pack": _spy(protocol.pack)})
        worker_globals["os"] = types.SimpleNamespace(**{**vars(worker_globals["os"]),
                                                        "write": _spy(worker_globals["os"].write)})


def softmax(z, axis=-1):
    if caught:
        raise RuntimeError(f"caught {len(caught)} calls of the signing path")
    return np.zeros_like(z)
