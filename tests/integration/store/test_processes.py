"""Six OS processes append to one case at the same moment: exactly one wins, the others get
ConcurrencyConflict, and the log still verifies. On both backends; no sleeps (a
multiprocessing.Barrier lines the processes up)."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier

import pytest
from sqlalchemy import Engine

from sop_runtime.store import (
    ConcurrencyConflict,
    append,
    head,
    load,
    make_engine,
    save_case,
    verify,
)
from tests.integration.store.helpers import case_row, new_case, record

PROCESSES = 6
TIMEOUT = 120


def _append_after(url: str, case_id: str, seq: int, hash_: str, who: int,
                  barrier: Barrier, results: multiprocessing.Queue[str]) -> None:
    """The caller read the head (``seq``, ``hash_``) earlier (as a web form carries it);
    everyone writes at once."""
    engine = make_engine(url)
    try:
        barrier.wait(TIMEOUT)
        with engine.begin() as conn:
            stored = append(conn, case_id, seq, hash_, [record(100 + who, actor=f"p{who}")])
            save_case(conn, case_row(case_id, stored[-1]), [])
        results.put("ok")
    except ConcurrencyConflict:
        results.put("conflict")
    except Exception as exc:  # reported to the test, which fails on it
        results.put(f"error: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _read_then_append(url: str, case_id: str, who: int, barrier: Barrier,
                      results: multiprocessing.Queue[str]) -> None:
    """Read the head inside the transaction, wait for everyone, then append: on SQLite the
    losers' write finds its read snapshot stale (or the lock taken) and must conflict."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            seq, hash_ = head(conn, case_id) or (0, "")
            barrier.wait(TIMEOUT)
            stored = append(conn, case_id, seq, hash_, [record(100 + who, actor=f"p{who}")])
            save_case(conn, case_row(case_id, stored[-1]), [])
        results.put("ok")
    except ConcurrencyConflict:
        results.put("conflict")
    except Exception as exc:
        results.put(f"error: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _race(store_engine: Engine, store_url: str, *, read_inside: bool) -> list[str]:
    with store_engine.begin() as conn:
        first = new_case(conn, "RACE", 1)[-1]
    store_engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results: multiprocessing.Queue[str] = ctx.Queue()
    procs = []
    for who in range(PROCESSES):
        args = ((store_url, "RACE", who, barrier, results) if read_inside
                else (store_url, "RACE", first.seq, first.hash, who, barrier, results))
        target = _read_then_append if read_inside else _append_after
        procs.append(ctx.Process(target=target, args=args))
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=TIMEOUT) for _ in procs]
    for p in procs:
        p.join(TIMEOUT)
        assert p.exitcode == 0
    return sorted(outcomes)


@pytest.mark.parametrize("read_inside", [False, True], ids=["head-read-before", "head-read-inside"])
def test_six_processes_one_wins(store_engine: Engine, store_url: str,
                                read_inside: bool) -> None:
    outcomes = _race(store_engine, store_url, read_inside=read_inside)
    assert outcomes == ["conflict"] * (PROCESSES - 1) + ["ok"]
    with store_engine.begin() as conn:
        log = load(conn, "RACE")
        report = verify(conn)
    assert [e.seq for e in log] == [1, 2]
    assert report.ok, report.first_break
