"""Tests of campplus_to_onnx.py (no torch needed).

A checkpoint that is not this CAM++ is refused by name and shape. When YIVIDEO_CAMPPLUS_CHECKPOINT names the real
checkpoint (scripts/lib/deps.sh keeps it in the cache), it is converted whole and the model's metadata is what
sherpa-onnx's speaker embedding extractor reads. The converted network is checked against the original PyTorch
model in the converter's header, and on real speech through sherpa-onnx by tests/unit/campplus_test.cc.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import campplus_to_onnx as c  # noqa: E402
import ppocr_models  # noqa: E402  (its ONNX metadata reader)

CHECKPOINT = os.environ.get("YIVIDEO_CAMPPLUS_CHECKPOINT", "")


class Refusals(unittest.TestCase):
    def test_a_missing_tensor_is_named(self):
        with self.assertRaisesRegex(ValueError, "missing tensor head.conv1.weight"):
            c.convert({})

    def test_a_wrong_shape_is_named(self):
        with self.assertRaisesRegex(ValueError, r"head.conv1.weight: shape \(32, 1, 5, 5\)"):
            c.convert({"head.conv1.weight": ((32, 1, 5, 5), [0.0] * 800)})


@unittest.skipUnless(os.path.exists(CHECKPOINT), "YIVIDEO_CAMPPLUS_CHECKPOINT: the real checkpoint is not here")
class RealCheckpoint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.state = c.read_state(CHECKPOINT)

    def test_every_tensor_is_used_and_the_metadata_is_sherpa_onnx_s(self):
        meta = ppocr_models.metadata(c.convert(self.state))
        self.assertEqual(meta["framework"], "3d-speaker")
        self.assertEqual(meta["output_dim"], "192")
        self.assertEqual(meta["sample_rate"], "16000")
        self.assertEqual(meta["normalize_samples"], "1")
        self.assertEqual(meta["feature_normalize_type"], "global-mean")

    def test_a_tensor_left_over_is_refused(self):
        with self.assertRaisesRegex(ValueError, "left over"):
            c.convert({**self.state, "xvector.block4.tdnnd1.linear1.weight": ((1,), [0.0])})


if __name__ == "__main__":
    unittest.main()
