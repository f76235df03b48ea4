"""Progress bars (tqdm, the `progress` extra): bytes of an upload, and a workflow's 0-100 progress fed by its
event stream. Without tqdm installed, asking for a bar shows none rather than failing the work."""

from __future__ import annotations

import contextlib
import sys
from typing import Any, Iterator, Optional

from .sse import Event

try:
    from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]
except ImportError:  # pragma: no cover - the extra is optional
    tqdm = None


class _NoBar:
    n = 0.0

    def update(self, n: float = 1) -> None:
        self.n += n


@contextlib.contextmanager
def byte_bar(total: int, name: str) -> Iterator[Any]:
    if tqdm is None:
        yield _NoBar()
        return
    with tqdm(total=total, desc=name, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr) as bar:
        yield bar


class WorkflowBar:
    """A bar from 0 to 100 that follows `workflow_percent` (stage events) and the snapshot's percent, titled
    with the stage at work and, while transcribing, the latest decoded text."""

    def __init__(self, enabled: bool, workflow_id: str) -> None:
        self._bar: Optional[Any] = None
        if enabled and tqdm is not None:
            self._bar = tqdm(total=100, desc=workflow_id[:8], unit="%", file=sys.stderr,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining} {postfix}")

    def update(self, event: Event) -> None:
        if self._bar is None:
            return
        data = event.data
        percent = data.get("workflow_percent")
        if event.type == "snapshot":
            percent = (data.get("progress") or {}).get("percent")
        if isinstance(percent, (int, float)) and percent > self._bar.n:
            self._bar.update(min(percent, 100) - self._bar.n)
        if "task_name" in data:
            self._bar.set_description_str(str(data["task_name"]), refresh=False)
        if event.type == "segment":
            self._bar.set_postfix_str(str(data.get("text", "")).strip()[:40], refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
