"""Verifying a long log on several cores: each case's chain stands alone, so ranges of case
ids are checked by separate processes, each with its own connection and snapshot, and the
first break in case order is the answer."""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from sqlalchemy import func, select

from sop_runtime.store.chain import Span, VerifyReport, verify
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import events

T = TypeVar("T")

MIN_EVENTS_PER_WORKER = 200_000  # below this a worker's start-up costs more than it saves


def spans(url: str, parts: int, *, min_events: int = MIN_EVENTS_PER_WORKER) -> list[Span]:
    """At most ``parts`` ranges of case ids covering every case id, about equal in events:
    no more than the log repays starting a process for (``min_events`` each), but two when
    two or more are asked, so a short log asked for several processes
    still takes the parallel path, and ``--workers 64`` on a small court does not start 64
    interpreters."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(events)).scalar() or 0
            parts = min(parts, max(2, -(-total // min_events)))
            bounds: list[str] = []
            for i in range(1, parts):
                bound = conn.execute(select(events.c.case_id).order_by(events.c.case_id)
                                     .offset(total * i // parts).limit(1)).scalar()
                if bound is not None and (not bounds or bound > bounds[-1]):
                    bounds.append(bound)
    finally:
        engine.dispose()
    edges: list[str | None] = [None, *bounds, None]
    return [Span(first=a, stop=b) for a, b in itertools.pairwise(edges)]


def _verify_span(url: str, span: Span) -> VerifyReport:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name != "sqlite":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                return verify(conn, span=span)
    finally:
        engine.dispose()


def over_spans(url: str, workers: int, check: Callable[[str, Span], T]) -> list[T]:
    """``check(url, span)`` for ``workers`` ranges of case ids, each in a process of its own
    (``check`` must be a module-level function); in this process for one range. The
    answers come in case order."""
    ranges = spans(url, workers) if workers > 1 else [Span()]
    if len(ranges) == 1:
        return [check(url, ranges[0])]
    context = multiprocessing.get_context("spawn")  # no connection crosses a fork
    with ProcessPoolExecutor(len(ranges), mp_context=context) as pool:
        return list(pool.map(check, [url] * len(ranges), ranges))


def verify_parallel(url: str, workers: int) -> VerifyReport:
    """:func:`verify` over ``workers`` processes; one process for a short log."""
    reports = over_spans(url, workers, _verify_span)
    first = next((r.first_break for r in reports if r.first_break is not None), None)
    return VerifyReport(first is None, sum(r.events for r in reports),
                        sum(r.cases for r in reports), first)


def workers_for(events_estimate: int, cores: int) -> int:
    """How many processes are worth starting for a log of about ``events_estimate``."""
    return max(1, min(cores, events_estimate // MIN_EVENTS_PER_WORKER))
