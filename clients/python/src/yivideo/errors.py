"""Exceptions: the server's `{"detail", "code"}` errors by HTTP status, and the outcomes `wait` refuses.

Every error the API answers carries a stable snake_case `code` (api-contract.md); callers branch on `.code`,
and on the class where the status alone decides what to do (401: fix the key, 429: wait `retry_after`).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Type


class YiVideoError(Exception):
    """Anything the SDK raises on purpose."""


class APIError(YiVideoError):
    """The server answered an error: `.status` (HTTP), `.code` (stable) and `.detail` (human message);
    `.retry_after`: the seconds the server asked to wait before trying again (429, 503), when it said."""

    def __init__(self, status: int, code: str, detail: str, retry_after: Optional[float] = None) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after


class BadRequestError(APIError):
    """400, 411, 413, 415, 422, 431: the request is wrong (unknown node, bad parameter, too large...)."""


class AuthenticationError(APIError):
    """401: no API key, or one the server does not know."""


class PermissionDeniedError(APIError):
    """403: the key lacks the route's scope."""


class NotFoundError(APIError):
    """404 or 410: no such workflow, task or file (or another key's)."""


class ConflictError(APIError):
    """409: e.g. a task id reused with other input, or a workflow changed concurrently."""


class RateLimitError(APIError):
    """429: over a rate or queue limit; wait `.retry_after` seconds."""


class ServerError(APIError):
    """5xx: the server or a dependency of it (state store, object store) failed."""


_BY_STATUS: Dict[int, Type[APIError]] = {
    400: BadRequestError, 411: BadRequestError, 413: BadRequestError, 415: BadRequestError,
    422: BadRequestError, 431: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError,
    404: NotFoundError, 410: NotFoundError, 409: ConflictError, 429: RateLimitError,
}


def api_error(status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
    """The exception for an error answer; a body that is not the API's JSON error keeps its text as detail."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("code"), str):
        code, detail = parsed["code"], str(parsed.get("detail", ""))
    else:
        code, detail = f"http_{status}", body.decode("utf-8", "replace").strip()
    retry = headers.get("retry-after")
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else APIError)
    return cls(status, code, detail, float(retry) if retry and retry.isdigit() else None)


class RunEndedError(YiVideoError):
    """A workflow or task ended other than completed; `.document` is its final status, `.code` says how
    (workflow_failed, workflow_cancelled, task_failed, task_cancelled)."""

    def __init__(self, kind: str, document: Dict[str, Any]) -> None:
        status = document.get("status")
        super().__init__(f"{kind} {document.get(kind + '_id')} {status}: {document.get('error')}")
        self.document = document
        self.code = f"{kind}_{status}"


class WorkflowError(RunEndedError):
    """`wait` saw the workflow end other than completed; `.workflow` is its final status document."""

    def __init__(self, workflow: Dict[str, Any]) -> None:
        super().__init__("workflow", workflow)
        self.workflow = workflow


class WorkflowFailedError(WorkflowError):
    """A stage failed; `.workflow["error"]` names the node and the cause."""


class WorkflowCancelledError(WorkflowError):
    """The workflow was cancelled."""


class TaskError(RunEndedError):
    """`wait_task` saw a single task end other than completed (failed or cancelled); `.task` is its status."""

    def __init__(self, task: Dict[str, Any]) -> None:
        super().__init__("task", task)
        self.task = task


class SignatureError(YiVideoError):
    """verify_callback refused a callback: unsigned, signed with another secret, altered, or too old."""
