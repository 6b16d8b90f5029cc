"""Read ahead: pull the next items of an iterator in a thread while the caller works on
the current one.

A PostgreSQL server-side cursor answers each FETCH only when asked; reading the next batch
in a thread (psycopg releases the GIL while it waits for the server) lets the server
produce it while Python checks the previous one.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()


def prefetched(items: Iterator[T], depth: int = 2) -> Generator[T]:
    """``items``, read up to ``depth`` ahead in a thread. The source is closed in that
    thread (its ``finally`` blocks run there) when it ends or the consumer stops early."""
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
            slots.put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            slots.put(exc)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="sop-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            got = slots.get()
            if got is _END:
                return
            if isinstance(got, BaseException):
                raise got
            yield got  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting for room
            with contextlib.suppress(queue.Empty):
                slots.get(timeout=0.1)
        worker.join()
