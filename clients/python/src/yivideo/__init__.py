"""Python client for YiVideo's HTTP API: upload media, run chains of nodes, follow their progress live,
fetch every output, run single tasks, transcribe OpenAI-style, and check signed callbacks.

    import yivideo
    with yivideo.Client("http://localhost:8000") as yv:
        yv.upload("talk.mp4", "videos/talk.mp4")
        run = yv.submit(["ffmpeg.extract_audio", "faster_whisper.transcribe_audio",
                         "wservice.generate_subtitle_files"], video_path="videos/talk.mp4", language="en")
        yv.wait(run["workflow_id"])
        yv.download(run["workflow_id"], "out/")
"""

from .async_client import AsyncClient
from .client import Client
from .documents import FileStored, Stage, TaskAccepted, TaskStatus, WorkflowCancelled, WorkflowCreated, WorkflowStatus
from .errors import (APIError, AuthenticationError, BadRequestError, ConflictError, NotFoundError,
                     PermissionDeniedError, RateLimitError, RunEndedError, ServerError, SignatureError, TaskError,
                     WorkflowCancelledError, WorkflowError, WorkflowFailedError, YiVideoError)
from .signing import SIGNATURE_HEADER, verify_callback
from .sse import Event

__version__ = "0.1.0"

__all__ = [
    "APIError", "AsyncClient", "AuthenticationError", "BadRequestError", "Client", "ConflictError", "Event",
    "FileStored", "NotFoundError", "PermissionDeniedError", "RateLimitError", "RunEndedError", "SIGNATURE_HEADER",
    "ServerError", "SignatureError", "Stage", "TaskAccepted", "TaskError", "TaskStatus", "WorkflowCancelled",
    "WorkflowCancelledError", "WorkflowCreated", "WorkflowError", "WorkflowFailedError", "WorkflowStatus",
    "YiVideoError", "verify_callback",
]
