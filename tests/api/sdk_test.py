"""The Python SDK (clients/python) against a live `yivideo serve` running real Whisper on JFK's inaugural line,
everything but the event stream (sdk_events_test.py): single tasks and a signed callback received by a local
HTTP server, the OpenAI-style route, error answers as exceptions with their codes, API keys; and, without a
server, the SSE parser's corners and the package's types (mypy --strict).

Environment (set by CTest and scripts/test): YIVIDEO_BIN, YIVIDEO_SHARED_FIXTURES; run with the interpreter of
YIVIDEO_SDK_PYTHON.
"""

import http.server
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.request

from live_api import Served
from sdk_support import BIN, CHAIN, JFK, JFK_WORDS, SITE, SdkServerCase, server_env, words, yivideo

SECRET = "sdk-test-secret"


class Receiver(http.server.ThreadingHTTPServer):
    """A callback target on loopback: every POST's raw body and headers, in order of arrival."""

    def __init__(self):
        self.received = queue.Queue()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.put((body, dict(self.headers)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/hook"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class SdkTest(SdkServerCase):
    @classmethod
    def server_settings(cls):
        return {"YIVIDEO_CALLBACK_SECRET": SECRET, "YIVIDEO_CALLBACK_ALLOW_PRIVATE": "1",
                "YIVIDEO_CALLBACK_RETRY_BASE": "0.2"}

    @classmethod
    def setUpClass(cls):
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.shutdown)
        super().setUpClass()

    def test_errors_map_to_exceptions(self):
        with yivideo.Client(self.base) as yv:
            with self.assertRaises(yivideo.BadRequestError) as caught:
                yv.submit(["ffmpeg.extract_audio", "no_such.node"], video_path="videos/jfk.wav")
            self.assertEqual((caught.exception.status, caught.exception.code), (400, "unknown_node"))
            self.assertIn("no_such.node", caught.exception.detail)
            with self.assertRaises(yivideo.NotFoundError) as caught:
                yv.submit(CHAIN, video_path="videos/missing.mp4")
            self.assertEqual(caught.exception.code, "file_not_found")

    def test_single_task_and_signed_callback(self):
        with yivideo.Client(self.base) as yv:
            yv.upload(JFK, "videos/jfk-other.wav")
            accepted = yv.run_task("ffmpeg.extract_audio", {"video_path": "videos/jfk.wav"},
                                   task_id="sdk-task-1", callback_url=self.receiver.url,
                                   callback_auth_header="Bearer sdk-hook-token")
            self.assertEqual(accepted["task_id"], "sdk-task-1")
            task = yv.wait_task("sdk-task-1")
            self.assertEqual(task["status"], "completed")
            with urllib.request.urlopen(task["result"]["download_urls"]["audio_path"]) as r:
                self.assertEqual(r.read(4), b"RIFF")
            with self.assertRaises(yivideo.ConflictError):  # the same id with other input
                yv.run_task("ffmpeg.extract_audio", {"video_path": "videos/jfk-other.wav"}, task_id="sdk-task-1")
        body, headers = self.receiver.received.get(timeout=60)
        payload = yivideo.verify_callback(body, headers, SECRET)
        self.assertEqual(headers["Authorization"], "Bearer sdk-hook-token")
        self.assertEqual((payload["task_id"], payload["status"]), ("sdk-task-1", "completed"))
        sent_at = payload["delivery"]["sent_at"]
        refused = {
            "another secret": (body, headers, "other-secret", {}),
            "an altered body": (body.replace(b"completed", b"failed"), headers, SECRET, {}),
            "no signature": (body, {"Content-Type": "application/json"}, SECRET, {}),
            "a replay an hour later": (body, headers, SECRET, {"now": sent_at + 3600}),
        }
        for case, (b, h, secret, kwargs) in refused.items():
            with self.subTest(case), self.assertRaises(yivideo.SignatureError):
                yivideo.verify_callback(b, h, secret, **kwargs)
        self.assertEqual(yivideo.verify_callback(body.decode(), headers, SECRET.encode(), now=sent_at + 60), payload)

    def test_openai_style_transcription(self):
        with yivideo.Client(self.base) as yv:
            answer = yv.transcribe(JFK, language="en")
            self.assertIn(JFK_WORDS, words(answer["text"]))
            srt = yv.transcribe(JFK, response_format="srt")
            self.assertRegex(srt, r"00:00:0\d,\d{3} --> ")
            verbose = yv.transcribe(JFK, response_format="verbose_json", timestamp_granularities=["word"])
            self.assertIn("country", [w["word"].strip().lower().strip(",.") for w in verbose["words"]])
            self.assertIn("tiny.en", [m["name"] for m in yv.models()["models"]])


class EventStreamTest(unittest.TestCase):
    """The SSE parser on the wire format's corners that a live server seldom shows."""

    def feed(self, stream, text):
        return [e for e in map(stream.feed, text.split("\n")) if e is not None]

    def test_wire_format(self):
        stream = yivideo.sse.EventStream()
        events = self.feed(stream, ": keep-alive\n\nretry: 250\nid: 7\nevent: stage_progress\n"
                                   'data: {"percent": 40,\ndata:  "stage": "stage_1"}\n\n'
                                   "id: 8\n\nevent: end\ndata:{\"status\": \"completed\"}\n\n")
        self.assertEqual(events, [yivideo.Event("7", "stage_progress", {"percent": 40, "stage": "stage_1"}),
                                  yivideo.Event("8", "end", {"status": "completed"})])
        self.assertTrue(stream.ended)
        self.assertEqual((stream.retry_seconds, stream.headers()["Last-Event-ID"]), (0.25, "8"))

    def test_resumes_after_the_last_whole_event(self):
        stream = yivideo.sse.EventStream("3")
        self.assertEqual(stream.headers()["Last-Event-ID"], "3")
        self.assertEqual(self.feed(stream, 'id: 4\nevent: segment\ndata: {"text": "a"}\n\nid: 5\nevent: seg'), [
            yivideo.Event("4", "segment", {"text": "a"})])
        stream.connected()  # the half-received event 5 is dropped: the server sends it again after id 4
        self.assertEqual(stream.headers()["Last-Event-ID"], "4")
        self.assertEqual(self.feed(stream, 'id: 5\nevent: segment\ndata: {"text": "b"}\n\n')[0].data["text"], "b")
        for _ in range(yivideo.sse.MAX_RECONNECTS):
            stream.lost(None)
        with self.assertRaises(yivideo.YiVideoError):
            stream.lost(None)


class TypedPackageTest(unittest.TestCase):
    """The package is typed for its users: mypy --strict passes on it and on a script using it, and catches a
    script that misuses an answer's type (so the types reach users, rather than Any)."""

    USER = """
import asyncio
import yivideo

def run(yv: yivideo.Client) -> str:
    stored: yivideo.FileStored = yv.upload("a.mp4", "videos/a.mp4", progress=lambda sent, total: None)
    run = yv.submit(["ffmpeg.extract_audio"], video_path=stored["file_path"], language="en")
    final: yivideo.WorkflowStatus = yv.wait(run["workflow_id"], on_event=lambda e: print(e.type, e.data))
    return final["status"] + yv.subtitles(run["workflow_id"], format="vtt")

async def arun(yv: yivideo.AsyncClient) -> int:
    async for event in yv.events("id"):
        print(event.id)
    return len(await yv.download("id", "out"))

try:
    asyncio.run(arun(yivideo.AsyncClient()))
except yivideo.APIError as e:
    print(e.status, e.code, e.retry_after)
"""

    def mypy(self, *args):
        folder = tempfile.mkdtemp(prefix="yivideo-sdk-mypy-")
        self.addCleanup(shutil.rmtree, folder, True)
        return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", folder, *args],
                              capture_output=True, text=True, env=dict(os.environ, MYPYPATH=SITE), cwd=folder)

    def test_strict_type_check(self):
        self.assertTrue(os.path.exists(os.path.join(SITE, "yivideo", "py.typed")))
        for args in (("-p", "yivideo"), ("-c", self.USER)):
            good = self.mypy(*args)
            self.assertEqual(good.returncode, 0, good.stdout + good.stderr)
        bad = self.mypy("-c", "import yivideo\ncount: int = yivideo.Client().subtitles('id')\n")
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn('expression has type "str", variable has type "int"', bad.stdout)


class SdkKeysTest(unittest.TestCase):
    """A server with API keys: the SDK sends the key given, or $YIVIDEO_API_KEY, as a Bearer token."""

    @classmethod
    def setUpClass(cls):
        folder = tempfile.mkdtemp(prefix="yivideo-sdk-keys-")
        env = server_env(folder)

        def create(scopes):
            out = subprocess.run([BIN, "keys", "create", "--name", scopes, "--scopes", scopes], env=env,
                                 check=True, capture_output=True, text=True).stdout
            return json.loads(out)["key"]

        cls.key, cls.read_only = create("read,submit,files"), create("read")
        cls.server = Served(BIN, folder, env)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_keys(self):
        with yivideo.Client(self.server.base) as anonymous:
            with self.assertRaises(yivideo.AuthenticationError) as caught:
                anonymous.supported_tasks()
            self.assertEqual((caught.exception.status, caught.exception.code), (401, "unauthorized"))
        with yivideo.Client(self.server.base, api_key="yv_not-a-key") as wrong:
            with self.assertRaises(yivideo.AuthenticationError) as caught:
                wrong.supported_tasks()
            self.assertEqual(caught.exception.code, "invalid_api_key")
        with yivideo.Client(self.server.base, api_key=self.key) as yv:
            self.assertTrue(yv.supported_tasks())
            self.assertEqual(yv.upload(JFK, "videos/keyed.wav")["size"], os.path.getsize(JFK))
        with yivideo.Client(self.server.base, api_key=self.read_only) as reader:
            with self.assertRaises(yivideo.PermissionDeniedError) as caught:
                reader.upload(JFK, "videos/refused.wav")
            self.assertEqual((caught.exception.status, caught.exception.code), (403, "insufficient_scope"))
        os.environ["YIVIDEO_API_KEY"] = self.key
        try:
            with yivideo.Client(self.server.base) as from_env:
                self.assertTrue(from_env.supported_tasks())
        finally:
            del os.environ["YIVIDEO_API_KEY"]


if __name__ == "__main__":
    unittest.main()
