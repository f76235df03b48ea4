"""The asyncio client: Client's methods, awaited (events() is an async iterator). The requests and the
meaning of the answers are _api.py's, shared with Client; see client.py for each method's contract."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Union

import httpx

from . import _api
from ._files import PartFile, UploadProgress, destination, opened
from .documents import FileStored, TaskAccepted, TaskStatus, WorkflowCancelled, WorkflowCreated, WorkflowStatus
from .errors import APIError
from .progress import WorkflowBar
from .sse import Event, EventStream

EventCallback = Callable[[Event], Union[None, Awaitable[None]]]


class AsyncClient:
    """As Client, for asyncio: `async with AsyncClient(...) as yv: await yv.wait(...)`."""

    def __init__(self, base_url: Optional[str] = None, *, api_key: Optional[str] = None,
                 timeout: Union[float, httpx.Timeout] = _api.DEFAULT_TIMEOUT) -> None:
        url = httpx.URL(_api.base_url(base_url))
        key = _api.api_key(api_key)
        self._http = httpx.AsyncClient(base_url=url, timeout=timeout, auth=_api.KeyAuth(key, url) if key else None)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _call(self, call: _api.Call[_api.T]) -> _api.T:
        return _api.answer(call, await self._http.send(call.request(self._http)))

    async def upload(self, file: _api.FileInput, file_path: Optional[str] = None, *, bucket: Optional[str] = None,
                     progress: UploadProgress = False) -> FileStored:
        with opened(file, progress) as (name, stream):
            return await self._call(_api.upload(name, stream, file_path, bucket))

    async def submit(self, chain: Sequence[str], *, video_path: Optional[str] = None,
                     params: Optional[Mapping[str, Mapping[str, Any]]] = None, callback_url: Optional[str] = None,
               callback_auth_header: Optional[str] = None,
                     execution_mode: Optional[str] = None, workflow_id: Optional[str] = None,
                     param_merge_strategy: Optional[str] = None, **global_params: Any) -> WorkflowCreated:
        return await self._call(_api.submit(video_path, chain, params, callback_url,
                                            execution_mode, workflow_id, param_merge_strategy, global_params,
                                      callback_auth_header))

    async def status(self, workflow_id: str) -> WorkflowStatus:
        return await self._call(_api.status(workflow_id))

    async def events(self, workflow_id: str, *, last_event_id: Optional[str] = None) -> AsyncIterator[Event]:
        stream = EventStream(last_event_id)
        while not stream.ended:
            error: Optional[Exception] = None
            try:
                async with self._http.stream("GET", _api.events_path(workflow_id), headers=stream.headers()) as r:
                    if r.status_code >= 400:
                        await r.aread()
                        _api.raise_for_error(r)
                    stream.connected()
                    async for line in r.aiter_lines():
                        event = stream.feed(line)
                        if event is not None:
                            yield event
            except (httpx.TransportError, APIError) as e:
                error = e
            if not stream.ended:
                await asyncio.sleep(stream.lost(error))

    async def wait(self, workflow_id: str, *, progress: bool = True,
                   on_event: Optional[EventCallback] = None) -> WorkflowStatus:
        """As Client.wait; `on_event` may be a coroutine function."""
        bar = WorkflowBar(progress, workflow_id)
        try:
            async for event in self.events(workflow_id):
                bar.update(event)
                if on_event is not None:
                    result = on_event(event)
                    if result is not None:
                        await result
        finally:
            bar.close()
        return _api.finished(await self.status(workflow_id))

    async def download(self, workflow_id: str, folder: Union[str, "os.PathLike[str]"]) -> List[Path]:
        """As Client.download; the files are fetched one after another."""
        targets = _api.download_targets(await self.status(workflow_id))
        files: List[_api.Target] = []
        for t in targets:
            files += _api.listed_targets(await self._call(_api.listing(t.url)), workflow_id) if t.folder else [t]
        return [await self._save(f.url, destination(folder, f.relative)) for f in files]

    async def _save(self, url: str, path: Path) -> Path:
        part = PartFile(path)
        try:
            async with self._http.stream("GET", url) as r:
                if r.status_code >= 400:
                    await r.aread()
                    _api.raise_for_error(r)
                async for chunk in r.aiter_bytes():
                    part.stream.write(chunk)
        except BaseException:
            part.abandon()
            raise
        return part.done()

    async def subtitles(self, workflow_id: str, format: str = "srt") -> str:
        return await self._call(_api.subtitles(workflow_id, format))

    async def cancel(self, workflow_id: str) -> WorkflowCancelled:
        return await self._call(_api.cancel(workflow_id))

    async def run_task(self, task_name: str, input_data: Mapping[str, Any], *, task_id: Optional[str] = None,
                       callback_url: Optional[str] = None,
                 callback_auth_header: Optional[str] = None) -> TaskAccepted:
        return await self._call(_api.run_task(task_name, input_data, task_id, callback_url, callback_auth_header))

    async def task_status(self, task_id: str) -> TaskStatus:
        return await self._call(_api.task_status(task_id))

    async def wait_task(self, task_id: str, *, poll_interval: float = 0.5) -> TaskStatus:
        while True:
            task = await self.task_status(task_id)
            if task.get("status") not in _api.TASK_RUNNING:
                return _api.task_finished(task)
            await asyncio.sleep(poll_interval)

    async def cancel_task(self, task_id: str) -> Dict[str, Any]:
        return await self._call(_api.cancel_task(task_id))

    async def transcribe(self, file: _api.FileInput, *, model: Optional[str] = None,
                         language: Optional[str] = None, prompt: Optional[str] = None,
                         response_format: str = "json", timestamp_granularities: Optional[Sequence[str]] = None,
                         temperature: Optional[float] = None, translate: bool = False) -> Any:
        with opened(file) as (name, stream):
            return await self._call(_api.transcribe(name, stream, translate, model, language, prompt,
                                                    response_format, timestamp_granularities, temperature))

    async def supported_tasks(self) -> List[Dict[str, Any]]:
        return (await self._call(_api.supported_tasks()))["tasks"]

    async def models(self) -> Dict[str, Any]:
        return await self._call(_api.models())
