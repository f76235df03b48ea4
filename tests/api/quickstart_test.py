"""The quick-start guide's own clients, run against a live `yivideo serve` (black-box).

The code blocks are read from ../shared/seed/yivideo-quickstart-zh.txt at test time, so what runs is the guide's
text. The only adaptations are the ones a reader makes: the base URL (our test server listens on a free port,
not 8000), the local file paths the guide leaves as placeholders, and the imports the single-task snippet assumes.

Environment (set by CTest): YIVIDEO_BIN, YIVIDEO_QUICKSTART (the guide), YIVIDEO_SYNTH_DIR (media made by
tools/synth_fixture.py), YIVIDEO_MODEL_DIR (the models).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.request

from live_api import free_port, wait_until_up

BIN = os.environ["YIVIDEO_BIN"]
GUIDE = os.environ["YIVIDEO_QUICKSTART"]
MEETING = os.path.join(os.environ["YIVIDEO_SYNTH_DIR"], "meeting.mp4")


def code_blocks(language):
    """Every ```<language> block of the guide, in order."""
    with open(GUIDE, encoding="utf-8", errors="replace") as f:
        text = f.read()
    return re.findall(r"```" + language + r"\n(.*?)```", text, flags=re.S)


def block_containing(language, marker):
    found = [b for b in code_blocks(language) if marker in b]
    if len(found) != 1:
        raise AssertionError(f"expected one {language} block containing {marker!r}, found {len(found)}")
    return found[0]


class LiveServerCase(unittest.TestCase):
    """A `yivideo serve` for the class, in its own directory; BACKEND_ENV adds settings (the S3 store)."""

    @classmethod
    def backend_env(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="yivideo-quickstart-")
        cls.port = free_port()
        cls.base = f"http://localhost:{cls.port}"
        env = dict(os.environ, YIVIDEO_DATA_DIR=os.path.join(cls.dir, "data"), TMPDIR=cls.dir, **cls.backend_env())
        cls.log = open(os.path.join(cls.dir, "serve.log"), "w")
        cls.server = subprocess.Popen(
            [BIN, "serve", "--port", str(cls.port), "--db", os.path.join(cls.dir, "state.db"), "--workers", "1"],
            env=env, stdout=cls.log, stderr=subprocess.STDOUT)
        wait_until_up(cls.base + "/")

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def adapt(self, code, files=None):
        code = code.replace("http://localhost:8000", self.base)
        for placeholder, path in (files or {}).items():
            code = code.replace(placeholder, path)
        return code

    def run_script(self, interpreter, code, *args, timeout=300, answers=""):
        path = os.path.join(self.dir, "script")
        with open(path, "w", encoding="utf-8") as f:
            f.write(code)
        result = subprocess.run([interpreter, path, *args], capture_output=True, text=True, timeout=timeout,
                                cwd=self.dir, input=answers)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def status(self, workflow_id):
        with urllib.request.urlopen(f"{self.base}/v1/workflows/status/{workflow_id}") as r:
            return json.load(r)

    def stored(self, share_name):
        """The local file of an output named /share/<key> (the local store's object of that key)."""
        return os.path.join(self.dir, "data", "files", "yivideo", share_name[len("/share/"):])

    def upload(self, path, key):
        subprocess.run(["curl", "-sf", "-X", "POST", f"{self.base}/v1/files/upload", "-F", f"file=@{path}",
                        "-F", f"file_path={key}"], check=True, capture_output=True)

    def file_commands(self):
        """The guide's upload, `curl -I` check and download commands, run as written (but for the port and the
        local file path); returns what they printed."""
        upload = self.adapt(block_containing("bash", "file_path=videos/my_video.mp4"),
                            {"/path/to/your/video.mp4": MEETING})
        check = self.adapt(block_containing("bash", 'curl -I "http://localhost:8000/v1/files/download'))
        fetch = [line for line in block_containing("bash", "-o output.srt").splitlines()
                 if not line.startswith(("ls ", "#"))]
        self.upload_bytes(b"1\n00:00:00,000 --> 00:00:01,000\nhello\n", "videos/result.srt")
        out = self.run_script("bash", upload + check + self.adapt("\n".join(fetch)) + "\n")
        with open(MEETING, "rb") as f:
            meeting = f.read()
        self.assertRegex(out, r'"file_path":\s*"videos/my_video.mp4"')
        self.assertRegex(out, r"HTTP/1.1 200 OK")
        self.assertIn("Content-Type: video/mp4", out)
        self.assertIn(f"Content-Length: {len(meeting)}", out)
        with open(os.path.join(self.dir, "output.srt"), encoding="utf-8") as f:
            self.assertIn("hello", f.read())
        return out

    def upload_bytes(self, data, key):
        path = os.path.join(self.dir, "upload.bin")
        with open(path, "wb") as f:
            f.write(data)
        self.upload(path, key)


class QuickStartTest(LiveServerCase):
    def test_file_commands(self):
        self.file_commands()

    def test_five_minute_curl_script(self):
        script = self.adapt(code_blocks("bash")[0], {"/path/to/video.mp4": MEETING})
        out = self.run_script("bash", script)
        workflow_id = re.search(r"ID: ([0-9a-f-]{36})", out).group(1)
        status = self.status(workflow_id)
        self.assertEqual(status["status"], "completed", out)
        self.assertIn("weekly project meeting", status["stages"]["stage_0"]["output"]["text"].lower())
        self.assertIn('"status": "completed"', out)  # the script printed the finished stages

    def test_monitor_workflow_script(self):
        monitor = self.adapt(block_containing("bash", 'workflow_id="$1"'))
        self.upload(MEETING, "videos/monitor.mp4")
        request = urllib.request.Request(
            f"{self.base}/v1/workflows", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"video_path": "videos/monitor.mp4", "workflow_config": {
                "workflow_chain": ["ffmpeg.extract_audio", "faster_whisper.transcribe_audio"]}}).encode())
        with urllib.request.urlopen(request) as r:
            workflow_id = json.load(r)["workflow_id"]
        out = self.run_script("bash", monitor, workflow_id)
        self.assertIn("2/2", out)
        self.assertEqual(self.status(workflow_id)["status"], "completed")

    def test_complete_workflow_example_with_speakers(self):
        # The guide's full chain (extract, transcribe, diarize, subtitles) with speaker_count 2, followed by its
        # monitor script, saved as ./monitor_workflow.sh as the guide tells; "n" to its clean-up question.
        self.upload(MEETING, "videos/lecture.mp4")
        monitor = os.path.join(self.dir, "monitor_workflow.sh")
        with open(monitor, "w", encoding="utf-8") as f:
            f.write(self.adapt(block_containing("bash", 'workflow_id="$1"')))
        os.chmod(monitor, 0o755)
        out = self.run_script("bash", self.adapt(block_containing("bash", '"speaker_count": 2')), answers="n\n")
        workflow_id = re.search(r"([0-9a-f-]{36})", out).group(1)
        status = self.status(workflow_id)
        self.assertEqual(status["status"], "completed", out)
        diarized = status["stages"]["stage_2"]["output"]
        self.assertEqual(diarized["speaker_count"], 2)
        subtitles = status["stages"]["stage_3"]["output"]
        with open(self.stored(subtitles["speaker_srt_path"]), encoding="utf-8") as f:
            labelled = f.read()
        self.assertIn("SPEAKER_00", labelled)
        self.assertIn("SPEAKER_01", labelled)
        with open(self.stored(subtitles["vtt_path"]), encoding="utf-8") as f:
            self.assertIn("<v SPEAKER_0", f.read())

    def test_python_client_end_to_end(self):
        code = self.adapt(block_containing("python", "class YiVideoClient"),
                          {'client.upload_file("video.mp4"': f'client.upload_file("{MEETING}"'})
        out = self.run_script("python3", code)
        self.assertIn("✅", out, out)  # "工作流完成" after wait_for_completion returned
        self.assertNotIn("错误", out, out)
        self.assertIn("weekly project meeting", out.lower())

    def test_single_task_snippet(self):
        self.upload(MEETING, "videos/input.mp4")
        snippet = block_containing("python", '"task_id": "extract-001"')
        out = self.run_script("python3", "import requests, time\n" + self.adapt(snippet))
        self.assertIn("'status': 'completed'", out, out)
        self.assertIn("'audio_path'", out, out)


    def test_incremental_snippet(self):
        # The guide's snippet calls its own create_workflow() without the two arguments that function requires
        # (a TypeError before any request is sent); the one fix made here passes them. Its workflow_config then
        # replaces the empty chain, as the client's data.update(params) intends.
        self.upload(MEETING, "videos/lecture.mp4")
        client = block_containing("python", "class YiVideoClient")
        client = client[:client.index("client = YiVideoClient()")] + "client = YiVideoClient()\n"
        snippet = block_containing("python", 'execution_mode="incremental"')
        fixed = snippet.replace("workflow2 = client.create_workflow(\n",
                                'workflow2 = client.create_workflow(\n    video_path="videos/lecture.mp4", workflow_chain=[],\n')
        self.assertNotEqual(fixed, snippet)
        code = self.adapt(client + fixed) + "\nprint('WORKFLOW', workflow2['workflow_id'])\n"
        out = self.run_script("python3", code)
        workflow_id = re.search(r"WORKFLOW ([0-9a-f-]{36})", out).group(1)
        status = self.status(workflow_id)
        self.assertEqual(status["status"], "completed", status)
        self.assertEqual([s["task_name"] for s in status["stages"].values()],
                         ["faster_whisper.transcribe_audio", "wservice.generate_subtitle_files"])
        srt = status["stages"]["stage_1"]["output"]["srt_path"]
        with open(self.stored(srt), encoding="utf-8") as f:
            self.assertIn("00:00:0", f.read())


class QuickStartOnS3Test(LiveServerCase):
    """The same file commands with the server's objects in an S3 store (a moto server started here)."""

    @classmethod
    def backend_env(cls):
        port = free_port()
        cls.moto = subprocess.Popen([os.environ["YIVIDEO_MOTO_PYTHON"], "-m", "moto.server", "-H", "127.0.0.1",
                                     "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up(f"http://127.0.0.1:{port}/moto-api/")
        return {"YIVIDEO_STORAGE": "s3", "YIVIDEO_S3_ENDPOINT": f"http://127.0.0.1:{port}",
                "YIVIDEO_S3_ACCESS_KEY": "quickstart", "YIVIDEO_S3_SECRET_KEY": "quickstart"}

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.moto.terminate()
        cls.moto.wait(timeout=30)

    def test_file_commands(self):
        self.file_commands()


if __name__ == "__main__":
    unittest.main()
