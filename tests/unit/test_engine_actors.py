from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sop_runtime.engine.actors import Delegation, Directory

WIT = ZoneInfo("Asia/Jayapura")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=WIT)


DIRECTORY = Directory(
    roles={"rina": frozenset({"petugas_ptsp"}), "budi": frozenset({"kasir"}),
           "sri": frozenset({"wakil_ketua"}), "agus": frozenset({"ketua"})},
    delegations=(Delegation(delegate="sri", role="ketua", start=at(7, 0), end=at(10, 0),
                            holder="agus", reference="SP-12/KPN/XII/2026"),),
    supervisor_roles=frozenset({"ketua", "panitera"}),
)


def test_own_role() -> None:
    g = DIRECTORY.grant("rina", "petugas_ptsp", at(1))
    assert g is not None and g.delegation is None
    assert DIRECTORY.grant("rina", "kasir", at(1)) is None


def test_delegation_only_inside_its_period() -> None:
    assert DIRECTORY.grant("sri", "ketua", at(6, 23)) is None
    g = DIRECTORY.grant("sri", "ketua", at(7, 0))
    assert g is not None and g.delegation is not None and g.delegation.holder == "agus"
    assert DIRECTORY.grant("sri", "ketua", at(10, 0)) is None


def test_own_role_preferred_over_delegation() -> None:
    g = DIRECTORY.grant_any("sri", ("ketua", "wakil_ketua"), at(8))
    assert g is not None and g.role == "wakil_ketua" and g.delegation is None


def test_supervisors_include_delegates_for_the_period() -> None:
    assert DIRECTORY.is_supervisor("agus", at(1))
    assert DIRECTORY.is_supervisor("sri", at(8))
    assert not DIRECTORY.is_supervisor("sri", at(12))
    assert not DIRECTORY.is_supervisor("rina", at(8))
