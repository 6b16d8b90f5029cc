"""Small builders for store tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from sop_runtime.store import GENESIS, CaseRow, Record, StoredEvent, append, save_case

T0 = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)  # Monday 08:30 WIB


def record(i: int, *, actor: str | None = "budi", type_: str = "step_completed",
           payload: dict[str, Any] | None = None) -> Record:
    at = T0 + timedelta(minutes=i)
    return (type_, 1, payload if payload is not None else {
        "node": f"s{i}", "attempt": 1, "outputs": {"nomor": f"W-{i}"}, "decision": None,
        "next": [f"s{i + 1}"]}, at, at + timedelta(seconds=5), actor)


def case_row(case_id: str, last: StoredEvent, *, sop: str = "sop-ptsp",
             status: str = "berjalan") -> CaseRow:
    return CaseRow(case_id=case_id, sop_id=sop, version="a" * 64, status=status,
                   started_at=T0, started_by="budi", last_seq=last.seq, head_hash=last.hash,
                   updated_at=last.recorded_at, fields={"nama_pemohon": "Siti"})


def new_case(conn: Connection, case_id: str, n: int, *, sop: str = "sop-ptsp"
             ) -> list[StoredEvent]:
    """A case with ``n`` events and its ``cases`` row, as the service layer writes them."""
    stored = append(conn, case_id, 0, GENESIS, [record(i) for i in range(n)])
    save_case(conn, case_row(case_id, stored[-1], sop=sop), [])
    return stored


def extend(conn: Connection, case_id: str, after: StoredEvent, n: int) -> list[StoredEvent]:
    stored = append(conn, case_id, after.seq, after.hash,
                    [record(after.seq + i) for i in range(n)])
    save_case(conn, case_row(case_id, stored[-1]), [])
    return stored
