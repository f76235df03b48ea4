"""Debian's Chromium, headless, driven over the Chrome DevTools Protocol on a pipe (--remote-debugging-pipe:
JSON messages ended by NUL on the browser's file descriptors 3 and 4), so the tests need no WebSocket client
and no package beyond the standard library. One page target, attached in flat mode; every event is kept for
the test to read (network requests, downloads)."""

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time


class CdpError(AssertionError):
    pass


class Browser:
    def __init__(self, download_dir):
        self.profile = tempfile.mkdtemp(prefix="yivideo-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Moved above 4 first, so that putting one on 3 or 4 cannot close the other.
        to_browser_r, from_browser_w = (self._high(fd) for fd in (to_browser_r, from_browser_w))

        args = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
                "--window-size=1280,900", "about:blank"]
        # bash (dash takes single-digit descriptors only) puts the pipes on the descriptors the protocol uses
        # (3: commands in, 4: answers out).
        self.process = subprocess.Popen(
            ["bash", "-c", f'exec "$@" 3<&{to_browser_r} 4>&{from_browser_w} {to_browser_r}<&- {from_browser_w}>&-',
             "chromium", *args],
            pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next = 0
        self._answers = {}
        self.events = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=download_dir, eventsEnabled=True)
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.page(f"{domain}.enable")

    @staticmethod
    def _high(fd):
        high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
        os.close(fd)
        return high

    def _read(self):
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                with self._cond:
                    for raw in messages:
                        message = json.loads(raw)
                        if "id" in message:
                            self._answers[message["id"]] = message
                        else:
                            self.events.append(message)
                    self._cond.notify_all()

    def call(self, method, session=None, **params):
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        with self._cond:
            if not self._cond.wait_for(lambda: self._next in self._answers, timeout=60):
                raise CdpError(f"{method}: no answer from the browser")
            answer = self._answers.pop(self._next)
        if "error" in answer:
            raise CdpError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def page(self, method, **params):
        return self.call(method, self.session, **params)

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        result = self.page("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise CdpError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=120, what=None):
        """Polls an expression until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise CdpError(f"timed out waiting for {what or expression}; the page shows: "
                       f"{self.evaluate('document.body.innerText')[:2000]}")

    def wait_event(self, method, predicate=lambda params: True, timeout=60):
        with self._cond:
            found = self._cond.wait_for(
                lambda: next((e for e in self.events if e["method"] == method and predicate(e["params"])), None),
                timeout=timeout)
        if not found:
            raise CdpError(f"no {method} event")
        return found["params"]

    def navigate(self, url):
        self.page("Page.navigate", url=url)

    def set_files(self, selector, *paths):
        root = self.page("DOM.getDocument")["root"]["nodeId"]
        node = self.page("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        self.page("DOM.setFileInputFiles", nodeId=node, files=list(paths))

    def press(self, key):
        """A key pressed and released on what has the focus, as the keyboard sends it (Enter, Tab, ...)."""
        codes = {"Enter": 13, "Tab": 9, "Escape": 27, " ": 32}
        for kind in ("keyDown", "keyUp"):
            self.page("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=codes[key],
                      text="\r" if key == "Enter" and kind == "keyDown" else "")

    def drop_files(self, selector, *paths):
        """Files dragged from outside the page and dropped in the middle of the element, as a person does."""
        box = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                            "e.scrollIntoView(); const r = e.getBoundingClientRect(); "
                            "return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        data = {"items": [], "files": list(paths), "dragOperationsMask": 1}
        for kind in ("dragEnter", "dragOver", "drop"):
            self.page("Input.dispatchDragEvent", type=kind, x=box[0], y=box[1], data=data)

    def screenshot(self, path):
        with open(path, "wb") as f:
            size = self.page("Page.getLayoutMetrics")["cssContentSize"]  # the whole page, not the window
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            shot = self.page("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
            f.write(base64.b64decode(shot["data"]))

    def requested_urls(self):
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def close(self):
        try:
            self.call("Browser.close")
        except (CdpError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        shutil.rmtree(self.profile, ignore_errors=True)
