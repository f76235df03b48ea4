#!/usr/bin/env python3
"""Memory of large uploads and downloads through the file API (issue 6; not a test).

Makes a file of --gigabytes (default 2) of pseudo-random bytes, uploads it with curl (-F, as the quick-start does),
downloads it again, checks the bytes (sha256), and reads the server's peak resident memory (VmHWM in
/proc/<pid>/status) after each step. Runs against the local store, and against S3 when $YIVIDEO_MOTO_PYTHON names
a moto installation (scripts/test installs one; moto keeps objects in its own memory, which is not ours).
Usage: bench/files_bench.py [--gigabytes 2]. Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import hashlib
import os
import subprocess
import tempfile
import time
import urllib.request

from benchlib import Server, free_port, machine


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_file(path, size):
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        for i in range(size >> 20):
            f.write(block[i % 7:] + block[:i % 7])  # every MiB different, cheaply


def run(label, env, source, tmp):
    with Server(workers=0, env=env) as server:
        before = peak_rss_mib(server.pid)
        t = time.time()
        subprocess.run(["curl", "-sf", "-X", "POST", server.base + "/v1/files/upload", "-F", f"file=@{source}",
                        "-F", "file_path=bench/large.bin", "-o", "/dev/null"], check=True)
        upload_s = time.time() - t
        after_upload = peak_rss_mib(server.pid)
        target = os.path.join(tmp, "downloaded.bin")
        t = time.time()
        subprocess.run(["curl", "-sf", server.base + "/v1/files/download/bench/large.bin", "-o", target], check=True)
        download_s = time.time() - t
        after_download = peak_rss_mib(server.pid)
        same = sha256(target) == sha256(source)
        os.remove(target)
    return label, upload_s, download_s, before, after_upload, after_download, same


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gigabytes", type=float, default=2)
    args = ap.parse_args()
    size = int(args.gigabytes * (1 << 30))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "large.bin")
        make_file(source, size)
        rows.append(run("local", {}, source, tmp))
        moto_python = os.environ.get("YIVIDEO_MOTO_PYTHON")
        if moto_python:
            port = free_port()
            moto = subprocess.Popen([moto_python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                for _ in range(300):
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
                        break
                    except OSError:
                        time.sleep(0.05)
                rows.append(run("s3 (moto)", {"YIVIDEO_STORAGE": "s3", "YIVIDEO_S3_ENDPOINT": f"http://127.0.0.1:{port}",
                                              "YIVIDEO_S3_ACCESS_KEY": "bench", "YIVIDEO_S3_SECRET_KEY": "bench"},
                                source, tmp))
            finally:
                moto.terminate()
                moto.wait(timeout=30)

    gib = size / (1 << 30)
    print(f"### Files: {gib:g} GiB through the API ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/files_bench.py --gigabytes {args.gigabytes:g}`: curl -F upload, "
          "curl download, sha256 compared; the server's peak RSS (VmHWM) read from /proc.\n")
    print("| Backend | Upload | Download | Peak RSS: idle / after upload / after download | Bytes equal |\n"
          "|---|---|---|---|---|")
    for label, up, down, idle, after_up, after_down, same in rows:
        print(f"| {label} | {up:.1f} s ({gib * 1024 / up:.0f} MiB/s) | {down:.1f} s ({gib * 1024 / down:.0f} MiB/s) "
              f"| {idle:.0f} / {after_up:.0f} / {after_down:.0f} MiB | {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
