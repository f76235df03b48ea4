#!/usr/bin/env python3
"""Diarization error rate and speed (issues 5 and 8; not a test).

Runs `yivideo run <input> --chain pyannote_audio.diarize_speakers` (a fresh process each: decoding, model load and
all) on inputs with known turns and scores the printed RTTM with `yivideo der`, with the customary 0.25 s collar
and without. Inputs:
  - conversation2 / conversation3: the synthetic 2- and 3-voice conversations of tools/synth_fixture.py;
  - ten-minutes: conversation3 + conversation2 + conversation3 joined (12 min; the voices of one label are the
    same in both conversations, so the truth is their turns shifted);
  - real-voices: the shared fixtures' three real speakers (JFK, LibriSpeech readers 1272 and 3536) joined with
    0.8 s pauses, JFK and 1272 twice; the truth is each clip's span from its first to last sample above -44 dBFS,
    so it includes the clips' own pauses and noise (no hand-marked turns exist for them);
  - pyannote-call: the real two-speaker telephone call inside PyPI pyannote-audio 4.0.7 (sample.wav, sample.rttm;
    fetched by scripts/lib/deps.sh yv_ensure_pyannote_sample);
  - reading-ljspeech / reading-aishell1: a minute of one real reader each, English and Mandarin, from
    tests/data/speakers (the truth is one speaker over the span above -44 dBFS, pauses included): the count
    found must stay one;
  - sparse-speech: four real readers (JFK, LibriSpeech 1272, 3536 and 1995) apart, between 10 s stretches of
    real meeting-room tone and kitchen noise (tests/data/speech/none), 40% speech; the truth is each reader's
    span above -44 dBFS: what it measures is speech claimed in the noise (false alarm);
  - ami-dev00 / ami-trn05 / ami-trn08: real meeting excerpts (30 s, 2 / 4 / 4 speakers, the last with 11 s of
    overlap) with their RTTM, from tests/data/speech/en (tests/data/SOURCES.md): the ones issue 17 was tuned on;
  - ami-dev01, ami-trn01 ... ami-trn09: the eight other excerpts of the same set (1-4 speakers), kept apart for
    validation: a change is measured on them after it was chosen on the others.
Each input runs with the speaker count found and with it given, for this build and, with --baseline, another
build's binary, interleaved in one run.
Usage: bench/diarization_bench.py [--baseline BIN] [--only NAME,...] (after scripts/test built the binary and the fixtures).
Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import json
import os
import struct
import subprocess
import tempfile
import time
import wave

from benchlib import BIN, ROOT, SHARED, SYNTH, machine, measure_cpu

RATE = 16000


def read_wav(path):
    with wave.open(path) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        data = w.readframes(w.getnframes())
    return list(struct.unpack(f"<{len(data) // 2}h", data))


def write_wav(path, samples):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack(f"<{len(samples)}h", *samples))


def rttm_lines(turns, name):
    return "".join(f"SPEAKER {name} 1 {s:.3f} {e - s:.3f} <NA> <NA> {spk} <NA> <NA>\n" for s, e, spk in turns)


def join(parts, pause_s, name, tmp):
    """parts: [(wav path, [(start, end, speaker)])]; writes NAME.wav and NAME.rttm with the turns shifted."""
    pcm, turns = [], []
    for path, own in parts:
        if pcm:
            pcm.extend([0] * int(pause_s * RATE))
        offset = len(pcm) / RATE
        pcm.extend(read_wav(path))
        turns.extend((offset + s, offset + e, spk) for s, e, spk in own)
    wav, rttm = os.path.join(tmp, f"{name}.wav"), os.path.join(tmp, f"{name}.rttm")
    write_wav(wav, pcm)
    with open(rttm, "w") as f:
        f.write(rttm_lines(turns, name))
    return wav, rttm, len(pcm) / RATE


def synth_turns(name):
    with open(os.path.join(SYNTH, f"{name}.json")) as f:
        return [(t["start"], t["end"], t["speaker"]) for t in json.load(f)["turns"]]


def loud_span(path):
    samples = read_wav(path)
    loud = [i for i, s in enumerate(samples) if abs(s) > 200]
    return loud[0] / RATE, (loud[-1] + 1) / RATE


def flac_to_wav(path, tmp):
    wav = os.path.join(tmp, os.path.basename(path).rsplit(".", 1)[0] + ".wav")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", path, wav], check=True)
    return wav


def der(reference, hypothesis, collar):
    out = subprocess.run([BIN, "der", reference, hypothesis, "--collar", str(collar)], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def pyannote_call():
    """(wav, rttm) of the pyannote-audio sample call, fetched and checked by the set-up's own function."""
    folder = subprocess.run(["bash", "-c", f"source '{ROOT}/scripts/lib/deps.sh' && yv_ensure_pyannote_sample >&2 "
                             "&& echo $YIVIDEO_PYANNOTE_SAMPLE"], check=True, capture_output=True,
                            text=True).stdout.strip()
    return os.path.join(folder, "sample.wav"), os.path.join(folder, "sample.rttm")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", help="yivideo binary of a build to compare with, side by side")
    ap.add_argument("--only", help="comma-separated input names to run (default: all)")
    args = ap.parse_args()
    builds = {"this build": BIN, **({"baseline": args.baseline} if args.baseline else {})}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for name in ("conversation2", "conversation3"):
            wav = os.path.join(SYNTH, f"{name}.wav")
            inputs.append((name, wav, os.path.join(SYNTH, f"{name}.rttm"), len(read_wav(wav)) / RATE))
        c2, c3 = ((os.path.join(SYNTH, f"{n}.wav"), synth_turns(n)) for n in ("conversation2", "conversation3"))
        inputs.append(("ten-minutes", *join([c3, c2, c3], 1.0, "ten-minutes", tmp)))
        clips = {"jfk": "JFK", "1272-128104-0000": "READER_1272", "another_door": "READER_3536"}
        real = []
        for clip in ("jfk", "1272-128104-0000", "another_door", "jfk", "1272-128104-0000"):
            path = os.path.join(SHARED, "fixtures", f"{clip}.wav")
            real.append((path, [(*loud_span(path), clips[clip])]))
        inputs.append(("real-voices", *join(real, 0.8, "real-voices", tmp)))
        inputs.append(("pyannote-call", *pyannote_call(), 30.0))
        none = os.path.join(ROOT, "tests", "data", "speech", "none")
        room = (flac_to_wav(os.path.join(none, "roomtone_ami_trn02.flac"), tmp), [])
        dishes = (flac_to_wav(os.path.join(none, "noise_doing_the_dishes.flac"), tmp), [])
        readers = [(os.path.join(SHARED, "fixtures", f"{clip}.wav"), clips[clip]) for clip in clips]
        readers.append((os.path.join(ROOT, "tests", "data", "speech", "en", "librispeech_1995-1837-0001.wav"),
                        "READER_1995"))
        sparse = [room]
        for (path, speaker), gap in zip(readers, (room, dishes, room, dishes)):
            sparse += [(path, [(*loud_span(path), speaker)]), gap]
        inputs.append(("sparse-speech", *join(sparse, 0, "sparse-speech", tmp)))
        for clip in ("ljspeech_LJ001_60s", "aishell1_S0150_60s"):
            wav = flac_to_wav(os.path.join(ROOT, "tests", "data", "speakers", f"{clip}.flac"), tmp)
            inputs.append((f"reading-{clip.split('_')[0]}", *join([(wav, [(*loud_span(wav), "READER")])], 0, clip,
                                                                  tmp)))
        for clip in ("ami_dev00", "ami_trn05", "ami_trn08", "ami_dev01", "ami_trn01", "ami_trn02", "ami_trn03",
                     "ami_trn04", "ami_trn06", "ami_trn07", "ami_trn09"):
            base = os.path.join(ROOT, "tests", "data", "speech", "en", clip)
            inputs.append((clip.replace("_", "-"), base + ".flac", base + ".rttm", 30.0))

        if args.only:
            inputs = [i for i in inputs if i[0] in args.only.split(",")]
        for name, wav, truth, duration in inputs:
            with open(truth) as f:
                true_count = len({l.split()[7] for l in f if l.startswith("SPEAKER ")})
            for count in ("found", "given"):
                for build, binary in builds.items():
                    cmd = [binary, "run", wav, "--chain", "pyannote_audio.diarize_speakers"]
                    if count == "given":
                        cmd += ["--speaker-count", str(true_count)]
                    wall, cpu, rss, printed = measure_cpu(cmd)
                    hyp = os.path.join(tmp, f"{name}.hyp.rttm")
                    with open(hyp, "w") as f:
                        f.write("".join(l + "\n" for l in printed.splitlines() if l.startswith("SPEAKER ")))
                    with open(hyp) as f:
                        found = len({l.split()[7] for l in f})
                    rows.append((name, build, count, duration, true_count, found, der(truth, hyp, 0.25),
                                 der(truth, hyp, 0.0), wall, cpu, rss))

    print(f"### Diarization: error rate and speed ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/diarization_bench.py"
          f"{' --baseline <previous build>' if args.baseline else ''}`: `yivideo run <input> --chain "
          "pyannote_audio.diarize_speakers [--speaker-count N]` in a fresh process per input (decode, encoder "
          "load, diarization), scored with `yivideo der`; builds interleaved in one run.\n")
    print("| Input | Build | Count | Length | Speakers (true / found) | DER, 0.25 s collar | DER, no collar | "
          "Wall time | Real-time factor | CPU time per audio second | Peak RSS |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")
    for name, build, count, duration, true_count, found, collared, exact, wall, cpu, rss in rows:
        print(f"| {name} | {build} | {count} | {duration / 60:.1f} min | {true_count} / {found} | "
              f"{100 * collared['der']:.2f}% | {100 * exact['der']:.2f}% | {wall:.1f} s | {wall / duration:.3f} | "
              f"{cpu / duration:.3f} | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
