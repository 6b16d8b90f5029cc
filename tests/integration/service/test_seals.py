"""Seals find what a per-case chain cannot: a whole case deleted, a case's newest events
cut off (with its case row adjusted to match), a sealed event altered, the tree or its
order altered, an event slipped into the sealed part of the log; inclusion proofs verify
and forged ones fail; each later seal extends the earlier."""

from __future__ import annotations

import copy
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

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
    # every case event and every court journal entry (who may act, definitions, reads)
    with sqlite3.connect(db) as conn:
        entries = conn.execute("SELECT (SELECT count(*) FROM events) "
                               "+ (SELECT count(*) FROM journal)").fetchone()[0]
    assert (s.id, s.kind, s.size, len(s.root)) == (1, "log", entries, 64)
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
    # the first sealed event gone is named
    assert b is not None and (b.what, b.case_id, b.seq) == ("truncated", case, last - 1)


def test_an_altered_sealed_head_or_seal_is_found(sealed: tuple[Runtime, Path]) -> None:
    rt, db = sealed
    sql(db, "UPDATE events SET hash = (CASE WHEN hash LIKE '0%' THEN '1' ELSE '0' END) "
            "|| substr(hash, 2) "
            "WHERE case_id = 'SNN-2026-00002' AND seq = "
            "(SELECT max(seq) FROM events WHERE case_id = 'SNN-2026-00002')")
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.case_id) == ("altered", "SNN-2026-00002")
    sql(db, "UPDATE log_leaves SET hash = (CASE WHEN hash LIKE '0%' THEN '1' ELSE '0' END) "
            "|| substr(hash, 2) WHERE position = 0")
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.seal_id) == ("seal_altered", 1)


def test_the_tree_reordered_or_a_node_altered_is_found(sealed: tuple[Runtime, Path]) -> None:
    rt, db = sealed
    second = seals.seal(rt, "hendra.kpn")
    # two sealed leaves swap places: every entry still matches the log, the order does not
    sql(db, "UPDATE log_leaves SET position = -1 WHERE position = 20",
        "UPDATE log_leaves SET position = 20 WHERE position = 21",
        "UPDATE log_leaves SET position = 21 WHERE position = -1")
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.seal_id) == ("seal_altered", 1)
    assert seals.check(rt, full=False).ok  # the stored nodes alone cannot see it
    sql(db, "UPDATE log_leaves SET position = -1 WHERE position = 20",
        "UPDATE log_leaves SET position = 20 WHERE position = 21",
        "UPDATE log_leaves SET position = 21 WHERE position = -1")
    assert seals.check(rt).ok
    sql(db, "UPDATE log_nodes SET hash = (CASE WHEN hash LIKE '0%' THEN '1' ELSE '0' END) "
            "|| substr(hash, 2) WHERE level = (SELECT max(level) FROM log_nodes)")
    quick = seals.check(rt, full=False).first_break  # a root no longer given
    assert quick is not None and quick.what == "seal_altered" and second.id == 2
    sql(db, "UPDATE seals SET root = '" + "0" * 64 + "' WHERE id = 1")
    b = seals.check(rt, full=False).first_break
    assert b is not None and (b.what, b.seal_id) == ("seal_altered", 1)


def test_an_event_slipped_into_the_sealed_log_is_found(sealed: tuple[Runtime, Path]) -> None:
    rt, db = sealed
    # a forger gives a new event an id inside the sealed range (and so hides it from the
    # next seal): its chain links, and the case row is adjusted
    with sqlite3.connect(db) as conn:
        free = conn.execute("SELECT min(id) + 1 FROM events e WHERE NOT EXISTS "
                            "(SELECT 1 FROM events f WHERE f.id = e.id + 1)").fetchone()[0]
        last = conn.execute("SELECT max(id) FROM events").fetchone()[0]
        assert free > last  # ids have no gaps: make one inside the range
        conn.execute("UPDATE events SET id = id + 1000000 WHERE id = 5")
        row = conn.execute("SELECT case_id, seq FROM events WHERE id = 1000005").fetchone()
        conn.execute("UPDATE events SET id = 5 WHERE id = 1000005")
    assert seals.check(rt).ok  # moving an id back and forth is no change
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO events (id, case_id, seq, type, version, occurred_at, "
                     "recorded_at, actor, payload, prev_hash, hash) SELECT 0, case_id, "
                     "seq + 1000, type, version, occurred_at, recorded_at, actor, payload, "
                     "prev_hash, hash FROM events WHERE case_id = ? AND seq = ?", row)
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.case_id, b.seq, b.seal_id) == (
        "inserted", row[0], row[1] + 1000, 1)
    assert "disisipkan" in b.message


def test_a_later_seal_is_named_for_what_changed_after_it(sealed: tuple[Runtime, Path]) -> None:
    rt, db = sealed
    second = seals.seal(rt, "hendra.kpn")
    sql(db, "DELETE FROM events WHERE case_id = 'SNN-2026-00006'",
        "DELETE FROM cases WHERE case_id = 'SNN-2026-00006'")
    b = seals.check(rt).first_break
    assert b is not None and b.seal_id == 1 and second.id == 2  # sealed by both: the first


def test_inclusion_proofs_verify_and_forged_ones_fail(sealed: tuple[Runtime, Path]) -> None:
    rt, _ = sealed
    made = seals.seals_list(rt)[0]
    proof = seals.proof(rt, "SNN-2026-00004")  # the case's newest event, at its position
    assert proof["seal_id"] == 1 and proof["size"] == made.size
    assert proof["format"] == seals.LOG_PROOF_FORMAT
    with rt.engine.connect() as conn:
        head = conn.execute(text("SELECT last_seq, head_hash FROM cases WHERE case_id = "
                                 "'SNN-2026-00004'")).one()
        at = conn.execute(text("SELECT position FROM log_leaves WHERE case_id = "
                               "'SNN-2026-00004' AND seq = :q"), {"q": head[0]}).scalar()
    assert proof["leaf"] == {"case_id": "SNN-2026-00004", "seq": head[0], "hash": head[1]}
    assert proof["index"] == at
    assert seals.proof_holds(proof)
    first = seals.proof(rt, "SNN-2026-00004", seq=1)  # any sealed event has its proof
    assert first["leaf"]["seq"] == 1 and seals.proof_holds(first, expected_root=made.root)
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
    with pytest.raises(Exception, match="Tidak ada segel"):
        seals.proof(rt, "SNN-2026-00004", seq=10**6)


def test_only_a_supervisor_seals(sealed: tuple[Runtime, Path]) -> None:
    rt, _ = sealed
    with pytest.raises(NotAllowed):
        seals.seal(rt, "rina.ptsp")


def test_sealing_on_both_backends(store_url: str) -> None:
    """The same seal, check and proof on SQLite and PostgreSQL."""
    from sop_runtime.service import cases, setup
    from tests.e2e.court import GUGATAN_1

    rt = Runtime(make_engine(store_url), lambda: datetime(2026, 12, 1, 1, tzinfo=UTC))
    setup.init(rt, DEFINITIONS)
    ids = [cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
           for _ in range(3)]
    cases.complete(rt, ids[1], "1", "rina.ptsp", values=GUGATAN_1)
    made = seals.seal(rt, "bambang.panitera")
    with rt.engine.connect() as conn:
        entries = conn.execute(text("SELECT (SELECT count(*) FROM events) "
                                    "+ (SELECT count(*) FROM journal)")).scalar()
    assert made.size == entries and seals.check(rt).ok
    assert seals.proof_holds(seals.proof(rt, ids[1]), expected_root=made.root)
    cases.complete(rt, ids[0], "1", "rina.ptsp", values=GUGATAN_1)
    later = seals.seal(rt, "bambang.panitera")  # only what was appended is taken
    assert later.size > made.size and seals.check(rt).ok
    assert seals.proof(rt, ids[0])["seal_id"] == later.id
    with rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE case_id = :c AND seq > 2"), {"c": ids[1]})
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.case_id) == ("truncated", ids[1])
    rt.engine.dispose()


def test_a_writer_in_flight_while_sealing_is_never_skipped(postgres_schema_url: str) -> None:
    """PostgreSQL hands out ids before commit: a writer holding a lower id than one already
    committed must not be passed over by a seal (it waits for the writer; its event is
    sealed then, or by the next seal)."""
    import threading

    from sqlalchemy import insert

    from sop_runtime.service import cases, setup
    from sop_runtime.store.schema import events

    rt = Runtime(make_engine(postgres_schema_url), lambda: datetime(2026, 12, 1, 1, tzinfo=UTC))
    setup.init(rt, DEFINITIONS)
    cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp")
    seals.seal(rt, "bambang.panitera")

    def row(case_id: str) -> dict[str, object]:
        at = datetime(2026, 12, 1, 2, tzinfo=UTC)
        return {"case_id": case_id, "seq": 1, "type": "case_started", "version": 1,
                "occurred_at": at, "recorded_at": at, "actor": None, "payload": "{}",
                "prev_hash": "0" * 64, "hash": "ab" * 32}

    slow = rt.engine.connect()
    slow_tx = slow.begin()
    made: list[seals.SealRow] = []
    sealer = threading.Thread(target=lambda: made.append(seals.seal(rt, "bambang.panitera")))
    try:  # whatever fails, the writer's transaction ends: its locks would hold the teardown
        slow_pid = slow.execute(text("SELECT pg_backend_pid()")).scalar()
        lower = slow.execute(insert(events).values(row("LAMBAT-1"))
                             .returning(events.c.id)).scalar()
        with rt.engine.begin() as conn:  # a later writer commits first, with a higher id
            higher = conn.execute(insert(events).values(row("CEPAT-1"))
                                  .returning(events.c.id)).scalar()
        assert lower is not None and higher is not None and lower < higher
        sealer.start()
        with rt.engine.connect() as watch:  # wait until the seal waits for the writer's lock
            until = time.monotonic() + 120  # a bound for a loaded machine, not a pause
            while True:
                waiting = watch.execute(text(  # blocked by the writer, on the seal's lock
                    "SELECT count(*) FROM pg_stat_activity WHERE :w = ANY(pg_blocking_pids(pid)) "
                    "AND query LIKE 'LOCK TABLE events%'"), {"w": slow_pid}).scalar()
                if waiting or not sealer.is_alive() or time.monotonic() > until:
                    break
                sealer.join(0.05)
            assert waiting == 1 and sealer.is_alive()
        slow_tx.commit()
    finally:
        if slow_tx.is_active:
            slow_tx.rollback()
        slow.close()
    sealer.join(120)
    assert not sealer.is_alive() and made
    seals.seal(rt, "bambang.panitera")
    with rt.engine.connect() as conn:
        positioned = set(conn.execute(text(
            "SELECT case_id FROM log_leaves WHERE case_id IN ('LAMBAT-1', 'CEPAT-1')"))
            .scalars())
    assert positioned == {"LAMBAT-1", "CEPAT-1"}
    assert made[0].events_through >= higher
    rt.engine.dispose()
