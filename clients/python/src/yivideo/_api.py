"""The API's requests and the meaning of its answers, without I/O: Client and AsyncClient each send these
Calls with their own httpx client, so both speak exactly the same protocol.

Routes: src/http/*_routes.cc on the server, or its /openapi.json.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
from dataclasses import dataclass, field
from typing import IO, Any, Dict, Generator, Generic, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union, cast
from urllib.parse import quote

import httpx

from .documents import (FileStored, NodeList, TaskAccepted, TaskStatus, WorkflowCancelled, WorkflowCreated,
                        WorkflowStatus)
from .errors import TaskError, WorkflowCancelledError, WorkflowFailedError, api_error

DEFAULT_URL = "http://localhost:8000"
# Reading a transcription or a long upload's answer takes as long as the work; connecting should not.
DEFAULT_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
TEXT_FORMATS = ("text", "srt", "vtt")  # the OpenAI-style response formats that are not JSON
TASK_RUNNING = ("pending", "queued", "running")

FileInput = Union[str, "os.PathLike[str]", IO[bytes]]
T = TypeVar("T")
Document = TypeVar("Document", bound=Mapping[str, Any])


@dataclass
class Call(Generic[T]):
    """One request whose answer is a T: `text` answers are returned as str, others as parsed JSON."""

    method: str
    path: str
    params: Optional[Dict[str, Any]] = None
    json: Optional[Dict[str, Any]] = None
    data: Optional[Dict[str, Any]] = None
    files: Optional[Dict[str, Tuple[str, IO[bytes], str]]] = None
    text: bool = False
    headers: Dict[str, str] = field(default_factory=dict)

    def request(self, http: Union[httpx.Client, httpx.AsyncClient]) -> httpx.Request:
        return http.build_request(self.method, self.path, params=self.params, json=self.json, data=self.data,
                                  files=self.files, headers=self.headers)


def base_url(url: Optional[str]) -> str:
    return (url or os.environ.get("YIVIDEO_URL") or DEFAULT_URL).rstrip("/")


def api_key(key: Optional[str]) -> Optional[str]:
    return key or os.environ.get("YIVIDEO_API_KEY") or None


class KeyAuth(httpx.Auth):
    """`Authorization: Bearer <key>` on requests to the API's own origin only: download URLs may be presigned
    ones on an S3 endpoint, which must never see the key."""

    def __init__(self, key: str, origin: httpx.URL) -> None:
        self._header = f"Bearer {key}"
        self._origin = (origin.scheme, origin.host, origin.port)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if (request.url.scheme, request.url.host, request.url.port) == self._origin:
            request.headers["Authorization"] = self._header
        yield request


def answer(call: "Call[T]", response: httpx.Response) -> T:
    """The decoded answer of a read response, or the API's error as an exception."""
    raise_for_error(response)
    return cast(T, response.text if call.text else response.json())


def raise_for_error(response: httpx.Response) -> None:
    """Raises the APIError of an error answer (whose body has been read)."""
    if response.status_code >= 400:
        raise api_error(response.status_code, response.content, response.headers)


def segment(value: str) -> str:
    return quote(value, safe="")


def file_part(name: str, stream: IO[bytes]) -> Dict[str, Tuple[str, IO[bytes], str]]:
    """The multipart `file` field, typed by its name as curl -F types it."""
    return {"file": (name, stream, mimetypes.guess_type(name)[0] or "application/octet-stream")}


def upload(name: str, stream: IO[bytes], file_path: Optional[str], bucket: Optional[str]) -> "Call[FileStored]":
    data = {k: v for k, v in (("file_path", file_path), ("bucket", bucket)) if v is not None}
    return Call("POST", "/v1/files/upload", data=data, files=file_part(name, stream))


def submit(video_path: Optional[str], chain: Sequence[str], node_params: Optional[Mapping[str, Mapping[str, Any]]],
           callback_url: Optional[str], execution_mode: Optional[str], workflow_id: Optional[str],
           param_merge_strategy: Optional[str], global_params: Mapping[str, Any],
           callback_auth_header: Optional[str] = None) -> "Call[WorkflowCreated]":
    body: Dict[str, Any] = {"workflow_config": {"workflow_chain": list(chain)}, **global_params}
    for node, params in (node_params or {}).items():
        body[node] = dict(params)
    optional = (("video_path", video_path), ("callback", callback_url),
                ("callback_auth_header", callback_auth_header), ("execution_mode", execution_mode),
                ("workflow_id", workflow_id), ("param_merge_strategy", param_merge_strategy))
    body.update({k: v for k, v in optional if v is not None})
    return Call("POST", "/v1/workflows", json=body)


def status(workflow_id: str) -> "Call[WorkflowStatus]":
    return Call("GET", f"/v1/workflows/status/{segment(workflow_id)}")


def events_path(workflow_id: str) -> str:
    return f"/v1/workflows/{segment(workflow_id)}/events"


def cancel(workflow_id: str) -> "Call[WorkflowCancelled]":
    return Call("POST", f"/v1/workflows/{segment(workflow_id)}/cancel")


def subtitles(workflow_id: str, fmt: str) -> "Call[str]":
    return Call("GET", f"/v1/workflows/{segment(workflow_id)}/subtitles", params={"format": fmt}, text=True)


def run_task(task_name: str, input_data: Mapping[str, Any], task_id: Optional[str],
             callback_url: Optional[str], callback_auth_header: Optional[str] = None) -> "Call[TaskAccepted]":
    body: Dict[str, Any] = {"task_name": task_name, "input_data": dict(input_data)}
    optional = (("task_id", task_id), ("callback", callback_url), ("callback_auth_header", callback_auth_header))
    body.update({k: v for k, v in optional if v is not None})
    return Call("POST", "/v1/tasks", json=body)


def task_status(task_id: str) -> "Call[TaskStatus]":
    return Call("GET", f"/v1/tasks/{segment(task_id)}/status")


def cancel_task(task_id: str) -> "Call[Dict[str, Any]]":
    return Call("DELETE", f"/v1/tasks/{segment(task_id)}")


def supported_tasks() -> "Call[NodeList]":
    return Call("GET", "/v1/tasks/supported-tasks")


def models() -> "Call[Dict[str, Any]]":
    return Call("GET", "/v1/models")


def listing(url: str) -> "Call[Dict[str, Any]]":
    return Call("GET", url)


def transcribe(name: str, stream: IO[bytes], translate: bool, model: Optional[str], language: Optional[str],
               prompt: Optional[str], response_format: str, timestamp_granularities: Optional[Sequence[str]],
               temperature: Optional[float]) -> "Call[Any]":
    fields = (("model", model or "whisper-1"), ("language", language), ("prompt", prompt),
              ("response_format", response_format), ("temperature", temperature))
    data: Dict[str, Any] = {k: str(v) for k, v in fields if v is not None}
    if timestamp_granularities:
        data["timestamp_granularities[]"] = list(timestamp_granularities)
    route = "translations" if translate else "transcriptions"
    return Call("POST", f"/v1/audio/{route}", data=data, files=file_part(name, stream),
                text=response_format in TEXT_FORMATS)


def finished(workflow: Document) -> Document:
    """A finished workflow's status, unless it failed or was cancelled (then the error `wait` raises)."""
    if workflow.get("status") == "failed":
        raise WorkflowFailedError(dict(workflow))
    if workflow.get("status") == "cancelled":
        raise WorkflowCancelledError(dict(workflow))
    return workflow


def task_finished(task: Document) -> Document:
    """A finished task's status, unless it failed or was cancelled (then the error `wait_task` raises)."""
    if task.get("status") != "completed":
        raise TaskError(dict(task))
    return task


@dataclass(frozen=True)
class Target:
    """A file to fetch: its URL and where it goes under the download folder. A folder output's URL is a
    listing (`folder`), whose files become Targets of their own."""

    url: str
    relative: str
    folder: bool = False


def relative_name(share_name: str, workflow_id: str) -> str:
    """Where an output named /share/<key> goes under the download folder: a workflow's own files keep their
    place in it (stage_2/subtitles.srt), any other object its whole key. Never outside the folder."""
    key = share_name[len("/share/"):] if share_name.startswith("/share/") else share_name.lstrip("/")
    own = f"workflows/{workflow_id}/"
    rel = posixpath.normpath(key[len(own):] if key.startswith(own) else key)
    if rel.startswith(("../", "/")) or rel in ("..", "."):
        raise ValueError(f"refusing to write {share_name!r} outside the download folder")
    return rel


def output_value(output: Any, place: str) -> Any:
    """The value at a download_urls key ("subtitle_files.srt", "keyframe_files.0") in a stage's output."""
    for part in place.split("."):
        output = output[int(part)] if isinstance(output, list) else output[part]
    return output


def download_targets(workflow: Mapping[str, Any]) -> List[Target]:
    """Every download_urls entry of every stage, once each."""
    targets: Dict[str, Target] = {}
    for stage in workflow.get("stages", {}).values():
        for place, url in (stage.get("download_urls") or {}).items():
            name = output_value(stage.get("output"), place)
            targets.setdefault(url, Target(url, relative_name(name, workflow["workflow_id"]), name.endswith("/")))
    return list(targets.values())


def listed_targets(files: Dict[str, Any], workflow_id: str) -> List[Target]:
    """The Targets of a folder's listing (GET /v1/files/list)."""
    return [Target(f["download_url"], relative_name(f.get("share_path") or f["file_path"], workflow_id))
            for f in files.get("files", [])]
