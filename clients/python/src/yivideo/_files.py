"""Local files in and out: inputs given as a path or an open binary file, upload progress, and writing a
download so that a file appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Callable, Iterator, Tuple, Union, cast

from .progress import byte_bar

ProgressCallback = Callable[[int, int], None]  # (bytes sent so far, total bytes)
UploadProgress = Union[bool, ProgressCallback]


class _Counting:
    """A file object that reports each read's bytes to `on_read`. Seek and tell reach the file, so httpx can
    measure it and send Content-Length rather than chunks."""

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._on_read(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


def _size(stream: IO[bytes]) -> int:
    """The whole file's length: httpx sends a file object from its start, wherever it stands."""
    start = stream.tell()
    end = stream.seek(0, os.SEEK_END)
    stream.seek(start)
    return end


@contextlib.contextmanager
def opened(file: Union[str, "os.PathLike[str]", IO[bytes]],
           progress: UploadProgress = False) -> Iterator[Tuple[str, IO[bytes]]]:
    """(file name, readable stream) for a path or an open binary file (which stays open afterwards).
    `progress`: True for a tqdm bar, or a callback of (sent, total)."""
    if isinstance(file, (str, os.PathLike)):
        path = Path(file)
        with path.open("rb") as stream:
            with opened(stream, progress) as (_, counted):
                yield path.name, counted
        return
    name = os.path.basename(str(getattr(file, "name", "") or "upload"))
    if not progress:
        yield name, file
        return
    total = _size(file)
    with contextlib.ExitStack() as stack:
        report: ProgressCallback
        if callable(progress):
            report = progress
        else:
            bar = stack.enter_context(byte_bar(total, name))
            report = lambda sent, _total: bar.update(sent - bar.n)  # noqa: E731
        sent = 0

        def on_read(n: int) -> None:
            nonlocal sent
            sent += n
            report(sent, total)

        yield name, cast(IO[bytes], _Counting(file, on_read))  # it has what httpx uses of a file


class PartFile:
    """A download in progress: written to <name>.part, renamed over <name> by done()."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._part = path.with_name(path.name + ".part")
        self.stream = self._part.open("wb")

    def done(self) -> Path:
        self.stream.close()
        os.replace(self._part, self.path)
        return self.path

    def abandon(self) -> None:
        self.stream.close()
        with contextlib.suppress(FileNotFoundError):
            self._part.unlink()


def destination(folder: Union[str, "os.PathLike[str]"], relative: str) -> Path:
    return Path(folder).joinpath(*relative.split("/"))

