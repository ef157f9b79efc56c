"""The wire format between the trusted grader and the worker that runs student code.

A message is one frame: the header's length (8 bytes, little-endian), a JSON header, then the
binary blobs the header lists by size. Arrays travel as `.npy` bytes loaded with `allow_pickle=False`, so nothing a
student returns can execute code in the grader. Values are encoded as a JSON tree:

    None, bool, int, float, str        as themselves
    numpy.ndarray (exactly)            {"array": i}       blob i holds the .npy bytes
    numpy scalar (np.float32(1.0) …)   {"scalar": i}      a 0-d .npy, so its dtype survives
    torch.Tensor (exactly)             {"tensor": i, "device": "cuda:0"}   its values as .npy
    tuple / list                       {"tuple": [...]}   {"list": [...]}
    dict with str keys                 {"dict": [[key, value], ...]}
    anything else                      {"ref": id, "type": "module.Class"}

A `ref` names an object that stays in the worker (a forward pass's cache, an optimizer): the
grader can hand it back as an argument but never sees inside it.
"""

from __future__ import annotations

import _hashlib
import _json
import hmac
import io
import json
import re
import struct
import sys
from dataclasses import dataclass

import numpy as np

MAX_FRAME_BYTES = 512 * 2**20
# Only plain numeric arrays cross the boundary: object arrays would need pickle.
ARRAY_KINDS = frozenset("biufc")
DEVICE = re.compile(r"cpu|cuda(:[0-9]{1,2})?")
_LENGTH = struct.Struct("<Q")
SIGNATURE_BYTES = 32


class ProtocolError(Exception):
    """The other side sent something that is not a valid frame."""


@dataclass(frozen=True)
class Remote:
    """An object that lives in the worker, known to the grader only by id and type name."""

    id: int
    type: str

    def __repr__(self) -> str:
        return f"<{self.type} object>"


def array_to_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def array_from_bytes(blob: bytes) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as error:  # a malformed blob is the sender's fault, reported as such
        raise ProtocolError(f"unreadable array: {error}") from None
    if array.dtype.kind not in ARRAY_KINDS:
        raise ProtocolError(f"array of dtype {array.dtype} is not allowed")
    return array


def encode(value, blobs: list[bytes], keep) -> object:
    """Encode `value` as a JSON tree, appending array bytes to `blobs`.

    `keep(value) -> dict` is called for objects that cannot travel; it returns their encoding
    (the worker stores them and answers with a ref, the grader encodes a `Remote`).
    """
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is np.ndarray and value.dtype.kind in ARRAY_KINDS:
        blobs.append(array_to_bytes(value))
        return {"array": len(blobs) - 1}
    if isinstance(value, np.generic) and value.dtype.kind in ARRAY_KINDS:
        blobs.append(array_to_bytes(np.asarray(value)))
        return {"scalar": len(blobs) - 1}
    if type(value) in (tuple, list):
        return {type(value).__name__: [encode(item, blobs, keep) for item in value]}
    if type(value) is dict and all(type(key) is str for key in value):
        return {"dict": [[key, encode(item, blobs, keep)] for key, item in value.items()]}
    if is_tensor(value, exactly=True):
        array = tensor_values(value)
        if array is not None:
            blobs.append(array_to_bytes(array))
            return {"tensor": len(blobs) - 1, "device": str(value.device)}
    return keep(value)


def is_tensor(value, exactly: bool = False) -> bool:
    """Is `value` a torch.Tensor (with `exactly`, not a subclass)? Never imports torch itself:
    NumPy exercises should not pay for it."""
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    return type(value) is torch.Tensor if exactly else isinstance(value, torch.Tensor)


def tensor_values(tensor) -> np.ndarray | None:
    """A tensor's values as a NumPy array on the CPU, or None for dtypes NumPy lacks (bfloat16)."""
    try:
        array = tensor.detach().cpu().resolve_conj().resolve_neg().numpy()
    except (TypeError, RuntimeError):
        return None
    return array if array.dtype.kind in ARRAY_KINDS else None


def decode(tree, blobs: list[bytes], resolve):
    """Inverse of `encode`; `resolve(id, type)` turns a ref back into an object."""
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise ProtocolError(f"bad value encoding: {str(tree)[:80]}")
    if "array" in tree:
        return array_from_bytes(_blob(blobs, tree["array"]))
    if "scalar" in tree:
        return array_from_bytes(_blob(blobs, tree["scalar"]))[()]
    if "tensor" in tree:
        return _tensor(array_from_bytes(_blob(blobs, tree["tensor"])), tree.get("device"))
    if "tuple" in tree:
        return tuple(decode(item, blobs, resolve) for item in tree["tuple"])
    if "list" in tree:
        return [decode(item, blobs, resolve) for item in tree["list"]]
    if "dict" in tree:
        try:
            return {str(key): decode(item, blobs, resolve) for key, item in tree["dict"]}
        except (TypeError, ValueError):  # not a list of pairs
            raise ProtocolError(f"bad dict encoding: {str(tree)[:80]}") from None
    if "ref" in tree:
        return resolve(tree["ref"], tree.get("type", "object"))
    raise ProtocolError(f"bad value encoding: {str(tree)[:80]}")


def _tensor(array: np.ndarray, device):
    if not isinstance(device, str) or not DEVICE.fullmatch(device):
        raise ProtocolError(f"bad device {str(device)[:40]!r}")
    import torch  # only torch exercises send tensors

    try:
        return torch.from_numpy(array).to(device)
    except RuntimeError as error:  # a device this side cannot use
        raise ProtocolError(f"tensor on {device}: {error}") from None


def _blob(blobs: list[bytes], index) -> bytes:
    if type(index) is not int or not 0 <= index < len(blobs):
        raise ProtocolError(f"no blob {index!r}")
    return blobs[index]


# The worker signs with `pack` in a process it shares with student code, which can rebind any
# module's globals (`json.dumps`, `hmac.new`, this module's own through a function's `__globals__`).
# So `pack` holds what it needs in its defaults, and only C functions no Python code can change:
# the C JSON encoder and OpenSSL's HMAC. (Assigning a grader function's `__defaults__` is refused
# by the worker's audit hook.)
_C_JSON = _json.make_encoder(None, None, _json.encode_basestring_ascii, None, ": ", ", ", False, False, True)


def pack(header: dict, blobs: list[bytes], key: bytes = b"", _json_chunks=_C_JSON, _join="".join,
         _join_bytes=b"".join, _length=_LENGTH.pack, _hmac=_hashlib.hmac_digest) -> bytes:
    """A frame: the header's length (8 bytes), the JSON header (listing blob sizes), the blobs,
    and with a `key` the HMAC-SHA256 of all that."""
    head = _join(_json_chunks({**header, "blobs": [blob.__len__() for blob in blobs]}, 0)).encode()
    frame = _length(head.__len__()) + head + _join_bytes(blobs)
    return frame + _hmac(key, frame, "sha256") if key else frame


def read_frame(read_exact, key: bytes = b"") -> tuple[dict, list[bytes]]:
    """Read one frame with `read_exact(n) -> bytes`, refusing frames over MAX_FRAME_BYTES and,
    with a `key`, frames not signed with it."""
    length = read_exact(_LENGTH.size)
    (head_size,) = _LENGTH.unpack(length)
    if head_size > MAX_FRAME_BYTES:
        raise ProtocolError(f"header of {head_size} bytes is too large")
    head = read_exact(head_size)
    try:
        header = json.loads(head)
        sizes = [int(size) for size in header["blobs"]]
    except (ValueError, KeyError, TypeError) as error:  # not JSON, not an object, no blob list
        raise ProtocolError(f"bad header: {error}") from None
    if any(size < 0 for size in sizes) or sum(sizes) > MAX_FRAME_BYTES:
        raise ProtocolError("bad or oversized blob list")
    blobs = [read_exact(size) for size in sizes]
    if key and not hmac.compare_digest(read_exact(SIGNATURE_BYTES),
                                       _signature(key, length + head + b"".join(blobs))):
        raise ProtocolError("an answer the worker did not sign (written by student code?)")
    return header, blobs


def _signature(key: bytes, frame: bytes) -> bytes:
    return _hashlib.hmac_digest(key, frame, "sha256")
