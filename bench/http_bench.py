#!/usr/bin/env python3
"""HTTP connection layer benchmark (issue 15; not a test): the status route's throughput with and without an
attacker, for this build and a baseline build side by side in one run.

For each build: a `yivideo serve --workers 1` runs one two-stage workflow to the end, then `wrk` polls its
status (2 threads, C connections, D seconds), alternately against the two servers, R runs each; then the same
while 200 connections send their request heads a byte a second (slowloris) and 100 idle keep-alive
connections are held open. wrk's own timeout is 2 s: requests that waited longer count as timeouts.

Usage: bench/http_bench.py --baseline BIN [--duration D] [--connections C] [--runs R]
(BIN: a yivideo binary built from an earlier commit, e.g. `git worktree add /tmp/old <commit>` and a build
there.) Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import threading
import time

from benchlib import BIN, SHARED, Server, call, machine, wait_done

CLIP = os.path.join(SHARED, "fixtures", "jfk.wav")


class Attack:
    """200 slowloris connections and 100 idle keep-alive ones against a port, for a `with` block."""

    def __init__(self, port):
        self.port, self.stop, self.socks = port, threading.Event(), []

    def __enter__(self):
        for i in range(300):
            s = socket.create_connection(("127.0.0.1", self.port))
            s.sendall(b"GET / HTTP/1.1\r\n" if i < 200 else b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            self.socks.append(s)
        self.thread = threading.Thread(target=self.drip, daemon=True)
        self.thread.start()
        return self

    def drip(self):
        while not self.stop.wait(1):
            for s in self.socks[:200]:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        for s in self.socks:
            s.close()


def wrk(url, connections, duration):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "2s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", out, flags=re.M)
    timeouts = re.search(r"timeout (\d+)", out)
    return rps, p99.group(1) if p99 else "-", int(timeouts.group(1)) if timeouts else 0


def finished_workflow(base):
    subprocess.run(["curl", "-sf", "-X", "POST", base + "/v1/files/upload", "-F", f"file=@{CLIP}",
                    "-F", "file_path=bench/clip.wav"], check=True, capture_output=True)
    wid = call(base, "/v1/workflows", {"video_path": "bench/clip.wav", "workflow_config": {
        "workflow_chain": ["ffmpeg.extract_audio", "faster_whisper.transcribe_audio"]},
        "faster_whisper.transcribe_audio": {"beam_size": 1}})["workflow_id"]
    assert wait_done(base, wid)["status"] == "completed"
    return f"{base}/v1/workflows/status/{wid}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", required=True, help="yivideo binary of the build to compare with")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    builds = {"baseline": args.baseline, "this build": BIN}
    rows = {name: {"plain": [], "attacked": []} for name in builds}
    with Server(workers=1, binary=builds["baseline"]) as old, Server(workers=1, binary=BIN) as new:
        servers = {"baseline": old, "this build": new}
        urls = {name: finished_workflow(s.base) for name, s in servers.items()}
        for _ in range(args.runs):
            for name in builds:
                rows[name]["plain"].append(wrk(urls[name], args.connections, args.duration))
        for name, s in servers.items():
            with Attack(s.port):
                time.sleep(1)
                rows[name]["attacked"].append(wrk(urls[name], args.connections, args.duration))

    print(f"### HTTP connection layer: status throughput, this build against a baseline ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/http_bench.py --baseline <bin> --duration {args.duration} "
          f"--connections {args.connections} --runs {args.runs}`; runs alternate between the two servers. "
          "Attacked: 200 slowloris connections (a head byte a second) and 100 idle keep-alive connections held "
          "open meanwhile. wrk timeout 2 s.\n")
    print("| Build | Condition | Requests/s | p99 | wrk timeouts |\n|---|---|---|---|---|")
    for name in builds:
        for condition in ("plain", "attacked"):
            for rps, p99, timeouts in rows[name][condition]:
                print(f"| {name} | {condition} | {rps:,.0f} | {p99} | {timeouts} |")


if __name__ == "__main__":
    main()
