#!/usr/bin/env python3
"""Runs the benchmarks and rewrites their blocks of bench/RESULTS.md (start it through bench/run, which builds
what they need first).

Each benchmark prints one Markdown section; it replaces the text between `<!-- begin NAME -->` and
`<!-- end NAME -->` in RESULTS.md (appended at the end the first time). Notes written by hand outside those
markers stay, so the analysis of a figure sits next to it and a rerun does not erase it. The `versions` block
says which build, peers and machine the figures come from.

Usage: bench/results.py [NAME ...]   (default: all, in the order below)
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time

from benchlib import ROOT, machine

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "RESULTS.md")
BENCHES = {
    "asr": ["asr_bench.py", "--repeats", "3", "--beam-size", "1"],
    "e2e": ["e2e_bench.py", "--repeats", "3", "--beam-size", "5"],
    "api": ["api_bench.py", "--workflows", "1000", "--duration", "10", "--connections", "32", "--runs", "5"],
    "diarization": ["diarization_bench.py"],
    "long-form": ["long_form_bench.py", "--minutes", "1", "60"],
    "files": ["files_bench.py", "--gigabytes", "2"],
    "ocr": ["ocr_bench.py", "--seconds", "120"],
    "tts": ["tts_bench.py", "--repeats", "3"],
    "separation": ["separation_bench.py", "--repeats", "2"],
    "translate": ["translate_bench.py"],
}


def first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "not installed"


def pin(path, name):
    for line in open(os.path.join(ROOT, path)):
        if line.startswith(name):
            return line.split()[0]
    return "?"


def versions():
    build = first_line(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    return (f"Latest run (of any section) {time.strftime('%Y-%m-%d %H:%M %Z')} on {machine()} {platform.release()}; yivideo "
            f"{build}, whisper.cpp {pin('third_party/versions.lock', 'WHISPER_CPP_VERSION=').split('=')[1]}; "
            f"peers {pin('third_party/bench-requirements.txt', 'faster-whisper==')}, "
            f"{pin('third_party/bench-requirements.txt', 'ctranslate2==')}; {first_line(['ffmpeg', '-version'])}; "
            f"{first_line(['wrk', '-v'])}. Each section below was written by `bench/run <name>`; the notes "
            "between sections are by hand.")


def replace_block(text, name, body):
    block = f"<!-- begin {name} -->\n{body.strip()}\n<!-- end {name} -->"
    pattern = re.compile(rf"<!-- begin {re.escape(name)} -->.*?<!-- end {re.escape(name)} -->", re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip() + "\n\n" + block + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", metavar="NAME", help="any of: " + ", ".join(BENCHES))
    names = ap.parse_args().names or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        ap.error("unknown benchmark: " + ", ".join(unknown))
    for name in names:
        script, *args = BENCHES[name]
        print(f"[bench] {name}: {script} {' '.join(args)}", file=sys.stderr, flush=True)
        section = subprocess.run([sys.executable, os.path.join(HERE, script), *args], check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
        text = open(RESULTS).read()
        text = replace_block(replace_block(text, name, section), "versions", versions())
        with open(RESULTS, "w") as f:
            f.write(text)
        print(section, flush=True)


if __name__ == "__main__":
    main()
