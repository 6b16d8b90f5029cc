"""The services the court offers the public (``/layanan``): the SOPs in force whose
standar pelayanan the court publishes, grouped as its PTSP desk groups them (the court
file's ``ptsp``; without it every SOP in force that states a standar pelayanan, as one
group), and each one's standar pelayanan in the seven components of UU 25/2009 and the
court's standard (persyaratan, sarana dan prasarana, produk, prosedur, waktu, biaya,
pengaduan).

Only what the court publishes: the SOP's official text, role names, the fee tables. Never
a staff member's name or NIP (not even the SOP's signer), an author's note
(``catatan_penyusun``), an internal id or a version hash."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sop_runtime.compiler.render.plain import PlainStep, ServiceTime, plain_steps, service_time
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.models import StandarPelayanan
from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, library
from sop_runtime.service.public_fees import Fees, fees, services_table
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime

__all__ = ["Offered", "PublicService", "ServiceGroup", "offered", "published"]


@dataclass(frozen=True, slots=True)
class Offered:
    """One service as the public list shows it."""

    sop_id: str
    name: str
    products: tuple[str, ...]
    time: str


@dataclass(frozen=True, slots=True)
class ServiceGroup:
    """A desk of the PTSP and the services asked for there."""

    name: str
    services: tuple[Offered, ...]


@dataclass(frozen=True, slots=True)
class PublicService:
    """One service's standar pelayanan, as published."""

    sop_id: str
    name: str
    number: str                      # the SOP's official number
    desk: str
    requirements: tuple[str, ...]    # persyaratan
    facilities: tuple[str, ...]      # sarana dan prasarana
    products: tuple[str, ...]        # produk (mutu)
    procedure: tuple[PlainStep, ...]  # prosedur
    time: ServiceTime                # waktu
    fees: Fees                       # biaya
    complaint: str                   # pengaduan
    legal_basis: tuple[str, ...]     # dasar hukum


def _published(rt: Runtime) -> tuple[CourtFile, int, list[tuple[str, list[Workflow]]]]:
    """The court file, its minutes per working day, and the desks with the workflows in
    force they publish."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court, _ = catalog.court(rt, conn)
    in_force = {wf.sop_id: wf for wf, _ in library.in_force(rt)
                if wf.document.standar_pelayanan is not None}
    if court.ptsp is None:
        desks = [(tr("Layanan pengadilan", "Court services"),
                  sorted(in_force.values(), key=lambda wf: wf.nama))]
    else:
        desks = [(desk.nama, [in_force[s] for s in desk.layanan if s in in_force])
                 for desk in court.ptsp.meja]
    return court, court.minutes_per_working_day(), [(n, wfs) for n, wfs in desks if wfs]


def offered(rt: Runtime) -> list[ServiceGroup]:
    """The published services by desk, in the court file's order."""
    _, minutes, desks = _published(rt)
    return [ServiceGroup(name, tuple(Offered(
        wf.sop_id, wf.nama, tuple(_standard(wf).produk), service_time(wf, minutes).text)
        for wf in wfs)) for name, wfs in desks]


def published(rt: Runtime, sop_id: str) -> PublicService:
    """One published service's standar pelayanan (NotFoundError for any other SOP id,
    published or not, alike)."""
    court, minutes, desks = _published(rt)
    found = next(((name, wf) for name, wfs in desks for wf in wfs if wf.sop_id == sop_id),
                 None)
    if found is None:
        raise NotFoundError(tr("Layanan '{s}' tidak ada", "There is no service '{s}'",
                               s=sop_id))
    desk, wf = found
    names = {w.sop_id: w.nama for _, wfs in desks for w in wfs}
    standard = _standard(wf)
    return PublicService(
        sop_id=wf.sop_id, name=wf.nama, number=wf.document.identitas.nomor, desk=desk,
        requirements=_requirements(wf), facilities=tuple(standard.sarana_prasarana),
        products=tuple(standard.produk), procedure=tuple(plain_steps(wf, names)),
        time=service_time(wf, minutes), fees=fees(wf, court, services_table(court)),
        complaint=standard.pengaduan,
        legal_basis=tuple(wf.document.identitas.dasar_hukum))


def _standard(wf: Workflow) -> StandarPelayanan:
    standard = wf.document.standar_pelayanan
    assert standard is not None  # only SOPs that state one are published
    return standard


def _requirements(wf: Workflow) -> tuple[str, ...]:
    """The standard's persyaratan, then what the first step asks for (its kelengkapan)
    that the standard does not already say: one whose every word is in a requirement
    already listed ("Surat kuasa" beside "Surat kuasa (bila dikuasakan)") is left out."""
    found: list[str] = []
    for text in (*_standard(wf).persyaratan, *(i.nama for i in wf.node(wf.start).inputs)):
        if not any(_words(text) <= _words(said) for said in found):
            found.append(text)
    return tuple(found)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))
