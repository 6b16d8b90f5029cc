"""Group commit: actions that wait at once share one transaction and one durable commit.

A caller hands :meth:`Committer.run` its actions. If a lane is free, the caller writes at
once (a lone action waits for nobody: no timer gathers company); otherwise it waits, and
the next batch takes every action queued by then (the leader/follower pattern: when a lane
frees, the first caller still waiting writes the next batch). SQLite has one lane (it has
one writer at a time anyway); PostgreSQL a few, so that batches overlap their round trips
and flushes as separate transactions would, each batch taking its row locks in one order
(starts first, then cases by id) so that two batches cannot deadlock.

A batch of one runs as an action always ran, in a transaction of its own. A larger batch
runs in one write transaction, each action in its own SAVEPOINT (the action opens it): an
action that fails (refused by the database, a conflict, an error) rolls back only its
savepoint and gets its own answer, while its neighbours go on. One COMMIT ends the batch,
and only after it has returned (SQLite ``synchronous=FULL``, PostgreSQL's fsync) does
anything an action keeps in memory change and does any caller get its answer. If the
COMMIT fails, every action of the batch gets that error: none of them is recorded.

Each action runs in its caller's context (:mod:`contextvars`: the language of its answers,
the transaction's trust), though on the leader's thread. Nothing here knows what an action
does: :mod:`sop_runtime.service.cases` gives it the work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextvars import Context, copy_context
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, Engine

from sop_runtime.store.db import begin_write

BATCH_MOST = 64  # actions in one transaction at most (the rest go in the next one)
LANES = 4  # batches written at once on PostgreSQL


def _lock_order(job: Job) -> str:
    case_id: str | None = getattr(job.work, "case_id", None)
    return case_id or ""


class Work(Protocol):
    """One action, as the committer runs it."""

    def alone(self) -> Any:
        """Run in a transaction of its own (committed when it returns); the answer."""

    def batched(self, conn: Connection) -> Callable[[], Any]:
        """Run in ``conn``'s transaction, each try in a savepoint of its own (an action
        that raises has rolled back all it wrote); a function called once the batch is
        durable, which returns the answer."""

    def failed(self, error: BaseException) -> BaseException:
        """The error to answer with when the batch's COMMIT raised ``error``."""


@dataclass(eq=False)
class _Ticket:
    """One caller's actions: how many are still unanswered, and whether it is its turn to
    write the next batch."""

    left: int
    lead: bool = False  # its turn to write: a lane was handed to it
    leading: bool = False  # writing now
    woken: threading.Event = field(default_factory=threading.Event)


@dataclass(eq=False)
class Job:
    work: Work
    ticket: _Ticket
    context: Context
    answer: Any = None
    error: BaseException | None = None

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.answer


@dataclass
class Stats:
    """What the committer has done (for tests and benches): batches written, actions in
    them, and the largest batch."""

    batches: int = 0
    actions: int = 0
    largest: int = 0


class Committer:
    """The group committer of one engine (one per :class:`~.runtime.Runtime`)."""

    def __init__(self, engine: Engine, lanes: int | None = None) -> None:
        self.engine = engine
        # batches written at once: one on SQLite (one writer at a time anyway); on
        # PostgreSQL a few, so its round trips and flushes overlap as separate
        # transactions' would
        self.lanes = lanes or (1 if engine.dialect.name == "sqlite" else LANES)
        self.stats = Stats()
        self._lock = threading.Lock()
        self._queue: list[Job] = []
        self._writing = 0  # lanes in use
        self._local = threading.local()

    def queued(self) -> int:
        """Actions waiting for the next batch."""
        with self._lock:
            return len(self._queue)

    def run(self, works: Sequence[Work]) -> list[Job]:
        """Run ``works`` (in this order, possibly among others' actions) and return their
        jobs once each is answered and what it wrote is durable."""
        if getattr(self._local, "writing", False):  # an action that runs another one
            return [self._alone(Job(w, _Ticket(1), copy_context())) for w in works]
        ticket = _Ticket(len(works))
        jobs = [Job(w, ticket, copy_context()) for w in works]
        with self._lock:
            self._queue.extend(jobs)
            if jobs and self._writing < self.lanes:
                self._writing += 1
                ticket.lead = True
        while True:
            if ticket.lead:
                self._lead(ticket)
            with self._lock:
                if ticket.left == 0:
                    return jobs
                if ticket.lead:
                    continue
                ticket.woken.clear()
            ticket.woken.wait()

    def _lead(self, ticket: _Ticket) -> None:
        """Write batches while actions of ``ticket`` are queued, then hand the lane to the
        first caller still waiting (or give it up)."""
        self._local.writing = True
        ticket.leading, ticket.lead = True, False
        try:
            while True:
                with self._lock:
                    if not any(job.ticket is ticket for job in self._queue):
                        break
                    batch = self._queue[:BATCH_MOST]
                    del self._queue[:BATCH_MOST]
                    self.stats.batches += 1
                    self.stats.actions += len(batch)
                    self.stats.largest = max(self.stats.largest, len(batch))
                if self.lanes > 1:  # every batch takes its row locks in one order: starts
                    batch.sort(key=_lock_order)  # (the case counter), then cases by id
                try:
                    self._write(batch)
                finally:
                    with self._lock:
                        for job in batch:
                            job.ticket.left -= 1
                            if job.ticket.left == 0 and job.ticket is not ticket:
                                job.ticket.woken.set()
        finally:
            self._local.writing = False
            with self._lock:
                ticket.leading = False
                following = next((job.ticket for job in self._queue
                                  if not (job.ticket.leading or job.ticket.lead)), None)
                if following is not None:
                    following.lead = True
                    following.woken.set()
                else:
                    self._writing -= 1

    def _write(self, batch: list[Job]) -> None:
        if len(batch) == 1:
            self._alone(batch[0])
            return
        done: list[tuple[Job, Callable[[], Any]]] = []
        try:
            with begin_write(self.engine) as conn:
                for job in batch:
                    try:
                        done.append((job, job.context.run(job.work.batched, conn)))
                    except Exception as exc:  # this action's answer; it rolled itself back
                        job.error = exc
        except BaseException as exc:  # the COMMIT (or the transaction) failed: nobody is
            for job in batch:          # recorded; an action's own error stands
                if job.error is None:
                    job.error = job.context.run(job.work.failed, exc)
            if not isinstance(exc, Exception):
                raise
            return
        for job, answer in done:
            try:
                job.answer = job.context.run(answer)
            except Exception as exc:
                job.error = exc

    @staticmethod
    def _alone(job: Job) -> Job:
        try:
            job.answer = job.context.run(job.work.alone)
        except Exception as exc:
            job.error = exc
        return job
