#!/usr/bin/env python3
"""Convert Silero VAD (PyPI silero-vad, MIT) to the ggml file that whisper.cpp's whisper_vad_* functions load.

Usage: silero_to_ggml.py silero_vad-VERSION-py3-none-any.whl OUTPUT.bin

The wheel is read as it is: its version from the .dist-info METADATA, the network from
silero_vad/data/silero_vad.jit, a TorchScript archive (a zip: data.pkl, the module tree pickled with its tensors
as references to raw little-endian storages under data/). It is read with the standard library only: no torch.
Only the 16 kHz network (`_model`) is taken; the 8 kHz one (`_model_8k`) is not used by whisper.cpp.

The network (Silero VAD 5 and 6 share it): 512-sample windows -> STFT as a 1-D convolution with a fixed
basis (258 x 1 x 256, hop 128) -> magnitude of 129 bins -> four Conv1d + ReLU blocks (129->128, 128->64 stride 2,
64->64 stride 2, 64->128) -> LSTM cell of 128 units carried from window to window -> ReLU -> Conv1d 128->1 ->
sigmoid: the probability that the window is speech.

OUTPUT.bin, the layout whisper.cpp 1.9.1 reads (whisper_vad_init_with_params), all little-endian int32 unless
said otherwise:

    magic 0x67676d6c ("ggml"); model type (length, then bytes: "silero-16k"); version major, minor, patch;
    window samples (512); context samples (64); encoder layer count, then per layer: in channels, out channels,
    kernel size; LSTM input size, LSTM hidden size; final conv in, final conv out;
    then each tensor: dimension count, name length, type (0 float32, 1 float16), dimensions innermost first
    (ggml's order: a PyTorch shape reversed), name bytes, data.

The convolution weights and the STFT basis are float16 (whisper.cpp builds those tensors as F16), the rest
float32. Values are stored in PyTorch's row-major order, which is ggml's with the dimensions reversed.
"""

import math
import struct
import sys
import zipfile

import torch_zip

GGML_MAGIC = 0x67676D6C
MODEL_TYPE = b"silero-16k"
WINDOW_SAMPLES = 512  # the 16 kHz model's input window (Silero's own chunk size at 16 kHz)
F32, F16 = 0, 1
JIT_PATH = "silero_vad/data/silero_vad.jit"
ENCODER_LAYERS = 4


def _flatten(obj, prefix, out):
    """Every tensor and scalar attribute under `obj`, by dotted name, as PyTorch's state_dict names them."""
    if isinstance(obj, torch_zip.Module):
        for key, value in obj.attributes.items():
            _flatten(value, f"{prefix}.{key}" if prefix else key, out)
    else:
        out[prefix] = obj


def read_jit(data):
    """The attributes of a TorchScript archive's module tree by dotted name; tensors with their data."""
    flat = {}
    _flatten(torch_zip.read_archive(data), "", flat)
    return flat


def read_wheel(path):
    """(version as three ints, the TorchScript archive's attributes) of a silero-vad wheel."""
    with zipfile.ZipFile(path) as wheel:
        metadata = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        if len(metadata) != 1 or JIT_PATH not in wheel.namelist():
            raise ValueError(f"{path}: not a silero-vad wheel (no METADATA or {JIT_PATH})")
        version = None
        for line in wheel.read(metadata[0]).decode().splitlines():
            if line.startswith("Version:"):
                version = tuple(int(part) for part in line.split(":", 1)[1].strip().split(".")[:3])
        if version is None or len(version) != 3:
            raise ValueError(f"{path}: no major.minor.patch version in METADATA")
        return version, read_jit(wheel.read(JIT_PATH))


def tensors_of(flat):
    """[(name, ggml type, ggml dims, Tensor)] in the order whisper.cpp names them."""
    out = [("_model.stft.forward_basis_buffer", F16)]
    for i in range(ENCODER_LAYERS):
        out += [(f"_model.encoder.{i}.reparam_conv.weight", F16), (f"_model.encoder.{i}.reparam_conv.bias", F32)]
    out += [(f"_model.decoder.rnn.{n}", F32) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    out += [("_model.decoder.decoder.2.weight", F16), ("_model.decoder.decoder.2.bias", F32)]
    missing = [name for name, _ in out if not isinstance(flat.get(name), torch_zip.Tensor)]
    if missing:
        raise ValueError(f"not Silero VAD 5/6: missing tensors {missing}")
    result = []
    for name, ggml_type in out:
        t = flat[name]
        dims = list(reversed(t.shape))
        if name == "_model.decoder.decoder.2.weight":
            # Conv1d 128 -> 1 of kernel 1 (1 x 128 x 1): whisper.cpp reads it as 128 x 1 (in, out).
            dims = [t.shape[1], t.shape[0]]
        result.append((name, ggml_type, dims, t))
    return result


def hyperparameters(flat):
    """The header's int32 fields after the version, read off the tensors' shapes."""
    fields = [WINDOW_SAMPLES, int(flat["_model.context_size_samples"]), ENCODER_LAYERS]
    for i in range(ENCODER_LAYERS):
        out_channels, in_channels, kernel = flat[f"_model.encoder.{i}.reparam_conv.weight"].shape
        fields += [in_channels, out_channels, kernel]
    gates, lstm_input = flat["_model.decoder.rnn.weight_ih"].shape
    final = flat["_model.decoder.decoder.2.weight"].shape
    fields += [lstm_input, gates // 4, final[1], final[0]]
    return fields


def write_ggml(version, flat, out_path):
    if int(flat.get("_model.sample_rate", 0)) != 16000:
        raise ValueError("the archive's _model is not the 16 kHz network")
    with open(out_path, "wb") as f:
        f.write(struct.pack("<Ii", GGML_MAGIC, len(MODEL_TYPE)) + MODEL_TYPE)
        fields = list(version) + hyperparameters(flat)
        f.write(struct.pack(f"<{len(fields)}i", *fields))
        for name, ggml_type, dims, t in tensors_of(flat):
            encoded = name.encode()
            f.write(struct.pack(f"<3i{len(dims)}i", len(dims), len(encoded), ggml_type, *dims) + encoded)
            if ggml_type == F16:
                n = len(t.data) // 4
                f.write(struct.pack(f"<{n}e", *struct.unpack(f"<{n}f", t.data)))
            else:
                f.write(t.data)


def read_ggml(path):
    """Reads OUTPUT.bin back: (header int32 fields after the model type, {name: (type, dims, values)})."""
    with open(path, "rb") as f:
        data = f.read()
    magic, length = struct.unpack_from("<Ii", data, 0)
    if magic != GGML_MAGIC or data[8:8 + length] != MODEL_TYPE:
        raise ValueError(f"{path}: not a Silero VAD ggml file")
    pos = 8 + length
    (layers,) = struct.unpack_from("<i", data, pos + 5 * 4)
    count = 6 + 3 * layers + 4
    header = list(struct.unpack_from(f"<{count}i", data, pos))
    pos += 4 * count
    tensors = {}
    while pos < len(data):
        n_dims, name_length, ggml_type = struct.unpack_from("<3i", data, pos)
        dims = list(struct.unpack_from(f"<{n_dims}i", data, pos + 12))
        pos += 12 + 4 * n_dims
        name = data[pos:pos + name_length].decode()
        pos += name_length
        n = math.prod(dims)
        values = struct.unpack_from(f"<{n}{'e' if ggml_type == F16 else 'f'}", data, pos)
        pos += n * (2 if ggml_type == F16 else 4)
        tensors[name] = (ggml_type, dims, list(values))
    return header, tensors


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    version, flat = read_wheel(argv[1])
    write_ggml(version, flat, argv[2])


if __name__ == "__main__":
    main(sys.argv)
