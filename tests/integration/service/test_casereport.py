"""The case report, checked against the demo day whose every act is known, and against a
case built here (a Plh, a step recorded for the applicant, a reason with markup, seals taken
before and after a change) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sop_runtime.errors import NotFoundError
from sop_runtime.service import cases, people, seals
from sop_runtime.service.casereport import case_html, case_report
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import events as store_events
from sop_runtime.store.db import make_engine
from tests.clock import Clock
from tests.e2e.court import GUGATAN_1, GUGATAN_2
from tests.storefixtures import init_court

WIT = ZoneInfo("Asia/Jayapura")
PANJAR = "SNN-2026-00004"      # taksiran-panjar-skum: a refused attempt, step 7 left overdue
ERATERANG = "SNN-2026-00002"   # surat keterangan: the Ketua reopens step 4
PENGADUAN = "SNN-2026-00005"   # entered five days late, flagged late_entry with reasons


@pytest.fixture
def demo(demo_copy: Path) -> Iterator[Runtime]:
    """A copy of the demo court (reading a confidential case journals the read)."""
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"),
                 lambda: datetime(2026, 11, 24, 16, 45, tzinfo=WIT))
    yield rt
    rt.engine.dispose()


def test_the_timeline_is_the_log_event_for_event(demo: Runtime) -> None:
    with demo.engine.connect() as conn:
        stored = store_events.load(conn, PANJAR)
    r = case_report(demo, PANJAR, reader=operator())
    assert [e.seq for e in r.timeline] == [s.seq for s in stored] == list(range(1, 18))
    assert [e.type for e in r.timeline] == [s.type for s in stored]
    assert [e.who.username for e in r.timeline] == [s.actor for s in stored]
    assert [e.occurred_at for e in r.timeline] == [s.occurred_at for s in stored]
    by_seq = {e.seq: e for e in r.timeline}
    done = by_seq[12]  # step 5, the litigant's payment, recorded by the Kasir
    assert (done.type, done.node, done.who.name) == ("step_completed", "5", "Yusuf Latuconsina")
    assert done.who.on_behalf_of == "Pemohon" and done.who.jabatan == "Kasir / Pemegang Kas"
    assert done.step is not None and done.step.startswith("5. Membayar panjar biaya perkara")
    assert [(g.name, g.value) for g in done.given] == [
        ("Bukti setoran bank", "Bukti setor BSI No. 0091901")]
    refused = by_seq[11]
    assert refused.type == "action_refused" and refused.who.username == "fadli.ptsp"
    assert "pelaksana tidak berwenang" in refused.what
    assert by_seq[16].entered_later and by_seq[16].who.username is None  # the sweep, 16:35
    assert r.status == "aktif" and r.open_steps[0].startswith("7. Mencatat panjar")


def test_deviations_with_their_kind_rule_evidence_and_who(demo: Runtime) -> None:
    r = case_report(demo, PANJAR, reader=operator())
    assert [(d.seq, d.kind, d.outcome) for d in r.deviations] == [
        (11, "wrong_actor", "ditolak"), (16, "overdue", "dicatat"),
        (17, "service_overdue", "dicatat")]
    wrong, overdue, service = r.deviations
    assert wrong.label == "pelaksana tidak berwenang" and wrong.who.name == "Fadli Hasan Duwila"
    assert "yang berwenang: Kasir / Pemegang Kas" in wrong.evidence_text
    assert overdue.rule_text == "batas waktu langkah (mutu baku)"
    # 11:45 to the office's close at 16:30, less the 12:00-13:00 break: the court's calendar
    assert overdue.evidence_text == ("batas 24 November 2026 pukul 11.45 WIT",
                                     "terlambat 3 jam 45 menit kerja")
    assert service.evidence["terlambat_detik"] == str(260 * 60)
    # each step against its limit; the service standard missed while the case still runs
    verdicts = [(s.node, s.verdict) for s in r.steps]
    assert verdicts == [("1", "on_time"), ("2", "on_time"), ("3", "no_limit"),
                        ("4", "on_time"), ("5", "no_limit"), ("6", "on_time"), ("7", "overdue")]
    assert r.steps[-1].late_seconds == 225 * 60  # at 16:45 too: the office closed at 16:30
    assert r.service.met is False and r.service.limit == "60 menit"
    people = {p.username: p for p in r.people}
    assert people["fadli.ptsp"].refused == 1 and people["fadli.ptsp"].steps_done == (
        "1", "2", "4")
    assert people["yusuf.kasir"].steps_done == ("5 (atas nama pemohon)", "6")
    assert r.chain.ok and r.chain.events == 17


def test_reasons_reopening_and_late_entries(demo: Runtime) -> None:
    r = case_report(demo, ERATERANG, reader=operator())
    override = next(d for d in r.deviations if d.kind == "override")
    assert override.reason is not None and override.reason.startswith("Nama pemohon pada konsep")
    assert override.who.name == "Hendra Wijaya Saputra"
    assert "langkah dibuka ulang: percobaan baru, riwayat lama tetap" in override.evidence_text
    assert [(s.node, s.attempt, s.verdict) for s in r.steps if s.node == "4"] == [
        ("4", 1, "late"), ("4", 2, "on_time")]
    ketua = next(p for p in r.people if p.username == "hendra.kpn")
    assert ketua.other == ("membuka ulang langkah 4",) and ketua.deviations == 1

    r = case_report(demo, PENGADUAN, reader=operator())
    late = [d for d in r.deviations if d.kind == "late_entry"]
    assert [d.reason for d in late] == ["Diterima di meja pengaduan saat SIWAS gangguan",
                                        "Register pengaduan manual hal. 12"]
    assert late[0].evidence_text[:2] == (
        "terjadi 19 November 2026 pukul 10.30 WIT",
        "dicatat 24 November 2026 pukul 13.00 WIT, 3 hari kerja 1 jam 30 menit setelah terjadi")
    assert all(e.entered_later for e in r.timeline)


def test_an_unknown_case_is_not_found(demo: Runtime) -> None:
    with pytest.raises(NotFoundError, match="SNN-2026-99999"):
        case_report(demo, "SNN-2026-99999", reader=operator())



def test_delegate_applicant_markup_and_the_covering_seal(store_url: str) -> None:
    clock = Clock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # Tuesday 10:00 WIT
    rt = Runtime(make_engine(store_url), clock)
    try:
        init_court(rt)
        case = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
        other = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
        clock.tick()
        cases.complete(rt, case, "1", "rina.ptsp", values=GUGATAN_1,
                       reason="<script>alert('x')</script> berkas asli & salinan")
        clock.tick()
        cases.complete(rt, case, "2", "ahmad.panmudpdt", values=GUGATAN_2, decision="Lengkap")
        people.delegate(rt, "bambang.panitera", "fadli.ptsp", "kasir", start=clock.now,
                        end=clock.now + timedelta(days=2), kind="plh",
                        reason="Kasir sedang diklat")
        clock.tick()
        cases.complete(rt, case, "3", "fadli.ptsp",
                       values={"taksiran_panjar": "Rp 1.450.000", "slip_setoran": "Slip 1"})
        clock.tick()
        cases.complete(rt, case, "4", "rina.ptsp", values={"bukti_setoran_bank": "BSI 1"})

        r = case_report(rt, case, reader=operator())
        with rt.engine.connect() as conn:
            stored = store_events.load(conn, case)
        assert [(e.seq, e.type, e.who.username) for e in r.timeline] == [
            (s.seq, s.type, s.actor) for s in stored]
        plh = next(e for e in r.timeline if e.type == "step_completed" and e.node == "3")
        assert plh.who.delegation == "Plh Kasir / Pemegang Kas"
        applicant = next(e for e in r.timeline if e.type == "step_completed" and e.node == "4")
        assert applicant.who.on_behalf_of == "Pemohon"
        assert r.seal.seal is None and r.seal.earlier is None
        page = case_html(rt, r)
        assert "<script>" not in page
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; berkas asli &amp; salinan" in page
        assert "Belum ada segel yang mencakup" in page

        first = seals.seal(rt, "bambang.panitera")
        r = case_report(rt, case, reader=operator())
        assert r.seal.seal is not None and r.seal.seal.id == first.id
        assert r.seal.proof_holds and r.seal.proof is not None
        assert r.seal.proof["root"] == first.root and r.seal.head_seq == r.timeline[-1].seq
        assert r.seal.proof["leaf"] == {"case_id": case, "seq": r.seal.head_seq,
                                        "hash": r.seal.head_hash}

        clock.tick()  # the case changes after the seal: no seal covers it now
        cases.complete(rt, case, "5", "rina.ptsp",
                       values={"bukti_setoran_diterima_kasir": "ke Kasir"})
        r = case_report(rt, case, reader=operator())
        assert r.seal.seal is None and r.seal.proof is None
        assert r.seal.earlier is not None and r.seal.earlier.id == first.id
        assert r.seal.earlier_seq is not None and r.seal.earlier_seq < r.seal.head_seq
        assert "Segel terakhir yang mencakup keadaan sebelumnya: #1" in case_html(rt, r)

        second = seals.seal(rt, "bambang.panitera")
        newest = case_report(rt, case, reader=operator()).seal
        assert newest.seal.id == second.id  # type: ignore[union-attr]
        # in both seals: the oldest covers it
        unchanged = case_report(rt, other, reader=operator()).seal
        assert unchanged.seal is not None and unchanged.seal.id == first.id
        assert unchanged.proof_holds
    finally:
        rt.engine.dispose()
