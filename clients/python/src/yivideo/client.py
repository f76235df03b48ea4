"""The blocking client. AsyncClient (async_client.py) has the same methods, awaited; both send the requests
of _api.py, so only the waiting differs."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

import httpx

from . import _api
from ._files import PartFile, UploadProgress, destination, opened
from .documents import FileStored, TaskAccepted, TaskStatus, WorkflowCancelled, WorkflowCreated, WorkflowStatus
from .errors import APIError
from .progress import WorkflowBar
from .sse import Event, EventStream


class Client:
    """A YiVideo server at `base_url` (default $YIVIDEO_URL, else http://localhost:8000), with `api_key`
    (default $YIVIDEO_API_KEY; none for a server without keys). Use as a context manager, or close()."""

    def __init__(self, base_url: Optional[str] = None, *, api_key: Optional[str] = None,
                 timeout: Union[float, httpx.Timeout] = _api.DEFAULT_TIMEOUT) -> None:
        url = httpx.URL(_api.base_url(base_url))
        key = _api.api_key(api_key)
        self._http = httpx.Client(base_url=url, timeout=timeout, auth=_api.KeyAuth(key, url) if key else None)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, call: _api.Call[_api.T]) -> _api.T:
        return _api.answer(call, self._http.send(call.request(self._http)))

    def upload(self, file: _api.FileInput, file_path: Optional[str] = None, *, bucket: Optional[str] = None,
               progress: UploadProgress = False) -> FileStored:
        """Stores a local file (a path or an open binary file) under the key `file_path` (default: its name);
        `progress` is True for a bar or a callback of (sent, total) bytes."""
        with opened(file, progress) as (name, stream):
            return self._call(_api.upload(name, stream, file_path, bucket))

    def submit(self, chain: Sequence[str], *, video_path: Optional[str] = None,
               params: Optional[Mapping[str, Mapping[str, Any]]] = None, callback_url: Optional[str] = None,
               callback_auth_header: Optional[str] = None,
               execution_mode: Optional[str] = None, workflow_id: Optional[str] = None,
               param_merge_strategy: Optional[str] = None, **global_params: Any) -> WorkflowCreated:
        """Starts a workflow running the nodes of `chain` in order on `video_path` (a stored key, s3:// or URL).
        `params` has each node's own parameters by node name; keyword arguments (language="en") are global
        ones that reach every node declaring them; `callback_url` is POSTed the result when it ends, with
        `callback_auth_header` ("Name: value", or a bare Authorization value) when given."""
        return self._call(_api.submit(video_path, chain, params, callback_url, execution_mode,
                                      workflow_id, param_merge_strategy, global_params,
                                      callback_auth_header))

    def status(self, workflow_id: str) -> WorkflowStatus:
        return self._call(_api.status(workflow_id))

    def events(self, workflow_id: str, *, last_event_id: Optional[str] = None) -> Iterator[Event]:
        """The workflow's events as they happen, from a snapshot to `end`; a lost connection is resumed where
        it stopped (Last-Event-ID), so no event is missed or repeated."""
        stream = EventStream(last_event_id)
        while not stream.ended:
            error: Optional[Exception] = None
            try:
                with self._http.stream("GET", _api.events_path(workflow_id), headers=stream.headers()) as r:
                    if r.status_code >= 400:
                        r.read()
                        _api.raise_for_error(r)
                    stream.connected()
                    for line in r.iter_lines():
                        event = stream.feed(line)
                        if event is not None:
                            yield event
            except (httpx.TransportError, APIError) as e:
                error = e
            if not stream.ended:
                time.sleep(stream.lost(error))

    def wait(self, workflow_id: str, *, progress: bool = True,
             on_event: Optional[Callable[[Event], None]] = None) -> WorkflowStatus:
        """Follows the workflow's events (with a progress bar when tqdm is installed and `progress`, and
        `on_event` called for each) until it ends; returns its final status when it completed, else raises
        WorkflowFailedError or WorkflowCancelledError."""
        bar = WorkflowBar(progress, workflow_id)
        try:
            for event in self.events(workflow_id):
                bar.update(event)
                if on_event is not None:
                    on_event(event)
        finally:
            bar.close()
        return _api.finished(self.status(workflow_id))

    def download(self, workflow_id: str, folder: Union[str, "os.PathLike[str]"]) -> List[Path]:
        """Every file output of every stage (each `download_urls` entry; a folder's files), saved under
        `folder` at its place in the workflow (stage_2/subtitles.srt). Returns the paths written."""
        targets = _api.download_targets(self.status(workflow_id))
        files = [f for t in targets
                 for f in (_api.listed_targets(self._call(_api.listing(t.url)), workflow_id) if t.folder else [t])]
        return [self._save(f.url, destination(folder, f.relative)) for f in files]

    def _save(self, url: str, path: Path) -> Path:
        part = PartFile(path)
        try:
            with self._http.stream("GET", url) as r:
                if r.status_code >= 400:
                    r.read()
                    _api.raise_for_error(r)
                for chunk in r.iter_bytes():
                    part.stream.write(chunk)
        except BaseException:
            part.abandon()
            raise
        return part.done()

    def subtitles(self, workflow_id: str, format: str = "srt") -> str:
        """A finished workflow's subtitles: srt, vtt, ass, ttml, txt or json."""
        return self._call(_api.subtitles(workflow_id, format))

    def cancel(self, workflow_id: str) -> WorkflowCancelled:
        return self._call(_api.cancel(workflow_id))

    def run_task(self, task_name: str, input_data: Mapping[str, Any], *, task_id: Optional[str] = None,
                 callback_url: Optional[str] = None,
                 callback_auth_header: Optional[str] = None) -> TaskAccepted:
        """Runs one node on its own (POST /v1/tasks); the same task_id and input again returns the stored
        result."""
        return self._call(_api.run_task(task_name, input_data, task_id, callback_url, callback_auth_header))

    def task_status(self, task_id: str) -> TaskStatus:
        return self._call(_api.task_status(task_id))

    def wait_task(self, task_id: str, *, poll_interval: float = 0.5) -> TaskStatus:
        """Polls a single task until it ends (tasks have no event stream); returns it when completed, else
        raises TaskError."""
        while True:
            task = self.task_status(task_id)
            if task.get("status") not in _api.TASK_RUNNING:
                return _api.task_finished(task)
            time.sleep(poll_interval)

    def cancel_task(self, task_id: str) -> Dict[str, Any]:
        return self._call(_api.cancel_task(task_id))

    def transcribe(self, file: _api.FileInput, *, model: Optional[str] = None, language: Optional[str] = None,
                   prompt: Optional[str] = None, response_format: str = "json",
                   timestamp_granularities: Optional[Sequence[str]] = None, temperature: Optional[float] = None,
                   translate: bool = False) -> Any:
        """OpenAI-style transcription (or translation into English) of an audio or video file, answered at
        once: a dict for json and verbose_json, the text for text, srt and vtt."""
        with opened(file) as (name, stream):
            return self._call(_api.transcribe(name, stream, translate, model, language, prompt, response_format,
                                              timestamp_granularities, temperature))

    def supported_tasks(self) -> List[Dict[str, Any]]:
        """Every node with its parameters, bounds and outputs."""
        return self._call(_api.supported_tasks())["tasks"]

    def models(self) -> Dict[str, Any]:
        """Installed and pullable Whisper models (GET /v1/models)."""
        return self._call(_api.models())
