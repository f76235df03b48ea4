"""The JSON documents the API answers, as TypedDicts for editors and type checkers (the server's
/openapi.json is the authority; fields it may add later are simply not listed here)."""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional

if sys.version_info >= (3, 11):
    from typing import TypedDict
else:  # pragma: no cover - older Pythons: typing_extensions comes with httpx's dependencies (anyio)
    from typing_extensions import TypedDict


class FileStored(TypedDict, total=False):
    file_path: str
    bucket: str
    download_url: str
    size: int
    uploaded_at: str
    content_type: str


class WorkflowCreated(TypedDict, total=False):
    workflow_id: str
    execution_mode: str
    tasks_total: int
    tasks_skipped: int
    tasks_to_execute: int
    message: str


class Stage(TypedDict, total=False):
    task_name: str
    status: str  # pending | queued | running | completed | failed | skipped | cancelled
    progress: float
    input: Dict[str, Any]
    output: Dict[str, Any]
    download_urls: Dict[str, str]  # by the field's place in output: "srt_path", "subtitle_files.vtt"
    start_time: Optional[str]
    end_time: Optional[str]
    duration: Optional[float]
    attempts: int
    error: Optional[str]


class Progress(TypedDict, total=False):
    completed: int
    total: int
    current: Optional[str]
    percent: float  # 0-100


class WorkflowStatus(TypedDict, total=False):
    workflow_id: str
    status: str  # pending | running | completed | failed | cancelled
    created_at: str
    updated_at: str
    progress: Progress
    input_params: Dict[str, Any]
    stages: Dict[str, Stage]  # stage_0 ... stage_<n-1>, in chain order
    error: Optional[str]
    callback_status: Optional[Dict[str, Any]]


class WorkflowCancelled(TypedDict, total=False):
    workflow_id: str
    status: str
    cancelled_stages: List[str]
    message: str


class TaskAccepted(TypedDict, total=False):
    task_id: str
    status: str
    message: str
    result: Dict[str, Any]


class TaskStatus(TypedDict, total=False):
    task_id: str
    task_name: str
    status: str  # pending | running | completed | failed | cancelled
    result: Optional[Dict[str, Any]]  # {"output": ..., "download_urls": ...} once completed
    error: Optional[str]
    created_at: str
    started_at: Optional[str]
    completed_at: Optional[str]
    duration: Optional[float]
    callback_status: Optional[Dict[str, Any]]


class NodeList(TypedDict):
    tasks: List[Dict[str, Any]]  # each node: task_name, parameters (with types and bounds), outputs
    count: int
