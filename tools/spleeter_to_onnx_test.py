"""Tests of spleeter_to_onnx.py on a checkpoint written by the test itself (a LevelDB table of BundleEntryProto and
a data file, in TensorFlow's layout, with small made-up tensors). The real weights' forward pass is checked
against TensorFlow's Spleeter by tests/separation/spleeter_reference_test.cc."""

import array
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import spleeter_to_onnx as s  # noqa: E402
from piper_voice import length_delimited, varint  # noqa: E402
from ppocr_models import fields, metadata  # noqa: E402


def block(entries):
    """An uncompressed table block: entries without shared prefixes, one restart point, then its trailer."""
    body = b"".join(varint(0) + varint(len(k)) + varint(len(v)) + k + v for k, v in entries)
    return body + struct.pack("<II", 0, 1) + b"\0" + b"\0\0\0\0"


def write_checkpoint(prefix, tensors):
    """tensors: {name: (shape, values)} as float32; a header entry and an int64 global_step besides."""
    data, entries = b"", [(b"", varint(1 << 3) + varint(1))]
    for name in sorted(tensors):
        shape, values = tensors[name]
        raw = array.array("f", values).tobytes()
        dims = b"".join(length_delimited(2, varint(1 << 3) + varint(d)) for d in shape)
        entry = varint(1 << 3) + varint(1) + length_delimited(2, dims) + varint(4 << 3) + varint(len(data))
        entries.append((name.encode(), entry + varint(5 << 3) + varint(len(raw))))
        data += raw
    entries.append((b"global_step", varint(1 << 3) + varint(9) + varint(4 << 3) + varint(len(data))))
    data_block = block(entries)
    handle = varint(0) + varint(len(data_block) - 5)
    index = block([(b"h", handle)])
    meta = block([])
    table = data_block + index + meta
    footer = varint(len(data_block) + len(index)) + varint(len(meta) - 5)
    footer += varint(len(data_block)) + varint(len(index) - 5)
    footer = footer.ljust(40, b"\0") + struct.pack("<Q", s.TABLE_MAGIC)
    with open(prefix + ".index", "wb") as f:
        f.write(table + footer)
    with open(prefix + ".data-00000-of-00001", "wb") as f:
        f.write(data)


def unet_tensors(first_conv, first_transpose, first_bn):
    """The variables of one U-Net, one channel each (the converter does not care about sizes)."""
    kernel = ([5, 5, 1, 1], [float(i) for i in range(25)])
    out = {}
    for i in range(7):
        out[s.layer_name("conv2d", first_conv + i) + "/kernel"] = kernel
        out[s.layer_name("conv2d", first_conv + i) + "/bias"] = ([1], [0.5])
    for i in range(6):
        out[s.layer_name("conv2d_transpose", first_transpose + i) + "/kernel"] = kernel
        out[s.layer_name("conv2d_transpose", first_transpose + i) + "/bias"] = ([1], [0.25])
    for i in range(12):
        for p in ("gamma", "beta", "moving_mean", "moving_variance"):
            out[s.layer_name("batch_normalization", first_bn + i) + "/" + p] = ([1], [1.0])
    return out


def graph_nodes(model_bytes):
    graph = next(v for n, _, v in fields(model_bytes) if n == 7)
    nodes = []
    for number, _, node in fields(graph):
        if number == 1:
            parts = list(fields(node))
            nodes.append(([v.decode() for n, _, v in parts if n == 1], next(v for n, _, v in parts if n == 4).decode()))
    return nodes


class SpleeterToOnnxTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.prefix = os.path.join(self.tmp.name, "model")
        tensors = {}
        for _, conv, transpose, bn in s.STEMS:
            tensors.update(unet_tensors(conv, transpose, bn))
        tensors["conv2d_1/kernel"] = ([2, 1, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        write_checkpoint(self.prefix, tensors)

    def tearDown(self):
        self.tmp.cleanup()

    def test_index_names_every_tensor_with_its_shape(self):
        entries = s.read_index(self.prefix + ".index")
        self.assertEqual(entries["conv2d_1/kernel"][1], [2, 1, 2, 3])
        self.assertEqual(entries["batch_normalization_23/gamma"][1], [1])
        self.assertEqual(len(entries), 2 * (7 * 2 + 6 * 2 + 12 * 4) + 1)

    def test_tensors_are_read_at_their_offsets(self):
        checkpoint = s.Checkpoint(self.prefix)
        self.assertEqual(list(checkpoint.tensor("conv2d_1/kernel")[1]), [float(v) for v in range(1, 13)])
        self.assertEqual(list(checkpoint.tensor("conv2d_transpose_6/bias")[1]), [0.25])

    def test_a_tensor_that_is_not_float_is_refused(self):
        with self.assertRaisesRegex(ValueError, "not float32"):
            s.Checkpoint(self.prefix).tensor("global_step")

    def test_kernels_go_from_h_w_in_out_to_out_in_h_w(self):
        shape, values = s.kernel_to_onnx([2, 1, 2, 3], array.array("f", range(1, 13)))
        self.assertEqual(shape, [3, 2, 2, 1])
        # [h][w][i][o] = 1 + ((h * 1 + w) * 2 + i) * 3 + o; out[o][i][h][w] in that order.
        expected = [1 + (h * 2 + i) * 3 + o for o in range(3) for i in range(2) for h in range(2)]
        self.assertEqual(list(values), expected)

    def test_each_stem_is_spleeters_unet_with_sherpa_metadata(self):
        out = os.path.join(self.tmp.name, "onnx")
        s.main(["spleeter_to_onnx.py", self.prefix, out, "a test"])
        for stem in ("vocals", "accompaniment"):
            with open(os.path.join(out, stem + ".onnx"), "rb") as f:
                model = f.read()
            meta = metadata(model)
            self.assertEqual((meta["model_type"], meta["stems"], meta["comment"]), ("spleeter", "2", stem))
            nodes = graph_nodes(model)
            ops = [op for _, op in nodes]
            self.assertEqual(ops.count("Conv"), 7)
            self.assertEqual(ops.count("ConvTranspose"), 6)
            self.assertEqual(ops.count("BatchNormalization"), 11)  # the sixth encoder layer's feeds nothing
            self.assertEqual(ops.count("Concat"), 5)
            self.assertEqual(ops[0], "Transpose")
            self.assertEqual(ops[-3:], ["Sigmoid", "Mul", "Transpose"])
            self.assertEqual(nodes[-1][0], ["estimate"])
        first_conv = graph_nodes(model)[1][0]
        self.assertEqual(first_conv, ["in", "conv2d_7/kernel", "conv2d_7/bias"])


if __name__ == "__main__":
    unittest.main()
