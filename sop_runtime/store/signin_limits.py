"""Counters of sign-in tries, one row per counted key (the policy that reads and sets them is
:mod:`sop_runtime.service.signin`; nothing here decides).

:func:`lock` hands a transaction the counters of its keys, locked until the transaction
ends, so two tries never read the same count: on PostgreSQL each missing row is created
(``INSERT ... ON CONFLICT DO NOTHING``) and the rows are then locked (``SELECT ... FOR
UPDATE``), both in key order, so two transactions never wait on each other in a circle; on
SQLite the transaction already holds the database's write lock (:func:`.db.begin_write`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sop_runtime.store.errors import ConcurrencyConflict
from sop_runtime.store.schema import sign_in_limits

_t = sign_in_limits.c

LOCK_TRIES = 5  # a row removed by another transaction's clean-up meanwhile is made again
FORGET_AT_ONCE = 100  # expired rows one clean-up removes (a counted try adds at most 3)


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    failures: int
    retry_at: datetime
    expires_at: datetime


def lock(conn: Connection, keys: Iterable[str], at: datetime) -> dict[str, Count]:
    """The counters of ``keys`` (a missing one made with no failures, expired at ``at``),
    locked until the transaction ends."""
    wanted = sorted(set(keys))
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for _ in range(LOCK_TRIES):
        conn.execute(insert(sign_in_limits).values(
            [{"key": key, "failures": 0, "retry_at": at, "expires_at": at} for key in wanted]
        ).on_conflict_do_nothing(index_elements=["key"]))
        found = {row[0]: Count(*row) for row in conn.execute(
            select(_t.key, _t.failures, _t.retry_at, _t.expires_at)
            .where(_t.key.in_(wanted)).order_by(_t.key).with_for_update())}
        if len(found) == len(wanted):
            return found
    raise ConcurrencyConflict(None)


def save(conn: Connection, count: Count) -> None:
    """Write a counter taken with :func:`lock`."""
    conn.execute(update(sign_in_limits).where(_t.key == count.key).values(
        failures=count.failures, retry_at=count.retry_at, expires_at=count.expires_at))


def clear(conn: Connection, keys: Iterable[str]) -> None:
    conn.execute(delete(sign_in_limits).where(_t.key.in_(sorted(set(keys)))))


def give_back(conn: Connection, key: str) -> None:
    """Take one try off ``key``'s count (a try counted before it was found to be right)."""
    conn.execute(update(sign_in_limits).where(_t.key == key, _t.failures > 0)
                 .values(failures=_t.failures - 1))


def forget_expired(conn: Connection, at: datetime, keep: Iterable[str]) -> int:
    """Remove up to :data:`FORGET_AT_ONCE` counters expired by ``at`` (not those of ``keep``,
    nor any another transaction holds: this never waits); how many were removed."""
    expired = (select(_t.key).where(_t.expires_at <= at, _t.key.not_in(sorted(set(keep))))
               .limit(FORGET_AT_ONCE).with_for_update(skip_locked=True).scalar_subquery())
    return conn.execute(delete(sign_in_limits).where(_t.key.in_(expired))).rowcount
