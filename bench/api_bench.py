#!/usr/bin/env python3
"""API benchmark (issues 3 and 23; not a test): dispatch latency and status-route throughput of `yivideo serve`,
on each state backend: SQLite (the embedded deployment) and Redis (the scale-out one; a redis-server started
here on loopback with AOF on, as production runs it).

  1. Dispatch: submits N one-stage workflows (ffmpeg.extract_audio on an uploaded 11 s clip), one after the other
     so that a worker is idle when each arrives, and reports submit -> first-stage-running latency from the
     server's own timestamps (stage start_time - workflow created_at), p50/p90/p99/max.
  2. Status: `wrk` against GET /v1/workflows/status/{id} of a finished two-stage workflow on loopback; requests
     per second and latency percentiles, over several runs alternating between the backends' servers (both
     up for the whole run), each with the CPU time the host stole meanwhile and the load average before it.
     Backend `keys` is SQLite with API keys on, polled with a key that is not admin (so the ownership check
     runs too): its figure beside plain SQLite's is the cost of keys.

Usage: bench/api_bench.py [--backend sqlite|redis|keys ...] [--workflows N] [--duration S] [--connections C]
[--runs R] (after scripts/test or scripts/serve built the binary; default: both backends). Prints a Markdown
section for bench/RESULTS.md.
"""

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

from benchlib import SHARED, Server, call, free_port, machine, seconds, wait_done

CLIP = os.path.join(SHARED, "fixtures", "jfk.wav")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def stolen_ms():
    """CPU time the hypervisor has taken from this machine so far (all CPUs), in ms: a tail-latency suspect."""
    with open("/proc/stat") as f:
        steal = int(f.readline().split()[8])
    return steal * 1000 / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def redis_server():
    """A redis-server on a free loopback port, AOF on, in a scratch directory; yields its URL."""
    work = tempfile.mkdtemp(prefix="yivideo-bench-redis-")
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", work,
                                "--appendonly", "yes", "--save", ""],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def dispatch_latencies(base, workflows):
    """Submit -> first stage running of `workflows` one-stage workflows, one after the other, in ms."""
    ms = []
    for _ in range(workflows):
        wid = call(base, "/v1/workflows", {"video_path": "bench/clip.wav",
                                          "workflow_config": {"workflow_chain": ["ffmpeg.extract_audio"]}})["workflow_id"]
        s = wait_done(base, wid)
        assert s["status"] == "completed", s
        ms.append((seconds(s["stages"]["stage_0"]["start_time"]) - seconds(s["created_at"])) * 1000)
    return ms


def finished_workflow(base, headers):
    """The id of a two-stage workflow (audio, then its transcript) run to the end: what wrk polls."""
    wid = call(base, "/v1/workflows", {"video_path": "bench/clip.wav", "workflow_config": {
        "workflow_chain": ["ffmpeg.extract_audio", "faster_whisper.transcribe_audio"]},
        "faster_whisper.transcribe_audio": {"beam_size": 1}}, headers=headers)["workflow_id"]
    assert wait_done(base, wid, headers=headers)["status"] == "completed"
    return wid


def header_args(headers):
    """curl's and wrk's arguments for `headers`."""
    return [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]


def wrk(url, headers, connections, duration):
    """One wrk run: (requests/s, {"50": p50, ...}, non-2xx count or None, host steal ms, load average before)."""
    load = os.getloadavg()[0]
    before = stolen_ms()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *header_args(headers),
                          url],
                         capture_output=True, text=True, check=True).stdout
    stolen = stolen_ms() - before
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, flags=re.M)),
            errors.group(1) if errors else None, stolen, load)


def to_ms(latency):
    """wrk's latency text (812.00us, 1.64ms, 1.02s) in ms."""
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", latency).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


NAMES = {"sqlite": "SQLite (`serve --workers 1`)", "redis": "Redis (`serve --backend redis://… --workers 1`)",
         "keys": "SQLite with API keys (a key that is not admin)"}
ADMIN_KEY = "bench-admin-key-" + "0" * 32


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", action="append", choices=list(NAMES),
                    help="state backend to measure; repeat for several, whose wrk runs alternate (default: both)")
    ap.add_argument("--workflows", type=int, default=1000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--runs", type=int, default=5, help="wrk runs per backend, alternating between backends")
    args = ap.parse_args()
    backends = args.backend or list(NAMES)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    with contextlib.ExitStack() as stack:
        servers, dispatch, polled, headers = {}, {}, {}, {}
        for backend in backends:
            url = stack.enter_context(redis_server()) if backend == "redis" else None
            env = {"YIVIDEO_ADMIN_KEY": ADMIN_KEY} if backend == "keys" else None
            servers[backend] = stack.enter_context(Server(workers=1, backend=url, env=env))
        for backend, server in servers.items():
            headers[backend] = {}
            if backend == "keys":
                key = call(server.base, "/v1/keys", {"name": "bench", "scopes": ["read", "submit", "files"]},
                           headers={"X-API-Key": ADMIN_KEY})["key"]
                headers[backend] = {"X-API-Key": key}
            subprocess.run(["curl", "-sf", "-X", "POST", server.base + "/v1/files/upload", *header_args(headers[backend]), "-F",
                            f"file=@{CLIP}", "-F", "file_path=bench/clip.wav"], check=True, capture_output=True)
            # Dispatch does not depend on keys: measured on the backends only.
            dispatch[backend] = dispatch_latencies(server.base, args.workflows) if backend != "keys" else []
            polled[backend] = finished_workflow(server.base, headers[backend])
        runs = {backend: [] for backend in backends}
        for _ in range(args.runs):
            for backend, server in servers.items():
                runs[backend].append(wrk(f"{server.base}/v1/workflows/status/{polled[backend]}", headers[backend],
                                         args.connections, args.duration))

    flags = "".join(f" --backend {b}" for b in args.backend or [])
    print(f"### API: dispatch latency and status throughput ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. "
          f"Command: `bench/api_bench.py{flags} --workflows {args.workflows} --duration {args.duration} "
          f"--connections {args.connections} --runs {args.runs}`. Servers: "
          + ", ".join(NAMES[b] for b in backends) + ", all up for the whole run; wrk runs alternate between them "
          "(2 threads, on the same cores). Host steal: CPU time the hypervisor took from this machine during the "
          "run (/proc/stat); load: the 1-minute load average before it.\n")
    print("| Server | Measure | Result |\n|---|---|---|")
    for backend in backends:
        ms = dispatch[backend]
        if not ms:
            continue
        print(f"| {NAMES[backend]} | submit -> first stage running, {args.workflows} workflows (p50 / p90 / p99 / max) | "
              f"{statistics.median(ms):.1f} / {percentile(ms, 90):.1f} / {percentile(ms, 99):.1f} / {max(ms):.1f} ms |")
    for i in range(args.runs):
        for backend in backends:
            rps, pct, errors, stolen, load = runs[backend][i]
            print(f"| {NAMES[backend]} | GET /v1/workflows/status/{{id}}, {args.connections} connections "
                  f"{args.duration} s, run {i + 1} | {rps:,.0f} requests/s; latency p50 {pct.get('50')}, "
                  f"p90 {pct.get('90')}, p99 {pct.get('99')}; host steal {stolen:.0f} ms; load {load:.1f}"
                  f"{'; non-2xx: ' + errors if errors else ''} |")
    print()
    for backend in backends:
        rates = [r[0] for r in runs[backend]]
        p99s = [to_ms(r[1]["99"]) for r in runs[backend]]
        ratio = (f" ({statistics.median(rates) / statistics.median([r[0] for r in runs[backends[0]]]):.2f}× "
                 f"{NAMES[backends[0]].split()[0]})" if backend != backends[0] else "")
        print(f"- {NAMES[backend]}: median {statistics.median(rates):,.0f} requests/s{ratio}, "
              f"median p99 {statistics.median(p99s):.2f} ms, worst p99 {max(p99s):.2f} ms.")


if __name__ == "__main__":
    main()
