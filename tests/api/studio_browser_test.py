"""The web studio (web/studio, issue 22) in a real browser: Debian's Chromium, headless, over the DevTools
protocol (cdp_pipe.py), against a live `yivideo serve`, with API keys off and on. With each: upload JFK by the
page's file input, run the subtitles preset, see JFK's words in the player's cue list, correct a cue and save
(the studio appends wservice.rebuild_subtitle_with_words and the subtitle stage), download the SRT from the
page and find the correction in it. Every request the browser made must stay on the server's origin, and the
script the page loads first must stay within its budget (300 KB gzip), measured on the built files.

Screenshots of each page go to $YIVIDEO_TEST_REPORT/studio/ (the build folder's test-report/, not the
repository). Environment (set by CTest and scripts/test): YIVIDEO_BIN, YIVIDEO_SHARED_FIXTURES, YIVIDEO_TEST_REPORT;
YIVIDEO_STUDIO_DIR or the cache's studio/ link (scripts/lib/deps.sh, yv_ensure_studio) names the build.
"""

import gzip
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import wave

from cdp_pipe import Browser
from live_api import Served, free_port

BIN = os.environ["YIVIDEO_BIN"]
JFK = os.path.join(os.environ["YIVIDEO_SHARED_FIXTURES"], "jfk.wav")
REPORT = os.path.join(os.environ.get("YIVIDEO_TEST_REPORT", tempfile.gettempdir()), "studio")
CACHE = os.environ.get("YIVIDEO_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "yivideo")
STUDIO = os.environ.get("YIVIDEO_STUDIO_DIR") or os.path.join(CACHE, "studio")
SCRIPT_BUDGET = 300 * 1024
PROVIDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "llm", "misbehaving_provider.py")


def js(value):
    return json.dumps(value)


def http_status(base, path):
    """The status and Location of a GET, redirects not followed."""
    connection = http.client.HTTPConnection(base.split("//", 1)[1], timeout=30)
    connection.request("GET", path, headers={"Host": "localhost"})
    answer = connection.getresponse()
    connection.close()
    return answer.status, answer.getheader("Location")


class StudioCase:
    """One server (keys on or off) and one browser for the class; the scenario in test methods."""

    KEYS = False

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="yivideo-studio-")
        # The LLM that translates is the LLM tests' stand-in provider (it answers each cue with the cue's text).
        port = free_port()
        provider = subprocess.Popen([sys.executable, PROVIDER, str(port)], stdout=subprocess.PIPE)
        cls.addClassCleanup(provider.stdout.close)
        cls.addClassCleanup(provider.wait)
        cls.addClassCleanup(provider.terminate)
        provider.stdout.readline()  # "listening"
        env = {k: v for k, v in os.environ.items()
               if k not in ("YIVIDEO_MODEL", "YIVIDEO_STORAGE", "YIVIDEO_LLM_PROVIDER", "YIVIDEO_LLM_LOCAL_MODEL")}
        env["YIVIDEO_LLM_LOCAL_BASE_URL"] = f"http://127.0.0.1:{port}/ok/v1"
        env.update(YIVIDEO_DATA_DIR=os.path.join(cls.folder, "data"), TMPDIR=cls.folder, YIVIDEO_STUDIO_DIR=STUDIO,
                   YIVIDEO_URL_ALLOW_PRIVATE="1")
        cls.key = None
        if cls.KEYS:
            out = subprocess.run([BIN, "keys", "create", "--name", "studio", "--scopes", "read,submit,files"],
                                 env=env, check=True, capture_output=True, text=True).stdout
            cls.key = json.loads(out)["key"]
        cls.server = Served(BIN, cls.folder, env)
        cls.addClassCleanup(cls.server.stop)
        cls.downloads = os.path.join(cls.folder, "downloads")
        os.makedirs(cls.downloads)
        os.makedirs(REPORT, exist_ok=True)
        cls.browser = Browser(cls.downloads)
        cls.addClassCleanup(cls.browser.close)

    def open_page(self, path):
        """A fresh document (not a same-page hash change, which would leave the last test's page up a while)."""
        self.browser.navigate("about:blank")
        self.browser.wait_for("location.href === 'about:blank'", what="a blank page")
        self.browser.navigate(self.server.base + path)

    def shot(self, name):
        self.browser.screenshot(os.path.join(REPORT, f"{'keys-on' if self.KEYS else 'keys-off'}-{name}.png"))

    def click(self, text, scope="document"):
        """Clicks the first button whose text starts with `text` (as a person would find it)."""
        found = self.browser.evaluate(
            f"(() => {{ const b = [...{scope}.querySelectorAll('button')].find(b => "
            f"b.textContent.trim().startsWith({js(text)}) && !b.disabled); if (b) b.click(); return !!b; }})()")
        self.assertTrue(found, f"no button {text!r}")

    def set_value(self, selector, value):
        self.browser.evaluate(
            f"(() => {{ const e = document.querySelector({js(selector)}); e.value = {js(value)}; "
            f"e.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")

    def heading(self):
        return self.browser.evaluate("document.querySelector('h1')?.textContent")

    def log_in_if_asked(self):
        b = self.browser
        b.wait_for("location.hash.length > 1", what="a page")
        if not self.KEYS:
            self.assertNotEqual(b.evaluate("location.hash"), "#/login", "keys are off: no login")
            return
        b.wait_for("location.hash === '#/login' && !!document.querySelector('input[name=key]')", what="login")
        self.shot("login")
        self.set_value("input[name=key]", self.key)
        b.evaluate("document.querySelector('form').requestSubmit()")
        b.wait_for("location.hash === '#/new'", what="the new-run page after logging in")
        self.assertEqual(b.evaluate("sessionStorage.getItem('yivideo.apiKey')"), self.key)

    def test_upload_run_watch_edit_download(self):
        b = self.browser
        origin = self.server.base
        self.open_page("/")  # a browser asking the root for HTML is sent to the studio
        b.wait_for("location.pathname === '/studio/'", what="the redirect to /studio/")
        self.log_in_if_asked()
        b.wait_for("document.querySelectorAll('select[name=preset] option').length > 0", what="the presets")
        self.shot("new-run")

        # A page takes the focus when it opens, so the keyboard's next stop is the page's first control.
        self.assertEqual(b.evaluate("document.activeElement.id"), "main")
        b.press("Tab")
        self.assertTrue(b.evaluate("document.activeElement.closest('main') && "
                                   "['INPUT', 'SELECT', 'BUTTON'].includes(document.activeElement.tagName)"))

        # Keys on: dropped on the page; keys off: chosen with the file input.
        if self.KEYS:
            b.drop_files(".drop", JFK)
        else:
            b.set_files("input[type=file]", JFK)
        file_path = b.wait_for(
            "(document.querySelector('input[name=video_path]').value.startsWith('studio/') && "
            "document.querySelector('input[name=video_path]').value)", what="the upload")
        self.assertEqual(b.evaluate("document.querySelector('progress').value"), 1)
        self.set_value("select[name=language]", "en")
        # With keys on, the preset with speakers: its cues carry a speaker and the speaker's colour.
        self.set_value("select[name=preset]", "subtitles_speakers" if self.KEYS else "subtitles")
        self.click("Run")
        workflow = b.wait_for("location.hash.startsWith('#/workflow/') && location.hash.slice(11)",
                              what="the workflow's page")
        self.shot("progress")

        # The player's cue list shows JFK's words once the subtitle stage completed.
        b.wait_for("[...document.querySelectorAll('.cues .text')].some(e => /your country/i.test(e.textContent))",
                   timeout=300, what="JFK's words in the cue list")
        b.wait_for("document.querySelector('video')?.readyState >= 1", what="the media in the player")
        self.assertTrue(b.evaluate("document.querySelector('video track').track.cues.length > 0"))
        if self.KEYS:
            self.assertEqual(b.evaluate("[...document.querySelectorAll('.cues li.speaker-0 .speaker')]"
                                        ".map(e => e.textContent)")[0], "SPEAKER_00")
        self.shot("player")

        # Correct the cue that holds "country": "nation" in its place and a later start, saved as a rebuild of
        # the subtitles on the transcript's words, moved with the cue (later: a pause made shorter could join
        # the cue to the one before, as the subtitle limits would have it).
        # By keyboard: focus the cue's Edit button and press Enter.
        b.evaluate("[...document.querySelectorAll('.cues li')].find(li => /your country/i.test(li.textContent))"
                   ".querySelector('button:last-of-type').focus()")
        b.press("Enter")
        b.wait_for("document.activeElement?.name === 'cue_text'", what="the cue editor, focused")
        edited = b.evaluate("document.activeElement.value").replace("your country", "your nation", 1)
        self.set_value("textarea[name=cue_text]", edited)
        start = float(b.evaluate("document.querySelector('input[name=cue_start]').value"))
        self.assertGreater(start, 1.0)
        self.set_value("input[name=cue_start]", f"{start + 0.2:.2f}")
        self.shot("editing")
        self.click("Save")
        b.wait_for("[...document.querySelectorAll('.cues .text')].some(e => /your nation/i.test(e.textContent))",
                   timeout=300, what="the corrected cue after the rebuild")
        self.shot("edited")

        self.click("SRT")
        srt_path = os.path.join(self.downloads, "subtitles.srt")
        deadline = time.monotonic() + 60
        while not os.path.exists(srt_path) and time.monotonic() < deadline:
            time.sleep(0.2)
        with open(srt_path, encoding="utf-8") as f:
            srt = f.read()
        self.assertRegex(srt, r"^1\n\d\d:\d\d:\d\d,\d{3} --> ")
        self.assertIn("your nation", srt)
        moved = int(round((start + 0.2) * 1000))
        self.assertIn(f"00:00:{moved // 1000:02d},{moved % 1000:03d} --> ", srt, "the cue starts where it was moved")
        self.assertIn("ask not", srt.lower())

        # The list, monitoring and the Chinese interface.
        b.evaluate("location.hash = '#/workflows'")
        b.wait_for(f"[...document.querySelectorAll('tbody a')].some(a => a.textContent === {js(workflow)})",
                   what="the workflow in the list")
        self.shot("workflows")
        # Monitoring is for admin keys: with keys off everyone is one; this test's key (read, submit, files) is
        # not, so its header has no link there and the page, reached by its address, says why.
        monitor_link = "document.querySelector('header a[href=\"#/monitor\"]')"
        b.wait_for(f"{monitor_link}.hidden === {js(self.KEYS)}", what="the monitoring link shown to admins only")
        b.evaluate("location.hash = '#/monitor'")
        if self.KEYS:
            b.wait_for("/admin keys/.test(document.querySelector('main').textContent)", what="the admin-only note")
            self.assertEqual(b.evaluate("document.querySelectorAll('main pre').length"), 0)
        else:
            b.wait_for("document.querySelectorAll('pre').length > 0 && "
                       "[...document.querySelectorAll('pre')].every(p => p.textContent !== 'Loading…')",
                       what="monitoring")
            self.assertIn('"status"', b.evaluate("document.querySelector('pre').textContent"))
        self.shot("monitoring")
        self.click("中文")
        self.assertEqual(self.heading(), "监控")
        b.evaluate("location.hash = '#/new'")
        b.wait_for("document.querySelector('h1')?.textContent === '新建任务'", what="the Chinese new-run page")
        self.shot("new-run-zh")
        self.click("English")
        self.assertEqual(self.heading(), "New run")

        self.assertEveryControlIsNamed()
        self.assertRequestsStayedOnTheOrigin(origin, file_path)
        self.assertNoScriptErrorsNorPolicyViolations()

    def assertNoScriptErrorsNorPolicyViolations(self):
        events = self.browser.events
        thrown = [e["params"]["exceptionDetails"] for e in events if e["method"] == "Runtime.exceptionThrown"]
        self.assertEqual(thrown, [], "uncaught exceptions in the page")
        blocked = [e["params"]["entry"]["text"] for e in events if e["method"] == "Log.entryAdded"
                   and "Content Security Policy" in e["params"]["entry"]["text"]]
        self.assertEqual(blocked, [], "the page's policy blocked something it does")

    def assertEveryControlIsNamed(self):
        unnamed = self.browser.evaluate(
            "[...document.querySelectorAll('input, select, textarea, button')].filter(e => "
            "!e.closest('label') && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML)")
        self.assertEqual(unnamed, [], "controls without an accessible name")
        clickable = self.browser.evaluate("[...document.querySelectorAll('[onclick], div[tabindex], span[tabindex]')]"
                                          ".map(e => e.outerHTML)")
        self.assertEqual(clickable, [], "actions must be buttons or links")

    def assertRequestsStayedOnTheOrigin(self, origin, file_path):
        urls = self.browser.requested_urls()
        self.assertTrue(any("/events" in u for u in urls), "the live progress came from the event stream")
        self.assertTrue(any(u.endswith("/v1/files/upload") for u in urls))
        away = [u for u in urls if not (u.startswith(origin + "/") or u.startswith(("blob:", "data:")))]
        self.assertEqual(away, [], "requests that left the server's origin")
        if self.key:
            self.assertEqual([u for u in urls if self.key in u], [], "the key went into a URL")


class StudioWithoutKeysTest(StudioCase, unittest.TestCase):
    KEYS = False

    def test_cancel_then_retry(self):
        """A workflow whose input never arrives (a URL on a socket that accepts and stays silent) runs until it
        is cancelled from the page, and runs again when retried from it."""
        b = self.browser
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            url = f"http://127.0.0.1:{silent.getsockname()[1]}/never.wav"
            self.open_page("/studio/#/new")
            b.wait_for("document.querySelectorAll('select[name=preset] option').length > 0", what="the presets")
            self.set_value("input[name=video_path]", url)
            self.set_value("select[name=language]", "en")
            self.click("Run")
            workflow = b.wait_for("location.hash.startsWith('#/workflow/') && location.hash.slice(11)",
                                  what="the workflow's page")
            b.wait_for("/Status: running/.test(document.body.innerText)", what="the workflow running")
            self.click("Cancel")
            b.wait_for("/Status: cancelled/.test(document.body.innerText)", what="the workflow cancelled")
            self.shot("cancelled")
            self.click("Retry")
            # Queued again (pending) until a worker takes it: the only one may still be leaving the download.
            b.wait_for("/Status: (pending|running)/.test(document.body.innerText)", what="the workflow again")
            stage = json.load(urllib.request.urlopen(
                f"{self.server.base}/v1/workflows/status/{workflow}"))["stages"]["stage_0"]
            self.assertEqual(stage["history"][0]["status"], "cancelled", stage)
            self.click("Cancel")
            b.wait_for("/Status: cancelled/.test(document.body.innerText)", what="the workflow cancelled again")

    def test_translation_shows_beside_the_original(self):
        """The translate preset with its target language given in the preset's own form; the player shows each
        translated cue with the original text under it."""
        b = self.browser
        self.upload_jfk()
        self.open_page("/studio/#/new")
        b.wait_for("[...document.querySelectorAll('select[name=preset] option')].some(o => o.value === 'translate')"
                   " && !!document.querySelector('.preset-params input')", what="the presets and their forms")
        self.set_value("select[name=preset]", "translate")
        b.wait_for("!!document.querySelector('.preset-params input[name=target_language]')",
                   what="the translate preset's form")
        self.set_value(".preset-params input[name=target_language]", "fr")
        self.set_value("input[name=video_path]", "videos/jfk.wav")
        self.set_value("select[name=language]", "en")
        self.click("Run")
        # (The stand-in provider "translates" a cue into its own text, so both lines read alike here.)
        b.wait_for("[...document.querySelectorAll('.cues .text')].some(e => "
                   "/country/.test(e.querySelector('.original')?.textContent))", timeout=300,
                   what="a translated cue with its original under it")
        self.shot("bilingual")

        # Correct the translated cue: the rebuild re-times the corrected translation on the translation's own
        # segments (it has no word times), the subtitle files are written again, and the bilingual view keeps
        # the original under the corrected cue.
        translated = ("[...document.querySelectorAll('.cues li')].find(li => "
                      "/country/.test(li.querySelector('.original')?.textContent ?? ''))")
        b.evaluate(f"{translated}.querySelector('button:last-of-type').click()")
        b.wait_for("document.activeElement?.name === 'cue_text'", what="the translated cue's editor")
        text = b.evaluate("document.activeElement.value")
        self.set_value("textarea[name=cue_text]", text.replace("country", "homeland", 1))
        self.click("Save")
        b.wait_for(f"/homeland/.test({translated}?.querySelector('.text').firstChild.textContent ?? '')",
                   timeout=300, what="the corrected translation, with its original under it")
        self.shot("bilingual-edited")
        srt = self.download("SRT", ".srt")
        self.assertIn("homeland", srt)

    def download(self, button, suffix):
        """Clicks a download button and returns the text of the file it saved (then removed, so that a later
        download of the same name keeps its name)."""
        before = set(os.listdir(self.downloads))
        self.click(button)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            new = [f for f in set(os.listdir(self.downloads)) - before if f.endswith(suffix)]
            if new:
                path = os.path.join(self.downloads, new[0])
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                os.remove(path)
                return text
            time.sleep(0.2)
        self.fail(f"no {suffix} file was downloaded")

    def test_big_upload_resumes_after_a_dropped_part_and_a_reload(self):
        """A file from the studio's resumable size on (JFK 30 times over, a real recording of about 10 MB) goes up
        in 4 MiB parts. The second part's connection is reset: the studio asks the server for the offset and
        sends the part again. That retry is held and the page reloaded; choosing the same file again resumes
        the session after the first part, and the stored file is the file chosen."""
        b = self.browser
        big = os.path.join(self.folder, "big.wav")
        with wave.open(JFK, "rb") as jfk, wave.open(big, "wb") as out:
            out.setparams(jfk.getparams())
            out.writeframes(jfk.readframes(jfk.getnframes()) * 30)
        part = 4 << 20
        self.open_page("/studio/#/new")
        b.wait_for("!!document.querySelector('input[type=file]')", what="the new-run page")
        b.page("Fetch.enable", patterns=[{"urlPattern": f"*/parts?offset={part}"}])
        try:
            b.set_files("input[type=file]", big)
            dropped = b.wait_event("Fetch.requestPaused")["requestId"]
            b.page("Fetch.failRequest", requestId=dropped, errorReason="ConnectionReset")
            b.wait_event("Fetch.requestPaused", lambda p: p["requestId"] != dropped)
            self.assertTrue(any("/v1/uploads/" in u and "/parts" not in u for u in b.requested_urls()),
                            "after the reset the studio asked for the offset")
            self.shot("upload-held")
            before_reload = len(b.requested_urls())
            self.open_page("/studio/#/new")
        finally:
            b.page("Fetch.disable")
        b.wait_for("!!document.querySelector('input[type=file]')", what="the new-run page again")
        b.set_files("input[type=file]", big)
        file_path = b.wait_for("document.querySelector('input[name=video_path]').value.startsWith('studio/') && "
                               "document.querySelector('input[name=video_path]').value", what="the resumed upload")
        parts = [int(u.rsplit("=", 1)[1]) for u in b.requested_urls()[before_reload:] if "/parts?offset=" in u]
        self.assertTrue(parts and parts[0] >= part, f"the upload resumed after the first part: {parts}")
        self.assertNotIn(0, parts)
        with open(big, "rb") as f, urllib.request.urlopen(f"{self.server.base}/v1/files/download/{file_path}") as got:
            self.assertTrue(f.read() == got.read(), "the stored file is the file chosen")
        self.assertEqual(b.evaluate("localStorage.getItem('yivideo.uploads')"), "{}", "the session is forgotten")

    def upload_jfk(self):
        with open(JFK, "rb") as f:
            body = (b"--b\r\nContent-Disposition: form-data; name=\"file_path\"\r\n\r\nvideos/jfk.wav\r\n"
                    b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"jfk.wav\"\r\n\r\n"
                    + f.read() + b"\r\n--b--\r\n")
        urllib.request.urlopen(urllib.request.Request(
            self.server.base + "/v1/files/upload", body, {"Content-Type": "multipart/form-data; boundary=b"}))

    def test_composed_chain_takes_parameters_from_generated_forms(self):
        b = self.browser
        self.upload_jfk()
        self.open_page("/studio/#/new")
        b.wait_for("document.querySelectorAll('select[name=node] option').length > 10", what="the node list")
        self.set_value("select[name=node]", "faster_whisper.transcribe_audio")
        self.click("Add node")
        # The form is the node's schema from /openapi.json: types, defaults, bounds and choices.
        beam = b.evaluate("(() => { const e = document.querySelector('.chain input[name=beam_size]'); "
                          "return e && [e.type, e.placeholder]; })()")
        self.assertEqual(beam, ["number", "5"])
        self.assertTrue(b.evaluate("[...document.querySelectorAll('.chain select[name=task] option')]"
                                   ".some(o => o.textContent === 'translate')"), "an enum is a choice")
        self.set_value(".chain input[name=beam_size]", "2")
        self.set_value("input[name=video_path]", "videos/jfk.wav")
        self.set_value("select[name=language]", "en")
        self.shot("compose")
        self.click("Run")
        workflow = b.wait_for("location.hash.startsWith('#/workflow/') && location.hash.slice(11)",
                              what="the workflow's page")
        status = json.load(urllib.request.urlopen(f"{self.server.base}/v1/workflows/status/{workflow}"))
        self.assertEqual(status["input_params"]["workflow_chain"], ["faster_whisper.transcribe_audio"])
        self.assertEqual(status["input_params"]["node_params"]["faster_whisper.transcribe_audio"]["beam_size"], 2)


class StudioWithKeysTest(StudioCase, unittest.TestCase):
    KEYS = True


class StudioServingTest(unittest.TestCase):
    """How the files are served: cache headers, the page's policy, and a page for a missing build."""

    def serve(self, studio_dir):
        folder = tempfile.mkdtemp(prefix="yivideo-studio-serving-")
        env = dict(os.environ, YIVIDEO_DATA_DIR=os.path.join(folder, "data"), YIVIDEO_STUDIO_DIR=studio_dir)
        server = Served(BIN, folder, env, workers=0)
        self.addCleanup(server.stop)
        return server.base

    def get(self, url, accept="*/*"):
        try:
            return urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}))
        except urllib.error.HTTPError as e:
            return e

    def test_page_is_no_cache_under_a_strict_policy_and_assets_immutable(self):
        base = self.serve(STUDIO)
        page = self.get(base + "/studio/")
        self.assertEqual(page.status, 200)
        self.assertEqual(page.headers["Cache-Control"], "no-cache")
        policy = page.headers["Content-Security-Policy"]
        for directive in ("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"):
            self.assertIn(directive, policy)
        self.assertNotIn("unsafe-inline", policy)
        script = re.search(r'src="([^"]+\.js)"', page.read().decode()).group(1)
        asset = self.get(f"{base}/studio/{script}")
        self.assertEqual(asset.headers["Cache-Control"], "public, max-age=31536000, immutable")
        self.assertTrue(asset.headers["Content-Type"].startswith("text/javascript"))
        self.assertEqual(self.get(base + "/studio/.hidden.js").status, 404)
        self.assertEqual(self.get(base + "/studio/passwd").status, 404, "only the build's kinds of files")
        # The API's root keeps its answer for clients; a browser asking for a page is sent to the studio.
        self.assertIn(b"is running", self.get(base + "/").read())
        root = self.get(base + "/", accept="text/html,application/xhtml+xml")
        self.assertEqual(root.url, base + "/studio/")
        # The address without its slash is sent to the page (whose relative asset names need the slash).
        self.assertEqual(self.get(base + "/studio").url, base + "/studio/")
        self.assertEqual(http_status(base, "/studio"), (301, "/studio/"))

    def test_missing_build_is_a_page_saying_how_to_build_it(self):
        base = self.serve(os.path.join(tempfile.gettempdir(), "yivideo-no-studio-here"))
        page = self.get(base + "/studio/")
        self.assertEqual(page.status, 404)
        self.assertTrue(page.headers["Content-Type"].startswith("text/html"))
        self.assertIn(b"scripts/serve", page.read())


class StudioBuildTest(unittest.TestCase):
    def test_first_load_script_within_budget(self):
        with open(os.path.join(STUDIO, "index.html"), encoding="utf-8") as f:
            page = f.read()
        scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
        self.assertTrue(scripts, "the page loads its script from a file")
        self.assertNotRegex(page, r"<script(?![^>]*src=)", "no inline script")
        self.assertNotIn("//", "".join(scripts), "scripts from this origin only")
        size = 0
        for name in scripts:
            with open(os.path.join(STUDIO, name), "rb") as f:
                size += len(gzip.compress(f.read(), 9))
        print(f"studio first-load script: {size} bytes gzip (budget {SCRIPT_BUDGET})")
        self.assertLessEqual(size, SCRIPT_BUDGET)


if __name__ == "__main__":
    unittest.main()
