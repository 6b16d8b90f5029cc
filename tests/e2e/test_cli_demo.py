"""``sop demo``: the demo court's working day, as the README's first command plays it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import DEMO_ERR, DEMO_OUT
from tests.e2e.court import Court


def test_the_demo_day_plays_through_and_ends_verified(demo_day: Path, demo_copy: Path,
                                                      tmp_path: Path) -> None:
    """The session's demo (played once, its output kept) on a copy of its court."""
    court = Court(tmp_path, f"sqlite:///{demo_copy}")
    printed = (demo_day.parent / DEMO_OUT).read_text(encoding="utf-8")
    told = (demo_day.parent / DEMO_ERR).read_text(encoding="utf-8")
    out = " ".join(printed.split())
    assert "Selasa, 24 November 2026" in out
    assert "hanya Kasir yang boleh" in out  # the refused attempt: told on stderr, exit 4
    assert "Ditolak (pelaksana tidak berwenang)" in " ".join(told.split())
    assert "Log utuh: 139 peristiwa dalam 10 perkara" in out  # Tuesday's end
    kinds = {d["kind"] for d in court.json("deviations")["deviations"]}
    assert kinds == {"wrong_actor", "late_entry", "override", "overdue", "service_overdue"}
    overdue = court.json("overdue", "--now", "2026-11-24 16:45")["overdue"]
    assert [(r["sop_id"], r["node"]) for r in overdue] == [("taksiran-panjar-skum", "7")]
    refused = [d for d in court.json("deviations")["deviations"] if d["outcome"] == "ditolak"]
    assert [(d["actor"], d["node"]) for d in refused] == [("fadli.ptsp", "5")]
    started = dict(re.findall(r"\$ sop start (\S+) .*?Perkara dimulai: (\S+)", out))
    # the banding is in time only from the absent party's notice (the later date); after
    # the akta its two paths run at once, and the inspection path is still open tonight
    banding = court.json("case", started["banding-perdata"])
    assert banding["status"] == "aktif"
    assert sorted(s["node"] for s in banding["open_steps"]) == ["10", "11"]
    assert next(e for e in banding["timeline"] if e.get("node") == "6"
                and e["type"] == "step_completed")["decision"] == "Dalam tenggang waktu"
    # the kasasi was paid after its term: the data sends it to the Ketua's penetapan
    kasasi = court.json("case", started["kasasi-perdata"])
    assert kasasi["status"] == "selesai"
    assert [e["node"] for e in kasasi["timeline"] if e["type"] == "step_completed"] == [
        "1", "2", "3", "4", "5", "14", "15"]
    late = [d for d in court.json("deviations", "--case", started["kasasi-perdata"])["deviations"]]
    assert [(d["kind"], d["node"], d["actor"]) for d in late] == [("overdue", "4", None)]
    # the execution request waits for its panjar (3 hari kerja)
    eksekusi = court.json("case", started["permohonan-eksekusi"])
    assert [s["node"] for s in eksekusi["open_steps"]] == ["8"]
    # the revision: approved Tuesday for Wednesday; Tuesday's requests start on the old
    # version and are moved on Wednesday (the one at a renumbered step once it is mapped),
    # Wednesday's starts on the revision
    assert "Rabu, 25 November 2026" in out
    versions = {v["status"]: v["version"] for v in court.json("versions", "salinan-putusan")}
    old, new = versions["tidak_berlaku"], versions["berlaku"]
    salinan = [c for sop, c in re.findall(r"\$ sop start (\S+) .*?Perkara dimulai: (\S+)", out)
               if sop == "salinan-putusan"]
    assert len(salinan) == 4
    starts = {c: court.json("case", c) for c in salinan}
    began = {c: next(e["version"] for e in d["timeline"] if e["type"] == "case_started")
             for c, d in starts.items()}
    assert list(began.values()) == [old, old, old, new]
    assert all(d["version"] == new for d in starts.values())  # the three moved
    assert "ditolak — Langkah 9 (Mencatat dalam buku register" in out  # tried first
    assert f"✗ {salinan[1]} ditolak" in out and "peta 9=10" in out
    not_found = starts[salinan[1]]
    assert [s["node"] for s in not_found["open_steps"]] == ["10"]
    assert "Log utuh: 150 peristiwa dalam 12 perkara" in out


def test_the_demo_away_from_its_definitions_says_so(tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")  # runs in tmp_path
    r = court.fails(2, "demo")
    assert "tidak memuat court.yaml" in r.stderr and "--definitions" in r.stderr


# the demo in English: tests/e2e/test_cli_extras.py plays it so, with the extras hidden


def test_the_period_report_of_the_demo_week(demo_copy: Path, tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{demo_copy}")
    data = court.json("report", "period", "--from", "2026-11-16", "--to", "2026-11-29")
    assert sum(data["cases"].values()) == 12
    assert data["service"]["pendaftaran-gugatan-ptsp"]["on_time_rate"] == 0.0
    step = next(s for s in data["steps"]
                if (s["sop_id"], s["node"]) == ("surat-keterangan-eraterang", "4"))
    assert (step["done"], step["on_time"], step["median_seconds"]) == (2, 1, 1500)
    assert data["deviations"]["late_entry"] == 2
    table = " ".join(court.ok("report", "period", "--from", "2026-11-16",
                              "--to", "2026-11-29").stdout.split())
    assert "Perkara per SOP" in table and "50% (1/2)" in table
    assert "No case started" in court.ok("--lang", "en", "report", "period", "--from",
                                         "2027-01-01", "--to", "2027-01-31").stdout
    court.fails(2, "report", "period", "--from", "2026-02-30", "--to", "2026-03-01")


def test_the_period_report_as_a_printable_page(demo_copy: Path, tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{demo_copy}")
    page = tmp_path / "laporan.html"
    court.ok("report", "period", "--from", "2026-11-16", "--to", "2026-11-29", "--html", page)
    html = page.read_text(encoding="utf-8")
    assert "Laporan Pertanggungjawaban" in html and "Pengadilan Negeri Sanana" in html
    assert "belum disegel" in html  # no seal yet: the page says so
    assert html.count("<svg") == 4 and "50% (1/2)" in html  # on time, age, load, deviations
    assert "<td>Kasir / Pemegang Kas</td>" in html  # roles by their names, not ids
    made = court.json("seal", "create", "--as", "bambang.panitera")
    court.ok("report", "period", "--from", "2026-11-16", "--to", "2026-11-29", "--html", page)
    assert made["root"] in page.read_text(encoding="utf-8")  # the root the Ketua signs
