"""OpenAI's audio API as the official `openai` Python package uses it, against a live `yivideo serve`.

The client is OpenAI's own (third_party/openai-requirements.txt, in the virtual environment scripts/test makes),
pointed at the server with base_url, as a user of any OpenAI-based tool would. The speech is real: JFK's
inaugural line and an AISHELL-1 Mandarin sentence from ../shared/fixtures, scored against their reference texts
(WER, CER: bench/speech.py's scorer).

Environment (set by CTest and scripts/test): YIVIDEO_BIN, YIVIDEO_SHARED_FIXTURES, YIVIDEO_MOTO_PYTHON (the S3
server); run with the interpreter of YIVIDEO_OPENAI_PYTHON.
"""

import io
import json
import math
import os
import re
import sys
import tempfile
import unittest
import urllib.request
import wave

import openai

from live_api import Served, start_moto

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from speech import cer, wer  # noqa: E402  (the benchmarks' scorer)

BIN = os.environ["YIVIDEO_BIN"]
FIXTURES = os.environ["YIVIDEO_SHARED_FIXTURES"]
JFK = os.path.join(FIXTURES, "jfk.wav")
JFK_TEXT = open(os.path.join(FIXTURES, "jfk.txt"), encoding="utf-8").read()
MANDARIN = os.path.join(FIXTURES, "zh", "BAC009S0764W0121.wav")
MANDARIN_TEXT = open(os.path.join(FIXTURES, "zh", "BAC009S0764W0121.txt"), encoding="utf-8").read()
MAX_SECONDS = 60  # the server's YIVIDEO_AUDIO_SYNC_MAX_SECONDS here
SRT_TIME = r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d)"


def seconds(match, first):
    h, m, s, ms = (int(match.group(i)) for i in range(first, first + 4))
    return h * 3600 + m * 60 + s + ms / 1000


def cues(subtitles, separator):
    """(start, end, text) of each cue of an SRT or WebVTT text."""
    pattern = re.compile(SRT_TIME.replace("[,.]", separator) + " --> " + SRT_TIME.replace("[,.]", separator)
                         + r"\n(.+?)(?:\n\n|\n?$)", re.S)
    return [(seconds(m, 1), seconds(m, 5), m.group(9)) for m in pattern.finditer(subtitles)]


def repeated(path, times):
    """The WAV at `path` said `times` times over, as bytes."""
    with wave.open(path) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setparams(params)
        w.writeframes(frames * times)
    return out.getvalue()


class AudioServerCase(unittest.TestCase):
    """A server for the class (backend_env() adds settings) and OpenAI's client pointed at it."""

    WORKERS = 1

    @classmethod
    def backend_env(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        folder = tempfile.mkdtemp(prefix="yivideo-openai-")
        cls.data = os.path.join(folder, "data")
        env = {name: value for name, value in os.environ.items() if name not in ("YIVIDEO_MODEL", "YIVIDEO_STORAGE")}
        env.update(YIVIDEO_DATA_DIR=cls.data, TMPDIR=folder, YIVIDEO_AUDIO_SYNC_MAX_SECONDS=str(MAX_SECONDS),
                   **cls.backend_env())
        cls.server = Served(BIN, folder, env, cls.WORKERS)
        # No retries: a failure shows as it happened, not as the third attempt's.
        cls.client = openai.OpenAI(base_url=cls.server.base + "/v1", api_key="unused", max_retries=0)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def transcribe(self, path=JFK, **options):
        with open(path, "rb") as f:
            return self.client.audio.transcriptions.create(file=f, **options)

    def assert_refused(self, status, code, phrase, **options):
        with self.assertRaises(openai.APIStatusError) as refused:
            self.transcribe(**options)
        self.assertEqual(refused.exception.status_code, status)
        self.assertEqual(refused.exception.code, code)
        # The client's own message carries ours: what a user of an OpenAI-based tool reads.
        self.assertIn(phrase, str(refused.exception))
        body = refused.exception.response.json()
        self.assertEqual(body["code"], code)  # and our shape is there too
        return body["detail"]

    def write(self, name, content):
        path = os.path.join(self.server.folder, name)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def not_media(self):
        return self.write("notes.wav", b"these are not the samples you are looking for\n" * 20)


class OpenAIAudioTest(AudioServerCase):
    def test_json_is_the_text(self):
        answer = self.transcribe(model="whisper-1", language="en", response_format="json")
        self.assertLessEqual(wer(JFK_TEXT, answer.text), 0.05, answer.text)
        self.assertEqual(answer.usage.type, "duration")
        with wave.open(JFK) as w:  # billed by the started second
            self.assertEqual(answer.usage.seconds, math.ceil(w.getnframes() / w.getframerate()))

    def test_text_is_plain(self):
        answer = self.transcribe(model="whisper-1", language="en", response_format="text")
        self.assertIsInstance(answer, str)
        self.assertFalse(answer.lstrip().startswith("{"), answer)
        self.assertLessEqual(wer(JFK_TEXT, answer), 0.05, answer)

    def test_srt_cues_follow_the_speech(self):
        answer = self.transcribe(model="tiny.en", response_format="srt")
        found = cues(answer, ",")
        self.assertTrue(found, answer)
        self.assertTrue(answer.startswith("1\n00:00:"), answer)
        self.assert_timed(found)

    def test_vtt_cues_follow_the_speech(self):
        answer = self.transcribe(model="tiny.en", response_format="vtt")
        self.assertTrue(answer.startswith("WEBVTT\n\n"), answer)
        self.assert_timed(cues(answer, r"\."))

    def assert_timed(self, found):
        starts = [start for start, _, _ in found]
        self.assertEqual(starts, sorted(starts))
        for start, end, _ in found:
            self.assertLess(start, end)
            self.assertLessEqual(end, 11.1)
        self.assertLessEqual(wer(JFK_TEXT, " ".join(text for _, _, text in found)), 0.05, found)

    def test_verbose_json_has_segments_and_words(self):
        answer = self.transcribe(model="whisper-1", language="en", response_format="verbose_json",
                                 timestamp_granularities=["word", "segment"])
        self.assertEqual(answer.task, "transcribe")
        self.assertEqual(answer.language, "english")
        self.assertAlmostEqual(answer.duration, 11.0, delta=0.1)
        self.assertLessEqual(wer(JFK_TEXT, answer.text), 0.05, answer.text)
        self.assertTrue(answer.segments)
        self.assertLessEqual(wer(JFK_TEXT, "".join(s.text for s in answer.segments)), 0.05)
        for s in answer.segments:
            self.assertLess(s.start, s.end)
            self.assertLess(s.avg_logprob, 0)
            self.assertGreater(s.compression_ratio, 0)
        words = answer.words
        self.assertLessEqual(wer(JFK_TEXT, " ".join(w.word for w in words)), 0.05)
        for before, after in zip(words, words[1:]):
            self.assertLessEqual(before.start, after.start)
        for w in words:
            self.assertLessEqual(w.start, w.end)
            self.assertEqual(w.word, w.word.strip())
        # "country" closes the line, near the recording's end.
        self.assertEqual(words[-1].word.strip(".").lower(), "country")
        self.assertGreater(words[-1].end, 9.5)

    def test_words_alone_leave_the_segments_out(self):
        answer = self.transcribe(model="tiny.en", response_format="verbose_json", timestamp_granularities=["word"])
        self.assertTrue(answer.words)
        self.assertIsNone(getattr(answer, "segments", None))

    def test_mandarin(self):
        answer = self.transcribe(MANDARIN, model="whisper-1", language="zh", response_format="verbose_json")
        self.assertEqual(answer.language, "chinese")
        self.assertLessEqual(cer(MANDARIN_TEXT, answer.text), 0.15, answer.text)

    def test_translation_is_english(self):
        with open(MANDARIN, "rb") as f:
            answer = self.client.audio.translations.create(file=f, model="whisper-1", response_format="verbose_json")
        self.assertEqual(answer.task, "translate")
        self.assertEqual(answer.language, "english")
        self.assertFalse(re.search(r"[\u4e00-\u9fff]", answer.text), answer.text)
        self.assertGreaterEqual(len(re.findall(r"[A-Za-z]+", answer.text)), 3, answer.text)

    def test_models_list_the_installed_ones_and_whisper_1(self):
        ids = [m.id for m in self.client.models.list()]
        self.assertIn("whisper-1", ids)
        self.assertIn("tiny.en", ids)
        self.assertIn("base", ids)

    def test_longer_media_are_sent_to_workflows(self):
        long_file = self.write("jfk-x7.wav", repeated(JFK, 7))  # 77 s
        self.assert_refused(413, "audio_too_long", "POST /v1/workflows", path=long_file, model="tiny.en")

    def test_a_file_that_is_not_media(self):
        self.assert_refused(400, "invalid_media", "notes.wav", path=self.not_media(), model="tiny.en")

    def test_a_model_that_is_not_installed(self):
        self.assert_refused(400, "model_not_installed", "large-v3", model="large-v3")

    def test_an_unknown_format(self):
        self.assert_refused(400, "invalid_parameter", "response_format", model="tiny.en", response_format="docx")

    def test_the_work_is_a_task_of_the_queue(self):
        with open(JFK, "rb") as f:
            raw = self.client.audio.transcriptions.with_raw_response.create(file=f, model="tiny.en")
        task = raw.headers["X-YiVideo-Task-Id"]
        self.assertLessEqual(wer(JFK_TEXT, raw.parse().text), 0.05)
        with urllib.request.urlopen(f"{self.server.base}/v1/tasks/{task}/status") as r:
            status = json.load(r)
        self.assertEqual(status["task_name"], "faster_whisper.transcribe_audio")
        self.assertEqual(status["status"], "completed")
        self.assertEqual(status["result"]["output"]["model"], "tiny.en")

    def test_nothing_is_left_in_the_store(self):
        self.transcribe(model="tiny.en", response_format="text")
        tasks = os.path.join(self.data, "files", "yivideo", "tasks")
        self.assertEqual(os.listdir(tasks) if os.path.isdir(tasks) else [], [])


class OpenAIAudioOnS3Test(AudioServerCase):
    """The same route with the server's objects in an S3 store (a moto server started here): the gateway
    measures a copy of the upload, the worker fetches it and publishes the segments file, the gateway reads it."""

    @classmethod
    def backend_env(cls):
        cls.moto, settings = start_moto()
        return settings

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.moto.terminate()
        cls.moto.wait(timeout=30)

    def test_verbose_json_with_words(self):
        answer = self.transcribe(model="tiny.en", response_format="verbose_json", timestamp_granularities=["word"])
        self.assertLessEqual(wer(JFK_TEXT, answer.text), 0.05, answer.text)
        self.assertLessEqual(wer(JFK_TEXT, " ".join(w.word for w in answer.words)), 0.05)

    def test_a_file_that_is_not_media(self):
        self.assert_refused(400, "invalid_media", "notes.wav", path=self.not_media(), model="tiny.en")


class NoWorkerTest(AudioServerCase):
    """A server with no worker: the request gives up after the node's time limit (1 s here) and cancels its task."""

    WORKERS = 0

    @classmethod
    def backend_env(cls):
        return {"YIVIDEO_NODE_TIMEOUTS": "faster_whisper.transcribe_audio=1"}

    def test_the_wait_ends_at_the_time_limit(self):
        detail = self.assert_refused(504, "task_timeout", "is a worker serving its queue?", model="tiny.en")
        task = re.search(r"task (audio-[0-9a-f-]+)", detail).group(1)
        with urllib.request.urlopen(f"{self.server.base}/v1/tasks/{task}/status") as r:
            self.assertEqual(json.load(r)["status"], "cancelled")
        tasks = os.path.join(self.data, "files", "yivideo", "tasks")
        self.assertEqual(os.listdir(tasks) if os.path.isdir(tasks) else [], [])


if __name__ == "__main__":
    unittest.main()
