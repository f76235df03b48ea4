"""Tests of ge2e_convert.py on checkpoints in torch's legacy format written by the test itself (no torch needed).

The real pretrained.pt is converted by scripts/lib/deps.sh; when YIVIDEO_GE2E_CHECKPOINT names it, the last test
checks that every converted value equals the checkpoint's. The C++ encoder is checked against the reference
embeddings of the original weights in tests/unit/speaker_encoder_test.cc.
"""

import math
import os
import pickle
import struct
import sys
import tempfile
import types
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import ge2e_convert as g  # noqa: E402

H4 = 4 * g.HIDDEN
SHAPES = {}
for _layer in range(g.LAYERS):
    SHAPES[f"lstm.weight_ih_l{_layer}"] = (H4, g.N_MELS if _layer == 0 else g.HIDDEN)
    SHAPES[f"lstm.weight_hh_l{_layer}"] = (H4, g.HIDDEN)
    SHAPES[f"lstm.bias_ih_l{_layer}"] = (H4,)
    SHAPES[f"lstm.bias_hh_l{_layer}"] = (H4,)
SHAPES["linear.weight"] = (g.EMBEDDING, g.HIDDEN)
SHAPES["linear.bias"] = (g.EMBEDDING,)


def _fake_torch():
    """Just enough of a `torch` module for pickle to name torch's classes and functions by reference."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    class FloatStorage:
        pass

    def _rebuild_tensor_v2(*args):
        return args

    FloatStorage.__module__, FloatStorage.__qualname__ = "torch", "FloatStorage"
    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    torch.FloatStorage, torch._utils, utils._rebuild_tensor_v2 = FloatStorage, utils, _rebuild_tensor_v2
    return torch, utils


class _Tensor:
    def __init__(self, key, shape, stride=None, offset=0):
        self.key, self.shape, self.offset = key, shape, offset
        self.stride = stride or tuple(math.prod(shape[i + 1:]) for i in range(len(shape)))


def write_checkpoint(path, tensors, storages, extra_global=None):
    """tensors: {name: _Tensor}; storages: {key: [floats]}. The layout torch.save used before version 1.6."""
    torch, utils = _fake_torch()
    saved = {k: sys.modules.get(k) for k in ("torch", "torch._utils")}
    sys.modules["torch"], sys.modules["torch._utils"] = torch, utils

    class Rebuild:
        def __init__(self, t):
            self.t = t

        def __reduce__(self):
            t = self.t
            return utils._rebuild_tensor_v2, (StorageRef(t.key), t.offset, t.shape, t.stride, False, {})

    class StorageRef:
        def __init__(self, key):
            self.key = key

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, StorageRef):
                return ("storage", torch.FloatStorage, obj.key, "cpu", len(storages[obj.key]), None)
            return None

    try:
        with open(path, "wb") as f:
            for header in (g.TORCH_MAGIC, 1001, {"protocol_version": 1001, "little_endian": True}):
                pickle.dump(header, f, protocol=2)
            state = {name: Rebuild(t) for name, t in tensors.items()}
            if extra_global is not None:
                state["evil"] = extra_global
            Pickler(f, protocol=2).dump({"step": 1, "model_state": state})
            pickle.dump(list(storages), f, protocol=2)
            for key, values in storages.items():
                f.write(struct.pack("<q", len(values)) + struct.pack(f"<{len(values)}f", *values))
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def full_checkpoint(path, value=lambda name, i: ((i * 7919) % 1000) / 1000.0 - 0.5):
    """Every tensor of the encoder, each in a storage of its own except the LSTM's, which share one (as in
    Resemblyzer's file) at increasing offsets."""
    tensors, storages, shared, offset = {}, {}, [], 0
    for name in g.TENSORS:
        shape = SHAPES[name]
        values = [value(name, i) for i in range(math.prod(shape))]
        if name.startswith("lstm."):
            tensors[name] = _Tensor("lstm", shape, offset=offset)
            shared.extend(values)
            offset += len(values)
        else:
            tensors[name] = _Tensor(name, shape)
            storages[name] = values
    storages["lstm"] = shared
    write_checkpoint(path, tensors, storages)


class ConvertTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.pt = os.path.join(self.dir.name, "model.pt")
        self.out = os.path.join(self.dir.name, "model.bin")

    def tearDown(self):
        self.dir.cleanup()

    def test_every_tensor_keeps_its_shape_and_values(self):
        full_checkpoint(self.pt)
        g.write_weights(g.read_checkpoint(self.pt), self.out)
        converted = g.read_weights(self.out)
        self.assertEqual(list(converted), g.TENSORS)
        for name in g.TENSORS:
            shape, values = converted[name]
            self.assertEqual(shape, SHAPES[name])
            self.assertEqual(values[:3], [struct.unpack("<f", struct.pack("<f", ((i * 7919) % 1000) / 1000.0 - 0.5))[0]
                                          for i in range(3)])
            self.assertEqual(len(values), math.prod(shape))

    def test_non_contiguous_tensors_are_refused(self):
        tensors = {name: _Tensor(name, SHAPES[name]) for name in g.TENSORS}
        tensors["linear.weight"] = _Tensor("linear.weight", SHAPES["linear.weight"], stride=(1, g.EMBEDDING))
        write_checkpoint(self.pt, tensors, {name: [0.0] * math.prod(SHAPES[name]) for name in g.TENSORS})
        with self.assertRaisesRegex(ValueError, "not contiguous"):
            g.read_checkpoint(self.pt)

    def test_code_in_the_pickle_is_refused(self):
        tensors = {name: _Tensor(name, SHAPES[name]) for name in g.TENSORS}
        write_checkpoint(self.pt, tensors, {name: [0.0] * math.prod(SHAPES[name]) for name in g.TENSORS},
                         extra_global=os.getcwd)
        with self.assertRaisesRegex(pickle.UnpicklingError, "unexpected class posix.getcwd"):
            g.read_checkpoint(self.pt)

    def test_forward_pass_uses_pytorch_gate_order(self):
        # Zero weights, biases only: each layer's state follows c = sig(f) c + sig(i) tanh(g), h = sig(o) tanh(c),
        # the same for every unit. Distinct biases per gate make any other gate order give another number.
        bias = {0: 0.3, 1: -0.7, 2: 1.1, 3: 0.5}  # i, f, g, o

        def value(name, i):
            if name.startswith("lstm.bias_ih"):
                return bias[i // g.HIDDEN]
            if name == "linear.weight":
                return 1.0 if i % (g.HIDDEN + 1) == 0 else 0.0  # identity
            return 0.0

        full_checkpoint(self.pt, value)
        values = {name: t.values for name, t in g.read_checkpoint(self.pt).items()}
        frames = [[1.0] * g.N_MELS] * 3
        sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
        c = h = 0.0
        for _ in frames:
            c = sig(bias[1]) * c + sig(bias[0]) * math.tanh(bias[2])
            h = sig(bias[3]) * math.tanh(c)
        # Layers 2 and 3 see the same biases and zero weights, so they compute the same h; all units are equal,
        # and the identity projection then L2 normalisation gives 1/16 each.
        out = g.embed(values, frames)
        self.assertAlmostEqual(out[0], 1 / 16, places=6)
        self.assertGreater(h, 0)

    @unittest.skipUnless(os.environ.get("YIVIDEO_GE2E_CHECKPOINT"), "the real checkpoint is converted by deps.sh")
    def test_real_checkpoint_converts_exactly(self):
        source = g.read_checkpoint(os.environ["YIVIDEO_GE2E_CHECKPOINT"])
        g.write_weights(source, self.out)
        for name, (shape, values) in g.read_weights(self.out).items():
            self.assertEqual(shape, source[name].shape)
            self.assertEqual(values, source[name].values)


if __name__ == "__main__":
    unittest.main()
