"""What the black-box API tests share: a free loopback port, waiting for a server to answer, and a server of
their own."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url):
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not come up")


class Served:
    """`yivideo serve` with `workers` workers on a free port, its state and data in `folder` (removed by stop())."""

    def __init__(self, binary, folder, env, workers=1):
        self.folder = folder
        self.base = f"http://localhost:{free_port()}"
        self.log = open(os.path.join(folder, "serve.log"), "w")
        self.process = subprocess.Popen(
            [binary, "serve", "--port", self.base.rsplit(":", 1)[1], "--db", os.path.join(folder, "state.db"),
             "--workers", str(workers)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until_up(self.base + "/")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_moto():
    """moto's S3 server (YIVIDEO_MOTO_PYTHON) on a free port: (its process, the store settings naming it)."""
    port = free_port()
    moto = subprocess.Popen([os.environ["YIVIDEO_MOTO_PYTHON"], "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_up(f"http://127.0.0.1:{port}/moto-api/")
    return moto, {"YIVIDEO_STORAGE": "s3", "YIVIDEO_S3_ENDPOINT": f"http://127.0.0.1:{port}",
                  "YIVIDEO_S3_ACCESS_KEY": "yivideo", "YIVIDEO_S3_SECRET_KEY": "yivideo"}
