"""Opening the database: the URL, the engine, and transactions that behave.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` (a commit the
user saw survives a power cut), foreign keys on, and a 10 s busy timeout. Python's
``sqlite3`` driver would emit BEGIN only before DML, so reads would not share one snapshot
and SAVEPOINTs would escape the transaction; here the driver's own transaction handling is
switched off and SQLAlchemy's ``begin`` event emits ``BEGIN`` itself (SQLAlchemy's
documented recipe for pysqlite).

A transaction that reads and then writes on SQLite should be opened with
:func:`begin_write` (``BEGIN IMMEDIATE``): it waits for the write lock up front, whereas a
plain ``BEGIN`` transaction that has read is refused at once when it asks for the lock while
another writer holds it. On PostgreSQL :func:`begin_write` is an ordinary transaction.

This module stays cheap to import: Alembic is imported only by :mod:`.migrate`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import ExceptionContext

from sop_runtime.store.errors import DatabaseUnavailable

DEFAULT_URL = "sqlite:///sop.db"
WRITE_OPTION = "sop_write"

SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout=10000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)


def database_url() -> str:
    """``SOP_DATABASE_URL``, or ``sqlite:///sop.db`` (relative to the working directory)."""
    return os.environ.get("SOP_DATABASE_URL") or DEFAULT_URL


def masked(url: str) -> str:
    """``url`` with its password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL has no password we could find
        return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default :func:`database_url`); ``kwargs`` go to
    :func:`sqlalchemy.create_engine`. Connection failures raise
    :class:`~sop_runtime.store.errors.DatabaseUnavailable`."""
    url = url or database_url()
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseUnavailable(url, str(exc)) from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, **kwargs)
        _sqlite_setup(engine)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(parsed, **kwargs)
    shown = masked(url)

    @event.listens_for(engine, "handle_error")
    def _unavailable(context: ExceptionContext) -> None:
        # a failure while connecting (no Connection yet): say which database, and why
        if context.connection is None and not context.is_pre_ping:
            reason = str(context.original_exception).strip().splitlines()
            raise DatabaseUnavailable(shown, reason[0] if reason else "?") \
                from context.original_exception

    return engine


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def begin_write(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write (commits at the end, rolls back on an exception).

    On SQLite it takes the write lock at once (``BEGIN IMMEDIATE``), waiting up to the busy
    timeout for another writer, so its reads are never stale when it writes."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn

