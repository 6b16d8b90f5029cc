"""Replaying an imported log through a joint step (``bersama``): one officer's row completes
it and the other is reported missing, unless the other officer's row is in the log too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sop_runtime.conformance.mapping import Kolom, LogMapping, Target
from sop_runtime.conformance.readers import LogRow
from sop_runtime.conformance.replay import Replayer
from tests.unit.enginekit import T0, calendar, chain

WF = chain({"kegiatan": "Menandatangani berita acara", "pelaksana": ["ketua", "panitera"],
            "bersama": True, "mutu_baku": {"waktu": "1 hari kerja"}})
MAPPING = LogMapping(
    file="uji.yaml", format="csv", columns_given=Kolom(), time_format=None, zone=None,
    delimiter=",", activities={"Terima": Target("1"), "BA": Target("2"), "Serah": Target("3")},
    resources={}, roles={"ptsp": "petugas_ptsp", "kpn": "ketua", "pan": "panitera"}, values={})


def _replay(*rows: tuple[str, str, str]) -> Any:
    log = [LogRow(place=i + 1, case="P1", activity=activity, resource=person, role=role,
                  at=T0 + timedelta(minutes=10 * i))
           for i, (activity, person, role) in enumerate(rows)]
    replayer = Replayer.build(WF, MAPPING, calendar(), {(r.resource, r.role) for r in log},
                              frozenset())
    return replayer.replay("P1", log)


def test_one_officers_row_completes_the_step_and_names_the_other_missing() -> None:
    result = _replay(("Terima", "rina", "ptsp"), ("BA", "hendra", "kpn"),
                     ("Serah", "rina", "ptsp"))
    assert result.completed
    assert [(f.kind, f.node, f.detail.get("menunggu")) for f in result.findings] == [
        ("missing_signer", "2", "panitera")]


def test_both_officers_rows_conform() -> None:
    result = _replay(("Terima", "rina", "ptsp"), ("BA", "hendra", "kpn"),
                     ("BA", "bambang", "pan"), ("Serah", "rina", "ptsp"))
    assert result.completed and result.findings == []
