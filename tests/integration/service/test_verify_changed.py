"""``sop verify`` by default reads what changed since the newest seal: the cases appended
to (chains, projections, their sealed heads), the journal entries since, and the seals'
consistency; ``--full`` reads everything. On both backends."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update

from sop_runtime.service import cases, integrity, seals
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.chain import GENESIS, event_hash
from sop_runtime.store.events import load
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import events, journal
from sop_runtime.store.schema import seals as seals_table
from tests.clock import Clock
from tests.e2e.court import GUGATAN_1

SOP = "pendaftaran-gugatan-ptsp"


def sealed_court(court: Runtime, clock: Clock) -> tuple[list[str], seals.SealRow]:
    ids = [cases.start_case(court, SOP, "rina.ptsp").case_id for _ in range(4)]
    cases.complete(court, ids[0], "1", "rina.ptsp", values=GUGATAN_1)
    made = seals.seal(court, "bambang.panitera")
    clock.tick()
    return ids, made


def test_only_what_changed_since_the_seal_is_read(court: Runtime, clock: Clock) -> None:
    ids, made = sealed_court(court, clock)
    nothing = integrity.verify(court, full=False)
    assert (nothing.ok, nothing.mode, nothing.since_seal) == (True, "changed", made.id)
    assert (nothing.new_events, nothing.chain.cases, nothing.projections.cases) == (0, 0, 0)
    cases.complete(court, ids[1], "1", "rina.ptsp", values=GUGATAN_1)
    cases.start_case(court, SOP, "rina.ptsp")
    with court.engine.connect() as conn:
        appended = conn.execute(select(events.c.id).where(
            events.c.id > made.events_through)).all()
    found = integrity.verify(court, full=False)
    assert found.ok and found.new_events == len(appended) > 0
    assert found.chain.cases == found.projections.cases == 2  # the two cases touched
    assert found.chain.events > found.new_events  # each touched case whole
    js = integrity.as_json(found)
    assert (js["mode"], js["since_seal"], js["new_events"]) == ("changed", made.id,
                                                               len(appended))
    assert f"segel #{made.id}" in js["scope"] and "--full" in js["scope"]
    everything = integrity.verify(court)
    assert everything.ok and everything.mode == "full"
    assert everything.chain.cases == 5 and everything.since_seal is None


def test_without_a_seal_everything_is_checked(court: Runtime) -> None:
    cases.start_case(court, SOP, "rina.ptsp")
    found = integrity.verify(court, full=False)
    assert found.ok and found.mode == "full" and found.chain.cases == 1


def test_a_new_event_altered_or_a_touched_projection_is_found(court: Runtime,
                                                              clock: Clock) -> None:
    ids, _ = sealed_court(court, clock)
    cases.complete(court, ids[1], "1", "rina.ptsp", values=GUGATAN_1)
    with court.engine.begin() as conn:
        newest, actor = conn.execute(select(events.c.seq, events.c.actor)
                                     .where(events.c.case_id == ids[1])
                                     .order_by(events.c.seq.desc())).first()  # type: ignore[misc]
        conn.execute(update(events).where(events.c.case_id == ids[1], events.c.seq == newest)
                     .values(actor="penyusup"))
    found = integrity.verify(court, full=False)
    brk = found.chain.first_break
    assert not found.ok and brk is not None and (brk.case_id, brk.seq) == (ids[1], newest)
    with court.engine.begin() as conn:  # put it back; now a touched case's projection
        conn.execute(update(events).where(events.c.case_id == ids[1], events.c.seq == newest)
                     .values(actor=actor))
    assert integrity.verify(court, full=False).ok
    with court.engine.begin() as conn:
        conn.execute(update(cases_table).where(cases_table.c.case_id == ids[1])
                     .values(status="cancelled"))
    found = integrity.verify(court, full=False)
    assert not found.ok and found.projections.findings.total == 1


def test_a_rewritten_sealed_head_of_a_touched_case_is_named(court: Runtime,
                                                             clock: Clock) -> None:
    """A forger rewrites a case's whole chain consistently (every hash recomputed): the
    chain and the projections hold, but the case's sealed head is no longer in the log."""
    ids, made = sealed_court(court, clock)
    cases.complete(court, ids[2], "1", "rina.ptsp", values=GUGATAN_1)
    with court.engine.begin() as conn:
        log = load(conn, ids[2])
        prev = GENESIS
        for i, e in enumerate(log):
            forged = replace(e, recorded_at=e.recorded_at.replace(microsecond=7)) if i == 0 \
                else e
            h = event_hash(e.case_id, e.seq, e.type, e.version, forged.occurred_at,
                           forged.recorded_at, e.actor, _payload(e), prev)
            conn.execute(update(events).where(events.c.case_id == e.case_id,
                                              events.c.seq == e.seq)
                         .values(recorded_at=forged.recorded_at, prev_hash=prev, hash=h))
            prev = h
        conn.execute(update(cases_table).where(cases_table.c.case_id == ids[2])
                     .values(head_hash=prev))
    found = integrity.verify(court, full=False)
    assert found.chain.ok and found.projections.ok  # the rewrite is consistent...
    brk = found.seals.first_break  # ...but the seal holds the old head
    assert brk is not None and (brk.what, brk.case_id, brk.seal_id) == (
        "altered", ids[2], made.id)


def test_journal_entries_since_the_seal_are_checked_from_the_sealed_one(
        court: Runtime, clock: Clock) -> None:
    from sop_runtime.service import auth

    sealed_court(court, clock)
    auth.set_password(court, "rina.ptsp", "kata-sandi-rina-1")  # a new directory entry
    found = integrity.verify(court, full=False)
    assert found.ok and found.new_entries == found.journals.events == 1
    with court.engine.begin() as conn:
        newest = conn.execute(select(journal.c.id).order_by(journal.c.id.desc())).scalar()
        conn.execute(update(journal).where(journal.c.id == newest)
                     .values(prev_hash="0" * 64))
    brk = integrity.verify(court, full=False).journals.first_break
    assert brk is not None and brk.case_id == "@direktori"


def test_the_seals_consistency_is_checked_by_default(court: Runtime, clock: Clock) -> None:
    ids, first = sealed_court(court, clock)
    cases.complete(court, ids[3], "1", "rina.ptsp", values=GUGATAN_1)
    second = seals.seal(court, "bambang.panitera")
    assert integrity.verify(court, full=False).seals.ok
    with court.engine.begin() as conn:  # the first seal's root rewritten
        conn.execute(update(seals_table).where(seals_table.c.id == first.id)
                     .values(root="ab" * 32))
    brk = integrity.verify(court, full=False).seals.first_break
    assert brk is not None and (brk.what, brk.seal_id) == ("seal_altered", first.id)
    assert second.size > first.size


def _payload(e: object) -> str:
    from sop_runtime.compiler.canonical import canonical_json

    return canonical_json(e.payload).decode()  # type: ignore[attr-defined]
