"""Two writers appending to the court journals in opposite orders (as ``sop init`` of an
old database and of a new one do: the directory then the definitions, or the definitions
then the directory) both commit on PostgreSQL, where each journal has a lock of its own;
and courts in separate schemas of one database do not wait on each other's locks."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, text

from sop_runtime.store import journal, make_engine, migrate
from sop_runtime.store.db import begin_write
from sop_runtime.store.journal import Journal
from tests.storefixtures import with_search_path

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
PATIENCE_S = 30.0


def _append(conn: Connection, log: Journal, n: int) -> None:
    journal.append(conn, log, [("role_defined", {"id": f"r{n}", "nama": log})], at=T0,
                   actor=None)


def _advisory_locks_of(engine: Engine, pid: int) -> bool:
    """Whether the backend ``pid`` holds or waits for an advisory lock."""
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_locks WHERE pid = :p AND locktype = 'advisory'"),
            {"p": pid}).scalar())


def test_writers_in_opposite_orders_both_commit(postgres_schema_url: str) -> None:
    engine = make_engine(postgres_schema_url)
    migrate(engine)
    second_pid: list[int] = []
    second_started = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:  # the directory first, then the definitions
        try:
            with begin_write(engine) as conn:
                second_pid.append(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
                second_started.set()
                _append(conn, "direktori", 2)
                _append(conn, "definisi", 2)
        except BaseException as exc:
            errors.append(exc)
            second_started.set()

    try:
        with begin_write(engine) as conn:  # the definitions first, then the directory
            _append(conn, "definisi", 1)
            thread = threading.Thread(target=second)
            thread.start()
            assert second_started.wait(PATIENCE_S)
            # the second writer now holds the directory's lock or waits for one of ours
            deadline = time.monotonic() + PATIENCE_S
            while not _advisory_locks_of(engine, second_pid[0]):
                assert time.monotonic() < deadline, "the second writer never reached a lock"
            _append(conn, "direktori", 1)
        thread.join(PATIENCE_S)
        assert not errors, errors
        with engine.connect() as conn:
            assert [[e.payload["id"] for e in journal.load(conn, log)]
                    for log in ("definisi", "direktori")] == [["r1", "r2"], ["r1", "r2"]]
    finally:
        engine.dispose()


def test_courts_in_two_schemas_do_not_wait_on_each_other(postgres_schema_url: str) -> None:
    engine = make_engine(postgres_schema_url)
    migrate(engine)
    schema = str(engine.url.query["options"]).removeprefix("-csearch_path=")
    other_schema = schema + "_b"
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{other_schema}"')
    other = make_engine(with_search_path(postgres_schema_url, other_schema))
    try:
        migrate(other)
        with begin_write(engine) as conn:
            _append(conn, "direktori", 1)  # held to the end of this transaction
            with begin_write(other) as conn_b:
                conn_b.execute(text("SET LOCAL lock_timeout = '5s'"))
                _append(conn_b, "direktori", 1)  # would wait (and time out) on one key
    finally:
        other.dispose()
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{other_schema}" CASCADE')
        engine.dispose()
