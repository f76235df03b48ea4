#!/usr/bin/env python3
"""Voice activity detection on real recordings: Silero VAD against the energy detector it replaced (issue 16).

Inputs: the real clips of ../shared/fixtures (three English, two Mandarin) and of tests/data (one English,
three Mandarin), each as recorded, scaled to RMS 0.01 and to RMS 0.003, and alone between 5 s of quiet hiss on
each side; the two speech-over-music mixtures and the three AMI meeting excerpts of tests/data; then non-speech
alone: the real music, kitchen noise and room tone of tests/data, 20 s of silence, quiet and loud hiss and
synthetic music. For each input and binary:

  - speech kept: the time the diarizer's speech regions (`yivideo run --chain pyannote_audio.diarize_speakers`,
    whose turns cover exactly its VAD's regions) share with the reference speech, over the reference speech,
    and the seconds of regions outside it; on non-speech, seconds of "speech" claimed. The reference speech of
    a clip is its span (first to last sample above -44 dBFS, as bench/diarization_bench.py takes it; it
    includes the pauses between sentences, so a perfect detector keeps a little less than 100% of JFK), of a
    mixture its whole length, of a meeting the union of its reference turns (RTTM), which also run on over
    pauses;
  - the transcript (`--chain faster_whisper.transcribe_audio`, default settings: enable_optimization, so the
    VAD is on; tiny.en for English, base for Mandarin) scored by WER (English) or CER (Mandarin, punctuation
    and spaces removed) against the reference; on non-speech, the characters of text invented;
  - for the new binary, the same transcript with vad_filter=false;
  - as a check of the conversion and of whisper.cpp's graph, the speech kept by faster-whisper's own Silero
    (the ONNX export it ships, onnxruntime; third_party/bench-requirements.txt) with the diarizer's settings
    (regions split at 0.2 s of silence, no padding, 0.25 s at least).

Usage: bench/vad_bench.py [--old-bin PATH]  (PATH: a yivideo built from the commit before Silero, f582601,
for the energy detector's columns). Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import io
import json
import math
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import wave

from asr_bench import deps
from benchlib import BIN, ROOT, SHARED, machine
from speech import cer, wer

RATE = 16000
CLIPS = [("jfk", "en"), ("1272-128104-0000", "en"), ("another_door", "en"), ("zh/BAC009S0764W0121", "zh"),
         ("zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000", "zh")]
DATA = os.path.join(ROOT, "tests", "data", "speech")
DATA_CLIPS = ["en/librispeech_1995-1837-0001", "zh/aishell1_BAC009S0724W0121", "zh/funasr_asr_example",
              "zh/funasr_binhai_query"]
MUSIC_CLIPS = ["en/librispeech_1995-1837-0001_music", "zh/aishell1_BAC009S0724W0121_music"]
MEETINGS = ["ami_dev00", "ami_trn05", "ami_trn08"]
NON_SPEECH = ["music_brahms_hungarian_dance_5", "music_macleod_vibe_ace", "noise_doing_the_dishes",
              "roomtone_ami_trn02"]


def read_wav_bytes(data):
    with wave.open(io.BytesIO(data)) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
    return [x / 32768 for x in struct.unpack(f"<{len(frames) // 2}h", frames)]


def write_wav(path, samples):
    with wave.open(path, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(RATE)
        w.writeframes(struct.pack(f"<{len(samples)}h", *(max(-32768, min(32767, round(x * 32768)))
                                                          for x in samples)))


def rms(samples):
    return math.sqrt(sum(x * x for x in samples) / len(samples))


def hiss(seconds, amplitude, seed=1):
    out = []
    for _ in range(int(seconds * RATE)):
        seed = (seed * 1664525 + 1013904223) % 2 ** 32
        out.append((seed - 2 ** 31) / 2 ** 31 * amplitude)
    return out


def music(seconds):
    """A melody and a bass line of plucked harmonic notes over chords (I - vi - IV - V), RMS 0.1."""
    out = [0.0] * int(seconds * RATE)

    def note(start, length, semitones, gain):
        hz = 440 * 2 ** (semitones / 12)
        first = int(start * RATE)
        for i in range(first, min(len(out), int((start + length) * RATE))):
            t = (i - first) / RATE
            env = min(1.0, t / 0.01) * math.exp(-3 * t)
            out[i] += gain * env * sum(math.sin(2 * math.pi * hz * h * t) / h for h in range(1, 6))

    chords = [(-9, -5, -2), (-12, -9, -5), (-16, -12, -9), (-14, -10, -7)]
    melody = [3, 7, 10, 7, 5, 3, 2, 0]
    for bar in range(int(seconds / 2) + 1):
        chord = chords[bar % 4]
        for n in chord:
            note(bar * 2, 2, n, 0.05)
        note(bar * 2, 1, chord[0] - 12, 0.1)
        note(bar * 2 + 1, 1, chord[0] - 12, 0.1)
        for e in range(8):
            note(bar * 2 + e * 0.25, 0.25, melody[(e + bar) % 8], 0.08)
    gain = 0.1 / rms(out)
    return [x * gain for x in out]


def speech_span(samples):
    loud = [i for i, x in enumerate(samples) if abs(x) > 200 / 32768]
    return loud[0] / RATE, (loud[-1] + 1) / RATE


def regions(binary, path):
    out = subprocess.run([binary, "run", path, "--chain", "pyannote_audio.diarize_speakers"], check=True,
                         capture_output=True, text=True).stdout
    return [(float(l.split()[3]), float(l.split()[3]) + float(l.split()[4]))
            for l in out.splitlines() if l.startswith("SPEAKER ")]


def transcript(binary, path, language, vad=True):
    cmd = [binary, "run", path, "--chain", "faster_whisper.transcribe_audio", "--language", language]
    if not vad:
        cmd += ["--param", "vad_filter=false"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return " ".join(l.split("] ", 1)[1] for l in out.splitlines() if l.startswith("[") and "] " in l).strip()


PEER = """
import json, sys, wave
import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps
options = VadOptions(min_silence_duration_ms=200, speech_pad_ms=0, min_speech_duration_ms=250)
out = []
for path in sys.argv[1:]:
    with wave.open(path) as w:
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    out.append([(r["start"] / 16000, r["end"] / 16000) for r in get_speech_timestamps(audio, options)])
print(json.dumps(out))
"""


def peer_regions(paths):
    """faster-whisper's Silero regions of each file."""
    python = deps(f"yv_ensure_venv bench '{ROOT}/third_party/bench-requirements.txt' 'faster-whisper (benchmark)'")
    return json.loads(subprocess.run([python, "-c", PEER, *paths], check=True, capture_output=True,
                                     text=True).stdout)


def overlap(turns, span):
    return sum(max(0.0, min(e, span[1]) - max(s, span[0])) for s, e in turns)


def flac_samples(path):
    """16 kHz mono samples of any file sox reads."""
    return read_wav_bytes(subprocess.run(["sox", path, "-t", "wav", "-r", str(RATE), "-c", "1", "-b", "16", "-"],
                                         check=True, capture_output=True).stdout)


def rttm_speech(path):
    """The union of an RTTM file's turns: [[start, end], ...]."""
    turns = sorted((float(l.split()[3]), float(l.split()[3]) + float(l.split()[4])) for l in open(path)
                   if l.startswith("SPEAKER "))
    union = []
    for start, end in turns:
        if union and start <= union[-1][1]:
            union[-1][1] = max(union[-1][1], end)
        else:
            union.append([start, end])
    return union


def inputs(tmp):
    """(name, path, language, reference text or None, reference speech [[start, end], ...] or None)."""
    out = []

    def add(name, samples, language, text, speech):
        path = os.path.join(tmp, f"{len(out)}.wav")
        write_wav(path, samples)
        out.append((name, path, language, text, speech))

    clips = [(os.path.join(SHARED, "fixtures", c), c.split("/")[-1][:16], lang) for c, lang in CLIPS]
    clips += [(os.path.join(DATA, c), c.split("/")[-1], c.split("/")[0]) for c in DATA_CLIPS]
    for stem, name, language in clips:
        samples = flac_samples(stem + (".wav" if os.path.exists(stem + ".wav") else ".flac"))
        with open(stem + ".txt") as f:
            text = f.read().strip()
        span = speech_span(samples)
        add(name, samples, language, text, [span])
        for level in (0.01, 0.003):
            gain = level / rms(samples)
            add(f"{name} @ RMS {level}", [x * gain for x in samples], language, text, [span])
        add(f"{name} in hiss", hiss(5, 0.003) + samples + hiss(5, 0.003, 7), language, text,
            [(span[0] + 5, span[1] + 5)])
    for clip in MUSIC_CLIPS:  # the speech span of the clip before mixing is not known: the whole file
        samples = flac_samples(os.path.join(DATA, clip + ".flac"))
        with open(os.path.join(DATA, clip + ".txt")) as f:
            text = f.read().strip()
        add(clip.split("/")[-1].removesuffix("_music") + " (over music)", samples, clip.split("/")[0], text,
            [(0, len(samples) / RATE)])
    for meeting in MEETINGS:
        add(f"{meeting} (AMI meeting)", flac_samples(os.path.join(DATA, "en", meeting + ".flac")), "en", None,
            rttm_speech(os.path.join(DATA, "en", meeting + ".rttm")))
    for clip in NON_SPEECH:
        add(clip, flac_samples(os.path.join(DATA, "none", clip + ".flac")), "en", None, None)
    for name, audio in (("silence", [0.0] * 20 * RATE), ("quiet hiss", hiss(20, 0.003)),
                        ("loud hiss", hiss(20, 0.3)), ("music (synthetic)", music(20))):
        add(name, audio, "en", None, None)
    return out


def score(text, reference, language):
    if reference is None:
        return f"{len(text.replace(' ', ''))} chars" if text else "none"
    return f"{100 * (cer if language == 'zh' else wer)(reference, text):.0f}%"


def kept(turns, speech):
    """The part of the reference speech inside the regions, and the seconds of regions outside it."""
    total = sum(e - s for s, e in turns)
    if speech is None:
        return f"{total:.1f} s"
    inside = sum(overlap(turns, span) for span in speech)
    return f"{100 * inside / sum(e - s for s, e in speech):.0f}% / {total - inside:.1f} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--old-bin", help="yivideo built before Silero (the energy detector)")
    args = parser.parse_args()
    binaries = [("Silero", BIN)] + ([("energy", args.old_bin)] if args.old_bin else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        todo = inputs(tmp)
        peer = peer_regions([path for _, path, _, _, _ in todo])
        for (name, path, language, reference, speech), peer_turns in zip(todo, peer):
            row = [name]
            for _, binary in binaries:
                row.append(kept(regions(binary, path), speech))
            row.append(kept(peer_turns, speech))
            if reference is None and speech is not None:  # a meeting: turns, no transcript
                row += ["–"] * (len(binaries) + 1)
            else:
                for _, binary in binaries:
                    row.append(score(transcript(binary, path, language), reference, language))
                row.append(score(transcript(BIN, path, language, vad=False), reference, language))
            rows.append(row)
            print("  ".join(row), flush=True, file=sys.stderr)

    labels = [label for label, _ in binaries]
    print(f"### Voice activity: Silero VAD against the energy detector ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/vad_bench.py"
          f"{' --old-bin <yivideo at f582601>' if args.old_bin else ''}`. Speech kept: the part of the "
          "reference speech (a clip's span from its first to its last sample above -44 dBFS; a speech-over-music "
          "mixture's whole length; an AMI meeting's reference turns) inside the diarizer's speech regions / the "
          "seconds of regions outside it; on non-speech, the seconds claimed as speech. Transcript error: WER "
          "(English, "
          "tiny.en) or CER (Mandarin, base) of `faster_whisper.transcribe_audio` with default settings (VAD on), "
          "and with vad_filter=false; on non-speech, the characters of text invented.\n")
    head = (["Input"] + [f"Speech kept, {l}" for l in labels] + ["Speech kept, faster-whisper's Silero"] +
            [f"Error, VAD {l}" for l in labels] + ["Error, VAD off"])
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
