"""Actions at once, written as one batch by the group committer: threads line up behind an
action that holds the committer, and are let go once all of them are queued (nothing is
decided by a sleep: the test waits until the actions are queued)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sop_runtime.service.runtime import Runtime

PATIENCE = 60.0  # seconds a test waits for threads before it fails


class _Gate:
    """An action that holds the committer until released: what queues meanwhile goes into
    the next batch together."""

    def __init__(self) -> None:
        self.open = threading.Event()

    def alone(self) -> None:
        assert self.open.wait(PATIENCE), "the gate was never opened"

    def batched(self, conn: Any) -> Callable[[], None]:
        raise AssertionError("the gate runs alone")

    def failed(self, error: BaseException) -> BaseException:
        return error


def _until(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not check():
        assert time.monotonic() < deadline, "the actions never queued"
        time.sleep(0.005)


@contextmanager
def one_batch(rt: Runtime, actions: int) -> Iterator[None]:
    """Hold every lane of the committer while the block starts its threads; on leaving,
    wait until ``actions`` are queued and let them go: the first lane freed writes them
    as one batch."""
    committer = rt.committer
    gates = [_Gate() for _ in range(committer.lanes)]
    batches = committer.stats.batches
    holders = [threading.Thread(target=committer.run, args=([gate],)) for gate in gates]
    for i, holder in enumerate(holders):  # one by one: each gate a lane of its own
        holder.start()
        _until(lambda i=i: committer.stats.batches == batches + i + 1)
    try:
        yield
        _until(lambda: committer.queued() == actions)
        gates[0].open.set()  # its lane takes the queue, then the others open
        _until(lambda: committer.queued() == 0)
    finally:
        for gate in gates:
            gate.open.set()
        for holder in holders:
            holder.join(PATIENCE)


def at_once(rt: Runtime, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` on threads of their own, written as one batch; each one's outcome or
    the exception it raised."""
    answers: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            answers[i] = calls[i]()
        except Exception as exc:
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    largest = rt.committer.stats.largest
    with one_batch(rt, len(calls)):
        for t in threads:
            t.start()
    for t in threads:
        t.join(PATIENCE)
        assert not t.is_alive()
    assert rt.committer.stats.largest == max(largest, len(calls))  # one batch, really
    return answers


