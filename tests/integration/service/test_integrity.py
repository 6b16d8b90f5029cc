"""``sop verify`` covers what pages and reports read: the projections are compared with the
fold of the log, the stored SOP versions with their sources. Tampering with a table the
chain does not cover is named, every difference of it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from sop_runtime.cli.app import run
from sop_runtime.engine.deviation_text import deviation_label
from sop_runtime.errors import Damaged
from sop_runtime.service import cases, differences, integrity, views
from sop_runtime.service.cases import Refused
from sop_runtime.service.confidential import operator
from sop_runtime.service.rebuild import rebuild
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import supervision as store_supervision
from sop_runtime.store import tallies as tallies_store
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import deviations, open_steps, tallies, workflows
from tests.clock import Clock
from tests.e2e.court import GUGATAN_1, SKUM_1
from tests.storefixtures import init_court


@pytest.fixture
def court(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    """A court on this test's backend with a few cases: open steps, a late entry, a wrong
    actor accepted and flagged, an attempt refused and recorded, a finished step."""
    monkeypatch.setenv("SOP_DATABASE_URL", store_url)
    clock = Clock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # Tuesday 10:00 WIT
    rt = Runtime(make_engine(store_url), clock)
    init_court(rt)
    first = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    late = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp",
                            at=clock.now - timedelta(days=6), reason="dicatat dari buku").case_id
    skum = cases.start_case(rt, "taksiran-panjar-skum", "fadli.ptsp").case_id
    clock.tick()
    cases.complete(rt, first, "1", "siti.kasir", values=GUGATAN_1)  # not hers: flagged
    cases.complete(rt, late, "1", "rina.ptsp", values=GUGATAN_1)
    with pytest.raises(Refused):  # money: refused, and the attempt recorded
        cases.complete(rt, skum, "1", "siti.kasir", values=SKUM_1)
    clock.tick()
    cases.complete(rt, skum, "1", "fadli.ptsp", values=SKUM_1)
    yield rt
    rt.engine.dispose()


def cli_verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = run(["verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_court_at_work_verifies_whole(court: Runtime) -> None:
    found = integrity.verify(court)
    assert found.ok, integrity.as_json(found)
    assert found.projections.cases == found.chain.cases == 3
    assert {d.outcome for d in views.deviations(court, reader=operator())} == {"dicatat", "ditolak"}
    assert not found.versions


def test_a_deleted_deviation_row_is_named(court: Runtime,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    gone = views.deviations(court, reader=operator())[0]
    with court.engine.begin() as conn:
        conn.execute(delete(deviations).where(deviations.c.case_id == gone.case_id,
                                              deviations.c.seq == gone.seq))
    assert gone not in views.deviations(court, reader=operator())  # the list no longer shows it ...
    code, found = cli_verify(capsys)  # ... and verify says so
    assert code == 1 and not found["ok"] and found["first_break"] is None  # the chain is fine
    diff = found["projections"]["differences"]
    assert [(d["subject"], d["table"], d["what"]) for d in diff] == [
        (gone.case_id, "deviations", "missing"), ("deviation_kind", "tallies", "changed")]
    assert f"urutan {gone.seq} ({deviation_label(gone.kind)}" in diff[0]["message"]
    # the count kept by kind still has the deleted row: it no longer matches the rows
    assert diff[1]["row"] == gone.kind and "dihitung dari baris" in diff[1]["message"]


def test_edited_case_rows_and_open_steps_are_each_named(court: Runtime,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    with court.engine.connect() as conn:
        active = conn.execute(select(cases_table.c.case_id)
                              .where(cases_table.c.status == "aktif")
                              .order_by(cases_table.c.case_id)).scalars().all()
        step = conn.execute(select(open_steps.c.case_id, open_steps.c.node)
                            .order_by(open_steps.c.case_id)).first()
    assert len(active) >= 2 and step is not None
    with court.engine.begin() as conn:
        conn.execute(update(cases_table).where(cases_table.c.case_id == active[0])
                     .values(status="selesai"))
        conn.execute(update(cases_table).where(cases_table.c.case_id == active[1])
                     .values(fields='{"nomor": "palsu"}', sop_id="sop-palsu"))
        conn.execute(update(open_steps).where(open_steps.c.case_id == step[0],
                                              open_steps.c.node == step[1])
                     .values(assignee="siti.kasir"))
        conn.execute(insert(open_steps).values(
            case_id=active[0], node="99", attempt=1, role="kasir", sop_id="x", kegiatan="x",
            activated_at=court.now(), overdue_flagged=False))
        conn.execute(insert(deviations).values(
            case_id="SNN-2026-99999", seq=1, kind="wrong_actor", outcome="dicatat",
            occurred_at=court.now(), recorded_at=court.now(), rule="-", evidence="{}"))
    code, found = cli_verify(capsys)
    assert code == 1
    named = {(d["subject"], d["table"], d["what"]) for d in found["projections"]["differences"]}
    assert named == {
        (active[0], "cases", "changed"), (active[1], "cases", "changed"),
        (step[0], "open_steps", "changed"), (active[0], "open_steps", "extra"),
        ("SNN-2026-99999", "deviations", "extra"),
        # the rows edited behind the projection's back no longer match the kept counts
        ("deviation_kind", "tallies", "changed"), ("open_holder", "tallies", "changed"),
        ("open_age", "tallies", "changed")}
    changed = {d["subject"]: d["detail"] for d in found["projections"]["differences"]
               if d["table"] == "cases"}
    assert "status tercatat «selesai», menurut log «aktif»" in changed[active[0]]
    assert "SOP tercatat «sop-palsu»" in changed[active[1]]
    assert "isian perkara tercatat «nomor=palsu»" in changed[active[1]]
    # the projections are rebuilt from the log, and then they verify
    rebuild(court)
    assert integrity.verify(court).ok


def test_a_kept_count_edited_alone_is_named_and_rebuilt(court: Runtime,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    """The counts the supervisor's page reads (deviations by kind, open steps by holder)
    are checked against the rows; ``sop rebuild`` writes them again."""
    with court.engine.connect() as conn:
        kinds = dict(store_supervision.deviation_kinds(conn))
    kind = sorted(kinds)[0]
    with court.engine.begin() as conn:
        conn.execute(insert(tallies).values(what="deviation_kind", key=kind, n=5))
    with court.engine.connect() as conn:
        assert dict(store_supervision.deviation_kinds(conn))[kind] == kinds[kind] + 5
    code, found = cli_verify(capsys)
    assert code == 1 and found["first_break"] is None
    assert [(d["subject"], d["table"], d["what"], d["row"])
            for d in found["projections"]["differences"]] == [
        ("deviation_kind", "tallies", "changed", kind)]
    rebuild(court)
    assert integrity.verify(court).ok
    with court.engine.connect() as conn:
        assert dict(store_supervision.deviation_kinds(conn)) == kinds


def test_the_kept_counts_fold_into_one_row_each(court: Runtime) -> None:
    """Each action adds rows of its own to the counts; the sweep folds them, one row per
    count, and the counts stay what they were."""
    with court.engine.begin() as conn:  # a holder taking and giving back a step, 5 times
        for _ in range(5):
            tallies_store.bump(conn, {(tallies_store.OPEN_HOLDER, "yusuf.kasir"): 1})
            tallies_store.bump(conn, {(tallies_store.OPEN_HOLDER, "yusuf.kasir"): -1})
    with court.engine.connect() as conn:
        before = tallies_store.kept(conn)
        rows = conn.execute(select(func.count()).select_from(tallies)).scalar_one()
    assert rows > 2 * len(before) + 2  # the actions each wrote their changes
    with court.engine.begin() as conn:
        assert tallies_store.compact(conn) == rows
    with court.engine.connect() as conn:
        assert tallies_store.kept(conn) == before
        assert conn.execute(select(func.count()).select_from(tallies)).scalar_one() == \
            len(before)
    with court.engine.begin() as conn:
        assert tallies_store.compact(conn) == 0  # nothing more to fold
    cases.sweep(court)  # which folds them too, after what it records
    assert integrity.verify(court).ok


def test_every_difference_is_counted_beyond_those_shown(court: Runtime,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setattr(differences, "SHOWN", 2)
    with court.engine.begin() as conn:
        conn.execute(delete(deviations))
    total = len(views.deviations(court, reader=operator()))
    found = integrity.verify(court)
    assert total == 0 and found.projections.findings.total >= 3
    assert len(found.projections.findings.shown) == 2


WRONG_ACTOR_SOP = "taksiran-panjar-skum"


def _pinned_case(rt: Runtime) -> tuple[str, str]:
    """A case of the SKUM SOP and the version it is pinned to."""
    with rt.engine.connect() as conn:
        case_id, version = conn.execute(
            select(cases_table.c.case_id, cases_table.c.version)
            .where(cases_table.c.sop_id == WRONG_ACTOR_SOP)).first()
    return case_id, version


def test_an_edited_stored_source_is_refused_on_load_and_named_by_verify(
        court: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    case_id, version = _pinned_case(court)
    with court.engine.begin() as conn:
        source = conn.execute(select(workflows.c.source)
                              .where(workflows.c.version == version)).scalar_one()
        # the forger lets a PTSP clerk take the Kasir's steps: a wrong actor would vanish
        forged = source.replace("pelaksana: kasir", "pelaksana: petugas_ptsp")
        assert forged != source
        conn.execute(update(workflows).where(workflows.c.version == version)
                     .values(source=forged))
    fresh = Runtime.open(court.engine.url.render_as_string(hide_password=False))
    try:
        with pytest.raises(Damaged, match=version[:12]):
            views.case(fresh, case_id, reader=operator())
        with pytest.raises(Damaged):  # nothing is decided under the forged rules
            cases.complete(fresh, case_id, "3", "rina.ptsp")
    finally:
        fresh.engine.dispose()
    code, found = cli_verify(capsys)
    assert code == 1
    assert [(d["table"], d["what"]) for d in found["versions"]["differences"]] == [
        ("workflows", "unreadable")]
    assert version[:12] in found["versions"]["differences"][0]["message"]
    # the cases pinned to it cannot be replayed either: named, not crashed on
    assert any(d["subject"] == case_id for d in found["projections"]["differences"])
    capsys.readouterr()
    assert run(["verify"]) == 1
    err = capsys.readouterr().err
    assert "Versi SOP tersimpan telah diubah" in err and "Traceback" not in err


def test_a_comment_added_to_a_stored_source_changes_no_rule_but_is_named(
        court: Runtime) -> None:
    case_id, version = _pinned_case(court)
    with court.engine.begin() as conn:
        conn.execute(text("UPDATE workflows SET source = source || :tail WHERE version = :v"),
                     {"tail": "\n# catatan\n", "v": version})
    fresh = Runtime(make_engine(court.engine.url.render_as_string(hide_password=False)))
    try:
        view = views.case(fresh, case_id, reader=operator())
        assert view.workflow.version == version  # still its rules
        found = integrity.verify(fresh)
    finally:
        fresh.engine.dispose()
    assert found.chain.ok and found.projections.ok and not found.versions
    # ... but the text is not what was loaded: the definitions journal says so
    assert [(d.table, d.what) for d in found.directory] == [("workflows", "changed")]


def test_the_period_report_says_what_verify_found_when_it_was_made(court: Runtime) -> None:
    from sop_runtime.service.period import period_html

    start, end = court.now() - timedelta(days=30), court.now() + timedelta(days=1)
    assert "diverifikasi saat laporan dibuat: utuh" in period_html(court, start, end)
    with court.engine.begin() as conn:
        conn.execute(delete(deviations))
    html = period_html(court, start, end)
    assert "PERINGATAN" in html and "tidak boleh ditandatangani" in html
