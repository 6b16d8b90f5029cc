"""The applicants' tracking codes, as digests (the store never holds a code; the service
:mod:`sop_runtime.service.tracking` makes, gives and checks them).

A credential table like the web sessions, not a projection: the log records that a code was
reissued (who, when) but holds no code and no digest, so the table cannot be written again
from the log, and ``sop rebuild`` leaves it alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from sop_runtime.store.schema import tracking_codes

_t = tracking_codes.c


def set_digest(conn: Connection, case_id: str, digest: str, at: datetime) -> None:
    """``case_id``'s code is now the one of ``digest``: an earlier one stops working."""
    conn.execute(delete(tracking_codes).where(_t.case_id == case_id))
    conn.execute(insert(tracking_codes).values(case_id=case_id, digest=digest, issued_at=at))


def digest_of(conn: Connection, case_id: str) -> str | None:
    """The digest of ``case_id``'s current code (None: it has none)."""
    found = conn.execute(select(_t.digest).where(_t.case_id == case_id))
    return found.scalar_one_or_none()
