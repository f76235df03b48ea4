#!/usr/bin/env python3
"""Multilingual Whisper base side by side with faster-whisper on the same weights (issue 16; not a test).

Real speech only, in two languages, each joined into one file with 0.5 s pauses and its reference text:
  - Mandarin: the two clips of ../shared/fixtures/zh and the four of tests/data/speech/zh (read, spoken
    question, demo sentence, short spoken phrase), scored by character error rate (punctuation and spaces
    removed);
  - English: the three clips of ../shared/fixtures and tests/data/speech/en's LibriSpeech clip, scored by WER.
Engines, interleaved (A B C, A B C, ...): ours (`yivideo run --chain faster_whisper.transcribe_audio --language
L --model base`, default settings: Silero VAD on, Simplified characters for zh) and faster-whisper 1.2.1 on the
CTranslate2 files our ggml-base.bin is converted from, compute types int8 and float32, beam 5 (both defaults),
the same thread count. Reports medians of wall time (model load included), real-time factor, peak RSS, and the
error rate, each transcript as written (faster-whisper has no script conversion: a Traditional character for a
Simplified one counts as an error, as a reader would count it).

Usage: bench/multilingual_asr_bench.py [--repeats 3] (after scripts/test). Prints a Markdown section for
bench/RESULTS.md.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time

from asr_bench import ct2_model, deps, ours_text
from benchlib import BIN, ROOT, SHARED, machine, measure
from speech import cer, wer

FASTER_WHISPER = """
import sys
from faster_whisper import WhisperModel
model_dir, compute_type, threads, language, path = sys.argv[1:]
model = WhisperModel(model_dir, device="cpu", compute_type=compute_type, cpu_threads=int(threads))
segments, _ = model.transcribe(path, beam_size=5, language=language)
print(" ".join(s.text.strip() for s in segments))
"""

SETS = {
    "zh": [os.path.join(SHARED, "fixtures", "zh", "BAC009S0764W0121"),
           os.path.join(SHARED, "fixtures", "zh", "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000"),
           *(os.path.join(ROOT, "tests", "data", "speech", "zh", n)
             for n in ("aishell1_BAC009S0724W0121", "funasr_asr_example", "funasr_binhai_query",
                       "firered_hello_zh"))],
    "en": [*(os.path.join(SHARED, "fixtures", n) for n in ("jfk", "1272-128104-0000", "another_door")),
           os.path.join(ROOT, "tests", "data", "speech", "en", "librispeech_1995-1837-0001")],
}


def joined(language, tmp):
    """(path, reference, seconds) of the language's clips joined with 0.5 s pauses."""
    parts, texts = [], []
    for i, base in enumerate(SETS[language]):
        out = os.path.join(tmp, f"{language}{i}.wav")
        subprocess.run(["sox", base + ".wav", "-r", "16000", "-c", "1", out, "pad", "0", "0.5"], check=True)
        parts.append(out)
        texts.append(open(base + ".txt").read().strip())
    path = os.path.join(tmp, f"{language}.wav")
    subprocess.run(["sox", *parts, path], check=True)
    seconds = float(subprocess.run(["soxi", "-D", path], capture_output=True, text=True).stdout)
    return path, (" " if language == "en" else "").join(texts), seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    cache = os.environ.get("YIVIDEO_CACHE", os.path.expanduser("~/.cache/yivideo"))
    python = deps(f"yv_ensure_venv bench '{ROOT}/third_party/bench-requirements.txt' 'faster-whisper (benchmark)'")
    ct2 = ct2_model(cache, "base")
    threads = str(min(8, os.cpu_count()))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in ("zh", "en"):
            path, reference, seconds = joined(language, tmp)
            engines = {
                "ours (yivideo, whisper.cpp)": [BIN, "run", path, "--chain", "faster_whisper.transcribe_audio",
                                                "--language", language, "--model", "base"],
                "faster-whisper int8": [python, "-c", FASTER_WHISPER, ct2, "int8", threads, language, path],
                "faster-whisper float32": [python, "-c", FASTER_WHISPER, ct2, "float32", threads, language, path],
            }
            runs = {name: [] for name in engines}
            texts = {}
            for _ in range(args.repeats):
                for name, cmd in engines.items():
                    wall, rss, out = measure(cmd)
                    runs[name].append((wall, rss))
                    texts[name] = ours_text(out) if name.startswith("ours") else out.strip()
            ours = statistics.median(w for w, _ in runs[next(iter(engines))])
            for name in engines:
                wall = statistics.median(w for w, _ in runs[name])
                rss = statistics.median(r for _, r in runs[name])
                if language == "en":
                    error = f"WER {100 * wer(reference, texts[name]):.2f}%"
                else:
                    error = f"CER {100 * cer(reference, texts[name]):.2f}%"
                rows.append((language, seconds, name, wall, rss, error, wall / ours))
    print(f"### Multilingual Whisper base side by side ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/multilingual_asr_bench.py --repeats {args.repeats}`: real "
          "speech joined per language (Mandarin: the 6 clips of ../shared/fixtures/zh and tests/data/speech/zh; "
          "English: the 3 clips of ../shared/fixtures and tests/data's LibriSpeech clip), Whisper base, beam 5, "
          f"{threads} threads, the language given; {args.repeats} interleaved runs per engine, medians; wall time "
          "includes loading the model. The same weights for all: faster-whisper loads the CTranslate2 files our "
          "ggml model is converted from. Ours with its defaults (Silero VAD, Simplified characters for zh).\n")
    print("| Language | Length | Engine | Wall time | Real-time factor | Peak RSS | Error | Time vs ours |\n"
          "|---|---|---|---|---|---|---|---|")
    for language, seconds, name, wall, rss, error, ratio in rows:
        print(f"| {language} | {seconds:.1f} s | {name} | {wall:.1f} s | {wall / seconds:.3f} | {rss:.0f} MiB | "
              f"{error} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
