"""Opening the files a user names without waiting on them.

A named pipe (FIFO) blocks ``open()`` until something writes into it: a definitions folder
holding one, or a log or mapping path that names one, would hang ``sop validate``,
``sop init`` or ``sop conformance`` for ever. Opened here without blocking, a pipe nobody
writes into reads as empty (and is refused as such, with its name); one being written
(``<(command)`` in a shell) reads as usual. Likewise an output that is a pipe nobody reads
is refused at once.

And making what was written durable: :func:`sync_file` (its bytes) and :func:`sync_folder`
(the names just made in a folder), for files given their name only once complete."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast


def _descriptor(path: Path, flags: int = os.O_RDONLY) -> int:
    """A descriptor of ``path`` (read-only unless ``flags`` say otherwise), opened without
    waiting on a named pipe's other end; its reads and writes wait as usual."""
    fd = os.open(path, flags | os.O_NONBLOCK)
    try:
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_bytes(path: Path) -> BinaryIO:
    """``path`` opened to read bytes (the caller closes it)."""
    return cast(BinaryIO, open(_descriptor(path), "rb"))


def open_text(path: Path, **kwargs: Any) -> TextIO:
    """``path`` opened to read text (``open``'s keywords: encoding, newline...)."""
    return cast(TextIO, open(_descriptor(path), **kwargs))


def read_text(path: Path) -> str:
    """The whole of a UTF-8 text file."""
    with open_text(path, encoding="utf-8") as f:
        return f.read()


def open_in_place(path: Path, *, binary: bool) -> IO[Any]:
    """An existing file that is not a regular one (a device, a named pipe) opened to write
    into, without waiting: a pipe nobody reads is refused at once (ENXIO) rather than
    waiting for a reader for ever."""
    fd = _descriptor(path, os.O_WRONLY)
    if binary:
        return open(fd, "wb")
    return open(fd, "w", encoding="utf-8", newline="")


def sync_file(path: Path) -> None:
    """Flush ``path``'s bytes to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make the names just made in ``folder`` durable (where the platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
