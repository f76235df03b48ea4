"""Tests of silero_to_ggml.py on silero-vad wheels written by the test itself (no torch needed).

The wheel holds a TorchScript archive pickled the way torch.jit.save lays it out (module objects of __torch__
classes, tensors as _rebuild_tensor_v2 over persistent storage keys, raw storages under data/), with Silero's
tensor names and shapes and values that count up, so every element is recognisable after conversion. The
real wheel's conversion is proven by speech detection on real recordings (tests/e2e/vad_test.cc): whisper.cpp
loads it and finds the speech.
"""

import collections
import io
import math
import os
import pickle
import struct
import sys
import tempfile
import types
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
import silero_to_ggml as s  # noqa: E402

SHAPES = {
    "stft.forward_basis_buffer": (258, 1, 256),
    "encoder.0.reparam_conv.weight": (128, 129, 3),
    "encoder.0.reparam_conv.bias": (128,),
    "encoder.1.reparam_conv.weight": (64, 128, 3),
    "encoder.1.reparam_conv.bias": (64,),
    "encoder.2.reparam_conv.weight": (64, 64, 3),
    "encoder.2.reparam_conv.bias": (64,),
    "encoder.3.reparam_conv.weight": (128, 64, 3),
    "encoder.3.reparam_conv.bias": (128,),
    "decoder.rnn.weight_ih": (512, 128),
    "decoder.rnn.weight_hh": (512, 128),
    "decoder.rnn.bias_ih": (512,),
    "decoder.rnn.bias_hh": (512,),
    "decoder.decoder.2.weight": (1, 128, 1),
    "decoder.decoder.2.bias": (1,),
}


def counting(n, start):
    """n values from `start` in steps of 1/8, wrapping every 128: exact in float16 as in float32 (float16
    steps by 1/8 up to 256)."""
    return [start + (i % 1024) / 8 for i in range(n)]


class _Modules:
    """Fake torch and __torch__ modules, so that pickle names their classes and functions by reference."""

    def __init__(self):
        self.torch = types.ModuleType("torch")
        self.utils = types.ModuleType("torch._utils")
        self.annotator = types.ModuleType("__torch__.vad.model.vad_annotator")

        class FloatStorage:
            pass

        def _rebuild_tensor_v2(*args):
            return args

        class VADRNNJITMerge:
            pass

        class VADRNNJIT:
            pass

        for obj, module in ((FloatStorage, "torch"), (_rebuild_tensor_v2, "torch._utils"),
                            (VADRNNJITMerge, self.annotator.__name__), (VADRNNJIT, self.annotator.__name__)):
            obj.__module__, obj.__qualname__ = module, obj.__name__
        self.torch.FloatStorage, self.torch._utils = FloatStorage, self.utils
        self.utils._rebuild_tensor_v2 = _rebuild_tensor_v2
        self.annotator.VADRNNJITMerge, self.annotator.VADRNNJIT = VADRNNJITMerge, VADRNNJIT

    def __enter__(self):
        # A dotted module is imported through its parents: __torch__, __torch__.vad, __torch__.vad.model.
        parents = {p: types.ModuleType(p) for p in ("__torch__", "__torch__.vad", "__torch__.vad.model")}
        modules = {"torch": self.torch, "torch._utils": self.utils, **parents,
                   self.annotator.__name__: self.annotator}
        self.saved = {k: sys.modules.get(k) for k in modules}
        sys.modules.update(modules)
        return self

    def __exit__(self, *_):
        for name, module in self.saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


class _StorageRef:
    def __init__(self, key, count):
        self.key, self.count = key, count


def jit_archive(shapes, extra=None, strides=None):
    """A TorchScript archive (bytes) of a VADRNNJITMerge whose _model has tensors of `shapes`."""
    storages, strides = {}, strides or {}
    with _Modules() as m:
        class Rebuild:
            def __init__(self, key, shape, stride):
                self.key, self.shape, self.stride = key, shape, stride

            def __reduce__(self):
                ref = _StorageRef(self.key, len(storages[self.key]))
                return (m.utils._rebuild_tensor_v2,
                        (ref, 0, self.shape, self.stride, False, collections.OrderedDict()))

        class Pickler(pickle.Pickler):
            def persistent_id(self, obj):
                if isinstance(obj, _StorageRef):
                    return ("storage", m.torch.FloatStorage, obj.key, "cpu", obj.count)
                return None

        model = m.annotator.VADRNNJIT()
        model.__dict__.update({"training": False, "sample_rate": 16000, "context_size_samples": 64})
        for i, (name, shape) in enumerate(shapes.items()):
            key = str(i)
            storages[key] = counting(math.prod(shape), i)
            default = tuple(math.prod(shape[j + 1:]) for j in range(len(shape)))
            model.__dict__[name] = Rebuild(key, shape, strides.get(name, default))
        root = m.annotator.VADRNNJITMerge()
        root.__dict__.update({"training": False, "_model": model, **(extra or {})})
        pickled = io.BytesIO()
        Pickler(pickled, protocol=2).dump(root)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("archive/data.pkl", pickled.getvalue())
        for key, values in storages.items():
            z.writestr(f"archive/data/{key}", struct.pack(f"<{len(values)}f", *values))
        z.writestr("archive/version", "3\n")
    return out.getvalue(), storages


def wheel(path, jit, version="6.2.0"):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"silero_vad-{version}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: silero-vad\n"
                                                               f"Version: {version}\n")
        z.writestr(s.JIT_PATH, jit)


class ConvertTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def convert(self, jit, version="6.2.0"):
        path = os.path.join(self.dir.name, "silero_vad.whl")
        wheel(path, jit, version)
        out = os.path.join(self.dir.name, "silero-vad.bin")
        s.main(["silero_to_ggml.py", path, out])
        return s.read_ggml(out)

    def test_header_is_what_whisper_cpp_reads(self):
        # The STFT basis as torch.jit.save wrote it: stride 0 on its dimension of size 1.
        jit, _ = jit_archive(SHAPES, strides={"stft.forward_basis_buffer": (256, 0, 1)})
        header, _ = self.convert(jit, "5.1.2")
        self.assertEqual(header, [5, 1, 2, 512, 64, 4, 129, 128, 3, 128, 64, 3, 64, 64, 3, 64, 128, 3,
                                  128, 128, 128, 1])

    def test_tensors_have_whisper_cpp_names_types_shapes_and_values(self):
        jit, storages = jit_archive(SHAPES)
        _, tensors = self.convert(jit)
        expected_dims = {
            "stft.forward_basis_buffer": [256, 1, 258],
            "encoder.0.reparam_conv.weight": [3, 129, 128],
            "decoder.rnn.weight_ih": [128, 512],
            "decoder.decoder.2.weight": [128, 1],
            "decoder.decoder.2.bias": [1],
        }
        self.assertEqual(list(tensors), [f"_model.{name}" for name in SHAPES])
        for i, name in enumerate(SHAPES):
            ggml_type, dims, values = tensors[f"_model.{name}"]
            half = name.endswith("forward_basis_buffer") or (name.endswith("weight") and "rnn" not in name)
            self.assertEqual(ggml_type, s.F16 if half else s.F32, name)
            self.assertEqual(dims, expected_dims.get(name, list(reversed(SHAPES[name]))), name)
            self.assertEqual(values, storages[str(i)], name)

    def test_the_8k_network_is_left_out(self):
        jit, _ = jit_archive(SHAPES, extra={"_model_8k": None})
        _, tensors = self.convert(jit)
        self.assertTrue(all(name.startswith("_model.") for name in tensors))

    def test_a_missing_tensor_is_refused(self):
        jit, _ = jit_archive({k: v for k, v in SHAPES.items() if k != "decoder.rnn.bias_hh"})
        with self.assertRaisesRegex(ValueError, "bias_hh"):
            self.convert(jit)

    def test_a_strided_tensor_is_refused(self):
        jit, _ = jit_archive(SHAPES, strides={"decoder.rnn.weight_ih": (1, 512)})
        with self.assertRaisesRegex(ValueError, "not contiguous"):
            self.convert(jit)

    def test_a_class_outside_the_module_tree_is_refused(self):
        evil = pickle.dumps(os.system, protocol=2)  # unpickled as is, it would be a way to run commands
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("archive/data.pkl", evil)
        with self.assertRaises(pickle.UnpicklingError):
            self.convert(out.getvalue())

    def test_a_wheel_without_the_network_is_refused(self):
        path = os.path.join(self.dir.name, "other.whl")
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("other-1.0.dist-info/METADATA", "Version: 1.0\n")
        with self.assertRaisesRegex(ValueError, "not a silero-vad wheel"):
            s.read_wheel(path)


if __name__ == "__main__":
    unittest.main()
