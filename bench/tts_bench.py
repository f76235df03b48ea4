#!/usr/bin/env python3
"""Speech synthesis: real-time factor of each installed voice, and what our own ASR hears back (issue 21).

For each voice (the Piper voice `joe` on sherpa-onnx, and espeak-ng, both speaking English), each reference
transcript of ../shared/fixtures (real read speech and a speech) is spoken by `yivideo run --chain
indextts.generate_speech`, transcribed back by `--chain faster_whisper.transcribe_audio` (tiny.en) and scored by
WER against the text. Speed: the three texts LONG_REPEATS times over as one text (about a minute of speech), in a
fresh process each run (the voice loads each time); synthesis RTF = (wall time - wall time of speaking "Hi." the
same way, which is the process start and the voice's loading) / seconds of audio; fastest of the repeats.

Usage: bench/tts_bench.py [--repeats N]. Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import os
import tempfile
import time
import wave

from benchlib import BIN, SHARED, machine, measure
from asr_bench import ours_text
from speech import wer

FIXTURES = ["jfk", "1272-128104-0000", "another_door"]
VOICES = ["joe", "espeak-ng"]
LONG_REPEATS = 4  # about a minute of speech


def speak(voice, text, out_dir, repeats):
    """(fastest wall seconds, the audio file, its seconds) for speaking `text` with `voice`. The media argument
    of `yivideo run` is required but unused by this node."""
    best = None
    for _ in range(repeats):
        wall, _, _ = measure([BIN, "run", os.path.join(SHARED, "fixtures", "jfk.wav"), "--chain",
                              "indextts.generate_speech", "--param", f"text={text}", "--param", f"voice={voice}",
                              "--param", "language=en", "--output-dir", out_dir])
        best = wall if best is None else min(best, wall)
    audio = os.path.join(out_dir, "stage_0", "speech.wav")
    with wave.open(audio) as w:
        return best, audio, w.getnframes() / w.getframerate()


def hear(audio):
    _, _, stdout = measure([BIN, "run", audio, "--chain", "faster_whisper.transcribe_audio", "--language", "en"])
    return ours_text(stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    texts = [(f, open(os.path.join(SHARED, "fixtures", f + ".txt")).read().strip()) for f in FIXTURES]
    long_text = " ".join(t for _, t in texts * LONG_REPEATS)
    heard, speed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for voice in VOICES:
            for name, text in texts:
                _, audio, duration = speak(voice, text, os.path.join(tmp, voice + name), 1)
                heard.append((voice, name, duration, wer(text, hear(audio))))
            load, _, _ = speak(voice, "Hi.", os.path.join(tmp, voice + "hi"), args.repeats)
            wall, _, duration = speak(voice, long_text, os.path.join(tmp, voice + "long"), args.repeats)
            speed.append((voice, load, duration, wall, (wall - load) / duration))
    print(f"### Speech synthesis: real-time factor and WER heard back ({time.strftime('%Y-%m-%d')})\n")
    print(f"{machine()}, shared with other builds; `bench/run tts` (bench/tts_bench.py). Each voice speaks the "
          "reference texts of ../shared/fixtures, and our transcription node (tiny.en) hears them back:\n")
    print("| voice | text | audio (s) | WER heard back |")
    print("| --- | --- | ---: | ---: |")
    for voice, name, duration, w in heard:
        print(f"| {voice} | {name} | {duration:.2f} | {w * 100:.1f}% |")
    print(f"\nSpeed: the three texts {LONG_REPEATS} times over as one text, fastest of {args.repeats} runs of "
          "`yivideo run --chain indextts.generate_speech` (a fresh process each); start + load is the same run "
          "speaking \"Hi.\", and the synthesis RTF leaves it out: (wall - (start + load)) / audio.\n")
    print("| voice | start + load (s) | audio (s) | wall (s) | RTF, whole run | synthesis RTF |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for voice, load, duration, wall, rtf in speed:
        print(f"| {voice} | {load:.2f} | {duration:.1f} | {wall:.2f} | {wall / duration:.3f} | {rtf:.3f} |")


if __name__ == "__main__":
    main()
