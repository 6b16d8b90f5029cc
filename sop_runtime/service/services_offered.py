"""The services the court offers the public (``/layanan``): the SOPs in force whose
standar pelayanan the court publishes, grouped as its PTSP desk groups them."""

from __future__ import annotations

from dataclasses import dataclass

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.i18n import tr
from sop_runtime.service import library
from sop_runtime.service.runtime import Runtime

__all__ = ["Offered", "ServiceGroup", "offered"]


@dataclass(frozen=True, slots=True)
class Offered:
    """One service as the public list shows it."""

    sop_id: str
    name: str
    products: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServiceGroup:
    """A desk of the PTSP and the services asked for there."""

    name: str
    services: tuple[Offered, ...]


def offered(rt: Runtime) -> list[ServiceGroup]:
    """Every SOP in force that states a standar pelayanan, as one group, by name."""
    found = sorted((_offered(wf) for wf, _ in library.in_force(rt)
                    if wf.document.standar_pelayanan is not None), key=lambda o: o.name)
    return [ServiceGroup(tr("Layanan pengadilan", "Court services"), tuple(found))]


def _offered(wf: Workflow) -> Offered:
    standard = wf.document.standar_pelayanan
    assert standard is not None
    return Offered(wf.document.id, wf.document.identitas.nama, tuple(standard.produk))
