"""What the benchmarks share: where the binary and fixtures are, timing a child process, the machine line."""

import os
import platform
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("YIVIDEO_BIN", os.path.join(ROOT, "build", "yivideo"))
SYNTH = os.path.join(ROOT, "build", "fixtures", "synth")
SHARED = os.environ.get("YIVIDEO_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))


def measure(cmd):
    """Runs cmd in a child process; returns (wall seconds, peak RSS in MiB, its stdout)."""
    script = ("import resource, subprocess, sys, time; t = time.time(); "
              "r = subprocess.run(sys.argv[1:], check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL); "
              "sys.stderr.write(f'{time.time() - t} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n'); "
              "sys.stdout.write(r.stdout.decode())")
    done = subprocess.run(["python3", "-c", script, *cmd], capture_output=True, text=True, check=True)
    wall, rss = done.stderr.split()[-2:]
    return float(wall), int(rss) / 1024, done.stdout


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()}"
