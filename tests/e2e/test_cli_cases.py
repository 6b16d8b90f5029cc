"""The runtime CLI as a clerk drives it: init, users, start, tasks, claim, complete, extend,
case. Each test has its own SQLite database."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

from tests.conftest import DEFINITIONS
from tests.e2e.court import CASE_ID, GUGATAN_1, GUGATAN_2, SKUM_1, TZ, ago, local, new_court
from tests.integration.service.conftest import definitions_without


def test_init_reports_court_roles_users_and_new_versions(tmp_path: Path) -> None:
    court = new_court(tmp_path)  # a copy of an initialised court
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    from tests.e2e.court import Court

    c = Court(fresh, f"sqlite:///{fresh / 'sop.db'}")
    r = c.ok("init", "--definitions", DEFINITIONS)
    assert "Pengadilan Negeri Sanana" in r.stdout
    assert re.search(r"\d+ peran, \d+ pengguna", r.stdout)
    assert "versi baru (15)" in r.stdout and "pendaftaran-gugatan-ptsp" in r.stdout
    again = c.json("init", "--definitions", DEFINITIONS)
    assert again["new_versions"] == [] and len(again["unchanged"]) == 15
    assert again["users"] >= 20 and again["roles"] >= 17
    en = court.ok("--lang", "en", "init", "--definitions", DEFINITIONS)
    assert "SOPs unchanged (15)" in en.stdout
    assert again["switched_off"] == []
    without = definitions_without("rina.ptsp", tmp_path / "without")
    off = c.ok("init", "--definitions", without)
    assert "dinonaktifkan (tidak ada lagi di berkas pengadilan): rina.ptsp" in off.stdout
    listed = {u["username"]: u["active"] for u in c.json("users")}
    assert listed["rina.ptsp"] is False and listed["fadli.ptsp"] is True


def test_commands_before_init_say_so(tmp_path: Path) -> None:
    from tests.e2e.court import Court

    c = Court(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}")
    r = c.fails(2, "tasks", "--as", "rina.ptsp")
    assert "sop init" in r.stderr


def test_users_lists_usernames_names_nip_and_roles(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    rows = court.json("users")
    rina = next(u for u in rows if u["username"] == "rina.ptsp")
    assert rina["nama"] == "Rina Marasabessy"
    assert rina["nip"] == "199203112019032011"
    assert rina["roles"] == ["petugas_ptsp"]
    table = court.ok("users").stdout
    assert "Rina Marasabessy" in table and "Petugas Meja e-Court, Petugas PTSP" in table


def test_start_prints_the_case_id_and_json_gives_steps_and_due_times(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    r = court.ok("start", "pendaftaran-gugatan-ptsp", "--as", "rina.ptsp")
    assert re.fullmatch(CASE_ID, r.stdout.strip()), r.stdout
    assert "dimulai" in r.stderr and "langkah berikut: 1." in r.stderr
    data = court.json("start", "pendaftaran-gugatan-ptsp", "--as", "rina.ptsp")
    assert data["case_id"] != r.stdout.strip()
    assert data["status"] == "aktif"
    assert [a["node"] for a in data["activated"]] == ["1"]
    assert data["activated"][0]["due_at"] is not None  # step 1: ± 20 menit
    assert datetime.fromisoformat(data["activated"][0]["due_at"]).utcoffset() is not None
    assert data["service_due"] is not None


def test_start_refuses_unknown_sop_user_and_bad_fields(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    r = court.fails(2, "start", "tidak-ada", "--as", "rina.ptsp")
    assert "tidak dikenal" in r.stderr and "salinan-putusan" in r.stderr
    r = court.fails(2, "start", "salinan-putusan", "--as", "siapa.saja")
    assert "siapa.saja" in r.stderr
    r = court.fails(2, "start", "salinan-putusan", "--as", "rina.ptsp", "--field", "abc")
    assert "kunci=nilai" in r.stderr
    r = court.fails(2, "start", "pengembalian-sisa-panjar", "--as", "andi.hakim",
                    "--field", "tidak_ada=1")
    assert "tanggal_minutasi" in r.stderr  # the known fields are listed


def test_a_refused_start_on_a_tolak_sop_is_recorded(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    r = court.fails(4, "start", "taksiran-panjar-skum", "--as", "siti.kasir")
    assert "Ditolak" in r.stderr
    devs = court.json("deviations", "--kind", "wrong_actor")["deviations"]
    assert [(d["outcome"], d["actor"]) for d in devs] == [("ditolak", "siti.kasir")]
    assert court.json("verify")["ok"] is True


def test_times_in_the_future_or_impossible_are_refused(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    r = court.fails(2, "start", "salinan-putusan", "--as", "rina.ptsp", "--at", "2099-01-05 10:00")
    assert "belum terjadi" in r.stderr
    r = court.fails(2, "start", "salinan-putusan", "--as", "rina.ptsp", "--at", "2026-02-30 10:00")
    assert "bukan waktu yang mungkin" in r.stderr and "2026-02-30" in r.stderr
    r = court.fails(2, "start", "salinan-putusan", "--as", "rina.ptsp", "--at", "kemarin")
    assert "YYYY-MM-DD HH:MM" in r.stderr
    r = court.fails(2, "start", "salinan-putusan", "--as", "rina.ptsp", "--at", "2026-01-05 25:00",
                    lang="en")
    assert "is not a possible time" in r.stderr
    assert court.json("deviations")["deviations"] == []  # nothing was recorded


def test_at_accepts_local_time_and_iso_with_offset(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    when = ago(hours=1).replace(second=0, microsecond=0)
    a = court.json("start", "salinan-putusan", "--as", "rina.ptsp", "--at", local(when))
    b = court.json("start", "salinan-putusan", "--as", "rina.ptsp", "--at",
                   when.astimezone(TZ).isoformat())
    for data in (a, b):
        timeline = court.json("case", data["case_id"])["timeline"]
        assert datetime.fromisoformat(timeline[0]["occurred_at"]) == when


def test_tasks_lists_soonest_due_first_and_marks_overdue(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    late = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp", "--at", local(ago(days=3)))
    fresh = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    court.start("salinan-putusan", "rina.ptsp")  # step 1 has no time limit: listed last
    other = court.start("pengaduan-siwas", "dewi.pengaduan")  # not rina's
    tasks = court.json("tasks", "--as", "rina.ptsp")["tasks"]
    ids = [t["case_id"] for t in tasks]
    assert ids[:2] == [late, fresh] and other not in ids and len(ids) == 3
    assert tasks[0]["overdue"] is True and tasks[1]["overdue"] is False
    assert tasks[2]["due_at"] is None
    # how late, or how long is left, in words (in the unit the limit is written in)
    assert tasks[0]["due_text"].startswith("terlambat ")
    assert tasks[1]["due_text"].startswith(("sisa ", "jatuh tempo"))
    assert tasks[2]["due_text"] is None
    assert tasks[0]["node"] == "1" and tasks[0]["roles"] == ["petugas_ptsp"]
    table = court.ok("tasks", "--as", "rina.ptsp").stdout
    assert late in table and "(terlambat)" in table and "Menerima berkas" in table
    assert " ".join(tasks[0]["due_text"].split()[:2]) in " ".join(table.split())
    assert "overdue" in court.ok("--lang", "en", "tasks", "--as", "rina.ptsp").stdout
    assert "Tidak ada tugas" in court.ok("tasks", "--as", "andi.hakim").stdout
    court.fails(2, "tasks", "--as", "siapa.saja")


def test_claim_holds_the_step_for_one_person(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    r = court.ok("claim", case, "1", "--as", "fadli.ptsp")
    assert "dipegang Fadli Hasan Duwila" in r.stdout
    assert case not in [t["case_id"] for t in court.json("tasks", "--as", "rina.ptsp")["tasks"]]
    assert court.json("tasks", "--as", "fadli.ptsp")["tasks"][0]["claimed_by"] == "fadli.ptsp"
    r = court.fails(3, "claim", case, "1", "--as", "rina.ptsp")
    assert "Fadli Hasan Duwila" in r.stderr and "fadli.ptsp" not in r.stderr
    r = court.fails(3, "complete", case, "1", "--as", "rina.ptsp",
                    *[f"--output={k}={v}" for k, v in GUGATAN_1.items()])
    assert "sudah dipegang" in r.stderr
    court.fails(2, "claim", case, "99", "--as", "fadli.ptsp")


def test_complete_prints_next_steps_and_deviations(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    r = court.ok("complete", case, "1", "--as", "rina.ptsp",
                 *[f"--output={k}={v}" for k, v in GUGATAN_1.items()])
    assert "dicatat selesai" in r.stdout and "langkah berikut: 2." in r.stdout
    assert "⚠" not in r.stdout
    # a wrong actor on a 'catat' SOP: accepted and flagged
    r = court.ok("complete", case, "2", "--as", "rina.ptsp", "--decision", "lengkap",
                 *[f"--output={k}={v}" for k, v in GUGATAN_2.items()])
    assert "⚠" in r.stdout and "pelaksana tidak berwenang" in r.stdout
    assert "langkah berikut: 3." in r.stdout and "batas" in r.stdout
    devs = court.json("deviations", "--case", case)["deviations"]
    assert [(d["kind"], d["outcome"], d["node"]) for d in devs] == \
        [("wrong_actor", "dicatat", "2")]


def test_a_bad_decision_lists_the_labels(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    court.complete(case, "1", "rina.ptsp", **GUGATAN_1)
    r = court.fails(2, "complete", case, "2", "--as", "ahmad.panmudpdt", "--decision", "Mungkin",
                    *[f"--output={k}={v}" for k, v in GUGATAN_2.items()])
    assert "Lengkap | Tidak lengkap" in r.stderr
    r = court.fails(2, "complete", case, "2", "--as", "ahmad.panmudpdt", "--decision", "Mungkin",
                    lang="en")
    assert "must be one of: Lengkap | Tidak lengkap" in r.stderr
    assert court.json("log", case)[-1]["type"] == "step_activated"  # nothing recorded


def test_wrong_actor_on_a_tolak_sop_is_refused_recorded_and_listed(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("taksiran-panjar-skum", "rina.ptsp")
    before = len(court.json("log", case))
    r = court.fails(4, "complete", case, "1", "--as", "siti.kasir",
                    *[f"--output={k}={v}" for k, v in SKUM_1.items()])
    assert "Ditolak" in r.stderr and "dicatat" in r.stderr
    log = court.json("log", case)
    assert len(log) == before + 1 and log[-1]["type"] == "action_refused"
    devs = court.json("deviations", "--kind", "wrong_actor")["deviations"]
    assert [(d["case_id"], d["outcome"], d["actor"]) for d in devs] == \
        [(case, "ditolak", "siti.kasir")]
    assert "ditolak" in court.ok("deviations").stdout
    assert "DITOLAK" in court.ok("case", case).stdout
    # the step is still open for the right person
    assert court.json("tasks", "--as", "rina.ptsp")["tasks"][0]["case_id"] == case
    r = court.fails(4, "complete", case, "1", "--as", "siti.kasir",
                    *[f"--output={k}={v}" for k, v in SKUM_1.items()], lang="en")
    assert "Refused (wrong actor)" in r.stderr and "was recorded" in r.stderr


def test_a_step_already_done_is_a_reload_answer(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    court.complete(case, "1", "rina.ptsp", **GUGATAN_1)
    r = court.fails(3, "complete", case, "1", "--as", "rina.ptsp",
                    *[f"--output={k}={v}" for k, v in GUGATAN_1.items()])
    assert "muat ulang" in r.stderr
    r = court.fails(3, "claim", case, "1", "--as", "fadli.ptsp", lang="en")
    assert "reload" in r.stderr
    court.fails(2, "complete", "PNSNN-2026-99999", "1", "--as", "rina.ptsp")


def test_case_shows_timeline_gap_on_behalf_and_where_it_stands(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    then = ago(days=4)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp", "--at", local(then),
                       "--reason", "dicatat dari buku register")
    court.complete(case, "1", "rina.ptsp", "--at", local(ago(days=4, minutes=-10)),
                   **GUGATAN_1)
    court.complete(case, "2", "ahmad.panmudpdt", "--decision", "Lengkap", **GUGATAN_2)
    court.complete(case, "3", "siti.kasir", taksiran_panjar="Rp 1.000.000",
                   slip_setoran="Slip 1")
    court.complete(case, "4", "rina.ptsp", bukti_setoran_bank="Bukti 1")
    out = court.ok("case", case).stdout
    flat = " ".join(out.replace("│", " ").split())  # a wrapped cell read on
    assert case in out and "pendaftaran-gugatan-ptsp" in out
    assert "(+4" in out  # recorded four days after it happened (the cell may wrap)
    assert "Rina Marasabessy atas nama Pemohon" in flat
    assert "keputusan: Lengkap" in out and "Rp1.000.000" in out, out
    assert "dicatat terlambat" in out  # late entry flagged with its reason
    assert "dicatat dari buku register" in out
    assert "Posisi sekarang" in out and "5. " in out
    data = court.json("case", case)
    assert data["status"] == "aktif" and [s["node"] for s in data["open_steps"]] == ["5"]
    assert data["timeline"][0]["entry_gap_seconds"] >= 4 * 86400 - 60
    assert any(e["type"] == "deviation_flagged" and e["kind"] == "late_entry"
               for e in data["timeline"])
    en = court.ok("--lang", "en", "case", case).stdout
    assert "Where it stands" in en and "on behalf of Pemohon" in " ".join(
        en.replace("│", " ").split())
    court.fails(2, "case", "PNSNN-2026-99999")


def test_extend_uses_the_extension_the_sop_allows(tmp_path: Path) -> None:
    defs = tmp_path / "defs"
    shutil.copytree(DEFINITIONS, defs)
    f = defs / "pengesahan-badan-hukum.yaml"
    text = f.read_text(encoding="utf-8")
    anchor = "    keterangan: Surat kuasa hanya bila pemohon diwakilkan"
    assert anchor in text
    f.write_text(text.replace(anchor, "    perpanjangan: 1 jam\n" + anchor, 1), encoding="utf-8")
    court = new_court(tmp_path, defs)
    case = court.start("pengesahan-badan-hukum", "ridwan.panmudhkm")
    due = court.json("case", case)["open_steps"][0]["due_at"]
    court.fails(2, "extend", case, "1", "--as", "ridwan.panmudhkm", "--reason", " ")
    r = court.ok("extend", case, "1", "--as", "ridwan.panmudhkm", "--reason",
                 "berkas pengurus belum lengkap difotokopi")
    assert "diperpanjang sampai" in r.stdout
    after = court.json("case", case)["open_steps"][0]["due_at"]
    assert datetime.fromisoformat(after) > datetime.fromisoformat(due)
    r = court.fails(2, "extend", case, "1", "--as", "ridwan.panmudhkm", "--reason", "lagi")
    assert "sudah diperpanjang" in r.stderr
    # a step the SOP gives no extension
    case2 = court.start("salinan-putusan", "rina.ptsp")
    r = court.fails(2, "extend", case2, "1", "--as", "rina.ptsp", "--reason", "x")
    assert "tidak memberi perpanjangan" in r.stderr


def test_an_extension_is_granted_by_whom_the_sop_names_even_ahead(tmp_path: Path) -> None:
    """``perpanjangan: {batas, oleh}``: a try by someone else is refused (exit 4) and does
    not use it up; the named officer may grant it before the step opens, and the step then
    opens with its limit and the extension."""
    defs = tmp_path / "defs"
    shutil.copytree(DEFINITIONS, defs)
    f = defs / "legalisasi-waarmerking.yaml"
    text = f.read_text(encoding="utf-8")
    step_2 = ("      waktu: tidak ditentukan\n      output: [Permohonan waarmerking telah "
              "diteliti]\n")
    assert step_2 in text
    f.write_text(text.replace(step_2, step_2.replace("tidak ditentukan", "1 hari kerja")
                              + "    perpanjangan: {batas: 2 hari kerja, oleh: [panitera]}\n",
                              1), encoding="utf-8")
    court = new_court(tmp_path, defs)
    case = court.start("legalisasi-waarmerking", "rina.ptsp")
    refused = court.fails(4, "extend", case, "2", "--as", "ridwan.panmudhkm", "--reason", "x")
    assert "Ditolak" in refused.stderr, refused.stderr
    court.ok("extend", case, "2", "--as", "bambang.panitera", "--reason", "disposisi Panitera")
    court.complete(case, "1", "rina.ptsp",
                   permohonan_waarmerking_diterima="Diterima di loket PTSP")
    other = court.start("legalisasi-waarmerking", "rina.ptsp")  # the same, not extended
    court.complete(other, "1", "rina.ptsp",
                   permohonan_waarmerking_diterima="Diterima di loket PTSP")
    [extended] = court.json("case", case)["open_steps"]
    [plain] = court.json("case", other)["open_steps"]
    # 1 + 2 hari kerja against 1: two working days later, at least two calendar days
    gap = datetime.fromisoformat(extended["due_at"]) - datetime.fromisoformat(plain["due_at"])
    assert gap.days >= 2, gap
    r = court.fails(2, "extend", case, "2", "--as", "bambang.panitera", "--reason", "lagi")
    assert "sudah diperpanjang" in r.stderr


def test_a_revised_sop_gets_a_new_version_and_running_cases_keep_theirs(tmp_path: Path) -> None:
    import shutil

    from tests.e2e.court import Court
    from tests.revisions import as_revision

    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    court = Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")
    court.ok("init", "--definitions", folder)
    old_case = court.start("salinan-putusan", "rina.ptsp")
    old = court.json("case", old_case)["version"]

    sop = folder / "salinan-putusan.yaml"  # the court revises step 1's activity
    text = sop.read_text(encoding="utf-8")
    assert "di loket Hukum PTSP" in text
    sop.write_text(as_revision(text.replace("di loket Hukum PTSP", "di meja PTSP", 1)),
                   encoding="utf-8")
    loaded = court.json("init", "--definitions", folder)
    assert loaded["new_versions"] == loaded["drafts"] == ["salinan-putusan"]
    draft = court.json("versions", "salinan-putusan")[0]["version"]
    assert court.json("case", court.start("salinan-putusan", "rina.ptsp"))["version"] == old
    court.ok("approve", "salinan-putusan", draft[:10], "--as", "hendra.kpn")

    new_case = court.start("salinan-putusan", "rina.ptsp")
    new = court.json("case", new_case)
    assert new["version"] != old
    assert "di meja PTSP" in new["open_steps"][0]["kegiatan"]
    pinned = court.json("case", old_case)
    assert pinned["version"] == old
    assert "di loket Hukum PTSP" in pinned["open_steps"][0]["kegiatan"]
    court.ok("complete", old_case, "1", "--as", "rina.ptsp", "--output",
             "surat_permohonan_salinan_putusan_kepada_ketua_pengadilan_negeri=Surat",
             "--output", "fotokopi_ktp=ada", "--output",
             "surat_permohonan_salinan_putusan_diterima=Diterima")
    assert court.json("case", old_case)["version"] == old
    assert court.json("verify")["ok"] is True


def test_tasks_are_bounded_and_say_when_there_are_more(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    first = court.start("salinan-putusan", "rina.ptsp")
    second = court.start("salinan-putusan", "rina.ptsp")
    both = court.json("tasks", "--as", "rina.ptsp")["tasks"]
    assert {t["case_id"] for t in both} == {first, second}
    one = court.json("tasks", "--as", "rina.ptsp", "--limit", "1")["tasks"]
    assert one == both[:1]  # the soonest due of the two
    shown = " ".join(court.ok("tasks", "--as", "rina.ptsp", "--limit", "1").stdout.split())
    code = court.json("tasks", "--as", "rina.ptsp", "--limit", "1")["next"]
    assert f"Ada lagi. Halaman berikutnya: --lanjut {code}" in shown
    assert "Ada lagi" not in court.ok("tasks", "--as", "rina.ptsp", "--limit", "2").stdout
    # the next page continues after the last step shown, and is the last
    rest = court.json("tasks", "--as", "rina.ptsp", "--limit", "1", "--lanjut", code)
    assert rest["tasks"] == both[1:] and rest["next"] is None and rest["per_page"] == 1
    bad = court.fails(1, "tasks", "--as", "rina.ptsp", "--lanjut", "eHl6")
    assert "Kode halaman 'eHl6' tidak dikenal" in bad.stderr and "Traceback" not in bad.stderr
    assert "Traceback" not in court.fails(2, "tasks", "--as", "rina.ptsp", "--limit", "0").stderr
