#!/usr/bin/env python3
"""Memory and speed of transcription by input length (issue 4; not a test).

Makes 1-minute and 60-minute inputs by looping 8.25 minutes of synthesized speech (the two conversations and
the meeting of tools/synth_fixture.py, joined; --source meeting loops the 20 s meeting alone, which repeats
itself within every 30 s window and so trips whisper.cpp's low-entropy fallback), transcribes each with
`yivideo run --chain faster_whisper.transcribe_audio` (tiny.en, greedy) and reports wall time, real-time factor
and the peak resident memory of the process, side by side. Usage: bench/long_form_bench.py [--minutes 1 60]
(after scripts/test built the binary and the fixtures). Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import os
import subprocess
import tempfile
import time

from benchlib import BIN, SYNTH, machine, measure

SOURCES = {"conversations": ["conversation2.wav", "conversation3.wav", "meeting.wav"], "meeting": ["meeting.wav"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=int, nargs="+", default=[1, 60])
    ap.add_argument("--source", choices=sorted(SOURCES), default="conversations")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "source.wav")
        parts = [os.path.join(SYNTH, name) for name in SOURCES[args.source]]
        subprocess.run(["sox", *parts, source], check=True)
        for minutes in args.minutes:
            path = os.path.join(tmp, f"speech-{minutes}min.wav")
            subprocess.run(["ffmpeg", "-v", "error", "-stream_loop", "-1", "-i", source, "-t", str(minutes * 60),
                            "-c", "copy", path], check=True)
            wall, rss, _ = measure([BIN, "run", path, "--chain", "faster_whisper.transcribe_audio", "--beam-size", "1"])
            rows.append((minutes, wall, wall / (minutes * 60), rss))
    print(f"### Transcription by input length ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/long_form_bench.py "
          f"--minutes {' '.join(map(str, args.minutes))} --source {args.source}`: `yivideo run <input> --chain "
          f"faster_whisper.transcribe_audio --beam-size 1`, tiny.en, {' + '.join(SOURCES[args.source])} "
          "looped to length. "
          "Audio is decoded as a stream and transcribed in one-minute chunks.\n")
    print("| Input | Wall time | Real-time factor | Peak RSS |\n|---|---|---|---|")
    for minutes, wall, rtf, rss in rows:
        print(f"| {minutes} min | {wall:.1f} s | {rtf:.3f} | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
