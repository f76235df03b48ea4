"""Tests of pyannote_seg_convert.py (no torch needed).

The sinc filters are checked by what they are for: each passes its own band and stops the rest. When
YIVIDEO_SEGMENTATION_CHECKPOINT names the real checkpoint (scripts/lib/deps.sh keeps it in the cache), it is
read and written out whole. The C++ network is checked against the reference log-probabilities of the original
weights in tests/unit/segmentation_test.cc.
"""

import math
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import pyannote_seg_convert as p  # noqa: E402

HALF = p.TAPS // 2


def _state(low_hz, band_hz):
    window = [0.54 - 0.46 * math.cos(2 * math.pi * i / (p.TAPS - 1)) for i in range(HALF)]
    n = [2 * math.pi * t / p.RATE for t in range(-HALF, 0)]
    return {"sincnet.conv1d.0.filterbank.low_hz_": ((len(low_hz), 1), low_hz),
            "sincnet.conv1d.0.filterbank.band_hz_": ((len(band_hz), 1), band_hz),
            "sincnet.conv1d.0.filterbank.window_": ((HALF,), window),
            "sincnet.conv1d.0.filterbank.n_": ((1, HALF), n)}


def _gain(taps, hz):
    re = sum(v * math.cos(2 * math.pi * hz * i / p.RATE) for i, v in enumerate(taps))
    im = sum(v * math.sin(2 * math.pi * hz * i / p.RATE) for i, v in enumerate(taps))
    return math.hypot(re, im)


class SincFilters(unittest.TestCase):
    def test_each_filter_passes_its_band(self):
        # Learnt values are offsets: the band is [50 + |low|, that + 50 + |band|] Hz.
        filters = p.sinc_filters(_state([950.0, -2950.0], [900.0, 1950.0]))
        self.assertEqual(len(filters), 4 * p.TAPS)  # cosine filters, then sine ones
        rows = [filters[i * p.TAPS:(i + 1) * p.TAPS] for i in range(4)]
        for row, (low, high) in zip(rows, [(1000, 1950), (3000, 5000)] * 2):
            inside = _gain(row, (low + high) / 2)
            self.assertGreater(inside, 0.8)
            self.assertLess(_gain(row, low / 3), 0.05 * inside)
            self.assertLess(_gain(row, min(7900, high * 1.5)), 0.05 * inside)

    def test_cosine_filters_are_even_and_sine_filters_odd(self):
        cos, sin = (p.sinc_filters(_state([500.0], [700.0]))[i * p.TAPS:(i + 1) * p.TAPS] for i in range(2))
        for i in range(HALF):
            self.assertAlmostEqual(cos[i], cos[-1 - i])
            self.assertAlmostEqual(sin[i], -sin[-1 - i])
        self.assertEqual(sin[HALF], 0.0)


@unittest.skipUnless(os.path.isfile(os.environ.get("YIVIDEO_SEGMENTATION_CHECKPOINT", "")),
                     "YIVIDEO_SEGMENTATION_CHECKPOINT does not name the checkpoint (scripts/test keeps it)")
class RealCheckpoint(unittest.TestCase):
    def test_every_tensor_is_written_in_order(self):
        tensors = p.network(p.read_state(os.environ["YIVIDEO_SEGMENTATION_CHECKPOINT"]))
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "seg.bin")
            p.write_weights(tensors, out)
            with open(out, "rb") as f:
                data = f.read()
        self.assertEqual(data[:4], p.MAGIC)
        self.assertEqual(struct.unpack_from("<2I", data, 4), (p.VERSION, len(p.tensor_shapes())))
        pos = 12
        for name, shape in p.tensor_shapes():
            (length,) = struct.unpack_from("<I", data, pos)
            self.assertEqual(data[pos + 4:pos + 4 + length].decode(), name)
            pos += 4 + length
            (dims,) = struct.unpack_from("<I", data, pos)
            self.assertEqual(struct.unpack_from(f"<{dims}I", data, pos + 4), shape)
            pos += 4 + 4 * dims
            count = math.prod(shape)
            self.assertEqual(list(struct.unpack_from(f"<{count}f", data, pos)),
                             [struct.unpack("<f", struct.pack("<f", v))[0] for v in tensors[name][1]])
            pos += 4 * count
        self.assertEqual(pos, len(data))


if __name__ == "__main__":
    unittest.main()
