"""What the Python SDK's tests share: the package, installed the way a user installs it (pip from the checkout,
offline, into a folder of this run; its build backend and httpx/tqdm come from third_party/sdk-requirements.txt's
environment, whose interpreter runs the tests), and a live `yivideo serve` for a test class with JFK's inaugural
line uploaded as videos/jfk.wav.

Environment (set by CTest and scripts/test): YIVIDEO_BIN, YIVIDEO_SHARED_FIXTURES.
"""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from live_api import Served

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SITE = tempfile.mkdtemp(prefix="yivideo-sdk-site-")
atexit.register(shutil.rmtree, SITE, True)
subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                "--no-index", "--target", SITE, os.path.join(ROOT, "clients", "python")], check=True)
sys.path.insert(0, SITE)
import yivideo  # noqa: E402,F401  (the package just installed, for the tests to import from here)

BIN = os.environ["YIVIDEO_BIN"]
JFK = os.path.join(os.environ["YIVIDEO_SHARED_FIXTURES"], "jfk.wav")
CHAIN = ["ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "wservice.generate_subtitle_files"]
JFK_WORDS = "ask not what your country can do for you"


def words(text):
    return " ".join(re.findall(r"[a-z']+", text.lower()))


def server_env(folder, **extra):
    env = {name: value for name, value in os.environ.items()
           if name not in ("YIVIDEO_MODEL", "YIVIDEO_STORAGE", "YIVIDEO_API_KEY")}
    env.update(YIVIDEO_DATA_DIR=os.path.join(folder, "data"), TMPDIR=folder, **extra)
    return env


class SdkServerCase(unittest.TestCase):
    """A server for the class (server_settings() adds to its environment), and a scratch folder per test."""

    @classmethod
    def server_settings(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        folder = tempfile.mkdtemp(prefix="yivideo-sdk-")
        cls.server = Served(BIN, folder, server_env(folder, **cls.server_settings()))
        cls.base = cls.server.base
        with yivideo.Client(cls.base) as yv:
            yv.upload(JFK, "videos/jfk.wav")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="yivideo-sdk-work-")
        self.addCleanup(shutil.rmtree, self.work, True)
