"""Supervisors through the CLI: delegate, override, sweep, overdue, deviations."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from tests.e2e.court import GUGATAN_1, TZ, ago, local, new_court

BADAN_HUKUM_1 = {
    "salinan_asli_pengesahan_badan_hukum_dan_akta_notaris": "Akta No. 12",
    "fotokopi_ktp_para_pengurus": "ada", "fotokopi_npwp": "ada",
    "berkas_permohonan_pengesahan_badan_hukum_diterima": "Diterima"}


def test_delegate_lets_a_plh_act_in_the_role(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    start, until = local(ago(days=1)), (datetime.now(TZ) + timedelta(days=2)).date().isoformat()
    r = court.ok("delegate", "--as", "bambang.panitera", "--to", "irfan.hukum",
                 "--role", "panmud_hukum", "--from", start, "--until", until,
                 "--holder", "ridwan.panmudhkm", "--reference", "SP 12/2026")
    assert "PLH Panitera Muda Hukum: Irfan Syah Fabanyo" in r.stdout
    case = court.start("pengesahan-badan-hukum", "irfan.hukum")
    court.complete(case, "1", "irfan.hukum", **BADAN_HUKUM_1)
    assert court.json("deviations", "--case", case)["deviations"] == []
    timeline = court.json("case", case)["timeline"]
    done = next(e for e in timeline if e["type"] == "step_completed")
    assert done["as_delegate"] == "panmud_hukum"
    assert "sebagai Plh/Plt panmud_hukum" in court.ok("case", case).stdout
    # without a delegation the same act is flagged
    other = court.start("pengesahan-badan-hukum", "maya.hukum")
    flagged = court.json("deviations", "--case", other)["deviations"]
    assert [d["kind"] for d in flagged] == ["wrong_actor"]
    data = court.json("delegate", "--as", "hendra.kpn", "--to", "sri.wkpn", "--role", "ketua",
                      "--from", "2026-01-05", "--until", "2026-01-09", "--kind", "plt",
                      "--reason", "KPN cuti")
    assert data["kind"] == "plt" and data["end"].startswith("2026-01-10T00:00")


def test_delegate_refusals(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    base = ["--to", "irfan.hukum", "--role", "panmud_hukum", "--reason", "cuti"]
    r = court.fails(1, "delegate", "--as", "rina.ptsp", *base, "--from", "2026-01-05",
                    "--until", "2026-01-06")
    assert "pengawas" in r.stderr
    r = court.fails(1, "delegate", "--as", "bambang.panitera", *base, "--from", "2026-01-06",
                    "--until", "2026-01-05 10:00")
    assert "harus setelah" in r.stderr
    court.fails(2, "delegate", "--as", "bambang.panitera", "--to", "siapa", "--role",
                "panmud_hukum", "--from", "2026-01-05", "--until", "2026-01-06", "--reason", "x")
    r = court.fails(2, "delegate", "--as", "bambang.panitera", *base, "--from", "2026-02-30",
                    "--until", "2026-03-02")
    assert "--from" in r.stderr
    court.fails(2, "delegate", "--as", "bambang.panitera", *base)  # --from/--until required


def test_override_reassign_skip_reopen_cancel(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    r = court.ok("override", "reassign", case, "1", "--as", "bambang.panitera",
                 "--to", "fadli.ptsp", "--reason", "Rina bertugas di meja e-Court")
    assert "dialihkan ke fadli.ptsp" in r.stdout
    assert [t["case_id"] for t in court.json("tasks", "--as", "fadli.ptsp")["tasks"]] == [case]
    assert court.json("tasks", "--as", "rina.ptsp")["tasks"] == []
    court.fails(2, "override", "reassign", case, "1", "--as", "bambang.panitera",
                "--to", "siti.kasir", "--reason", "x")  # holds no role of the step

    r = court.ok("override", "skip", case, "1", "--as", "bambang.panitera",
                 "--reason", "Berkas diterima langsung oleh Panmud")
    assert "dilewati" in r.stdout and "langkah berikut: 2." in r.stdout
    assert "tindakan pengawas" in r.stdout

    court.complete(case, "2", "ahmad.panmudpdt", "--decision", "Lengkap",
                   berkas_dinyatakan_lengkap_atau_tidak_lengkap="Lengkap")
    r = court.ok("override", "reopen", case, "2", "--as", "hendra.kpn",
                 "--reason", "Kelengkapan perlu diperiksa ulang")
    assert "dibuka ulang" in r.stdout
    data = court.json("case", case)
    assert {(s["node"], s["attempt"]) for s in data["open_steps"]} >= {("2", 2)}
    assert "percobaan ke-2" in court.ok("case", case).stdout

    kinds = [(d["kind"], d["node"], d["reason"])
             for d in court.json("deviations", "--case", case)["deviations"]]
    assert ("override", "1", "Berkas diterima langsung oleh Panmud") in kinds
    assert ("override", "2", "Kelengkapan perlu diperiksa ulang") in kinds

    r = court.ok("override", "cancel", case, "--as", "hendra.kpn", "--reason", "Gugatan dicabut")
    assert "dibatalkan" in r.stdout
    assert court.json("case", case)["status"] == "dibatalkan"
    court.fails(3, "complete", case, "2", "--as", "ahmad.panmudpdt", "--decision", "Lengkap")
    assert court.json("tasks", "--as", "ahmad.panmudpdt")["tasks"] == []


def test_override_by_a_non_supervisor_is_refused_and_recorded(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("salinan-putusan", "rina.ptsp")
    r = court.fails(4, "override", "cancel", case, "--as", "rina.ptsp", "--reason", "salah input")
    assert "Ditolak" in r.stderr
    assert court.json("log", case)[-1]["type"] == "action_refused"
    devs = court.json("deviations", "--case", case)["deviations"]
    assert [(d["kind"], d["outcome"], d["actor"]) for d in devs] == \
        [("wrong_actor", "ditolak", "rina.ptsp")]
    assert court.json("case", case)["status"] == "aktif"
    r = court.fails(2, "override", "cancel", case, "--as", "hendra.kpn")  # --reason required
    assert "--reason" in r.stderr


def test_sweep_records_overdue_and_service_breaches_once(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp", "--at", local(ago(days=5)))
    court.start("salinan-putusan", "rina.ptsp")  # nothing due
    first = court.json("sweep")
    assert first["cases"] == 1 and first["flagged"] == 2
    assert court.json("sweep") == {"cases": 0, "events": 0, "flagged": 0}
    kinds = sorted(d["kind"] for d in court.json("deviations", "--case", case)["deviations"])
    assert kinds == ["late_entry", "overdue", "service_overdue"]
    assert "Penyisiran: 0 perkara" in court.ok("sweep").stdout
    assert "Sweep: 0 cases" in court.ok("--lang", "en", "sweep").stdout


def test_overdue_lists_late_steps_with_working_time(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    late = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp", "--at", local(ago(days=5)))
    fresh = court.start("pengesahan-badan-hukum", "ridwan.panmudhkm")
    rows = court.json("overdue")["overdue"]
    assert [r["case_id"] for r in rows] == [late]
    row = rows[0]
    assert row["node"] == "1" and row["roles"] == ["petugas_ptsp"]
    assert row["late_seconds"] > 0 and "hari kerja" in row["late"]
    future = local(datetime.now(TZ) + timedelta(days=30))
    ids = [r["case_id"] for r in court.json("overdue", "--now", future)["overdue"]]
    assert ids == [late, fresh]
    assert [r["case_id"] for r in court.json("overdue", "--now", future, "--role",
                                             "panmud_hukum")["overdue"]] == [fresh]
    assert court.json("overdue", "--sop", "salinan-putusan")["overdue"] == []
    table = court.ok("overdue").stdout
    assert late in table and "Terlambat" in table and row["late"] in " ".join(table.split())
    assert "working day" in court.ok("--lang", "en", "overdue").stdout
    court.fails(2, "overdue", "--now", "2026-13-01 10:00")
    assert "Tidak ada langkah" in court.ok("overdue", "--sop", "salinan-putusan").stdout
    # a page at a time: the next page continues after the last step shown, by its code
    first = court.json("overdue", "--now", future, "--limit", "1")
    assert first["per_page"] == 1 and [r["case_id"] for r in first["overdue"]] == [late]
    assert first["next"] and f"--lanjut {first['next']}" in court.ok(
        "overdue", "--now", future, "--limit", "1").stdout
    second = court.json("overdue", "--now", future, "--limit", "1", "--lanjut", first["next"])
    assert [r["case_id"] for r in second["overdue"]] == [fresh] and second["next"] is None
    assert "ada lagi" not in court.ok("overdue", "--now", future, "--limit", "2").stdout
    court.fails(2, "overdue", "--limit", "0")  # no longer "all": at most 1000 a page
    bad = court.fails(1, "overdue", "--lanjut", "bukan-kode")
    assert "Kode halaman 'bukan-kode' tidak dikenal" in bad.stderr
    assert "Traceback" not in bad.stderr
    # a deviations page code is not an overdue page code
    court.fails(1, "overdue", "--lanjut", "16000000000000000.42")


def test_deviations_filters_and_rejects_unknown_kinds(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    assert "Tidak ada penyimpangan" in court.ok("deviations").stdout
    case = court.start("pendaftaran-gugatan-ptsp", "siti.kasir")  # wrong actor, recorded
    court.complete(case, "1", "rina.ptsp", **GUGATAN_1)
    rows = court.json("deviations")["deviations"]
    assert [(r["kind"], r["label"], r["outcome"]) for r in rows] == \
        [("wrong_actor", "pelaksana tidak berwenang", "dicatat")]
    assert court.json("deviations", "--kind", "overdue")["deviations"] == []
    assert court.json("deviations", "--case", "lain")["deviations"] == []
    r = court.fails(2, "deviations", "--kind", "salah")
    assert "wrong_actor" in r.stderr
    table = court.ok("--lang", "en", "deviations").stdout
    assert "wrong actor" in table and "recorded" in table


def test_deviations_are_paged_with_a_code_for_the_next_page(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    for _ in range(3):  # a wrong actor each: three deviations
        case = court.start("pendaftaran-gugatan-ptsp", "siti.kasir")
        court.complete(case, "1", "rina.ptsp", **GUGATAN_1)
    whole = court.json("deviations")
    assert whole["next"] is None and len(whole["deviations"]) == 3
    seen, code = [], None
    for _ in range(3):
        page = court.json("deviations", "--limit", "1", *(("--lanjut", code) if code else ()))
        assert page["per_page"] == 1 and len(page["deviations"]) == 1
        seen += page["deviations"]
        code = page["next"]
    assert code is None and seen == whole["deviations"]  # each once, in the same order
    text = court.ok("deviations", "--limit", "2").stdout
    first = court.json("deviations", "--limit", "2")["next"]
    assert f"--lanjut {first}" in " ".join(text.split())
    assert "--lanjut" not in court.ok("deviations", "--limit", "3").stdout
    bad = court.fails(1, "deviations", "--lanjut", "halaman-dua")
    assert "Kode halaman 'halaman-dua' tidak dikenal" in bad.stderr
    assert "Traceback" not in bad.stderr
    beyond = court.fails(1, "deviations", "--lanjut", "999999999999999999.1")  # past 9999
    assert "Kode halaman" in beyond.stderr and "Traceback" not in beyond.stderr
    assert "Traceback" not in court.fails(2, "deviations", "--limit", "1001").stderr
