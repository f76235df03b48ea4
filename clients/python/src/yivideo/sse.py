"""Server-Sent Events as `GET /v1/workflows/<id>/events` sends them, parsed without I/O so that the sync and
the async client share it.

The wire format is the WHATWG one: `id:`, `event:`, `data:` (JSON, one line) and `retry:` fields, an event
ending at a blank line, `:` comments (the server's keep-alives). The stream ends with an `end` event, after
which the server closes; a connection lost before that is resumed with `Last-Event-ID` set to the last id
seen, so the server sends only what came after it (EventStream keeps that id).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .errors import APIError, YiVideoError

# Connections in a row that may end (or fail to open) before another event arrives, before events() gives up.
MAX_RECONNECTS = 5


@dataclass(frozen=True)
class Event:
    """One event: `type` is `snapshot` (data: the status document), `stage_started`, `stage_progress`
    (stage, task_name, percent, workflow_percent, eta_seconds), `segment` (stage, task_name, index, start, end,
    text: a transcript segment as it is decoded), `stage_completed`, `stage_failed`, or `end` (status,
    workflow_percent; the last)."""

    id: Optional[str]
    type: str
    data: Dict[str, Any] = field(default_factory=dict)


class EventStream:
    """Feeds lines from one or more connections in, gives events out; remembers where to resume."""

    def __init__(self, last_event_id: Optional[str] = None) -> None:
        self.last_event_id = last_event_id
        self.retry_seconds = 1.0  # until the server sends `retry:`
        self.ended = False
        self._lost = 0
        self._type = ""
        self._data: List[str] = []
        self._id: Optional[str] = None

    def connected(self) -> None:
        """A new connection starts: a half-received event from the old one is dropped (it is sent again)."""
        self._type, self._data, self._id = "", [], None

    def feed(self, line: str) -> Optional[Event]:
        """One line without its end; returns the event this line completes, if any."""
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._type = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self.retry_seconds = int(value) / 1000
        return None

    def _dispatch(self) -> Optional[Event]:
        if self._id is not None:
            self.last_event_id = self._id
        kind, data, self._type, self._data, self._id = self._type or "message", self._data, "", [], None
        if not data:
            return None
        event = Event(self.last_event_id, kind, json.loads("\n".join(data)))
        self._lost = 0
        if kind == "end":
            self.ended = True
        return event

    def headers(self) -> Dict[str, str]:
        """The request headers of the next connection."""
        headers = {"Accept": "text/event-stream"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        return headers

    def lost(self, error: Optional[Exception]) -> float:
        """A connection ended before the `end` event (`error`: how, if it failed): the seconds to wait before
        reconnecting, or raises once MAX_RECONNECTS connections in a row brought no event. An error answer is
        raised at once unless the server asked to be tried again later (503 too_many_streams, 429)."""
        if isinstance(error, APIError) and error.retry_after is None:
            raise error
        self._lost += 1
        if self._lost > MAX_RECONNECTS:
            if isinstance(error, APIError):
                raise error
            raise YiVideoError(f"the event stream was lost {self._lost} times in a row: {error or 'closed early'}")
        return error.retry_after if isinstance(error, APIError) and error.retry_after else self.retry_seconds
