"""The Python SDK on a workflow's live events (GET /v1/workflows/<id>/events), against a live `yivideo serve`
running real Whisper on JFK's inaugural line: the quick-start chain with the blocking and the asyncio client,
waiting on the event stream (in order, ending with the final status), a stream cut short and resumed, the
progress bar, a cancelled workflow, downloading every output and checking its content, and the README's SDK
examples run as printed.

Environment (set by CTest and scripts/test): YIVIDEO_BIN, YIVIDEO_SHARED_FIXTURES; run with the interpreter of
YIVIDEO_SDK_PYTHON.
"""

import asyncio
import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import unittest
import urllib.request

from sdk_support import CHAIN, JFK, JFK_WORDS, ROOT, SITE, SdkServerCase, words, yivideo


class DroppingProxy(threading.Thread):
    """A TCP proxy to `upstream` (host, port) that cuts the first event stream through it short: after
    `events` whole events and a few bytes of the next, both sockets are closed, as a lost connection would be.
    `requests` keeps what the client sent, each read as it came (a request head with what followed it)."""

    def __init__(self, upstream, events=3):
        super().__init__(daemon=True)
        self.upstream, self.events, self.requests, self.dropped = upstream, events, [], False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://localhost:{self.listener.getsockname()[1]}"
        self.start()

    def run(self):
        while True:
            client, _ = self.listener.accept()
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client):
        with client, socket.create_connection(self.upstream) as server:
            stream = {"cut": False, "told": b""}  # the client asked for the stream to cut; what it got of it
            threading.Thread(target=self.forward_requests, args=(client, server, stream), daemon=True).start()
            while chunk := server.recv(65536):
                if stream["cut"]:
                    told = stream["told"] + chunk
                    if told.count(b"\n\n") >= self.events:
                        end = [i for i in range(len(told)) if told.startswith(b"\n\n", i)][self.events - 1] + 2
                        client.sendall(told[len(stream["told"]):end + 5])
                        for end_of in (client, server):  # shutdown, not close: a thread is reading from them
                            end_of.shutdown(socket.SHUT_RDWR)
                        return
                    stream["told"] = told
                client.sendall(chunk)

    def forward_requests(self, client, server, stream):
        # Requests on one connection come one after another (httpx does not pipeline), so the bytes the
        # server sends after an event stream's request are that stream.
        with contextlib.suppress(OSError):
            while chunk := client.recv(65536):
                self.requests.append(chunk.decode("latin-1"))
                if b"/events HTTP/1.1\r\n" in chunk and not self.dropped:
                    self.dropped = stream["cut"] = True
                server.sendall(chunk)
            server.shutdown(socket.SHUT_RDWR)  # the client has gone: so has its server side


class SdkEventsTest(SdkServerCase):
    # What every run of the quick-start chain must show, whichever client ran it.

    def check_events(self, events, final):
        types = [e.type for e in events]
        self.assertEqual(types[0], "snapshot", types)
        self.assertEqual(types[-1], "end", types)
        self.assertEqual(types.count("end"), 1, types)
        self.assertEqual(events[-1].data["status"], "completed")
        self.assertEqual(final["status"], "completed")
        ids = [int(e.id) for e in events]
        self.assertEqual(ids, sorted(set(ids)), "ids rise, none repeated")
        # A stream tells the stages that had not ended when it began (the rest are in its snapshot): each
        # starts, then completes, before the next starts.
        snapshot = events[0].data["stages"]
        told = [node for i, node in enumerate(CHAIN) if snapshot[f"stage_{i}"]["status"] != "completed"]
        self.assertIn("faster_whisper.transcribe_audio", told, "the stream began before transcription ended")
        order = [(e.type, e.data["task_name"]) for e in events if e.type in ("stage_started", "stage_completed")]
        self.assertEqual(order, [(kind, node) for node in told for kind in ("stage_started", "stage_completed")])
        completed = {e.data["stage"]: e.data for e in events if e.type == "stage_completed"}
        for stage, data in completed.items():
            self.assertEqual(data["download_urls"], final["stages"][stage]["download_urls"])
        overall = [e.data["workflow_percent"] for e in events if "workflow_percent" in e.data]
        self.assertEqual(overall, sorted(overall), "workflow_percent never goes back")
        self.assertTrue(all(0 <= p <= 100 for p in overall), overall)
        self.assertEqual(events[-1].data["workflow_percent"], 100)
        segments = [e.data for e in events if e.type == "segment"]
        self.assertTrue(segments, "the transcript arrives as segments")
        self.assertIn(JFK_WORDS, words(" ".join(s["text"] for s in segments)))
        indices = [s["index"] for s in segments]
        self.assertEqual(indices, sorted(set(indices)), "each segment once, in order")

    def check_download(self, paths, final, folder):
        """`paths` holds exactly one file per download_urls entry, each the bytes its URL serves."""
        expected = {}
        for stage_key, stage in final["stages"].items():
            for place, url in stage["download_urls"].items():
                value = stage["output"]
                for part in place.split("."):
                    value = value[int(part)] if isinstance(value, list) else value[part]
                prefix = f"/share/workflows/{final['workflow_id']}/"
                self.assertTrue(value.startswith(prefix + stage_key + "/"), value)
                expected[os.path.join(folder, *value[len(prefix):].split("/"))] = url
        self.assertGreaterEqual(len(expected), 3, expected)  # audio, transcript, subtitles at least
        self.assertEqual(sorted(map(str, paths)), sorted(expected))
        for path, url in expected.items():
            with open(path, "rb") as f, urllib.request.urlopen(url) as r:
                self.assertEqual(f.read(), r.read(), path)
        srts = [p for p in expected if p.endswith(".srt")]
        self.assertTrue(srts, expected)
        for srt in srts:
            with open(srt, encoding="utf-8") as f:
                self.assertIn(JFK_WORDS, words(f.read()))
        audio = final["stages"]["stage_0"]["output"]["audio_path"]
        with open(os.path.join(folder, *audio.split("/")[4:]), "rb") as f:
            head = f.read(12)
        self.assertEqual((head[:4], head[8:]), (b"RIFF", b"WAVE"))

    def test_quick_start_chain(self):
        sent = []
        with yivideo.Client(self.base) as yv:
            stored = yv.upload(JFK, "videos/jfk-sync.wav", progress=lambda done, total: sent.append((done, total)))
            size = os.path.getsize(JFK)
            self.assertEqual((stored["file_path"], stored["size"]), ("videos/jfk-sync.wav", size))
            self.assertEqual(sent[-1], (size, size))
            self.assertGreater(len(sent), 1, "progress is reported as the file is sent")
            run = yv.submit(CHAIN, video_path="videos/jfk-sync.wav", language="en",
                            params={"faster_whisper.transcribe_audio": {"beam_size": 5}})
            events = []
            final = yv.wait(run["workflow_id"], progress=False, on_event=events.append)
            self.check_events(events, final)
            self.assertEqual(final, yv.status(run["workflow_id"]))
            folder = os.path.join(self.work, "out")
            self.check_download(yv.download(run["workflow_id"], folder), final, folder)
            self.assertIn(JFK_WORDS, words(yv.subtitles(run["workflow_id"], format="srt")))
            replay = list(yv.events(run["workflow_id"]))  # a finished workflow: its snapshot, then end
            self.assertEqual([e.type for e in replay], ["snapshot", "end"])
            self.assertEqual(replay[0].data["status"], "completed")

    def test_lost_event_stream_is_resumed(self):
        proxy = DroppingProxy(("127.0.0.1", int(self.base.rsplit(":", 1)[1])))
        with yivideo.Client(proxy.base) as yv:
            run = yv.submit(CHAIN, video_path="videos/jfk.wav", language="en")
            events = []
            final = yv.wait(run["workflow_id"], progress=False, on_event=events.append)
        self.check_events(events, final)
        streams = [r for r in proxy.requests if "/events HTTP/1.1\r\n" in r]
        self.assertGreaterEqual(len(streams), 2, "the SDK connected again")
        self.assertNotIn("Last-Event-ID", streams[0])
        self.assertIn(f"Last-Event-ID: {events[proxy.events - 1].id}\r\n", streams[1])

    def test_async_client(self):
        async def scenario():
            async with yivideo.AsyncClient(self.base) as yv:
                with open(JFK, "rb") as f:
                    stored = await yv.upload(f, "videos/jfk-async.wav")
                self.assertEqual(stored["size"], os.path.getsize(JFK))
                run = await yv.submit(CHAIN, video_path="videos/jfk-async.wav", language="en")
                events = []

                async def record(event):
                    events.append(event)

                final = await yv.wait(run["workflow_id"], progress=False, on_event=record)
                self.check_events(events, final)
                folder = os.path.join(self.work, "out")
                self.check_download(await yv.download(run["workflow_id"], folder), final, folder)
                vtt = await yv.subtitles(run["workflow_id"], format="vtt")
                self.assertTrue(vtt.startswith("WEBVTT"), vtt)
                self.assertIn(JFK_WORDS, words(vtt))
                self.assertIn("ffmpeg.extract_audio", [t["name"] for t in await yv.supported_tasks()])
                with self.assertRaises(yivideo.NotFoundError) as caught:
                    await yv.status("no-such-workflow")
                self.assertEqual((caught.exception.status, caught.exception.code), (404, "workflow_not_found"))

        asyncio.run(scenario())

    def test_progress_bar_follows_events(self):
        bar = io.StringIO()
        with yivideo.Client(self.base) as yv, contextlib.redirect_stderr(bar):
            run = yv.submit(CHAIN[:2], video_path="videos/jfk.wav", language="en")
            self.assertEqual(yv.wait(run["workflow_id"])["status"], "completed")
        self.assertIn("100%", bar.getvalue())
        self.assertIn("faster_whisper.transcribe_audio", bar.getvalue())

    def test_cancelled_or_unknown_workflow_raises(self):
        with yivideo.Client(self.base) as yv:
            with self.assertRaises(yivideo.NotFoundError) as unknown:
                list(yv.events("no-such-workflow"))
            self.assertEqual((unknown.exception.status, unknown.exception.code), (404, "workflow_not_found"))
            run = yv.submit(CHAIN, video_path="videos/jfk.wav", language="en")
            self.assertEqual(yv.cancel(run["workflow_id"])["status"], "cancelled")
            with self.assertRaises(yivideo.WorkflowCancelledError) as cancelled:
                yv.wait(run["workflow_id"], progress=False)
            self.assertEqual(cancelled.exception.workflow["status"], "cancelled")
            self.assertEqual(cancelled.exception.code, "workflow_cancelled")

    def test_readme_examples_run_as_printed(self):
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            section = f.read().split("## Python SDK\n", 1)[1].split("\n## ", 1)[0]
        blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
        self.assertEqual(len(blocks), 2, section)
        shutil.copy(JFK, os.path.join(self.work, "my-video.mp4"))
        env = dict(os.environ, PYTHONPATH=SITE)
        out = []
        for block in blocks:
            path = os.path.join(self.work, "example.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(block.replace("http://localhost:8000", self.base))
            result = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=300,
                                    cwd=self.work, env=env)
            self.assertEqual(result.returncode, 0, block + result.stdout + result.stderr)
            out.append(result.stdout)
        self.assertIn(os.path.join("out", "stage_2", "subtitles.srt"), out[0])
        self.assertIn(JFK_WORDS, words(out[0]))
        with open(os.path.join(self.work, "out", "stage_2", "subtitles.srt"), encoding="utf-8") as f:
            self.assertIn(JFK_WORDS, words(f.read()))
        self.assertRegex(out[1], r"(?m)^\s*\d+\.\d\ds  ")
        self.assertIn(JFK_WORDS, words(out[1]))


if __name__ == "__main__":
    unittest.main()
