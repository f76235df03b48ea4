"""What the benchmarks share: where the binary and fixtures are, timing a child process, the machine line."""

import json
import os
import platform
import subprocess
import time
import urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("YIVIDEO_BIN", os.path.join(ROOT, "build", "yivideo"))
SYNTH = os.path.join(ROOT, "build", "fixtures", "synth")
SHARED = os.environ.get("YIVIDEO_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))


def measure(cmd):
    """Runs cmd in a child process; returns (wall seconds, peak RSS in MiB, its stdout)."""
    wall, _, rss, stdout = measure_cpu(cmd)
    return wall, rss, stdout


def measure_cpu(cmd):
    """Runs cmd in a child process; returns (wall seconds, CPU seconds (user + system), peak RSS in MiB, its
    stdout)."""
    script = ("import resource, subprocess, sys, time; t = time.time(); "
              "r = subprocess.run(sys.argv[1:], check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL); "
              "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
              "sys.stderr.write(f'{time.time() - t} {u.ru_utime + u.ru_stime} {u.ru_maxrss}\\n'); "
              "sys.stdout.write(r.stdout.decode())")
    done = subprocess.run(["python3", "-c", script, *cmd], capture_output=True, text=True, check=True)
    wall, cpu, rss = done.stderr.split()[-3:]
    return float(wall), float(cpu), int(rss) / 1024, done.stdout


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()}"


def call(base, path, body=None, headers=None):
    """GET (or POST `body` as JSON to) base + path, with extra `headers`; returns the parsed answer."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def seconds(iso):
    """The server's ISO-8601 UTC time as seconds since the epoch."""
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def wait_done(base, workflow_id, interval=0.005, headers=None):
    """Polls the workflow's status until it has ended; returns the last status."""
    while True:
        s = call(base, f"/v1/workflows/status/{workflow_id}", headers=headers)
        if s["status"] not in ("pending", "running"):
            return s
        time.sleep(interval)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`yivideo serve` in a scratch directory for the length of a `with` block: .base (URL), .pid, .work. Its
    state is a SQLite file there, or `backend` (a redis:// URL) when given."""

    def __init__(self, workers=1, env=None, binary=None, backend=None):
        import tempfile
        self.workers, self.extra_env, self.binary, self.backend = workers, env or {}, binary or BIN, backend
        self.work = tempfile.mkdtemp(prefix="yivideo-bench-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        import time
        import urllib.request
        env = dict(os.environ, YIVIDEO_DATA_DIR=os.path.join(self.work, "data"), TMPDIR=self.work, **self.extra_env)
        self.log = open(os.path.join(self.work, "serve.log"), "w")
        state = ["--backend", self.backend] if self.backend else ["--db", os.path.join(self.work, "state.db")]
        self.process = subprocess.Popen([self.binary, "serve", "--port", str(self.port), *state,
                                         "--workers", str(self.workers)],
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.process.pid
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/", timeout=1)
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server did not start; see " + self.log.name)

    def __exit__(self, *exc):
        import shutil
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.work, ignore_errors=True)
