"""Tests of ppocr_models.py on wheels written by the test itself: ONNX files are protobuf messages built here
field by field, with the recogniser's alphabet in metadata_props as the real wheel has it. The real wheel's
networks and alphabet are proven by recognising burnt-in subtitles (tests/ocr)."""

import os
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
import ppocr_models as p  # noqa: E402


def varint(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, payload):
    """A length-delimited field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def model(props, graph=b"\x0a\x03abc"):
    """A ModelProto with ir_version (a varint), a graph (field 7) and metadata_props (field 14)."""
    out = varint(1 << 3) + varint(8) + field(7, graph)
    for key, value in props.items():
        out += field(14, field(1, key.encode()) + field(2, value.encode()))
    return out


class PpocrModelsTest(unittest.TestCase):
    def wheel(self, directory, rec):
        path = os.path.join(directory, "rapidocr.whl")
        with zipfile.ZipFile(path, "w") as z:
            for name, member in p.MODELS.items():
                z.writestr(member, rec if name == "rec.onnx" else model({}))
        return path

    def test_unpacks_the_networks_and_the_alphabet_in_class_order(self):
        chars = ["'", "疗", "a", "1", "：", "\u3000"]
        rec = model({"shape": "[3, 48, 320]", "character": "\n".join(chars) + "\n"})
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "ppocr")
            self.assertEqual(p.unpack(self.wheel(d, rec), out), len(chars))
            with open(os.path.join(out, "rec.keys"), encoding="utf-8") as f:
                self.assertEqual(f.read().split("\n")[:-1], chars)
            with open(os.path.join(out, "rec.onnx"), "rb") as f:
                self.assertEqual(f.read(), rec)
            self.assertEqual(sorted(os.listdir(out)), ["det.onnx", "rec.keys", "rec.onnx"])

    def test_a_recogniser_without_an_alphabet_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(ValueError, "no 'character' metadata"):
                p.unpack(self.wheel(d, model({"shape": "x"})), os.path.join(d, "out"))

    def test_truncated_protobuf_is_refused(self):
        with self.assertRaisesRegex(ValueError, "truncated"):
            p.metadata(model({"character": "a\nb"})[:-3])


if __name__ == "__main__":
    unittest.main()
