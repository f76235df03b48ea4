#!/usr/bin/env python3
"""Turns a Piper voice (a VITS network as ONNX plus its .onnx.json) into a voice folder the TTS nodes load.

    piper_voice.py MODEL.onnx MODEL.onnx.json OUT_DIR NAME DESCRIPTION SOURCE

Writes OUT_DIR/model.onnx, OUT_DIR/tokens.txt and OUT_DIR/voice.json (src/tts/voice_catalogue.h reads it).

- tokens.txt: the network's input alphabet, "<phoneme> <id>" a line, from the voice's `phoneme_id_map` (a phoneme
  may have several ids in Piper's format; every voice in use has one, and this tool refuses others). sherpa-onnx
  maps the IPA code points we give it (espeak-ng's phonemes, src/tts/espeak.h) through this file; the line of the
  space is " <id>", which its reader takes as the space.
- model.onnx: the network unchanged, with the metadata sherpa-onnx's VITS loader requires (it reads the sample
  rate, language, speaker count and the kind of model from ModelProto.metadata_props; Piper's own files carry
  none). The entries are appended to the serialized ModelProto: protobuf concatenation of a repeated field
  appends, so the rest of the file stays byte for byte what the voice shipped.
- voice.json: {"name", "engine": "piper", "language" (ISO 639-1), "espeak_voice", "sample_rate", "description",
  "source"}: what `indextts.list_voice_presets` shows and how the node phonemizes for this voice.

Only the standard library.
"""

import json
import os
import sys

from onnx_proto import length_delimited, varint  # noqa: F401  (varint: the tests build protobuf with it)

METADATA_PROPS = 14  # ModelProto.metadata_props: StringStringEntryProto {key = 1, value = 2}


def metadata_entry(key, value):
    entry = length_delimited(1, key.encode()) + length_delimited(2, str(value).encode())
    return length_delimited(METADATA_PROPS, entry)


def tokens(config):
    """The lines of tokens.txt, in id order."""
    lines = []
    ids = set()
    for phoneme, numbers in config["phoneme_id_map"].items():
        if len(numbers) != 1:
            raise ValueError(f"phoneme {phoneme!r} has {len(numbers)} ids; one is supported")
        if len(phoneme) != 1:
            raise ValueError(f"phoneme {phoneme!r} is not one code point")
        if numbers[0] in ids:
            raise ValueError(f"id {numbers[0]} is given twice")
        ids.add(numbers[0])
        lines.append((numbers[0], f"{phoneme} {numbers[0]}"))
    for required in "_^$ ":
        if required not in config["phoneme_id_map"]:
            raise ValueError(f"the voice has no id for {required!r} (pad, start, end, space)")
    return [line for _, line in sorted(lines)]


def language(config):
    """ISO 639-1 code of the voice: Piper's "language": {"code": "en_US"}, else its espeak voice ("en-us")."""
    code = config.get("language", {}).get("code") or config["espeak"]["voice"]
    return code.replace("-", "_").split("_")[0].lower()


def main(argv):
    if len(argv) != 7:
        sys.exit(__doc__)
    model, config_path, out_dir, name, description, source = argv[1:]
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    if config.get("phoneme_type", "espeak") != "espeak":
        raise SystemExit(f"{config_path}: phoneme_type {config['phoneme_type']!r} is not espeak")
    rate = int(config["audio"]["sample_rate"])
    speakers = int(config.get("num_speakers", 1))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tokens.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(tokens(config)) + "\n")
    meta = {
        "model_type": "vits",
        "comment": "piper",
        "language": language(config),
        "voice": config["espeak"]["voice"],
        "has_espeak": 1,
        "n_speakers": speakers,
        "sample_rate": rate,
    }
    with open(model, "rb") as src, open(os.path.join(out_dir, "model.onnx"), "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        for key, value in meta.items():
            dst.write(metadata_entry(key, value))
    voice = {
        "name": name,
        "engine": "piper",
        "language": language(config),
        "espeak_voice": config["espeak"]["voice"],
        "sample_rate": rate,
        "noise_scale": config.get("inference", {}).get("noise_scale", 0.667),
        "noise_w": config.get("inference", {}).get("noise_w", 0.8),
        "length_scale": config.get("inference", {}).get("length_scale", 1.0),
        "description": description,
        "source": source,
    }
    with open(os.path.join(out_dir, "voice.json"), "w", encoding="utf-8") as f:
        json.dump(voice, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv)
