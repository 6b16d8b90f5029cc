"""``sop migrate``: a court revises an SOP; the supervisor tries the bulk move first (nothing
recorded), moves the running cases (one moves, one is refused: its step is gone), then moves
the refused one by naming where its step went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sop_runtime.compiler.library import load_library
from tests.e2e.court import library_with, new_court, start_end
from tests.unit.enginekit import inline_document

SOP = "uji-waktu"
BOSS = ("--as", "bambang.panitera")
PTSP = {"pelaksana": "petugas_ptsp"}
V1 = start_end({"kegiatan": "Memeriksa berkas", "mutu_baku": {"waktu": "2 hari kerja"}, **PTSP},
               {"kegiatan": "Mencatat permohonan", **PTSP})
# the revision drops "Mencatat permohonan" (the end becomes step 3) and gives 5 days
V2 = start_end({"kegiatan": "Memeriksa berkas", "mutu_baku": {"waktu": "5 hari"}, **PTSP})


def _revise(folder: Path, steps: list[dict[str, Any]]) -> str:
    """The SOP's file rewritten with ``steps`` as its first revision."""
    doc = inline_document(steps, id=SOP)
    doc["identitas"].update(nomor_revisi=1, tanggal_revisi="2026-11-20",
                            tanggal_efektif="2026-11-20")
    (folder / f"{SOP}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                        encoding="utf-8")
    return load_library([folder]).workflow(SOP).version


def test_dry_run_then_move_one_moved_one_refused(tmp_path: Path) -> None:
    folder = library_with(tmp_path, V1)
    court = new_court(tmp_path, folder)
    old = load_library([folder]).workflow(SOP).version
    a = court.start(SOP, "rina.ptsp")
    court.complete(a, "1", "rina.ptsp")  # a: step 2 open
    b = court.start(SOP, "rina.ptsp")
    for step in ("1", "2", "3"):
        court.complete(b, step, "rina.ptsp")  # b: step 4 (the end) open
    new = _revise(folder, V2)
    court.ok("init", "--definitions", folder)

    bulk = ["migrate", "--sop", SOP, "--dari", old[:8], "--ke", new[:8], *BOSS,
            "--alasan", "SOP direvisi"]
    tried = court.ok(*bulk, "--coba")
    assert "Coba dulu" in tried.stdout and a in tried.stdout and b in tried.stdout
    assert "2. Memeriksa berkas" in tried.stdout
    assert "Langkah 4 (Menyerahkan hasil) tidak ada" in tried.stdout
    assert "1 perkara akan dipindahkan, 1 ditolak" in tried.stdout
    plan = court.json(*bulk, "--coba")
    assert (plan["moved"], plan["refused"]) == (1, 1)
    assert court.json("case", a)["version"] == old  # nothing was recorded

    done = court.fails(4, *bulk)
    assert "1 perkara dipindahkan, 1 ditolak" in done.stdout
    case_a = court.json("case", a)
    assert case_a["version"] == new
    assert court.json("case", b)["version"] == old

    moved = court.json("migrate", b, "--ke", new[:10], *BOSS, "--alasan", "SOP direvisi",
                       "--peta", "4=3")
    assert moved["version"] == new and [s["node"] for s in moved["open_steps"]] == ["3"]
    log = court.ok("log", b)
    assert "case_migrated" in log.stdout
    shown = court.ok("case", b)
    assert "dipindahkan ke versi" in shown.stdout and "SOP direvisi" in shown.stdout
    assert "Mencatat permohonan" in shown.stdout  # its earlier steps by the old version
    # the moved case goes on by the new graph: step 2 now leads to the end (step 3)
    after = court.complete(a, "2", "rina.ptsp")
    assert [s["node"] for s in after["activated"]] == ["3"]
    court.ok("verify")
    court.ok("rebuild")
    court.ok("verify")


def test_bad_requests_say_where(tmp_path: Path) -> None:
    folder = library_with(tmp_path, V1)
    court = new_court(tmp_path, folder)
    old = load_library([folder]).workflow(SOP).version
    a = court.start(SOP, "rina.ptsp")
    r = court.fails(2, "migrate", a, "--ke", old[:8], *BOSS, "--alasan", "x", "--peta", "2")
    assert "LAMA=BARU" in r.stderr
    r = court.fails(2, "migrate", a, "--ke", old[:8], *BOSS, "--alasan", "x")
    assert "sudah berjalan pada versi" in r.stderr
    court.fails(2, "migrate", a, "--ke", "ffffffff", *BOSS, "--alasan", "x")
    court.fails(2, "migrate", "--ke", old[:8], *BOSS, "--alasan", "x")
    new = _revise(folder, V2)
    court.ok("init", "--definitions", folder)
    r = court.fails(4, "migrate", a, "--ke", new[:8], "--as", "rina.ptsp", "--alasan", "x")
    assert "Ditolak" in r.stderr
