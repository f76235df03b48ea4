#!/usr/bin/env python3
"""API benchmark (issue 3; not a test): dispatch latency and status-route throughput of `yivideo serve`.

  1. Dispatch: submits N one-stage workflows (ffmpeg.extract_audio on an uploaded 11 s clip), one after the other
     so that a worker is idle when each arrives, and reports submit -> first-stage-running latency from the
     server's own timestamps (stage start_time - workflow created_at), p50/p90/p99/max.
  2. Status: `wrk` against GET /v1/workflows/status/{id} of a finished two-stage workflow on loopback; requests
     per second and latency percentiles, over several runs, each with the CPU time the host stole meanwhile.
  3. API keys: the same status route on two servers started side by side, one without keys and one with them
     (the request carries a key that is not admin, so the ownership check runs too), wrk runs alternating.

Usage: bench/api_bench.py [--workflows N] [--duration S] [--connections C] [--runs R] [--keys-runs K]
(--workflows 0 skips the dispatch measure, --runs 0 the plain status runs)
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


ADMIN_KEY = "bench-admin-key-" + "0" * 32


def upload(base, headers):
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    subprocess.run(["curl", "-sf", "-X", "POST", base + "/v1/files/upload", *header_args, "-F", f"file=@{CLIP}",
                    "-F", "file_path=bench/clip.wav"], check=True, capture_output=True)


def transcribed(base, headers):
    """The id of a finished two-stage workflow (extraction and transcription of the clip)."""
    wid = call(base, "/v1/workflows", {"video_path": "bench/clip.wav", "workflow_config": {
        "workflow_chain": ["ffmpeg.extract_audio", "faster_whisper.transcribe_audio"]},
        "faster_whisper.transcribe_audio": {"beam_size": 1}}, headers=headers)["workflow_id"]
    assert wait_done(base, wid, headers=headers)["status"] == "completed"
    return wid


def status_run(url, args, header_args=()):
    before = stolen_ms()
    wrk = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", *header_args,
                          url], capture_output=True, text=True, check=True).stdout
    return wrk, stolen_ms() - before


def describe(wrk, stolen):
    rps = re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1)
    pct = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", wrk, flags=re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
    return (f"{rps} requests/s; latency p50 {pct.get('50')}, p90 {pct.get('90')}, p99 {pct.get('99')}; "
            f"host steal {stolen:.0f} ms{'; non-2xx: ' + errors.group(1) if errors else ''}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workflows", type=int, default=1000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--runs", type=int, default=5, help="wrk runs, one after the other, each reported")
    ap.add_argument("--keys-runs", type=int, default=3, help="wrk runs each with keys off and on, alternating")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    with Server(workers=1) as server, Server(workers=1, env={"YIVIDEO_ADMIN_KEY": ADMIN_KEY}) as keyed:
        base = server.base
        upload(base, {})
        key = call(keyed.base, "/v1/keys", {"name": "bench", "scopes": ["read", "submit", "files"]},
                   headers={"X-API-Key": ADMIN_KEY})["key"]
        upload(keyed.base, {"X-API-Key": key})

        latencies = []
        for _ in range(args.workflows):
            wid = call(base, "/v1/workflows", {"video_path": "bench/clip.wav",
                                              "workflow_config": {"workflow_chain": ["ffmpeg.extract_audio"]}})["workflow_id"]
            s = wait_done(base, wid)
            assert s["status"] == "completed", s
            latencies.append(seconds(s["stages"]["stage_0"]["start_time"]) - seconds(s["created_at"]))
        ms = [x * 1000 for x in latencies]

        wid = transcribed(base, {})
        keyed_wid = transcribed(keyed.base, {"X-API-Key": key})
        plain, with_key = f"{base}/v1/workflows/status/{wid}", f"{keyed.base}/v1/workflows/status/{keyed_wid}"
        runs = [status_run(plain, args) for _ in range(args.runs)]
        key_runs = []
        for _ in range(args.keys_runs):
            key_runs.append(("off", status_run(plain, args)))
            key_runs.append(("on, a key that is not admin", status_run(with_key, args, ["-H", f"X-API-Key: {key}"])))

    print(f"### API: dispatch latency and status throughput ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. "
          f"Command: `bench/api_bench.py --workflows {args.workflows} --duration {args.duration} "
          f"--connections {args.connections} --runs {args.runs} --keys-runs {args.keys_runs}`. Server: `yivideo serve --workers 1` (SQLite state). "
          "Host steal: CPU time the hypervisor took from this machine during the run (/proc/stat).\n")
    print("| Measure | Result |\n|---|---|")
    if ms:
        print(f"| submit -> first stage running, {args.workflows} workflows (p50 / p90 / p99 / max) | "
              f"{statistics.median(ms):.1f} / {percentile(ms, 90):.1f} / {percentile(ms, 99):.1f} / {max(ms):.1f} ms |")
    what = f"wrk 2 threads {args.connections} connections {args.duration} s"
    for i, run in enumerate(runs, 1):
        print(f"| GET /v1/workflows/status/{{id}}, {what}, run {i} | {describe(*run)} |")
    for i, (keys, run) in enumerate(key_runs, 1):
        print(f"| GET /v1/workflows/status/{{id}}, API keys {keys}, {what}, run {(i + 1) // 2} | "
              f"{describe(*run)} |")


if __name__ == "__main__":
    main()
