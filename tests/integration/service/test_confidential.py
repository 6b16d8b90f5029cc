"""Confidential cases (``kerahasiaan``): a complaint is read by those its SOP names and those
who handle it; everyone else is answered as if it did not exist and sees it in counts only;
every read and every refused read is an entry of the ``akses`` journal. On SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from sop_runtime.cli.app import run
from sop_runtime.errors import NotFoundError
from sop_runtime.service import cases, integrity, journals, people, supervision, views
from sop_runtime.service.confidential import Reader, Withheld, hidden_sops, operator, record
from sop_runtime.service.runtime import Runtime
from tests.clock import Clock
from tests.e2e.court import GUGATAN_1

COMPLAINT = "pengaduan-siwas"
RECEIVED = {"surat_atau_uraian_pengaduan": "Pengaduan tertulis tentang juru sita X",
            "identitas_pelapor_dan_terlapor": "Pelapor: A; terlapor: juru sita X",
            "pengaduan_tercatat_dalam_register_pengaduan": "Register 7/2026"}



def complaint(rt: Runtime, clock: Clock) -> str:
    """A complaint received at the desk (step 1 done), waiting for the Panmud Hukum."""
    case = cases.start_case(rt, COMPLAINT, "dewi.pengaduan").case_id
    clock.tick(minutes=10)
    cases.complete(rt, case, "1", "dewi.pengaduan", values=RECEIVED)
    return case


def reads(rt: Runtime) -> list[tuple[str, str | None, str]]:
    """(type, who, case) of each entry of the ``akses`` journal."""
    return [(e.type, e.actor, e.payload.get("case_id", ",".join(e.payload.get("case_ids", []))))
            for e in journals.entries(rt, "akses")]


def test_readers_read_and_their_reads_are_journaled(court: Runtime, clock: Clock) -> None:
    case = complaint(court, clock)
    for who in ("dewi.pengaduan", "ridwan.panmudhkm", "hendra.kpn", "fitri.hakim"):
        view = views.case(court, case, reader=Reader(who, "halaman"))
        assert view.state.sop_id == COMPLAINT
    assert [(t, w) for t, w, _ in reads(court)] == [
        ("case_read", "dewi.pengaduan"), ("case_read", "ridwan.panmudhkm"),
        ("case_read", "hendra.kpn"), ("case_read", "fitri.hakim")]
    assert {c for _, _, c in reads(court)} == {case}


def test_others_are_answered_as_if_there_were_no_such_case(court: Runtime,
                                                          clock: Clock) -> None:
    case = complaint(court, clock)
    with pytest.raises(NotFoundError) as missing:
        views.case(court, "SNN-2026-99999", reader=Reader("rina.ptsp", "halaman"))
    for who in ("rina.ptsp", "bambang.panitera"):  # a clerk, and a supervisor who is not named
        with pytest.raises(Withheld) as withheld:
            views.case(court, case, reader=Reader(who, "api"))
        assert str(withheld.value) == str(missing.value).replace("SNN-2026-99999", case)
    assert reads(court) == [("case_read_refused", "rina.ptsp", case),
                            ("case_read_refused", "bambang.panitera", case)]


def test_acting_on_it_is_refused_the_same_way_and_nothing_is_written(court: Runtime,
                                                                     clock: Clock) -> None:
    case = complaint(court, clock)
    before = len(views.case(court, case, reader=operator()).stored)
    with pytest.raises(Withheld):
        cases.complete(court, case, "2", "rina.ptsp", values={"x": "y"})
    with pytest.raises(Withheld):  # a supervisor's override too
        cases.reassign(court, case, "2", "bambang.panitera", "ridwan.panmudhkm",
                       reason="dialihkan")
    assert len(views.case(court, case, reader=operator()).stored) == before
    assert [(t, w) for t, w, _ in reads(court) if t == "case_read_refused"] == [
        ("case_read_refused", "rina.ptsp"), ("case_read_refused", "bambang.panitera")]


def test_a_plh_reads_while_in_force_and_a_handler_keeps_reading(court: Runtime,
                                                                clock: Clock) -> None:
    case = complaint(court, clock)
    with pytest.raises(Withheld):
        views.case(court, case, reader=Reader("rina.ptsp", "halaman"))
    people.delegate(court, "bambang.panitera", "rina.ptsp", "petugas_pengaduan",
                    start=clock.now, end=clock.now + timedelta(days=1),
                    reason="Petugas meja pengaduan cuti")
    views.case(court, case, reader=Reader("rina.ptsp", "halaman"))  # Plh: reads
    clock.tick(days=2)
    with pytest.raises(Withheld):  # the delegation ended
        views.case(court, case, reader=Reader("rina.ptsp", "halaman"))
    # someone who handled the case (here: started one at the desk) reads it
    other = cases.start_case(court, COMPLAINT, "rina.ptsp").case_id
    views.case(court, other, reader=Reader("rina.ptsp", "halaman"))


def test_lists_keep_counts_only(court: Runtime, clock: Clock) -> None:
    case = complaint(court, clock)
    normal = cases.start_case(court, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    cases.complete(court, normal, "1", "siti.kasir", values=GUGATAN_1)  # wrong actor: flagged
    # the Ketua forwards it himself (the Panmud's step: flagged), then decides: step 4 waits
    cases.complete(court, case, "2", "hendra.kpn",
                   values={"pengaduan_diteruskan_kepada_ketua": "Diteruskan"})
    cases.complete(court, case, "3", "hendra.kpn", decision="Diteruskan ke Pengadilan Tinggi",
                   values={"disposisi_ketua": "Teruskan ke PT"})
    clock.tick(days=30)
    panitera = Reader("bambang.panitera", "halaman")
    hidden = hidden_sops(court, panitera)
    assert hidden == {COMPLAINT}
    assert hidden_sops(court, Reader("fitri.hakim", "halaman")) == frozenset()
    assert all(d.case_id != case for d in views.deviations(court, reader=panitera))
    assert any(d.case_id == normal for d in views.deviations(court, reader=panitera))
    assert views.withheld_deviations(court, panitera) == 1
    assert all(late.task.case_id != case for late in views.overdue(court, reader=panitera))
    assert not reads(court)  # nothing confidential was shown: nothing read
    examiner = Reader("fitri.hakim", "halaman")
    assert any(d.case_id == case for d in views.deviations(court, reader=examiner))
    entry = journals.entries(court, "akses")[-1]
    assert (entry.type, entry.actor, entry.payload["case_id"], entry.payload["what"]) == (
        "case_read", "fitri.hakim", case, "daftar penyimpangan")
    seen = supervision.overview(court, reader=panitera)
    whole = supervision.overview(court, reader=Reader("fitri.hakim", "halaman"))
    assert COMPLAINT in {g.key for g in seen.by_sop}  # counted per SOP ...
    assert seen.late_total == whole.late_total and seen.withheld > 0
    assert not any(g.key.startswith(COMPLAINT) for g in seen.by_step)  # ... never by step
    assert all(r.late.task.case_id != case for r in seen.most_late)
    assert any(r.late.task.case_id == case for r in whole.most_late)


def test_exports_leave_it_out_or_journal_its_read(court: Runtime, clock: Clock) -> None:
    from sop_runtime.service.export import Format, export

    case = complaint(court, clock)
    normal = cases.start_case(court, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    out = io.StringIO()
    export(court, Format.jsonl, out, reader=Reader("bambang.panitera", "halaman"))
    assert normal in out.getvalue()
    assert case not in out.getvalue() and out.getvalue()
    out = io.StringIO()
    export(court, Format.jsonl, out, reader=Reader("fitri.hakim", "halaman"))
    assert case in out.getvalue()
    assert reads(court)[-1] == ("case_read", "fitri.hakim", case)
    assert journals.entries(court, "akses")[-1].payload["via"] == "ekspor"
    with pytest.raises(Withheld):
        export(court, Format.csv, io.StringIO(), case=case,
               reader=Reader("bambang.panitera", "halaman"))


def test_the_command_line_reads_and_says_who_at_the_machine(court: Runtime, clock: Clock,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    case = complaint(court, clock)
    capsys.readouterr()
    assert run(["case", case, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["case_id"] == case
    entry = journals.entries(court, "akses")[-1]
    assert (entry.type, entry.actor, entry.payload["via"]) == ("case_read", None,
                                                               "baris_perintah")
    assert entry.payload["os_user"]
    assert run(["journal", "akses", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[-1]["payload"]["case_id"] == case
    assert integrity.verify(court).ok  # the journal of reads is chained and checked too


def test_the_journal_of_reads_says_each_read_in_words(court: Runtime, clock: Clock,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # each entry on one line of the table
    first, second = complaint(court, clock), complaint(court, clock)
    record(court, [first], Reader("fitri.hakim", "halaman"))
    record(court, [first, second], Reader("fitri.hakim", "api"),
           detail={"what": "daftar penyimpangan"})
    record(court, [second], Reader("bambang.panitera", "tindakan"), refused=True)
    record(court, [first], operator("ekspor"))
    capsys.readouterr()
    assert run(["journal", "akses"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert f"Perkara rahasia {first} dibaca (halaman web)" in said
    assert f"2 perkara rahasia dibaca: {first}, {second} (API; daftar penyimpangan)" in said
    assert f"Akses ke perkara rahasia {second} ditolak (tindakan)" in said
    assert f"Perkara rahasia {first} dibaca (ekspor log; pengguna server" in said
    assert run(["--lang", "en", "journal", "akses"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert f"2 confidential cases read: {first}, {second} (API; deviations list)" in said


def test_the_period_report_counts_it_but_itemises_its_steps_for_readers_only(
        court: Runtime, clock: Clock) -> None:
    from fastapi.testclient import TestClient

    from sop_runtime.service import auth
    from sop_runtime.service.period import period_figures, period_html
    from sop_runtime.web.app import create_app

    start = clock.now - timedelta(days=1)
    complaint(court, clock)
    normal = cases.start_case(court, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    cases.complete(court, normal, "1", "rina.ptsp", values=GUGATAN_1)
    end = clock.now + timedelta(days=1)
    panitera = Reader("bambang.panitera", "halaman")
    seen = period_figures(court, start, end, reader=panitera)
    whole = period_figures(court, start, end, reader=Reader("fitri.hakim", "halaman"))
    assert seen.cases == whole.cases and seen.cases[COMPLAINT] == 1  # counted ...
    assert seen.roles == whole.roles
    assert {s for s, _ in seen.steps} == {"pendaftaran-gugatan-ptsp"}  # ... never by step
    assert (COMPLAINT, "1") in whole.steps
    assert seen.withheld == {COMPLAINT} and whole.withheld == frozenset()
    page = " ".join(period_html(court, start, end, reader=panitera).split())
    assert "bersifat rahasia: langkahnya tidak dirinci" in page
    complaint_step = "Menerima pengaduan"
    assert complaint_step in " ".join(period_html(court, start, end).split())  # the operator
    assert complaint_step not in page
    token = auth.issue_token(court, "bambang.panitera", "laporan")
    web = TestClient(create_app(court))
    answer = web.get("/api/reports/period", params={"from": start.date().isoformat(),
                                                    "to": end.date().isoformat()},
                     headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["withheld"] == [COMPLAINT]
    assert {s["sop_id"] for s in answer.json()["steps"]} == {"pendaftaran-gugatan-ptsp"}
