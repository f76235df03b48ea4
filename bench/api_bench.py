#!/usr/bin/env python3
"""API benchmark (issue 3; not a test): dispatch latency and status-route throughput of `yivideo serve`.

  1. Dispatch: submits N one-stage workflows (ffmpeg.extract_audio on an uploaded 11 s clip), one after the other
     so that a worker is idle when each arrives, and reports submit -> first-stage-running latency from the
     server's own timestamps (stage start_time - workflow created_at), p50/p90/p99/max.
  2. Status: `wrk` against GET /v1/workflows/status/{id} of a finished two-stage workflow on loopback; requests
     per second and latency percentiles, over several runs, each with the CPU time the host stole meanwhile.

Usage: bench/api_bench.py [--workflows N] [--duration S] [--connections C] [--runs R]
(after scripts/test or scripts/serve built the binary). Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import time

from benchlib import SHARED, Server, call, machine, seconds, wait_done

CLIP = os.path.join(SHARED, "fixtures", "jfk.wav")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def stolen_ms():
    """CPU time the hypervisor has taken from this machine so far (all CPUs), in ms: a tail-latency suspect."""
    with open("/proc/stat") as f:
        steal = int(f.readline().split()[8])
    return steal * 1000 / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workflows", type=int, default=1000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--runs", type=int, default=5, help="wrk runs, one after the other, each reported")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    with Server(workers=1) as server:
        base = server.base
        subprocess.run(["curl", "-sf", "-X", "POST", base + "/v1/files/upload", "-F", f"file=@{CLIP}",
                        "-F", "file_path=bench/clip.wav"], check=True, capture_output=True)

        latencies = []
        for _ in range(args.workflows):
            wid = call(base, "/v1/workflows", {"video_path": "bench/clip.wav",
                                              "workflow_config": {"workflow_chain": ["ffmpeg.extract_audio"]}})["workflow_id"]
            s = wait_done(base, wid)
            assert s["status"] == "completed", s
            latencies.append(seconds(s["stages"]["stage_0"]["start_time"]) - seconds(s["created_at"]))
        ms = [x * 1000 for x in latencies]

        wid = call(base, "/v1/workflows", {"video_path": "bench/clip.wav", "workflow_config": {
            "workflow_chain": ["ffmpeg.extract_audio", "faster_whisper.transcribe_audio"]},
            "faster_whisper.transcribe_audio": {"beam_size": 1}})["workflow_id"]
        assert wait_done(base, wid)["status"] == "completed"
        runs = []
        for _ in range(args.runs):
            before = stolen_ms()
            wrk = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                                  f"{base}/v1/workflows/status/{wid}"], capture_output=True, text=True,
                                 check=True).stdout
            runs.append((wrk, stolen_ms() - before))

    print(f"### API: dispatch latency and status throughput ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. "
          f"Command: `bench/api_bench.py --workflows {args.workflows} --duration {args.duration} "
          f"--connections {args.connections} --runs {args.runs}`. Server: `yivideo serve --workers 1` (SQLite state). "
          "Host steal: CPU time the hypervisor took from this machine during the run (/proc/stat).\n")
    print("| Measure | Result |\n|---|---|")
    print(f"| submit -> first stage running, {args.workflows} workflows (p50 / p90 / p99 / max) | "
          f"{statistics.median(ms):.1f} / {percentile(ms, 90):.1f} / {percentile(ms, 99):.1f} / {max(ms):.1f} ms |")
    for i, (wrk, stolen) in enumerate(runs, 1):
        rps = re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1)
        pct = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", wrk, flags=re.M))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
        print(f"| GET /v1/workflows/status/{{id}}, wrk 2 threads {args.connections} connections {args.duration} s, "
              f"run {i} | {rps} requests/s; latency p50 {pct.get('50')}, p90 {pct.get('90')}, p99 {pct.get('99')}; "
              f"host steal {stolen:.0f} ms{'; non-2xx: ' + errors.group(1) if errors else ''} |")


if __name__ == "__main__":
    main()
