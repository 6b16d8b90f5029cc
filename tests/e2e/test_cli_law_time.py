"""Time as the law counts it, through the CLI on SQLite and PostgreSQL: whose lateness a
party's late act is, what an extension extends, and which days a statutory term skips."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from tests.e2e.court import MakeCourt, ago, library_with, local, start_end


def test_a_party_late_is_the_party_not_the_clerk_who_records_it(
        tmp_path: Path, make_court: MakeCourt) -> None:
    court = make_court(library_with(tmp_path, start_end(
        {"kegiatan": "Menyerahkan kekurangan berkas", "pelaksana": "pemohon",
         "dicatat_oleh": ["petugas_ptsp"], "mutu_baku": {"waktu": "2 hari"}})))
    case = court.start("uji-waktu", "rina.ptsp", "--at", local(ago(days=9)))
    court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", local(ago(days=9)),
             "--reason", "dicatat dari register")
    court.ok("complete", case, "2", "--as", "rina.ptsp", "--at", local(ago(days=1)),
             "--reason", "dicatat dari register")
    [late] = [d for d in court.json("deviations", "--case", case)["deviations"]
              if d["kind"] == "overdue"]
    assert late["actor"] is None, late
    assert late["evidence"]["pihak"] == "pemohon"
    assert late["evidence"]["dicatat_oleh"] == "rina.ptsp"
    assert late["evidence"]["satuan"] == "hari" and int(late["evidence"]["terlambat"]) > 0


def test_an_extension_extends_the_service_standard_when_the_sop_says_so(
        tmp_path: Path, make_court: MakeCourt) -> None:
    """The answering step may be extended by 2 hari kerja, and the extension extends the
    service standard too (`memperpanjang: keduanya`): an answer inside the extended time is
    within both."""
    court = make_court(library_with(tmp_path, start_end(
        {"kegiatan": "Menyusun jawaban", "pelaksana": "panitera",
         "mutu_baku": {"waktu": "1 hari kerja"},
         "perpanjangan": {"batas": "2 hari kerja", "oleh": ["ketua"],
                          "memperpanjang": "keduanya"}}),
        standar_pelayanan={"waktu_pelayanan": "1 hari kerja"}))
    # Monday 23/11 09:00: both the step and the standard end Tuesday 24/11 09:00
    case = court.start("uji-waktu", "rina.ptsp", "--at", "2026-11-23 09:00")
    court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", "2026-11-23 09:00",
             "--reason", "dicatat dari register")
    refused = court.fails(4, "extend", case, "2", "--as", "bambang.panitera", "--at",
                          "2026-11-23 10:00", "--reason", "berkas tebal")
    assert "Ditolak" in refused.stderr
    court.ok("extend", case, "2", "--as", "hendra.kpn", "--at", "2026-11-23 11:00",
             "--reason", "berkas tebal, disposisi Ketua")
    view = court.json("case", case)
    assert datetime.fromisoformat(view["service_due"]).date().isoformat() == "2026-11-26"
    court.ok("complete", case, "2", "--as", "bambang.panitera", "--at", "2026-11-25 15:00",
             "--reason", "dicatat dari register")
    court.ok("complete", case, "3", "--as", "rina.ptsp", "--at", "2026-11-25 15:30",
             "--reason", "dicatat dari register")
    kinds = {d["kind"] for d in court.json("deviations", "--case", case)["deviations"]}
    assert kinds & {"overdue", "service_overdue"} == set(), kinds


def test_a_statutory_term_skips_the_days_the_court_file_says(
        tmp_path: Path, make_court: MakeCourt) -> None:
    """A term of 14 hari from Monday 9 March 2026 ends on Monday 23 March, a cuti bersama of
    Idul Fitri: by default the term rolls to the next working day (25 March); a court whose
    `tenggang_hukum` says cuti bersama does not stop a statutory term ends it on the 23rd."""
    dues = {}
    for skips in (True, False):
        root = tmp_path / str(skips)
        root.mkdir()
        folder = library_with(root, start_end(
            {"kegiatan": "Menerima memori", "pelaksana": "petugas_ptsp",
             "mutu_baku": {"waktu": "14 hari"}}))
        court_file = folder / "court.yaml"
        data = yaml.safe_load(court_file.read_text(encoding="utf-8"))
        data["tenggang_hukum"] = {"cuti_bersama": skips, "penutupan": True,
                                  "dasar": ["Keputusan Ketua PN Sanana (uji)"]}
        court_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        court = make_court(folder)
        case = court.start("uji-waktu", "rina.ptsp", "--at", "2026-03-09 09:00")
        court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", "2026-03-09 09:00",
                 "--reason", "dicatat dari register")
        [step] = court.json("case", case)["open_steps"]
        dues[skips] = datetime.fromisoformat(step["due_at"]).date().isoformat()
    assert dues == {True: "2026-03-25", False: "2026-03-23"}
