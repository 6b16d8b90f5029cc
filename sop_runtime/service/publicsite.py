"""What every public page (no sign-in: the service pages, tracking, the survey results)
shows of the court, and where the public reaches it.

Only what the court publishes: its name, address and contacts from the court file's
``pengadilan``, whether it has a logo, and how to complain. Never a staff member's name,
NIP or username (UU 27/2022 tentang Pelindungan Data Pribadi; the court file's
``publikasi``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sop_runtime.audit.qr import qr_svg
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime

__all__ = ["LOCAL_ADDRESS", "PublicFace", "face", "public_address", "public_qr", "public_url"]

LOCAL_ADDRESS = "http://127.0.0.1:8000"  # `sop serve`'s own address, for the CLI's printouts

# The way to complain every court of the Mahkamah Agung offers: the complaints desk at its
# PTSP and the Sistem Informasi Pengawasan (Perma Nomor 9 Tahun 2016 tentang Pedoman
# Penanganan Pengaduan (Whistleblowing System) di Mahkamah Agung dan Badan Peradilan yang
# Berada di Bawahnya); the same words as the SOPs' own standar pelayanan (definitions/).
SIWAS = "siwas.mahkamahagung.go.id"


@dataclass(frozen=True, slots=True)
class PublicFace:
    """The court as the public pages show it."""

    court: str
    address: str | None
    phone: str | None
    email: str | None
    website: str | None
    has_logo: bool
    complaint: str  # how to complain, one sentence
    complaint_basis: str  # the regulation that sets it


def face(rt: Runtime) -> PublicFace:
    """The court's name, address, contacts, logo and way to complain, from its court file."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court_file, _ = catalog.court(rt, conn)
    court = court_file.pengadilan
    return PublicFace(
        court=court.nama, address=court.alamat, phone=court.telepon, email=court.email,
        website=court.website, has_logo=court.logo is not None,
        complaint=tr("Sampaikan pengaduan di Meja Pengaduan PTSP {c}, atau melalui SIWAS "
                     "Mahkamah Agung ({s}); identitas pelapor dirahasiakan.",
                     "Make a complaint at the PTSP complaints desk of the {c}, or through "
                     "the Supreme Court's SIWAS ({s}); the complainant's identity is kept "
                     "confidential.", c=court.nama, s=SIWAS),
        complaint_basis=tr("Perma Nomor 9 Tahun 2016 tentang Pedoman Penanganan Pengaduan "
                           "(Whistleblowing System)",
                           "Supreme Court Regulation 9/2016 on handling complaints "
                           "(whistleblowing system)"))


def public_address(rt: Runtime, asked_base: str | None) -> str:
    """The address the public reaches the court's pages at, without a trailing slash: the
    court file's ``publikasi.alamat_web``, else the address the page was asked on
    (``asked_base``, e.g. a request's base URL), else :data:`LOCAL_ADDRESS`."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court_file, _ = catalog.court(rt, conn)
    chosen = court_file.publikasi.alamat_web or _origin(asked_base) or LOCAL_ADDRESS
    return chosen.rstrip("/")


def public_url(rt: Runtime, asked_base: str | None, path: str) -> str:
    """``path`` (``/layanan/...``) at the public address."""
    if not path.startswith("/"):
        raise ValueError(f"a site path starts with '/': {path!r}")
    return public_address(rt, asked_base) + path


def public_qr(rt: Runtime, asked_base: str | None, path: str) -> tuple[str, str]:
    """The public URL of ``path`` and its QR code (an ``<svg>`` element)."""
    url = public_url(rt, asked_base, path)
    return url, qr_svg(url, title=url)


def _origin(asked: str | None) -> str | None:
    """The scheme, host and any path prefix of an address a page was asked on (None when
    it is no http(s) address)."""
    if not asked:
        return None
    parts = urlsplit(asked.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
