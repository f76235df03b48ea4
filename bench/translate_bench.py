#!/usr/bin/env python3
"""Subtitle translation by the local LLM: share of cues within the limits, speed, and the translations themselves
for a reader to judge, for each GGUF model given (issue 20).

Real recordings only: English (../shared/fixtures jfk, 1272-128104-0000, another_door and tests/data's
LibriSpeech 1995-1837-0001) into Chinese, and Mandarin (tests/data's 60 s of AISHELL-1 speaker S0150 and the two
shared clips) into English. Each is transcribed and cut into cues once (`yivideo run --chain
faster_whisper.transcribe_audio,wservice.segment_subtitles`), then translated by `--chain
wservice.translate_subtitles` against a llama-server of ours serving each model in turn (one thread unless
--threads says). Within the limits: the node's own count (42 characters a line, LINES' lines, 18 characters a
second); in the target language: a cue into Chinese holds CJK characters, one into English none.

Usage: bench/translate_bench.py MODEL.gguf [MODEL.gguf ...] (default: the installed local models). Prints a
Markdown section for bench/RESULTS.md, every cue's translation included.
"""

import argparse
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from benchlib import BIN, ROOT, SHARED, free_port, machine

CACHE = os.environ.get("YIVIDEO_CACHE", os.path.expanduser("~/.cache/yivideo"))
MODELS = os.environ.get("YIVIDEO_MODEL_DIR", os.path.join(CACHE, "models"))
DATA = os.path.join(ROOT, "tests", "data")
# (recording, spoken language, target language). English is cut into cues of at most 42 characters and
# translated into one line of Chinese; Mandarin into cues of at most 16 characters (the style guide's CJK line,
# subtitles::Limits::for_language) and translated into at most two lines of English: the same speech takes about
# three times as many characters in English as in Chinese, so English cut for Chinese would never fit one line.
CLIPS = [
    (os.path.join(SHARED, "fixtures", "jfk.wav"), "en", "zh"),
    (os.path.join(SHARED, "fixtures", "1272-128104-0000.wav"), "en", "zh"),
    (os.path.join(SHARED, "fixtures", "another_door.wav"), "en", "zh"),
    (os.path.join(DATA, "speech", "en", "librispeech_1995-1837-0001.wav"), "en", "zh"),
    (os.path.join(DATA, "speakers", "aishell1_S0150_60s.flac"), "zh", "en"),
    (os.path.join(SHARED, "fixtures", "zh", "BAC009S0764W0121.wav"), "zh", "en"),
    (os.path.join(SHARED, "fixtures", "zh", "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav"), "zh", "en"),
]
CUT = {"en": {"max_chars": 42}, "zh": {"max_chars": 16}}  # segment_subtitles, by spoken language
LINES = {"zh": 1, "en": 2}  # translate_subtitles' max_lines, by target language


def yivideo_run(media, chain, params, out_dir, env=None):
    """Runs `chain` on `media` with `params`, keeping its files in out_dir; returns the last node's outputs."""
    cmd = [BIN, "run", media, "--chain", ",".join(chain), "--output-dir", out_dir]
    for name, value in params.items():
        cmd += ["--param", f"{name}={value}"]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    said = f"{chain[-1]} outputs: "
    return json.loads(next(l for l in done.stderr.splitlines() if l.startswith(said))[len(said):])


def cues_of(media, language, work):
    """The recording transcribed and cut into subtitle cues: the segments file."""
    out = os.path.join(work, os.path.basename(media) + ".cues")
    return yivideo_run(media, ["faster_whisper.transcribe_audio", "wservice.segment_subtitles"],
                       {"language": language, **CUT[language]}, out)["segments_file"]


def has_cjk(text):
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def serve(model, threads, log):
    server = open(os.path.join(CACHE, ".llama-server-path")).read().strip()
    port = free_port()
    proc = subprocess.Popen([server, "--model", model, "--host", "127.0.0.1", "--port", str(port), "--ctx-size",
                             "8192", "--parallel", "1", "--no-webui", "--seed", "1", "--threads",
                             str(threads)], stdout=log, stderr=log)
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as r:
                if r.status == 200:
                    return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"llama-server did not come up with {model}")


def translate_all(model, threads, clips, work):
    """Per direction [cues, within limits, in the target language, LLM calls, seconds]; and the cue pairs."""
    log = open(os.path.join(work, os.path.basename(model) + ".log"), "w")
    proc, port = serve(model, threads, log)
    env = dict(os.environ, YIVIDEO_LLM_PROVIDER="local", YIVIDEO_LLM_LOCAL_BASE_URL=f"http://127.0.0.1:{port}/v1")
    rows, pairs = {}, []
    try:
        for media, spoken, target, segments in clips:
            out = os.path.join(work, os.path.basename(model) + "." + os.path.basename(media))
            started = time.time()
            result = yivideo_run(media, ["wservice.translate_subtitles"],
                                 {"segments_file": segments, "target_language": target,
                                  "max_lines": LINES[target]}, out, env)
            seconds = time.time() - started
            row = rows.setdefault(f"{spoken} → {target}", [0, 0, 0, 0, 0.0])
            for s in json.load(open(result["translated_segments_file"]))["segments"]:
                row[2] += has_cjk(s["text"]) == (target == "zh")
                pairs.append((f"{spoken} → {target}", s["original_text"], s["text"]))
            row[0] += result["segments_count"]
            row[1] += result["within_limits_count"]
            row[3] += result["llm_calls"]
            row[4] += seconds
    finally:
        proc.terminate()
        proc.wait()
    return rows, pairs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*", default=sorted(glob.glob(os.path.join(MODELS, "llm", "*instruct*.gguf"))))
    # One thread by default, as the tests run it: ggml's threads spin while they wait for each other, which on
    # cores shared with other work costs more than a second thread gains.
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that `finally` stops our llama-server
    with tempfile.TemporaryDirectory(prefix="yivideo-translate-bench-") as work:
        clips = [(m, spoken, target, cues_of(m, spoken, work)) for m, spoken, target in CLIPS]
        print("## Subtitle translation by the local LLM (issue 20)\n")
        print(f"`bench/translate_bench.py` on {machine()}, llama-server with {args.threads} thread(s), "
              "`wservice.translate_subtitles` with its defaults (cpl 42, cps 18, 3 re-asks) and one line of "
              "Chinese or two of English; English cut into cues of 42 characters, Mandarin of 16.\n")
        print("| model | direction | cues | within limits | in target language | LLM calls | seconds | "
              "seconds per cue |")
        print("|---|---|---|---|---|---|---|---|")
        all_pairs = {}
        for model in args.models:
            rows, pairs = translate_all(model, args.threads, clips, work)
            all_pairs[model] = pairs
            for direction, (cues, within, in_target, calls, seconds) in rows.items():
                print(f"| {os.path.basename(model)} | {direction} | {cues} | {within} ({within / cues:.0%}) | "
                      f"{in_target} | {calls} | {seconds:.0f} | {seconds / cues:.1f} |")
            sys.stdout.flush()
        for model, pairs in all_pairs.items():
            print(f"\n<details><summary>{os.path.basename(model)}: every cue</summary>\n")
            for direction, original, translated in pairs:
                print(f"- {direction}: {original} → {translated}")
            print("\n</details>")


if __name__ == "__main__":
    main()
