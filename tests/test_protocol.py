"""The wire format: values round-trip, and nothing unsafe or malformed gets through."""

import io

import numpy as np
import pytest

from grader import protocol
from grader.protocol import ProtocolError, Remote


def round_trip(value):
    blobs: list[bytes] = []
    tree = protocol.encode(value, blobs, lambda obj: {"ref": 7, "type": type(obj).__name__})
    frame = io.BytesIO(protocol.pack({"value": tree}, blobs))
    header, received = protocol.read_frame(frame.read)
    return protocol.decode(header["value"], received, Remote)


def test_values_round_trip_with_their_dtypes():
    value = (np.arange(6, dtype=np.float32).reshape(2, 3), [1, 2.5, None, "x", True], np.float32(1.5))
    back = round_trip(value)
    assert back[0].dtype == np.float32 and np.array_equal(back[0], value[0])
    assert back[1] == [1, 2.5, None, "x", True]
    assert type(back[2]) is np.float32 and back[2] == 1.5


def test_objects_that_cannot_travel_become_remote_references():
    assert round_trip({1: "cache"}) == Remote(7, "dict")  # only str keys travel
    assert round_trip({"cache": 1}) == {"cache": 1}
    assert round_trip(np.array([object()], dtype=object)) == Remote(7, "ndarray")
    assert round_trip(np.ma.masked_array([1.0])) == Remote(7, "MaskedArray")


def test_pickled_arrays_are_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ProtocolError):
        protocol.array_from_bytes(buffer.getvalue())


@pytest.mark.parametrize("tree", [{"array": 3}, {"array": "0"}, {"what": 1}, [1, 2], {"tuple": [{"bad": 1}]}])
def test_malformed_values_are_protocol_errors(tree):
    with pytest.raises(ProtocolError):
        protocol.decode(tree, [], Remote)


def test_oversized_and_malformed_frames_are_refused():
    huge = io.BytesIO((protocol.MAX_FRAME_BYTES + 1).to_bytes(8, "little"))
    with pytest.raises(ProtocolError):
        protocol.read_frame(huge.read)
    not_json = io.BytesIO((3).to_bytes(8, "little") + b"{{{")
    with pytest.raises(ProtocolError):
        protocol.read_frame(not_json.read)


def test_tensors_round_trip_with_dtype_and_device_and_subclasses_stay_behind():
    import torch

    value = {"x": torch.arange(6, dtype=torch.float32).reshape(2, 3), "n": torch.tensor(3)}
    back = round_trip(value)
    assert back["x"].dtype == torch.float32 and back["x"].device.type == "cpu" and torch.equal(back["x"], value["x"])
    assert back["n"].dtype == torch.int64 and back["n"].shape == ()
    assert round_trip(torch.nn.Parameter(torch.ones(2))) == Remote(7, "Parameter")
    assert round_trip(torch.ones(2, dtype=torch.bfloat16)) == Remote(7, "Tensor")


def test_a_tensor_on_an_unknown_device_is_refused():
    blobs = [protocol.array_to_bytes(np.zeros(2))]
    with pytest.raises(ProtocolError, match="bad device"):
        protocol.decode({"tensor": 0, "device": "file:///etc"}, blobs, Remote)
    with pytest.raises(ProtocolError, match="bad dict"):
        protocol.decode({"dict": [1, 2]}, [], Remote)
