"""Tests of the TFLite -> ONNX converter's parts that need no network: the ONNX writer (read back with
ppocr_models' protobuf reader), constant transposition, pinyin spelling and the readings table. The converted
voice itself is checked against TensorFlow's durations and heard back by our ASR (tests/tts)."""

import json
import os
import struct
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
import onnx_proto as P  # noqa: E402
import ppocr_models  # noqa: E402  (its ONNX metadata reader)
import tflite_to_onnx  # noqa: E402
import zhtts_voice  # noqa: E402


class OnnxWriterTest(unittest.TestCase):
    def test_metadata_and_graph_read_back(self):
        g = P.Graph("g")
        g.input("x", P.INT64, [1, "n"])
        g.node("Cast", ["x"], ["y"], to=P.FLOAT)
        g.output("y", P.FLOAT, [1, "n"])
        model = g.model(metadata={"sample_rate": 24000, "voice": "zh en-us"})
        self.assertEqual(ppocr_models.metadata(model), {"sample_rate": "24000", "voice": "zh en-us"})
        fields = dict((number, value) for number, _, value in ppocr_models.fields(model) if number in (1, 7))
        self.assertEqual(fields[1], P.IR_VERSION)
        graph = bytes(fields[7])
        self.assertIn(b"Cast", graph)
        self.assertIn(b"x", graph)

    def test_negative_ints_are_twos_complement(self):
        self.assertEqual(P.varint(-1), b"\xff" * 9 + b"\x01")


class TransposeTest(unittest.TestCase):
    def test_ohwi_to_oihw(self):
        shape = [2, 1, 3, 2]  # out, h, w, in
        values = list(range(12))
        data, new_shape = tflite_to_onnx._transpose_bytes(struct.pack("<12f", *values), shape, [0, 3, 1, 2], 4)
        self.assertEqual(new_shape, [2, 2, 1, 3])
        got = struct.unpack("<12f", data)
        # element [o, i, 0, w] comes from [o, 0, w, i] = o*6 + w*2 + i
        expected = [o * 6 + w * 2 + i for o in range(2) for i in range(2) for w in range(3)]
        self.assertEqual(list(got), expected)

    def test_int8_matrix(self):
        data, shape = tflite_to_onnx._transpose_bytes(bytes([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0], 1)
        self.assertEqual((data, shape), (bytes([1, 4, 2, 5, 3, 6]), [3, 2]))


class ReadingsTest(unittest.TestCase):
    def test_tone_marks_become_digits(self):
        self.assertEqual(zhtts_voice.numbered("zhōng"), "zhong1")
        self.assertEqual(zhtts_voice.numbered("lǜ"), "lv4")
        self.assertEqual(zhtts_voice.numbered("de"), "de5")
        self.assertIsNone(zhtts_voice.numbered("ê̄"))

    def test_only_phrases_that_change_a_reading_are_kept(self):
        table = {"chang": ["ch", "ang"], "zhang": ["zh", "ang"], "cheng": ["ch", "eng"], "di": ["d", "i"]}
        characters = {str(ord("长")): "zhǎng,cháng", str(ord("城")): "chéng", str(ord("地")): "dì,de"}
        phrases = {"长城": [["cháng"], ["chéng"]], "城地": [["chéng"], ["dì"]]}
        with tempfile.TemporaryDirectory() as tmp:
            wheel = os.path.join(tmp, "pypinyin.whl")
            with zipfile.ZipFile(wheel, "w") as z:
                z.writestr("pypinyin/pinyin_dict.json", json.dumps(characters))
                z.writestr("pypinyin/phrases_dict.json", json.dumps(phrases))
            lines = zhtts_voice.readings(wheel, table)
        self.assertEqual(lines, ["地 di4", "城 cheng2", "长 zhang3", "长城 chang2 cheng2"])


if __name__ == "__main__":
    unittest.main()
