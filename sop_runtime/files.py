"""Opening the files a user names for reading without waiting on them.

A named pipe (FIFO) blocks ``open()`` until something writes into it: a definitions folder
holding one, or a log or mapping path that names one, would hang ``sop validate``,
``sop init`` or ``sop conformance`` for ever. Opened here without blocking, a pipe nobody
writes into reads as empty (and is refused as such, with its name); one being written
(``<(command)`` in a shell) reads as usual."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any


def open_nowait(path: Path, mode: str = "rb", **kwargs: Any) -> IO[Any]:
    """``path`` opened for reading (``mode`` "rb" or "r", with ``open``'s other keywords),
    without waiting for a writer should it be a named pipe."""
    if mode not in ("rb", "r"):
        raise ValueError(f"open_nowait reads only, not {mode!r}")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        os.set_blocking(fd, True)  # the reads wait as usual; only the open did not
        return open(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def read_text_nowait(path: Path) -> str:
    """The whole of a UTF-8 text file, opened as :func:`open_nowait` does."""
    with open_nowait(path, "r", encoding="utf-8") as f:
        return f.read()
