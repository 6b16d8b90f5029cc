"""Lateness through the CLI, in the unit its limit is written in: a step limited in calendar
days that is done days late is late by calendar days, one in working days by working days,
one in minutes by working time (issue: "terlambat 10 jam 5 menit kerja" for a filing two
calendar days late)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import DEFINITIONS
from tests.e2e.court import MakeCourt, ago, library_with, local, start_end

SOP = "legalisasi-waarmerking"  # step 1 has no limit in the library; the test gives it one


@pytest.mark.parametrize(("limit", "unit", "words"), [
    ("2 hari", "hari", "terlambat {n} hari kalender"),
    ("1 hari kerja", "hari_kerja", "terlambat {n} hari kerja"),
    ("30 menit", "menit_kerja", " kerja"),
])
def test_a_late_step_is_late_in_the_unit_of_its_limit(tmp_path: Path, limit: str, unit: str,
                                                       words: str, make_court: MakeCourt) -> None:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    sop = folder / f"{SOP}.yaml"
    text = sop.read_text(encoding="utf-8")
    assert text.count("      waktu: tidak ditentukan\n") >= 1
    sop.write_text(text.replace("      waktu: tidak ditentukan\n", f"      waktu: {limit}\n", 1),
                   encoding="utf-8")
    court = make_court(folder)
    case = court.start(SOP, "rina.ptsp", "--at", local(ago(days=12)))
    court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", local(ago(days=1)),
             "--output", "permohonan_waarmerking_diterima=Diterima", "--reason",
             "dicatat dari buku register")
    [late] = [d for d in court.json("deviations", "--case", case)["deviations"]
              if d["kind"] == "overdue"]
    amount = int(late["evidence"]["terlambat"])
    assert late["evidence"]["satuan"] == unit and amount > 0
    said = " ".join(court.ok("deviations", "--case", case, "--kind", "overdue").stdout.split())
    assert words.format(n=amount) in said, said
    assert "satuan" not in said and said.count("terlambat ") == 1, said
    # the case report's step table says it in the same unit as the deviation
    [step] = [s for s in court.json("report", "case", case)["steps"] if s["node"] == "1"]
    expected = {"hari": f"terlambat {amount} hari kalender",
                "hari_kerja": f"terlambat {amount} hari kerja"}.get(unit, "terlambat ")
    assert step["verdict_text"].startswith(expected), step


@pytest.mark.parametrize(("waktu", "late"), [
    ("2 hari", "terlambat 5 menit di luar jam kerja"),
    ("{batas: 2 hari, berakhir: akhir_hari}", None),
])
def test_a_filing_after_the_close_of_the_last_day(tmp_path: Path, waktu: str,
                                                    late: str | None,
                                                    make_court: MakeCourt) -> None:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    sop = folder / f"{SOP}.yaml"
    text = sop.read_text(encoding="utf-8")
    sop.write_text(text.replace("      waktu: tidak ditentukan\n", f"      waktu: {waktu}\n", 1),
                   encoding="utf-8")
    court = make_court(folder)
    # Tuesday 24/11 09:00 + 2 hari: Thursday 26/11, whose office closes at 16:30
    case = court.start(SOP, "rina.ptsp", "--at", "2026-11-24 09:00")
    court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", "2026-11-26 16:35",
             "--output", "permohonan_waarmerking_diterima=Diterima", "--reason",
             "dicatat dari buku register")
    said = " ".join(court.ok("deviations", "--case", case, "--kind", "overdue").stdout.split())
    if late is None:
        assert "melewati batas waktu langkah" not in said, said
    else:
        assert late in said, said


def test_an_act_after_its_timer_ran_out_is_refused_before_and_after_a_sweep(
        tmp_path: Path, make_court: MakeCourt) -> None:
    """Step 2 waits at most 2 hari, else the case goes to step 3: a completion entered for a
    moment after that is refused (exit 4) whether or not `sop sweep` has run, and the sweep
    takes the branch from the timer's moment."""
    folder = library_with(tmp_path, start_end(
        {"kegiatan": "Menunggu pemohon melengkapi berkas", "lanjut": 4,
         "pelaksana": "petugas_ptsp", "jika_lewat_waktu": {"setelah": "2 hari", "ke": 3}},
        {"kegiatan": "Mencatat permohonan gugur", "pelaksana": "petugas_ptsp"}))
    court = make_court(folder)
    for swept in (False, True):
        case = court.start("uji-waktu", "rina.ptsp", "--at", local(ago(days=10)))
        court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", local(ago(days=10)),
                 "--reason", "dicatat dari register")
        if swept:
            court.ok("sweep")
        refused = court.fails(4, "complete", case, "2", "--as", "rina.ptsp", "--at",
                              local(ago(days=1)), "--reason", "dicatat dari register")
        assert "Ditolak" in refused.stderr, refused.stderr
        court.ok("sweep")
        assert [s["node"] for s in court.json("case", case)["open_steps"]] == ["3"]


def _waiting_sop(tmp_path: Path) -> Path:
    """PN Sanana's library and an SOP whose step 2 has a 1 hari kerja limit and a 5 hari
    timer to step 3 (the application lapses)."""
    return library_with(tmp_path, start_end(
        {"kegiatan": "Meneliti kelengkapan berkas", "pelaksana": "petugas_ptsp",
         "lanjut": 4, "mutu_baku": {"waktu": "1 hari kerja"},
         "jika_lewat_waktu": {"setelah": "5 hari", "ke": 3}},
        {"kegiatan": "Mencatat permohonan gugur", "pelaksana": "petugas_ptsp"}))


def test_a_back_dated_act_withdraws_what_the_sweep_found(tmp_path: Path,
                                                         make_court: MakeCourt) -> None:
    """The sweep fired step 2's timer and flagged it overdue; then the clerk enters from the
    register that step 2 was done on its first day. The timer and the flag are withdrawn
    (events, both still in the log), the normal flow goes on, step 3 is withdrawn, and
    `sop verify` finds the tables equal to the log."""
    court = make_court(_waiting_sop(tmp_path))
    start = ago(days=20)
    case = court.start("uji-waktu", "rina.ptsp", "--at", local(start))
    court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", local(start),
             "--reason", "dicatat dari register")
    court.ok("sweep")
    assert [s["node"] for s in court.json("case", case)["open_steps"]] == ["3"]
    assert [d["kind"] for d in court.json("deviations", "--case", case)["deviations"]
            if d["kind"] != "late_entry"] == ["overdue"]
    done = court.ok("complete", case, "2", "--as", "rina.ptsp", "--at",
                    local(start + timedelta(hours=2)), "--reason", "dicatat dari register")
    assert "Waktu tunggu ditarik" in done.stdout and "Langkah ditarik" in done.stdout, done.stdout
    view = court.json("case", case)
    assert [s["node"] for s in view["open_steps"]] == ["4"]
    assert [d["kind"] for d in court.json("deviations", "--case", case)["deviations"]
            if d["kind"] != "late_entry"] == []
    log = court.ok("log", case).stdout
    assert all(kind in log for kind in ("timer_fired", "timer_withdrawn", "step_withdrawn",
                                        "deviation_withdrawn")), log
    report = " ".join(court.ok("report", "case", case).stdout.split())
    assert "Waktu tunggu ditarik" in report and "Penyimpangan ditarik" in report, report
    court.ok("verify")
