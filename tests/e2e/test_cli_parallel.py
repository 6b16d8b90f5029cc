"""Parallel work through the CLI, on SQLite and on PostgreSQL: a step that opens two steps
at once (``lanjut: [3, 4]``) and a step that waits for both (``menunggu: [3, 4]``), run with
`sop start`, `sop complete` and `sop case`; and the validator's answer to a join waiting for
a step that does not lead to it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import DEFINITIONS
from tests.e2e.court import Court, MakeCourt, ago, local
from tests.unit.enginekit import inline_document

STEPS: list[dict[str, Any]] = [
    {"no": 1, "jenis": "mulai", "kegiatan": "Menerima pernyataan banding",
     "pelaksana": "petugas_ptsp"},
    {"no": 2, "kegiatan": "Mencatat akta banding", "pelaksana": "panmud_perdata",
     "lanjut": [3, 4]},
    {"no": 3, "kegiatan": "Memberitahukan banding kepada terbanding", "pelaksana": "panitera",
     "lanjut": 5},
    {"no": 4, "kegiatan": "Menerima memori banding", "pelaksana": "petugas_ptsp", "lanjut": 5},
    {"no": 5, "kegiatan": "Mengirim berkas banding", "pelaksana": "panmud_perdata",
     "menunggu": [3, 4], "mutu_baku": {"waktu": "2 hari kerja"}},
    {"no": 6, "jenis": "selesai", "kegiatan": "Mengarsipkan", "pelaksana": "panmud_perdata"},
]



def _definitions(tmp_path: Path, steps: list[dict[str, Any]] = STEPS) -> Path:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    (folder / "uji-paralel.yaml").write_text(
        yaml.safe_dump(inline_document(steps, id="uji-paralel"), allow_unicode=True,
                       sort_keys=False, default_flow_style=None), encoding="utf-8")
    return folder


def _open(court: Court, case: str) -> list[str]:
    return sorted(s["node"] for s in court.json("case", case)["open_steps"])


def _walk(court: Court) -> None:
    case = court.start("uji-paralel", "rina.ptsp", "--at", local(ago(hours=6)))
    court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", local(ago(hours=5)),
             "--reason", "dicatat dari register")
    court.ok("complete", case, "2", "--as", "ahmad.panmudpdt", "--at", local(ago(hours=5)),
             "--reason", "dicatat dari register")
    assert _open(court, case) == ["3", "4"]
    court.ok("complete", case, "4", "--as", "rina.ptsp", "--at", local(ago(hours=4)),
             "--reason", "dicatat dari register")
    assert _open(court, case) == ["3"]  # the join waits for step 3
    # step 3 was done two hours ago and entered now: the join opened then, not now
    court.ok("complete", case, "3", "--as", "bambang.panitera", "--at", local(ago(hours=2)),
             "--reason", "dicatat dari buku agenda")
    assert _open(court, case) == ["5"]
    timeline = court.json("case", case)["timeline"]
    activated = [e for e in timeline if e["type"] == "step_activated"]
    assert [e["node"] for e in activated] == ["1", "2", "3", "4", "5"]
    done3 = next(e for e in timeline if e["type"] == "step_completed" and e["node"] == "3")
    assert activated[-1]["occurred_at"] == done3["occurred_at"]
    assert activated[-1]["occurred_at"] < activated[-1]["recorded_at"]
    said = court.ok("case", case).stdout
    assert "Mengirim berkas banding" in said
    court.ok("complete", case, "5", "--as", "ahmad.panmudpdt")
    court.ok("complete", case, "6", "--as", "ahmad.panmudpdt")
    done = court.json("case", case)
    assert done["status"] == "selesai" and done["open_steps"] == []


def test_a_split_and_a_join_through_the_cli(tmp_path: Path, make_court: MakeCourt) -> None:
    """On SQLite and on PostgreSQL."""
    _walk(make_court(_definitions(tmp_path)))


def test_a_join_waiting_for_a_step_that_does_not_lead_to_it_is_refused(tmp_path: Path) -> None:
    steps = [dict(s) for s in STEPS]
    steps[4]["menunggu"] = [2, 4]
    folder = _definitions(tmp_path, steps)
    court = Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")
    r = court.run("validate", folder / "uji-paralel.yaml")
    assert r.returncode != 0
    assert "uji-paralel.yaml:" in r.stdout + r.stderr
    assert "E115" in r.stdout + r.stderr and "langkah 5 menunggu langkah 2" in r.stdout + r.stderr
