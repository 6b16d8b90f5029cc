"""Replaying an imported log: a value a row gives for an item an earlier row recorded
differently is found as a contradiction (``isian bertentangan``), by the engine's own rule;
the same value, however written, is no finding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sop_runtime.conformance.findings_text import finding_text
from sop_runtime.conformance.mapping import Kolom, LogMapping, Target
from sop_runtime.conformance.readers import LogRow
from sop_runtime.conformance.replay import Replayer
from tests.unit.enginekit import T0, calendar, chain

MONEY = {"id": "taksiran_panjar", "nama": "Taksiran panjar", "jenis": "uang"}
WF = chain({"kegiatan": "Menghitung panjar", "pelaksana": "kasir",
            "mutu_baku": {"output": [MONEY]}},
           {"kegiatan": "Mencatat panjar dalam jurnal", "pelaksana": "kasir",
            "mutu_baku": {"kelengkapan": [MONEY]}})
MAPPING = LogMapping(
    file="uji.yaml", format="csv", columns_given=Kolom(), time_format=None, zone=None,
    delimiter=",", activities={"Terima": Target("1"), "Hitung": Target("2"),
                               "Jurnal": Target("3"), "Serah": Target("4")},
    resources={}, roles={"ptsp": "petugas_ptsp", "kasir": "kasir"},
    values={"taksiran_panjar": "taksiran"})


def _replay(counted: str, journal: str) -> Any:
    rows = [("Terima", "rina", "ptsp", ""), ("Hitung", "siti", "kasir", counted),
            ("Jurnal", "siti", "kasir", journal), ("Serah", "rina", "ptsp", "")]
    log = [LogRow(place=i + 1, case="P1", activity=activity, resource=person, role=role,
                  at=T0 + timedelta(minutes=10 * i),
                  values={"taksiran_panjar": value} if value else {})
           for i, (activity, person, role, value) in enumerate(rows)]
    replayer = Replayer.build(WF, MAPPING, calendar(), {(r.resource, r.role) for r in log},
                              frozenset())
    return replayer.replay("P1", log)


def test_a_different_value_in_the_log_is_a_contradiction() -> None:
    result = _replay("Rp 431.000", "450000")
    assert result.completed
    found = [(f.kind, f.node) for f in result.findings]
    assert found == [("contradiction", "3")]
    detail = result.findings[0].detail
    assert detail["nilai_sebelumnya"] == "431000" and detail["nilai"] == "450000"
    said = finding_text(result.findings[0], WF, calendar())
    assert said.startswith("Taksiran panjar: tercatat “Rp431.000” di langkah 2. Menghitung "
                           "panjar oleh siti (")
    assert said.endswith("kini diisi “Rp450.000”")


def test_the_same_value_written_otherwise_is_no_finding() -> None:
    result = _replay("Rp 431.000", "431.000")
    assert result.completed and result.findings == []
