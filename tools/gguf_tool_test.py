"""Tests of gguf_tool.py on GGUF headers written by the test itself, split into parts like the registry's.

The real models' joins are checked by their pinned sha256 at set-up (scripts/lib/deps.sh) and their use by
llama-server in tests/llm/llm_test.cc.
"""

import hashlib
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import gguf_tool  # noqa: E402


def gguf_string(text):
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def gguf_file():
    """A GGUF v3 header with a string, an integer, a float, a bool, a short and a long array."""
    kvs = [
        (gguf_string("general.name") + struct.pack("<I", 8) + gguf_string("Tiny Test 中文")),
        (gguf_string("qwen2.block_count") + struct.pack("<I", 4) + struct.pack("<I", 24)),
        (gguf_string("qwen2.rope.freq_base") + struct.pack("<I", 6) + struct.pack("<f", 1e6)),
        (gguf_string("tokenizer.ggml.add_bos_token") + struct.pack("<I", 7) + b"\x00"),
        (gguf_string("general.tags") + struct.pack("<I", 9) + struct.pack("<IQ", 8, 2) + gguf_string("a")
         + gguf_string("b")),
        (gguf_string("tokenizer.ggml.token_type") + struct.pack("<I", 9) + struct.pack("<IQ", 5, 100)
         + struct.pack("<100i", *range(100))),
    ]
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs) + b"\x00" * 64


class GgufToolTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.data = gguf_file()
        self.parts = []
        for i, at in enumerate(range(0, len(self.data), 100)):
            path = os.path.join(self.dir.name, "part%02d" % i)
            with open(path, "wb") as f:
                f.write(self.data[at:at + 100])
            self.parts.append(path)
        self.out = os.path.join(self.dir.name, "joined.gguf")

    def tearDown(self):
        self.dir.cleanup()

    def test_join_checks_the_hash_and_info_reads_every_value_type(self):
        gguf_tool.join(self.out, hashlib.sha256(self.data).hexdigest(), self.parts)
        meta = gguf_tool.read_metadata(self.out)
        self.assertEqual(meta["general.name"], "Tiny Test 中文")
        self.assertEqual(meta["qwen2.block_count"], 24)
        self.assertEqual(meta["qwen2.rope.freq_base"], 1e6)
        self.assertIs(meta["tokenizer.ggml.add_bos_token"], False)
        self.assertEqual(meta["general.tags"], ["a", "b"])
        self.assertEqual(meta["tokenizer.ggml.token_type"], {"array": 5, "length": 100})
        self.assertEqual((meta["gguf.version"], meta["gguf.tensor_count"]), (3, 0))

    def test_parts_out_of_order_are_refused_and_leave_nothing(self):
        with self.assertRaises(SystemExit):
            gguf_tool.join(self.out, hashlib.sha256(self.data).hexdigest(), list(reversed(self.parts)))
        self.assertFalse(os.path.exists(self.out))
        self.assertFalse(os.path.exists(self.out + ".tmp"))

    def test_a_file_that_is_not_gguf_is_refused(self):
        with self.assertRaisesRegex(ValueError, "not a GGUF file"):
            gguf_tool.read_metadata(self.parts[1])
        with self.assertRaisesRegex(ValueError, "truncated"):
            gguf_tool.read_metadata(self.parts[0])


if __name__ == "__main__":
    unittest.main()
