"""Schema fuzzing: schemathesis against a live `yivideo serve`, over every route of its own /openapi.json.

The document is generated from the route table (src/http/openapi.cc), so this checks both directions at once:
the server must never answer 5xx or with a status, content type or body the document does not declare, and
the document must declare what validation enforces — data the schema calls invalid must be refused (4xx), and
data it calls valid must not be refused as malformed (400), so limits, enums and key rules have to be written
down where clients read them.

The server runs with no workers (nothing the fuzzer submits is ever executed) and its own data directory, so
the destructive routes (DELETE of files and folders) can only reach objects this test created; callbacks to
private addresses are refused by the server itself. The example count is bounded and the seed fixed, so a run
takes about the same time and finds the same things every time (YIVIDEO_FUZZ_SEED and YIVIDEO_FUZZ_EXAMPLES
change them for a longer, different exploration).

Environment (set by CTest and scripts/test): YIVIDEO_BIN, YIVIDEO_SCHEMATHESIS_PYTHON (the interpreter of the
virtual environment scripts/lib/deps.sh installs from third_party/schemathesis-requirements.txt).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid

from live_api import free_port, wait_until_up

BIN = os.environ["YIVIDEO_BIN"]
FUZZER = os.environ.get("YIVIDEO_SCHEMATHESIS_PYTHON", "")

# Every check that compares an answer with the document or with the data sent. Left out: the stateful and
# authentication checks (use_after_free, ensure_resource_availability, ignored_auth, object_level_authorization:
# the API has no authentication and the stateful phase is not run), and missing_required_header (no route
# requires a header).
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
])


class SchemaFuzzTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not FUZZER:
            raise AssertionError("YIVIDEO_SCHEMATHESIS_PYTHON is not set: run scripts/test, which installs the fuzzer")
        cls.dir = tempfile.mkdtemp(prefix="yivideo-fuzz-")
        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        env = dict(os.environ, YIVIDEO_DATA_DIR=os.path.join(cls.dir, "data"), TMPDIR=cls.dir)
        for name in ("YIVIDEO_ALLOWED_ROOTS", "YIVIDEO_CALLBACK_ALLOW_PRIVATE", "YIVIDEO_PUBLIC_URL",
                     "YIVIDEO_STORAGE"):
            env.pop(name, None)  # nothing outside the data directory is reachable through the API
        cls.log = open(os.path.join(cls.dir, "serve.log"), "w")
        cls.server = subprocess.Popen(
            [BIN, "serve", "--host", "127.0.0.1", "--port", str(cls.port), "--db", os.path.join(cls.dir, "state.db"),
             "--workers", "0"],
            env=env, stdout=cls.log, stderr=subprocess.STDOUT)
        wait_until_up(cls.base + "/")
        cls.seed_state()

    @classmethod
    def request(cls, method, path, body=None, content_type="application/json"):
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        request = urllib.request.Request(cls.base + path, method=method, data=data,
                                         headers={"Content-Type": content_type} if data is not None else {})
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.load(r)

    @classmethod
    def seed_state(cls):
        """An object, a workflow and a task for the fuzzer to find: without them every lookup by id or key
        is a 404, and the answers that carry data (status, download) would never be checked."""
        boundary = uuid.uuid4().hex
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file_path\"\r\n\r\nvideos/seed.wav\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"seed.wav\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + b"RIFF" + bytes(60) + \
            f"\r\n--{boundary}--\r\n".encode()
        cls.request("POST", "/v1/files/upload", form, f"multipart/form-data; boundary={boundary}")
        workflow = cls.request("POST", "/v1/workflows", {
            "video_path": "videos/seed.wav", "workflow_config": {"workflow_chain": ["ffmpeg.extract_audio"]}})
        cls.request("POST", "/v1/tasks", {"task_name": "ffmpeg.extract_audio", "task_id": "seed-task",
                                          "input_data": {"video_path": "videos/seed.wav"}})
        cls.known = {"workflow_ids": [workflow["workflow_id"]], "task_ids": ["seed-task", workflow["workflow_id"]],
                     "keys": ["videos/seed.wav"]}

    def write_config(self):
        """schemathesis.toml: the seeded ids and key are offered for the parameters that name them, half the
        time, so both the found and the not-found answers are exercised."""
        lines = []
        for name, values in self.known.items():
            lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
        lines.append("[parameters]")
        for parameter, dictionary in (("path.workflow_id", "workflow_ids"), ("path.task_id", "task_ids"),
                                      ("path.file_path", "keys"), ("body.video_path", "keys")):
            lines.append(f'"{parameter}" = {{ dictionary = "{dictionary}", probability = 0.5 }}')
        # Refusals by the connection layer (body, URI or headers too long) are rejections too.
        lines += ["", "[checks.negative_data_rejection]",
                  'expected-statuses = ["400", "404", "405", "409", "410", "411", "413", "414", "415", "421", '
                  '"429", "431", "5xx"]']
        path = os.path.join(self.dir, "schemathesis.toml")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_every_route_answers_as_its_document_says(self):
        examples = os.environ.get("YIVIDEO_FUZZ_EXAMPLES", "50")
        seed = os.environ.get("YIVIDEO_FUZZ_SEED", "15")
        report = os.path.join(self.dir, "report")
        command = [
            FUZZER, "-m", "schemathesis.cli", "--config-file", self.write_config(), "run", self.base + "/openapi.json",
            "--checks", CHECKS,
            "--phases", "examples,coverage,fuzzing",
            "--max-examples", examples, "--seed", seed,
            # One worker: with several threads, CPython 3.11's ast.parse (which hypothesis calls to describe
            # filters) can fail with "AST constructor recursion depth mismatch" (python/cpython#106905).
            "--workers", "1",
            "--request-timeout", "10",
            # An event stream stays open while its workflow runs, and the seeded one never ends (no workers):
            # every request would time out. tests/e2e/events_test.cc tests the route.
            "--exclude-path", "/v1/workflows/{workflow_id}/events",
            "--generation-database", "none",
            "--suppress-health-check", "all",
            "--no-color", "--output-truncate", "false",
            "--report", "junit", "--report-dir", report,
        ]
        started = time.monotonic()
        here = os.path.dirname(os.path.abspath(__file__))
        env = dict(os.environ, SCHEMATHESIS_HOOKS="schema_fuzz_hooks", PYTHONPATH=here)
        result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=self.dir, env=env)
        took = time.monotonic() - started
        sys.stderr.write(result.stdout[-20000:] + result.stderr[-5000:])
        sys.stderr.write(f"\nschemathesis took {took:.0f} s (seed {seed}, {examples} examples per operation)\n")
        self.assertEqual(self.server.poll(), None, "the server died during the run")
        self.assertEqual(result.returncode, 0, "schemathesis found problems (see above)")


if __name__ == "__main__":
    unittest.main()
