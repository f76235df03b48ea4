"""The README's curl commands, run as printed against a live `yivideo serve` (issue 18: "the README's curl
commands all work as printed").

Every command starting with `curl` in the README's sh blocks runs through bash in a folder holding
`my-video.mp4` (a copy of the real JFK recording), with two adaptations a reader makes: the port (our server
listens on a free one) and `<workflow_id>`, the id the README's own submit command answered. Commands on a
workflow's outputs run once it has completed; the cancel command gets a workflow of its own that is still
running, submitted with the same printed command. Each must exit 0 and answer no {"detail","code"} error.

Environment (set by CTest): as quickstart_test.py, whose server this test shares, and YIVIDEO_SHARED.
"""

import json
import os
import re
import shutil
import subprocess
import time
import unittest

from quickstart_test import LiveServerCase

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")
JFK = os.path.join(os.environ["YIVIDEO_SHARED"], "fixtures", "jfk.wav")


def curl_commands():
    """Each curl command of the README's sh blocks, in order; one spans lines while a quote is open."""
    with open(README, encoding="utf-8") as f:
        blocks = re.findall(r"```sh\n(.*?)```", f.read(), flags=re.S)
    commands = []
    for block in blocks:
        pending = None
        for line in block.splitlines():
            if pending is not None:
                pending += "\n" + line
            elif line.startswith("curl "):
                pending = line
            else:
                continue
            if pending.count("'") % 2 == 0:
                commands.append(pending)
                pending = None
    return commands


class ReadmeCurlTest(LiveServerCase):
    def setUp(self):
        self.work = os.path.join(self.dir, "readme")
        os.makedirs(self.work, exist_ok=True)
        shutil.copy(JFK, os.path.join(self.work, "my-video.mp4"))

    def run_command(self, command, workflow_id=None):
        command = command.replace("localhost:8000", f"localhost:{self.port}")
        if workflow_id:
            command = command.replace("<workflow_id>", workflow_id)
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120,
                                cwd=self.work)
        self.assertEqual(result.returncode, 0, f"{command}\n{result.stdout}{result.stderr}")
        try:
            answer = json.loads(result.stdout)
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            self.assertFalse({"detail", "code"} <= answer.keys(), f"{command}\n{result.stdout}")
        return result.stdout

    def wait_completed(self, workflow_id):
        for _ in range(1200):
            status = self.status(workflow_id)
            if status["status"] not in ("pending", "running"):
                break
            time.sleep(0.1)
        self.assertEqual(status["status"], "completed", json.dumps(status, indent=2))

    def test_every_curl_command_works_as_printed(self):
        commands = curl_commands()
        submit = [c for c in commands if "-X POST" in c and c.split("#")[0].rstrip().endswith("}'") and
                  "/v1/workflows " in c]
        self.assertEqual(len(submit), 1, commands)
        self.assertGreaterEqual(len(commands), 10, commands)
        workflow_id = None
        ran = 0
        for command in commands:
            if "<workflow_id>" not in command:
                out = self.run_command(command)
                if command in submit:
                    workflow_id = json.loads(out)["workflow_id"]
            elif "/cancel" in command:
                running = json.loads(self.run_command(submit[0]))["workflow_id"]
                self.assertEqual(json.loads(self.run_command(command, running))["status"], "cancelled")
            else:
                self.assertIsNotNone(workflow_id, f"{command} comes before the submit command")
                if "/status/" not in command:
                    self.wait_completed(workflow_id)
                self.run_command(command, workflow_id)
            ran += 1
        self.assertEqual(ran, len(commands))
        srt = self.run_command(f'curl "http://localhost:8000/v1/workflows/{workflow_id}/subtitles"')
        self.assertIn("what your country can do for you", srt)
        with open(os.path.join(self.work, "subtitles.vtt"), encoding="utf-8") as f:
            self.assertTrue(f.read().startswith("WEBVTT"))


if __name__ == "__main__":
    unittest.main()
