"""The e-SKUM (Surat Kuasa Untuk Membayar) as a PDF document.

The page is the reports' A4 frame (:mod:`sop_runtime.audit.document`): the court's
letterhead, the filing's identity as far as the case gives it, the panjar line by line with
its total (in figures and in words), the virtual account to pay it into, and the date. It
is issued by the system and carries no signature.

The file is named by case, step and attempt (``SKUM-<case>-<step>-<attempt>.pdf``): a retried
try of the same step attempt writes the same file again, never a second one, and it is
written whole or not at all (a temporary file renamed into place).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sop_runtime.actions import ActionError
from sop_runtime.actions.panjar import Taksiran, rupiah, terbilang
from sop_runtime.audit.document import Letterhead, Signer, render
from sop_runtime.audit.pdf import html_to_pdf
from sop_runtime.compiler.render.kop import kop_of
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.tarif import TarifPanjar
from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.wording import day_text

# the filing's identity, as the e-Court SOP's earlier steps record it (shown when present)
IDENTITY = (
    ("Nomor pendaftaran online", "nomor_pendaftaran_online"),
    ("Penggugat", "nama_penggugat"),
    ("Identitas penggugat", "ktp_atau_surat_keterangan_domisili"),
    ("Domisili elektronik", "email_aktif"),
    ("Tergugat", "nama_tergugat"),
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Skum:
    """What the e-SKUM states."""

    case_id: str
    node: str
    attempt: int
    values: Mapping[str, str]
    taksiran: Taksiran
    table: TarifPanjar
    virtual_account: str
    issued: datetime


def file_name(case_id: str, node: str, attempt: int) -> str:
    """``SKUM-SNN-2026-00001-4-1.pdf``: one name per step attempt."""
    return _UNSAFE.sub("_", f"SKUM-{case_id}-{node}-{attempt}") + ".pdf"


def html(court: CourtFile, skum: Skum, logo: str | None = None) -> str:
    """The e-SKUM page (``audit/templates/skum.html``), the PDF's source."""
    tz = ZoneInfo(court.pengadilan.zona_waktu)
    head = Letterhead(court=court.pengadilan.nama, address=court.pengadilan.alamat, tz=tz,
                      generated=skum.issued, signer=Signer(jabatan=""),
                      kop=replace(kop_of(court.pengadilan), logo=logo))
    return render("skum.html", head, title="e-SKUM",
                  subtitle="Surat Kuasa Untuk Membayar Panjar Biaya Perkara", signed=False,
                  skum=skum, rupiah=rupiah, terbilang=terbilang,
                  shown=[(label, skum.values[key]) for label, key in IDENTITY
                         if skum.values.get(key, "").strip()],
                  issued=day_text(skum.issued.astimezone(tz).date()),
                  sources="; ".join(f"{s.pengadilan}, {s.judul}" for s in skum.table.sumber))


def write(court: CourtFile, skum: Skum, folder: Path, logo: str | None = None,
          keep: Callable[[str, bytes], None] | None = None) -> str:
    """Render and write the e-SKUM into ``folder``; the reference the step records:
    ``<file> sha256:<first 16 hex digits>``. ``keep`` (when given) is handed the file's name
    and bytes too, to keep it as the step's recorded document."""
    try:
        pdf = html_to_pdf(html(court, skum, logo))
    except SopRuntimeError as exc:  # no pango on this machine
        raise ActionError(str(exc)) from None
    name = file_name(skum.case_id, skum.node, skum.attempt)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{name}.{os.getpid()}.tmp"
        temporary.write_bytes(pdf)
        os.replace(temporary, folder / name)
    except OSError as exc:
        raise ActionError(tr("e-SKUM tidak dapat ditulis ke {f}: {e}",
                             "The e-SKUM cannot be written to {f}: {e}", f=folder, e=exc)) from None
    if keep is not None:
        keep(name, pdf)
    return f"{name} sha256:{hashlib.sha256(pdf).hexdigest()[:16]}"
