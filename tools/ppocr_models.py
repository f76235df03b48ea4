#!/usr/bin/env python3
"""Unpacks PaddleOCR's PP-OCRv4 networks from the rapidocr-onnxruntime wheel into the OCR model folder.

    ppocr_models.py WHEEL OUT_DIR

Writes OUT_DIR/det.onnx and rec.onnx (the wheel's text detector and recogniser, unchanged: OpenCV 5's dnn module
runs them as they are; its angle classifier is not used, subtitles stand upright) and rec.keys, the recogniser's alphabet, one character a line in class order (class 0 is CTC's blank
and is not listed; the model's last class, a space, is not in the list either and is added by the reader). The
wheel keeps that alphabet inside rec.onnx, in the model's metadata under the key `character`, where the C++ side
cannot reach it (cv::dnn does not expose ONNX metadata), hence this file.

Only the standard library: the ONNX file is read as protobuf wire format, which is all that is needed to find
ModelProto.metadata_props (field 14: StringStringEntryProto {key = 1, value = 2}).
"""

import os
import sys
import zipfile

MODELS = {
    "det.onnx": "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx",
    "rec.onnx": "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx",
}
METADATA_PROPS = 14


def varint(buf, pos):
    """The varint at buf[pos:] and the position after it."""
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def fields(buf):
    """(field number, wire type, value) for each field of one protobuf message; length-delimited values and
    fixed-width ones as bytes, varints as ints."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wire == 2:
            size, pos = varint(buf, pos)
            value, pos = buf[pos : pos + size], pos + size
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ValueError("truncated field")
        yield number, wire, value


def metadata(model_bytes):
    """The ONNX model's metadata_props as a dict."""
    props = {}
    for number, wire, value in fields(model_bytes):
        if number == METADATA_PROPS and wire == 2:
            entry = {n: v for n, w, v in fields(value) if w == 2}
            props[entry.get(1, b"").decode()] = entry.get(2, b"").decode()
    return props


def alphabet(rec_model_bytes):
    """The recogniser's characters in class order (after the blank), from its `character` metadata."""
    chars = metadata(rec_model_bytes).get("character")
    if not chars:
        raise ValueError("the recogniser has no 'character' metadata")
    lines = chars.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if any(len(c) != 1 for c in lines):
        raise ValueError("the 'character' metadata is not one character a line")
    return lines


def unpack(wheel, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        for name, member in MODELS.items():
            data = z.read(member)
            with open(os.path.join(out_dir, name), "wb") as f:
                f.write(data)
            if name == "rec.onnx":
                keys = alphabet(data)
        with open(os.path.join(out_dir, "rec.keys"), "w", encoding="utf-8") as f:
            f.write("".join(c + "\n" for c in keys))
    return len(keys)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    count = unpack(argv[1], argv[2])
    print(f"{argv[2]}: det, rec ({count} characters)")


if __name__ == "__main__":
    main(sys.argv)
