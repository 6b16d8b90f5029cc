"""Seals find what a per-case chain cannot: a whole case deleted, a case's newest events
cut off (with its case row adjusted to match), a sealed head altered; inclusion proofs
verify and forged ones fail."""

from __future__ import annotations

import copy
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_runtime.service import integrity, seals
from sop_runtime.service.people import NotAllowed
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.conftest import DEFINITIONS


@pytest.fixture
def sealed(demo_copy: Path) -> tuple[Runtime, Path]:
    """A copy of the demo court, sealed by the Panitera."""
    db = demo_copy
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: datetime(2026, 11, 30, 8, tzinfo=UTC))
    s = seals.seal(rt, "bambang.panitera", note="Laporan November 2026")
    # nine cases and the court journals (who may act, the definitions in force, reads)
    assert (s.id, s.cases, len(s.root)) == (1, 12, 64) and s.size == s.cases + s.journals
    assert s.journals >= 2
    assert seals.check(rt).ok and integrity.verify(rt).ok
    return rt, db


def sql(db: Path, *statements: str) -> None:
    with sqlite3.connect(db) as conn:
        for statement in statements:
            conn.execute(statement)


def test_a_whole_case_deleted_is_found_since_the_seal(sealed: tuple[Runtime, Path]) -> None:
    rt, db = sealed
    sql(db, "DELETE FROM events WHERE case_id = 'SNN-2026-00003'",
        "DELETE FROM cases WHERE case_id = 'SNN-2026-00003'",
        "DELETE FROM open_steps WHERE case_id = 'SNN-2026-00003'")
    assert integrity.verify(rt).chain.ok  # the chains that are left are all intact
    result = seals.check(rt)
    assert not result.ok and result.first_break is not None
    b = result.first_break
    assert (b.what, b.case_id, b.seal_id) == ("case_removed", "SNN-2026-00003", 1)
    assert "segel #1" in b.message


def test_newest_events_cut_off_are_found(sealed: tuple[Runtime, Path]) -> None:
    rt, db = sealed
    case = "SNN-2026-00001"
    with sqlite3.connect(db) as conn:
        last = conn.execute("SELECT max(seq) FROM events WHERE case_id = ?", (case,)).fetchone()[0]
        conn.execute("DELETE FROM events WHERE case_id = ? AND seq > ?", (case, last - 2))
        seq, hash_ = conn.execute("SELECT seq, hash FROM events WHERE case_id = ? AND seq = ?",
                                  (case, last - 2)).fetchone()
        conn.execute("UPDATE cases SET last_seq = ?, head_hash = ? WHERE case_id = ?",
                     (seq, hash_, case))  # the forger adjusts the case row too
    assert integrity.verify(rt).chain.ok
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.case_id, b.seq) == ("truncated", case, last)


def test_an_altered_sealed_head_or_seal_is_found(sealed: tuple[Runtime, Path]) -> None:
    rt, db = sealed
    sql(db, "UPDATE events SET hash = (CASE WHEN hash LIKE '0%' THEN '1' ELSE '0' END) "
            "|| substr(hash, 2) "
            "WHERE case_id = 'SNN-2026-00002' AND seq = "
            "(SELECT max(seq) FROM events WHERE case_id = 'SNN-2026-00002')")
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.case_id) == ("altered", "SNN-2026-00002")
    sql(db, "UPDATE seal_leaves SET hash = (CASE WHEN hash LIKE '0%' THEN '1' ELSE '0' END) "
            "|| substr(hash, 2) WHERE position = 0")
    b = seals.check(rt).first_break
    assert b is not None and b.what == "seal_altered"


def test_a_later_seal_is_named_for_what_changed_after_it(sealed: tuple[Runtime, Path]) -> None:
    rt, db = sealed
    second = seals.seal(rt, "hendra.kpn")
    sql(db, "DELETE FROM events WHERE case_id = 'SNN-2026-00006'",
        "DELETE FROM cases WHERE case_id = 'SNN-2026-00006'")
    b = seals.check(rt).first_break
    assert b is not None and b.seal_id == 1 and second.id == 2  # sealed by both: the first


def test_inclusion_proofs_verify_and_forged_ones_fail(sealed: tuple[Runtime, Path]) -> None:
    rt, _ = sealed
    proof = seals.proof(rt, "SNN-2026-00004")
    journals = seals.seals_list(rt)[0].journals  # their heads ("@...") sort first
    assert proof["seal_id"] == 1 and proof["size"] == 12 + journals
    assert proof["index"] == journals + 3
    assert seals.proof_holds(proof)
    assert seals.proof_holds(proof, expected_root=proof["root"])
    assert not seals.proof_holds(proof, expected_root="0" * 64)
    for forge in (("leaf", "seq", 1), ("index", None, 2), ("path", 0, "00" * 32),
                  ("leaf", "case_id", "SNN-2026-00005")):
        forged = copy.deepcopy(proof)
        where, key, value = forge
        if key is None:
            forged[where] = value
        else:
            forged[where][key] = value
        assert not seals.proof_holds(forged), forge
    assert not seals.proof_holds({"format": "x"})
    with pytest.raises(Exception, match="Tidak ada segel"):
        seals.proof(rt, "SNN-2026-99999")


def test_only_a_supervisor_seals(sealed: tuple[Runtime, Path]) -> None:
    rt, _ = sealed
    with pytest.raises(NotAllowed):
        seals.seal(rt, "rina.ptsp")


def test_sealing_on_both_backends(store_url: str) -> None:
    """The same seal, check and proof on SQLite and PostgreSQL."""
    from sqlalchemy import text

    from sop_runtime.service import cases, setup
    from tests.e2e.court import GUGATAN_1

    rt = Runtime(make_engine(store_url), lambda: datetime(2026, 12, 1, 1, tzinfo=UTC))
    setup.init(rt, DEFINITIONS)
    ids = [cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
           for _ in range(3)]
    cases.complete(rt, ids[1], "1", "rina.ptsp", values=GUGATAN_1)
    made = seals.seal(rt, "bambang.panitera")
    assert (made.size, made.cases) == (5, 3) and seals.check(rt).ok
    assert seals.proof_holds(seals.proof(rt, ids[1]), expected_root=made.root)
    with rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE case_id = :c AND seq > 2"), {"c": ids[1]})
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.case_id) == ("truncated", ids[1])
    rt.engine.dispose()
