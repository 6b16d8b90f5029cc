"""Errors the store raises.

Hierarchy (below :class:`sop_runtime.errors.SopRuntimeError`)::

    StoreError                  the case record could not be read or written
    ├── ConcurrencyConflict     someone else appended to the case first (unique
    │                           (case_id, seq), or on SQLite a stale read snapshot):
    │                           nothing was written; reload and try again
    ├── DatabaseUnavailable     the database cannot be reached or opened
    └── CopyFailed              a copy of the database (``sop backup``, ``sop restore``)
                                could not be made or put in place; nothing was replaced

Messages are Indonesian first; ``str(error)`` follows :func:`sop_runtime.i18n.tr`.
"""

from __future__ import annotations

from typing import ClassVar

from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.i18n import tr

EVENTS_UNIQUE = "uq_events_case_seq"
"""Name of the unique (case_id, seq) constraint on ``events``: optimistic concurrency."""

SQLITE_BUSY = 5
SQLITE_BUSY_SNAPSHOT = 517


class StoreError(SopRuntimeError):
    """The case record could not be read or written."""


class ConcurrencyConflict(StoreError):
    """Another transaction appended to ``case_id`` after this one read it."""

    kind: ClassVar[Kind] = "conflict"

    def __init__(self, case_id: str | None) -> None:
        self.case_id = case_id
        super().__init__(case_id)

    def __str__(self) -> str:
        if self.case_id is None:
            return tr("Data telah diubah oleh orang lain saat Anda bertindak; muat ulang lalu "
                      "coba lagi",
                      "The data changed while you were acting; reload and try again")
        return tr("Perkara {case} telah diubah oleh orang lain saat Anda bertindak; muat ulang "
                  "lalu coba lagi",
                  "Case {case} changed while you were acting; reload and try again",
                  case=self.case_id)


class DatabaseUnavailable(StoreError):
    """The database at ``url`` (password masked) cannot be reached or opened."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(url, reason)

    def __str__(self) -> str:
        return tr("Basis data {url} tidak dapat dibuka: {reason}",
                  "Database {url} cannot be opened: {reason}", url=self.url, reason=self.reason)


class CopyFailed(StoreError):
    """A copy of the database could not be made, read or put in place (``pg_dump`` missing
    or failing, the database in use by another process...); the message says why."""


def is_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` (a SQLAlchemy error or a DBAPI one) means another writer won.

    Recognised: a unique violation of ``events`` (case_id, seq) (PostgreSQL names the
    constraint; SQLite names the columns), and SQLite's busy errors raised inside a
    transaction: SQLITE_BUSY_SNAPSHOT (517, this transaction's read snapshot is older than
    a commit made since) and SQLITE_BUSY (5: SQLite does not wait when a transaction that
    has already read asks for the write lock another writer holds, so the transaction
    cannot go on; it is also what ``busy_timeout`` running out looks like).
    """
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        if code in (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT):
            return True
        return "events.case_id, events.seq" in str(orig)
    diag = getattr(orig, "diag", None)
    if diag is not None and getattr(orig, "sqlstate", None) == "23505":
        return getattr(diag, "constraint_name", None) == EVENTS_UNIQUE
    return False
