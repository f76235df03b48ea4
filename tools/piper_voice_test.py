"""Tests of piper_voice.py on a voice written by the test itself (a small protobuf ModelProto and an .onnx.json in
Piper's layout). The real voice is proven by speech that our ASR hears back (tests/tts)."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import piper_voice as v  # noqa: E402
import ppocr_models  # noqa: E402  (its ONNX metadata reader)

MODEL = v.varint(1 << 3) + v.varint(8) + v.length_delimited(7, b"\x0a\x03abc")  # ir_version 8, a graph
CONFIG = {
    "audio": {"sample_rate": 22050},
    "espeak": {"voice": "en-us"},
    "inference": {"noise_scale": 0.5, "length_scale": 1.1, "noise_w": 0.7},
    "phoneme_type": "espeak",
    "num_speakers": 1,
    "language": {"code": "en_US"},
    "phoneme_id_map": {" ": [3], "_": [0], "^": [1], "$": [2], "ə": [59], "a": [14]},
}


class PiperVoiceTest(unittest.TestCase):
    def make(self, config, tmp):
        with open(os.path.join(tmp, "m.onnx"), "wb") as f:
            f.write(MODEL)
        with open(os.path.join(tmp, "m.onnx.json"), "w", encoding="utf-8") as f:
            json.dump(config, f)
        out = os.path.join(tmp, "voice")
        v.main(["piper_voice.py", os.path.join(tmp, "m.onnx"), os.path.join(tmp, "m.onnx.json"), out, "test",
                "a test voice", "here"])
        return out

    def test_tokens_are_one_symbol_and_id_a_line_in_id_order(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = self.make(CONFIG, tmp)
            with open(os.path.join(out, "tokens.txt"), encoding="utf-8") as f:
                self.assertEqual(f.read(), "_ 0\n^ 1\n$ 2\n  3\na 14\nə 59\n")

    def test_model_is_unchanged_with_sherpa_metadata_appended(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = self.make(CONFIG, tmp)
            with open(os.path.join(out, "model.onnx"), "rb") as f:
                data = f.read()
            self.assertTrue(data.startswith(MODEL))
            meta = ppocr_models.metadata(data)
            self.assertEqual(meta["sample_rate"], "22050")
            self.assertEqual(meta["comment"], "piper")
            self.assertEqual(meta["model_type"], "vits")
            self.assertEqual(meta["language"], "en")
            self.assertEqual(meta["voice"], "en-us")

    def test_voice_json_describes_the_voice(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(self.make(CONFIG, tmp), "voice.json"), encoding="utf-8") as f:
                voice = json.load(f)
            self.assertEqual(voice["engine"], "piper")
            self.assertEqual(voice["language"], "en")
            self.assertEqual(voice["espeak_voice"], "en-us")
            self.assertEqual(voice["noise_scale"], 0.5)

    def test_a_phoneme_with_two_ids_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaisesRegex(ValueError, "one is supported"):
                self.make({**CONFIG, "phoneme_id_map": {**CONFIG["phoneme_id_map"], "b": [4, 5]}}, tmp)

    def test_a_voice_without_pad_start_end_or_space_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            ids = dict(CONFIG["phoneme_id_map"])
            del ids["^"]
            with self.assertRaisesRegex(ValueError, "no id for '\\^'"):
                self.make({**CONFIG, "phoneme_id_map": ids}, tmp)


if __name__ == "__main__":
    unittest.main()
