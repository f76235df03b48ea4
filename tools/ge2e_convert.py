#!/usr/bin/env python3
"""Convert Resemblyzer's pretrained GE2E speaker encoder (PyPI resemblyzer 0.1.4, pretrained.pt) to our weight file.

Usage: ge2e_convert.py pretrained.pt OUTPUT.bin
       ge2e_convert.py pretrained.pt --reference OUTPUT.json

pretrained.pt is a PyTorch checkpoint in torch's legacy (pre-1.6) serialisation: five pickles (magic number,
protocol version, system info, the checkpoint whose tensors point at storages by key, the storage keys) followed
by each storage's raw bytes. It is read here with the standard library only: no torch, no numpy.

The network (Wan et al., "Generalized End-to-End Loss for Speaker Verification", as trained by Resemblyzer):
40-channel mel power frames (not log) -> LSTM of 3 layers, 256 units (PyTorch gate order i, f, g, o) -> linear
256 -> 256 of the last layer's final hidden state -> ReLU -> L2 normalisation.

OUTPUT.bin (read by src/nodes/diarize/speaker_encoder.cc), all little-endian:

    header   char[4] "YVSE", uint32 version (1), uint32 n_mels (40), uint32 hidden (256), uint32 layers (3),
             uint32 embedding (256), uint32 tensor count
    tensors  in TENSORS order, each: uint32 name length, name bytes, uint32 n_dims, uint32 dims (outermost
             first, row-major), float32 data

--reference writes the embeddings that these original weights give for REFERENCE_BATCH (deterministic frames),
computed by the plain forward pass below, so that the C++ encoder can be checked against the original weights.
"""

import json
import math
import pickle
import struct
import sys

import torch_zip

MAGIC = b"YVSE"
VERSION = 1
N_MELS, HIDDEN, LAYERS, EMBEDDING = 40, 256, 3, 256
TENSORS = [name for layer in range(LAYERS) for name in (
    f"lstm.weight_ih_l{layer}", f"lstm.weight_hh_l{layer}", f"lstm.bias_ih_l{layer}", f"lstm.bias_hh_l{layer}")]
TENSORS += ["linear.weight", "linear.bias"]
TORCH_MAGIC = 0x1950A86A20F9469CFC6C


def read_checkpoint(path):
    """The model_state tensors of a legacy PyTorch checkpoint, by name, with their values."""
    with open(path, "rb") as f:
        if pickle.load(f) != TORCH_MAGIC:
            raise ValueError(f"{path}: not a legacy PyTorch checkpoint")
        pickle.load(f)  # protocol version
        info = pickle.load(f)
        if not info.get("little_endian", False):
            raise ValueError(f"{path}: big-endian checkpoints are not supported")
        checkpoint = torch_zip.Unpickler(f).load()
        keys = pickle.load(f)
        storages = {}
        for key in keys:
            (count,) = struct.unpack("<q", f.read(8))
            storages[key] = f.read(count * 4)
    state = checkpoint["model_state"]
    missing = [name for name in TENSORS if name not in state]
    if missing:
        raise ValueError(f"{path}: missing tensors {missing}")
    for name in TENSORS:
        state[name].fill(storages[state[name].key])
    return {name: state[name] for name in TENSORS}


def write_weights(tensors, out_path):
    with open(out_path, "wb") as f:
        f.write(MAGIC + struct.pack("<6I", VERSION, N_MELS, HIDDEN, LAYERS, EMBEDDING, len(TENSORS)))
        for name in TENSORS:
            t = tensors[name]
            encoded = name.encode()
            f.write(struct.pack("<I", len(encoded)) + encoded)
            f.write(struct.pack(f"<I{len(t.shape)}I", len(t.shape), *t.shape))
            f.write(struct.pack(f"<{len(t.values)}f", *t.values))


def read_weights(path):
    """Reads OUTPUT.bin back: {name: (shape, values)}."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not a YiVideo speaker encoder file")
    version, n_mels, hidden, layers, embedding, count = struct.unpack_from("<6I", data, 4)
    if (version, n_mels, hidden, layers, embedding) != (VERSION, N_MELS, HIDDEN, LAYERS, EMBEDDING):
        raise ValueError(f"{path}: unexpected header")
    pos, out = 28, {}
    for _ in range(count):
        (length,) = struct.unpack_from("<I", data, pos)
        name = data[pos + 4:pos + 4 + length].decode()
        pos += 4 + length
        (dims,) = struct.unpack_from("<I", data, pos)
        shape = struct.unpack_from(f"<{dims}I", data, pos + 4)
        pos += 4 + 4 * dims
        n = math.prod(shape)
        out[name] = (shape, list(struct.unpack_from(f"<{n}f", data, pos)))
        pos += 4 * n
    return out


def _matvec(matrix, cols, vector):
    return [sum(map(float.__mul__, matrix[r * cols:(r + 1) * cols], vector)) for r in range(len(matrix) // cols)]


def _sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def embed(values, frames):
    """The encoder's forward pass for one sequence of mel frames; values maps tensor names to flat lists."""
    sequence = frames
    for layer in range(LAYERS):
        w_ih, w_hh = values[f"lstm.weight_ih_l{layer}"], values[f"lstm.weight_hh_l{layer}"]
        bias = [a + b for a, b in zip(values[f"lstm.bias_ih_l{layer}"], values[f"lstm.bias_hh_l{layer}"])]
        h, c, outputs = [0.0] * HIDDEN, [0.0] * HIDDEN, []
        for x in sequence:
            g = [a + b + z for a, b, z in zip(_matvec(w_ih, len(x), x), _matvec(w_hh, HIDDEN, h), bias)]
            i, f, cell, o = (g[k * HIDDEN:(k + 1) * HIDDEN] for k in range(4))
            c = [_sigmoid(fv) * cv + _sigmoid(iv) * math.tanh(gv) for fv, cv, iv, gv in zip(f, c, i, cell)]
            h = [_sigmoid(ov) * math.tanh(cv) for ov, cv in zip(o, c)]
            outputs.append(h)
        sequence = outputs
    raw = [max(0.0, v + b) for v, b in zip(_matvec(values["linear.weight"], HIDDEN, sequence[-1]),
                                           values["linear.bias"])]
    norm = math.sqrt(sum(v * v for v in raw)) or 1.0
    return [v / norm for v in raw]


def reference_batch():
    """Two short sequences of deterministic, mel-power-like frames (non-negative, varied)."""
    return [[[abs(math.sin(0.37 * t + 0.91 * m + s)) * (1.5 + s) for m in range(N_MELS)] for t in range(12)]
            for s in range(2)]


def main(argv):
    if len(argv) == 3:
        write_weights(read_checkpoint(argv[1]), argv[2])
    elif len(argv) == 4 and argv[2] == "--reference":
        values = {name: t.values for name, t in read_checkpoint(argv[1]).items()}
        batch = reference_batch()
        with open(argv[3], "w") as f:
            json.dump({"frames": batch, "embeddings": [embed(values, frames) for frames in batch]}, f)
    else:
        raise SystemExit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv)
