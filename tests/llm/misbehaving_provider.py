#!/usr/bin/env python3
"""An OpenAI-compatible chat-completions server that misbehaves on purpose, for the LLM client's failure tests.

  misbehaving_provider.py PORT

The first path segment chooses the behaviour, so one process serves every case: POST /<mode>/v1/chat/completions.

  garbage      200 with bytes that are neither a completion nor an event stream
  bad_json     200, a well-formed event stream whose answer is not JSON (every time): Chinese prose
               that the client's complaint quotes, cut by bytes inside a character
  bad_once     the same for every odd-numbered request, a proper answer for the others (each re-ask succeeds)
  429          429 Too Many Requests with Retry-After: 0, always
  401          401 with an error that echoes the key it was given (the client must redact it)
  500_once     503 for the first request, then a proper answer
  hang         accepts the request and never answers
  rewrite      a proper answer whose every line is replaced by another sentence (a model that changes meaning)

A proper answer is the JSON object {"translation": "<the request's text, or the bare cue>", "lines": <the
request's lines>}, which both LLM nodes accept; which content it has is not what these tests look at.
GET /<mode>/count gives how many chat requests that mode received (retries show there), and GET /<mode>/last
the last request's body.
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
last = {}
lock = threading.Lock()
# "OK, " then three-byte characters: the client's 120-byte quote of it ends inside one.
NOT_JSON = "OK, 这是您要的翻译，我尽量让它简短又忠实于原文的意思，希望这个版本能够满足字幕的长度限制和阅读速度的要求。"


def answer_for(body):
    # A request's user message is JSON ({"text", "lines", ...}), or the bare cue when the translation asks for a
    # cue alone: either way the answer is its text.
    try:
        content = body["messages"][1]["content"]
    except (KeyError, IndexError):
        content = ""
    try:
        user = json.loads(content)
    except ValueError:
        user = {"text": content}
    if not isinstance(user, dict):
        user = {"text": content}
    return {"translation": user.get("text", "x"), "lines": user.get("lines", [])}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json", headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def stream(self, content):
        events = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
        events += [{"choices": [{"index": 0, "delta": {"content": content[i:i + 7]}}]} for i in range(0, len(content), 7)]
        body = "".join("data: %s\n\n" % json.dumps(e) for e in events) + "data: [DONE]\n\n"
        self.send(200, body, "text/event-stream")

    def do_GET(self):
        mode, _, what = self.path.strip("/").partition("/")
        with lock:
            if what == "count":
                self.send(200, json.dumps({"count": counts.get(mode, 0)}))
            elif what == "last":
                self.send(200, last.get(mode, "{}"))
            else:
                self.send(404, "{}")

    def do_POST(self):
        mode = self.path.strip("/").split("/")[0]
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with lock:
            counts[mode] = counts.get(mode, 0) + 1
            n = counts[mode]
            last[mode] = raw
        body = json.loads(raw)
        if mode == "garbage":
            self.send(200, "<html>\x00\x01 definitely not a completion", "text/plain")
        elif mode == "bad_json" or (mode == "bad_once" and n % 2 == 1):
            self.stream(NOT_JSON)
        elif mode == "429":
            self.send(429, json.dumps({"error": {"message": "rate limit reached"}}), headers=[("Retry-After", "0")])
        elif mode == "401":
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            self.send(401, json.dumps({"error": {"message": "Incorrect API key provided: %s" % key}}))
        elif mode == "500_once" and n == 1:
            self.send(503, json.dumps({"error": {"message": "loading model"}}))
        elif mode == "hang":
            time.sleep(3600)
        elif mode == "rewrite":
            answer = answer_for(body)
            answer["lines"] = ["The weather will be sunny tomorrow." for _ in answer["lines"]]
            self.stream(json.dumps(answer))
        else:
            self.stream(json.dumps(answer_for(body)))


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
