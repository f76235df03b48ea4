"""The benchmarks' common input: about ten minutes of English speech with its exact reference text, and WER."""

import json
import os
import re
import subprocess

from benchlib import SHARED, SYNTH

SECONDS = 600


def ten_minutes(tmp):
    """Writes the input to tmp/speech.wav (16 kHz mono); returns (its path, the reference text, its seconds).

    It joins the two synthetic conversations and the meeting (tools/synth_fixture.py), the three real clips of
    ../shared/fixtures, and the first turns of conversation2 again up to 10 minutes, cut at a turn's end so that
    the reference text is exact.
    """
    parts = [(os.path.join(SYNTH, n + ".wav"), open(os.path.join(SYNTH, n + ".txt")).read())
             for n in ("conversation2", "conversation3", "meeting")]
    for name in ("jfk", "1272-128104-0000", "another_door"):
        base = os.path.join(SHARED, "fixtures", name)
        parts.append((base + ".wav", open(base + ".txt").read()))
    wavs, texts, total = [], [], 0.0
    for i, (path, text) in enumerate(parts):
        out = os.path.join(tmp, f"part{i}.wav")
        subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-ar", "16000", "-ac", "1", out], check=True)
        wavs.append(out)
        texts.append(text)
        total += float(subprocess.run(["soxi", "-D", out], capture_output=True, text=True).stdout)
    turns = json.load(open(os.path.join(SYNTH, "conversation2.json")))["turns"]
    taken = [t for t in turns if total + t["end"] <= SECONDS]
    tail = os.path.join(tmp, "tail.wav")
    subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(SYNTH, "conversation2.wav"), "-t",
                    str(taken[-1]["end"] + 0.2), "-ar", "16000", "-ac", "1", tail], check=True)
    wavs.append(tail)
    texts.append(" ".join(t["text"] for t in taken))
    path = os.path.join(tmp, "speech.wav")
    subprocess.run(["sox", *wavs, path], check=True)
    seconds = float(subprocess.run(["soxi", "-D", path], capture_output=True, text=True).stdout)
    return path, " ".join(texts), seconds


def words(text):
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()


def wer(reference, hypothesis):
    return edit_distance(words(reference), words(hypothesis)) / max(1, len(words(reference)))


def edit_distance(ref, hyp):
    """Substitutions, deletions and insertions that turn the sequence ref into hyp."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]
