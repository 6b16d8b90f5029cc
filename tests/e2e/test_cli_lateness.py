"""Lateness through the CLI, in the unit its limit is written in: a step limited in calendar
days that is done days late is late by calendar days, one in working days by working days,
one in minutes by working time (issue: "terlambat 10 jam 5 menit kerja" for a filing two
calendar days late)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sop_runtime.cli.render import working
from tests.conftest import DEFINITIONS
from tests.e2e.court import ago, local, new_court

SOP = "legalisasi-waarmerking"  # step 1 has no limit in the library; the test gives it one


@pytest.mark.parametrize(("limit", "unit", "words"), [
    ("2 hari", "hari", "terlambat={n} hari kalender"),
    ("1 hari kerja", "hari_kerja", "terlambat={n} hari kerja"),
    ("30 menit", "menit_kerja", "terlambat={worked}"),
])
def test_a_late_step_is_late_in_the_unit_of_its_limit(tmp_path: Path, limit: str, unit: str,
                                                       words: str) -> None:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    sop = folder / f"{SOP}.yaml"
    text = sop.read_text(encoding="utf-8")
    assert text.count("      waktu: tidak ditentukan\n") >= 1
    sop.write_text(text.replace("      waktu: tidak ditentukan\n", f"      waktu: {limit}\n", 1),
                   encoding="utf-8")
    court = new_court(tmp_path, folder)
    case = court.start(SOP, "rina.ptsp", "--at", local(ago(days=12)))
    court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", local(ago(days=1)),
             "--output", "permohonan_waarmerking_diterima=Diterima", "--reason",
             "dicatat dari buku register")
    [late] = [d for d in court.json("deviations", "--case", case) if d["kind"] == "overdue"]
    amount = int(late["evidence"]["terlambat"])
    assert late["evidence"]["satuan"] == unit and amount > 0
    said = " ".join(court.ok("deviations", "--case", case, "--kind", "overdue").stdout.split())
    assert words.format(n=amount, worked=working(amount * 60)) in said, said
    assert "satuan" not in said and said.count("terlambat=") == 1, said


@pytest.mark.parametrize(("waktu", "late"), [
    ("2 hari", "terlambat=5 menit di luar jam kerja"),
    ("{batas: 2 hari, berakhir: akhir_hari}", None),
])
def test_a_filing_after_the_close_of_the_last_day(tmp_path: Path, waktu: str,
                                                    late: str | None) -> None:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    sop = folder / f"{SOP}.yaml"
    text = sop.read_text(encoding="utf-8")
    sop.write_text(text.replace("      waktu: tidak ditentukan\n", f"      waktu: {waktu}\n", 1),
                   encoding="utf-8")
    court = new_court(tmp_path, folder)
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
        tmp_path: Path) -> None:
    """Step 2 waits at most 2 hari, else the case goes to step 3: a completion entered for a
    moment after that is refused (exit 4) whether or not `sop sweep` has run, and the sweep
    takes the branch from the timer's moment."""
    import yaml

    from tests.unit.enginekit import inline_document

    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    steps = [{"no": 1, "jenis": "mulai", "kegiatan": "Menerima permohonan",
              "pelaksana": "petugas_ptsp"},
             {"no": 2, "kegiatan": "Menunggu pemohon melengkapi berkas",
              "pelaksana": "petugas_ptsp", "lanjut": 4,
              "jika_lewat_waktu": {"setelah": "2 hari", "ke": 3}},
             {"no": 3, "kegiatan": "Mencatat permohonan gugur", "pelaksana": "petugas_ptsp"},
             {"no": 4, "jenis": "selesai", "kegiatan": "Menyerahkan hasil",
              "pelaksana": "petugas_ptsp"}]
    (folder / "uji-waktu.yaml").write_text(
        yaml.safe_dump(inline_document(steps, id="uji-waktu"), allow_unicode=True),
        encoding="utf-8")
    court = new_court(tmp_path, folder)
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
