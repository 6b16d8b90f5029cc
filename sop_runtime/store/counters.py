"""Human-readable case numbers: one counter per prefix (e.g. ``PTSP/2025``).

The counter row is updated in place, so two transactions numbering cases under one prefix
are serialised by its row lock (PostgreSQL) or by the database write lock (SQLite) and
never get the same number; the number is taken in the transaction that starts the case, so
a rolled-back start gives its number back.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, exc, insert, select, update

from sop_runtime.store.schema import case_counters

_c = case_counters.c


def next_case_number(conn: Connection, prefix: str) -> int:
    """The next number under ``prefix`` (1 for the first)."""
    while True:
        number = _increment(conn, prefix)
        if number is not None:
            return number
        try:
            # first use of the prefix; if another transaction inserts it first, the
            # savepoint keeps this transaction usable and the update is tried again
            with conn.begin_nested():
                conn.execute(insert(case_counters).values(prefix=prefix, last=1))
        except exc.IntegrityError:
            continue
        return 1


# built once: compiled once and cached
_BUMP = update(case_counters).where(_c.prefix == bindparam("key")).values(last=_c.last + 1)
_BUMP_RETURNING = _BUMP.returning(_c.last)
_LAST = select(_c.last).where(_c.prefix == bindparam("key"))


def _increment(conn: Connection, prefix: str) -> int | None:
    if conn.dialect.update_returning:
        number = conn.execute(_BUMP_RETURNING, {"key": prefix}).scalar()
        return None if number is None else int(number)
    if conn.execute(_BUMP, {"key": prefix}).rowcount == 0:
        return None
    return int(conn.execute(_LAST, {"key": prefix}).scalar_one())
