"""``sop demo``: the demo court's working day, as the README's first command plays it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DEFINITIONS
from tests.e2e.court import Court


def test_the_demo_day_plays_through_and_ends_verified(tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")
    r = court.ok("demo", "--definitions", DEFINITIONS)
    out = " ".join(r.stdout.split())
    assert "Selasa, 24 November 2026" in out
    assert "hanya Kasir yang boleh" in out  # the refused attempt: told on stderr, exit 4
    assert "Ditolak (pelaksana tidak berwenang)" in " ".join(r.stderr.split())
    assert "Log utuh: 73 peristiwa dalam 6 perkara" in out
    kinds = {d["kind"] for d in court.json("deviations")}
    assert kinds == {"wrong_actor", "late_entry", "override", "overdue", "service_overdue"}
    overdue = court.json("overdue", "--now", "2026-11-24 16:45")
    assert [(r["sop_id"], r["node"]) for r in overdue] == [("taksiran-panjar-skum", "7")]
    refused = [d for d in court.json("deviations") if d["outcome"] == "ditolak"]
    assert [(d["actor"], d["node"]) for d in refused] == [("fadli.ptsp", "5")]


def test_the_demo_speaks_english_when_asked(tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")
    out = " ".join(court.ok("--lang", "en", "demo", "--definitions", DEFINITIONS).stdout.split())
    assert "Tuesday, 24 November 2026" in out and "only the Kasir may" in out
    assert "Log intact: 73 events in 6 cases verified" in out
