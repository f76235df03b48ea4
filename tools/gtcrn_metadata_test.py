"""Tests of gtcrn_metadata.py on a small ModelProto written by the test itself. The real network is proven by
sherpa-onnx loading it and enhancing real speech (tests/separation/speech_denoiser_test.cc)."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import gtcrn_metadata as g  # noqa: E402
import ppocr_models  # noqa: E402  (its ONNX metadata reader)
from onnx_proto import length_delimited, varint  # noqa: E402

MODEL = varint(1 << 3) + varint(8) + length_delimited(7, b"\x0a\x03abc")  # ir_version 8, a graph


class GtcrnMetadataTest(unittest.TestCase):
    def convert(self, tmp):
        with open(os.path.join(tmp, "in.onnx"), "wb") as f:
            f.write(MODEL)
        out = os.path.join(tmp, "out")
        g.main(["gtcrn_metadata.py", os.path.join(tmp, "in.onnx"), out, "a test"])
        with open(os.path.join(out, "gtcrn.onnx"), "rb") as f:
            return f.read()

    def test_model_is_unchanged_with_the_denoiser_metadata_appended(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = self.convert(tmp)
        self.assertTrue(data.startswith(MODEL))
        meta = ppocr_models.metadata(data)
        self.assertEqual(meta["model_type"], "gtcrn")
        self.assertEqual(meta["sample_rate"], "16000")
        self.assertEqual((meta["n_fft"], meta["hop_length"], meta["window_length"]), ("512", "256", "512"))
        self.assertEqual(meta["window_type"], "hann_sqrt")
        self.assertEqual(meta["conv_cache_shape"], "2,1,16,16,33")
        self.assertEqual(meta["tra_cache_shape"], "2,3,1,1,16")
        self.assertEqual(meta["inter_cache_shape"], "2,1,33,16")
        self.assertEqual(meta["source"], "a test")

    def test_the_first_fields_of_the_model_are_read_back_unchanged(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = self.convert(tmp)
        fields = list(ppocr_models.fields(data))
        self.assertEqual(fields[:2], [(1, 0, 8), (7, 2, b"\x0a\x03abc")])
        self.assertEqual({n for n, _, _ in fields[2:]}, {14})


if __name__ == "__main__":
    unittest.main()
