#!/usr/bin/env python3
"""Vocal separation: how much of the voice the vocal stem keeps, and at what speed (issue 21).

Mixes of real read speech (../shared/fixtures and tests/data) over real music (tests/data: Kevin MacLeod's "Vibe
Ace", jazz; Brahms' Hungarian Dance no. 5 for string orchestra), both 16 kHz mono, the music scaled to the speech's
RMS (0 dB) and cut to the shorter of the two, are separated by `yivideo run --chain audio_separator.separate_vocals`
in each quality mode with the vocal stem enhanced by GTCRN (the default), and in the default mode without it
(`enhance_vocals=false`: Spleeter's stem as it is). The vocal stem is scored against the speech, the accompaniment
against the music, by plain SDR (10 log10 |s|^2 / |s - estimate|^2, no gain or filter forgiven:
tests/separation/sdr.h), beside the mixture's own SDR against each. Speed and memory on a minute and on five minutes of the first mixture looped, with and
without the enhancement: RTF of the whole run (wall time / seconds of audio, best of --repeats), the RTF of the four
extra minutes (which leaves out the process start and model load), and peak RSS, to show that memory does not grow
with the length.

Usage: bench/separation_bench.py [--repeats N]. Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import array
import math
import os
import subprocess
import tempfile
import time

from benchlib import BIN, ROOT, SHARED, machine, measure

DATA = os.path.join(ROOT, "tests", "data")
JAZZ = os.path.join(DATA, "speech", "none", "music_macleod_vibe_ace.flac")
ORCHESTRA = os.path.join(DATA, "speech", "none", "music_brahms_hungarian_dance_5.flac")
MIXES = [
    ("jfk + jazz", os.path.join(SHARED, "fixtures", "jfk.wav"), JAZZ),
    ("1272-128104-0000 + orchestra", os.path.join(SHARED, "fixtures", "1272-128104-0000.wav"), ORCHESTRA),
    ("another_door + jazz", os.path.join(SHARED, "fixtures", "another_door.wav"), JAZZ),
    ("librispeech 1995-1837-0001 + orchestra", os.path.join(DATA, "speech", "en", "librispeech_1995-1837-0001.wav"),
     ORCHESTRA),
]
# (quality mode, enhance_vocals), and the column's title
RUNS = [(("fast", True), "fast"), (("default", True), "default"), (("high_quality", True), "high_quality"),
        (("default", False), "default, not enhanced")]
RATE = 16000
SOUNDTRACK_DB = 7  # speech over music in Divide and Remaster's soundtracks


def decode(path):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-ar", str(RATE), "-ac", "1", "-f", "f32le", "-"],
                         check=True, capture_output=True).stdout
    return array.array("f", raw)


def write(path, samples):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", "-", "-c:a",
                    "pcm_f32le", path], input=samples.tobytes(), check=True)


def loop(path, out, times):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(times - 1), "-i", path, "-c:a", "pcm_f32le",
                    out], check=True)


def rms(x):
    return math.sqrt(sum(v * v for v in x) / max(1, len(x)))


def sdr(reference, estimate):
    signal = sum(r * r for r in reference)
    error = sum((r - (estimate[i] if i < len(estimate) else 0.0)) ** 2 for i, r in enumerate(reference))
    return 10 * math.log10(signal / max(error, 1e-20))


def mix(speech, music, speech_over_music_db):
    """(music scaled to the speech's RMS less `speech_over_music_db`, the mixture)."""
    gain = rms(speech) / rms(music) / 10 ** (speech_over_music_db / 20)
    music = array.array("f", (v * gain for v in music))
    return music, array.array("f", (a + b for a, b in zip(speech, music)))


def separate(path, out_dir, run, repeats=1):
    """(best wall seconds, peak RSS MiB, vocal stem, accompaniment) of separating `path` with `run`, a
    (quality mode, enhance_vocals)."""
    mode, enhance = run
    best, peak = None, 0.0
    for _ in range(repeats):
        wall, rss, _ = measure([BIN, "run", path, "--chain", "audio_separator.separate_vocals", "--param",
                                f"quality_mode={mode}", "--param", f"enhance_vocals={str(enhance).lower()}",
                                "--param", "output_format=wav", "--output-dir", out_dir])
        best, peak = wall if best is None else min(best, wall), max(peak, rss)
    stage = os.path.join(out_dir, "stage_0")
    return best, peak, os.path.join(stage, "vocals.wav"), os.path.join(stage, "accompaniment.wav")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    rows, soundtrack, speed = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, speech_path, music_path in MIXES:
            speech, music = decode(speech_path), decode(music_path)
            n = min(len(speech), len(music))
            speech, music = speech[:n], music[:n]
            for db, runs, table in ((0, [r for r, _ in RUNS], rows),
                                    (SOUNDTRACK_DB, [("default", True), ("default", False)], soundtrack)):
                scaled, mixture = mix(speech, music, db)
                path = os.path.join(tmp, f"mix{db}.wav")
                write(path, mixture)
                scores = []
                for run in runs:
                    _, _, vocals, accompaniment = separate(path, os.path.join(tmp, f"{run[0]}{run[1]}{db}"), run)
                    scores.append((sdr(speech, decode(vocals)), sdr(scaled, decode(accompaniment))))
                table.append((name, n / RATE, sdr(speech, mixture), sdr(scaled, mixture), scores))
            path = os.path.join(tmp, "mix0.wav")
            if name == MIXES[0][0]:
                for enhance in (True, False):
                    for minutes in (1, 5):
                        looped = os.path.join(tmp, f"long{minutes}.wav")
                        times = math.ceil(minutes * 60 * RATE / n)
                        loop(path, looped, times)
                        wall, rss, _, _ = separate(looped, os.path.join(tmp, "long"), ("default", enhance),
                                                   args.repeats)
                        speed.append((enhance, times * n / RATE, wall, rss))
    print(f"### Vocal separation: SDR of the stems, speed and memory ({time.strftime('%Y-%m-%d')})\n")
    print(f"{machine()}; `bench/run separation` (bench/separation_bench.py). Real speech "
          "over real music at 0 dB (equal RMS), 16 kHz mono; plain SDR in dB (no gain or filter forgiven) of "
          "the vocal stem against the speech and of the accompaniment against the music, the mixture's own "
          "beside them, for each quality mode with the vocal stem enhanced by GTCRN (the node's default), and "
          "in the default mode without (`enhance_vocals=false`, Spleeter's stem as it is):\n")
    print("| mixture | s | mixture (voice / music) | " + " | ".join(f"{t} (vocals / accompaniment)" for _, t in RUNS)
          + " |")
    print("| --- | ---: | ---: | " + " | ".join("---:" for _ in RUNS) + " |")
    for name, seconds, mix_voice, mix_music, scores in rows:
        cells = " | ".join(f"{v:.1f} / {a:.1f}" for v, a in scores)
        print(f"| {name} | {seconds:.1f} | {mix_voice:.1f} / {mix_music:.1f} | {cells} |")
    print(f"\nThe same mixes with the speech {SOUNDTRACK_DB} dB over the music, default mode:\n")
    print("| mixture | mixture (voice / music) | enhanced (vocals / accompaniment) | not enhanced (vocals / "
          "accompaniment) | enhanced vocal stem's gain over the mixture |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, _, mix_voice, mix_music, [(vocals, accompaniment), (plain, plain_accompaniment)] in soundtrack:
        print(f"| {name} | {mix_voice:.1f} / {mix_music:.1f} | {vocals:.1f} / {accompaniment:.1f} | "
              f"{plain:.1f} / {plain_accompaniment:.1f} | {vocals - mix_voice:+.1f} |")
    extra = {}
    for enhance in (True, False):
        (_, short, short_wall, _), (_, long, long_wall, _) = [s for s in speed if s[0] == enhance]
        extra[enhance] = ((long_wall - short_wall) / (long - short), long - short)
    print(f"\nSpeed and memory: the first mixture looped, default mode, `yivideo run` in a fresh process (best of "
          f"{args.repeats}); the RTF of the extra {extra[True][1]:.0f} s, (wall - wall of the shorter) / "
          f"{extra[True][1]:.0f} s, without the start and model load, is {extra[True][0]:.3f} enhanced and "
          f"{extra[False][0]:.3f} not.\n")
    print("| vocal stem | audio (s) | wall (s) | RTF, whole run | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for enhance, seconds, wall, rss in speed:
        print(f"| {'enhanced' if enhance else 'not enhanced'} | {seconds:.0f} | {wall:.1f} | {wall / seconds:.3f} | "
              f"{rss:.0f} |")


if __name__ == "__main__":
    main()
