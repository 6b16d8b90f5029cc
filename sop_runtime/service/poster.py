"""The poster of a published service (A4 PDF), for the web page and the CLI: its standar
pelayanan under the court's kop surat, with a QR code to its public page at the court's
public address (:func:`sop_runtime.service.publicsite.public_url`)."""

from __future__ import annotations

from sop_runtime.audit import poster as printout
from sop_runtime.service.letterhead import kop
from sop_runtime.service.publicsite import public_url
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.services_offered import published

__all__ = ["SERVICE_PATH", "poster_pdf", "service_path"]

SERVICE_PATH = "/layanan/{sop}"


def service_path(sop_id: str) -> str:
    """The public page of a service, as a site path."""
    return SERVICE_PATH.format(sop=sop_id)


def poster_pdf(rt: Runtime, sop_id: str, asked_base: str | None = None) -> bytes:
    """The poster of the published service ``sop_id`` (NotFoundError for any other)."""
    service = published(rt, sop_id)
    return printout.pdf(service, kop(rt), public_url(rt, asked_base, service_path(sop_id)))
