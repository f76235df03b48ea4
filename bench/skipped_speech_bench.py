#!/usr/bin/env python3
"""Quiet Mandarin with several speakers: speech that Whisper skips (issue 16; not a test).

Inputs: real Mandarin clips (../shared/fixtures/zh, tests/data/speech/zh) joined two or three at a time, each
scaled to one RMS (0.01, a quiet meeting room's level, or 0.005) and followed by 0.4 s of silence, 12-17 s
a join, as stand-ins for a quiet meeting excerpt where speakers take turns; the reference is the clips' texts
in order. Scored by CER (punctuation and spaces removed), each join and pooled.

Engines: ours (`yivideo run --chain faster_whisper.transcribe_audio --language zh`, default settings: base,
Silero VAD, Simplified characters), optionally an older build of ours (--old-bin, e.g. the commit before
nodes/whisper/skipped_speech.h), and faster-whisper 1.2.1 on the CTranslate2 files our ggml base is converted
from (float32, beam 5), with vad_filter off and on. faster-whisper writes Traditional characters at times (廣
for 广): they count as errors, as a reader would count them.

Usage: bench/skipped_speech_bench.py [--old-bin PATH] (after scripts/test). Prints a Markdown section for
bench/RESULTS.md.
"""

import argparse
import os
import re
import subprocess
import tempfile
import time

from asr_bench import ct2_model, deps, ours_text
from benchlib import BIN, ROOT, SHARED, machine
from speech import cer

FASTER_WHISPER = """
import sys
from faster_whisper import WhisperModel
model_dir, vad, path = sys.argv[1:]
model = WhisperModel(model_dir, device="cpu", compute_type="float32")
segments, _ = model.transcribe(path, beam_size=5, language="zh", vad_filter=vad == "on")
print("".join(s.text for s in segments))
"""

FIXTURES = os.path.join(SHARED, "fixtures", "zh")
DATA = os.path.join(ROOT, "tests", "data", "speech", "zh")
QUESTION = os.path.join(DATA, "funasr_binhai_query")
INTERNET = os.path.join(FIXTURES, "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000")
READ = os.path.join(DATA, "aishell1_BAC009S0724W0121")
READ2 = os.path.join(FIXTURES, "BAC009S0764W0121")
DEMO = os.path.join(DATA, "funasr_asr_example")
JOINS = [  # (name, RMS, clips)
    ("question+internet+read", 0.01, [QUESTION, INTERNET, READ]),  # the one tests/e2e/real_speech_test.cc uses
    ("read+question+internet", 0.01, [READ, QUESTION, INTERNET]),
    ("read+demo+question", 0.01, [READ2, DEMO, QUESTION]),
    ("internet+demo+read", 0.005, [INTERNET, DEMO, READ2]),
    ("question+demo", 0.01, [QUESTION, DEMO]),
]


def rms(path):
    stat = subprocess.run(["sox", path, "-n", "stat"], capture_output=True, text=True).stderr
    return float(re.search(r"RMS\s+amplitude:\s+([0-9.]+)", stat).group(1))


def join(name, level, clips, tmp):
    """(path, reference) of `clips` at RMS `level` each, 0.4 s apart."""
    parts = []
    for i, base in enumerate(clips):
        part = os.path.join(tmp, f"{name}-{i}.wav")
        subprocess.run(["sox", "-D", base + ".wav", "-r", "16000", "-c", "1", "-b", "16", part, "vol",
                        str(level / rms(base + ".wav")), "pad", "0", "0.4"], check=True)
        parts.append(part)
    path = os.path.join(tmp, name + ".wav")
    subprocess.run(["sox", *parts, path], check=True)
    return path, "".join(open(base + ".txt").read().strip() for base in clips)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--old-bin", help="an older yivideo build to compare")
    args = ap.parse_args()
    cache = os.environ.get("YIVIDEO_CACHE", os.path.expanduser("~/.cache/yivideo"))
    python = deps(f"yv_ensure_venv bench '{ROOT}/third_party/bench-requirements.txt' 'faster-whisper (benchmark)'")
    ct2 = ct2_model(cache, "base")
    engines = {"ours": lambda p: ours_text(run([BIN, "run", p, "--chain", "faster_whisper.transcribe_audio",
                                                 "--language", "zh"]))}
    if args.old_bin:
        engines["ours, older build"] = lambda p: ours_text(
            run([args.old_bin, "run", p, "--chain", "faster_whisper.transcribe_audio", "--language", "zh"]))
    for vad in ("off", "on"):
        engines[f"faster-whisper, VAD {vad}"] = lambda p, vad=vad: run([python, "-c", FASTER_WHISPER, ct2, vad, p])
    rows, totals = [], {name: [0, 0] for name in engines}
    with tempfile.TemporaryDirectory() as tmp:
        for name, level, clips in JOINS:
            path, reference = join(name, level, clips, tmp)
            seconds = float(subprocess.run(["soxi", "-D", path], capture_output=True, text=True).stdout)
            units = len(re.sub(r"[\s\W]", "", reference))
            cells = []
            for engine, transcribe in engines.items():
                text = transcribe(path).strip()
                errors = round(cer(reference, text) * units)
                totals[engine][0] += errors
                totals[engine][1] += units
                cells.append(f"{100 * errors / units:.0f}% ({text})")
            rows.append(f"| {name} | {level} | {seconds:.1f} s | " + " | ".join(cells) + " |")
    print(f"### Skipped speech: quiet Mandarin with several speakers ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/skipped_speech_bench.py"
          f"{' --old-bin OLD' if args.old_bin else ''}`: real Mandarin clips joined, each at one RMS, 0.4 s "
          "apart; CER per join (transcript in brackets) and pooled. Ours with its defaults and only the "
          "language given; faster-whisper on the same weights, float32, beam 5.\n")
    print("| Join | RMS each | Length | " + " | ".join(engines) + " |")
    print("|---|---|---|" + "---|" * len(engines))
    print("\n".join(rows))
    print("| **pooled** | | | " + " | ".join(f"**{100 * e / n:.1f}%** ({e}/{n})" for e, n in totals.values()) + " |")


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


if __name__ == "__main__":
    main()
