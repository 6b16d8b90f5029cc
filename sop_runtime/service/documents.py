"""Documents given at steps: the files uploaded for a step's ``dokumen`` items (a scanned
KTP, a surat gugatan, a signed surat keterangan), checked, kept in the document store by
their SHA-256, and recorded on the step's event; and reading them back.

An upload is checked before anything is kept: its type by its content (a PDF starts with
``%PDF-``, a JPEG with ``FF D8 FF``, a PNG with its eight-byte signature) and the name's
ending must agree; not empty; at most :func:`size_limit` bytes; a plain file name (no
folder, no ``..``, no control character). A refused upload keeps nothing and records
nothing. The files are kept *before* the completion is recorded, so an event never names a
file that is not there; a completion that is then refused or loses a race leaves its files
kept but unreferenced, which is harmless (the store is content-addressed: nothing points at
them, and the same bytes given again are the same file).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from sop_runtime.definition.models import ItemKind
from sop_runtime.engine.events import Event, StepCompleted, StepSigned
from sop_runtime.errors import Damaged, Kind, NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, confidential
from sop_runtime.service.cases import Outcome, complete, current_state
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.documents import sha256_of
from sop_runtime.store.events import StoredEvent
from sop_runtime.textcheck import control_problem
from sop_runtime.wording import size_text

MB = 1024 * 1024
DEFAULT_LIMIT_MB = 10
NAME_MOST = 200

# type -> (how its content starts, the name endings it may have)
KINDS: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
KIND_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


class UploadRefused(SopRuntimeError):
    """A file that cannot be a step's document (its type, size or name); nothing was kept
    or recorded."""

    kind: ClassVar[Kind] = "problem"


@dataclass(frozen=True)
class Upload:
    """A file given for a step's item: its name as given and its bytes."""

    item: str
    name: str
    data: bytes


def size_limit() -> int:
    """The largest document taken, in bytes: ``SOP_DOCUMENT_MAX_MB`` (default 10)."""
    text = os.environ.get("SOP_DOCUMENT_MAX_MB", "").strip()
    try:
        megabytes = float(text) if text else DEFAULT_LIMIT_MB
    except ValueError:
        megabytes = DEFAULT_LIMIT_MB
    return int(max(megabytes, 0) * MB) or DEFAULT_LIMIT_MB * MB


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a document's name, or None."""
    if not name.strip():
        return tr("nama berkas kosong", "the file's name is empty")
    problem = control_problem(name, free=False)
    if problem is not None:
        return tr("nama berkas {p}", "the file's name {p}", p=problem)
    if "/" in name or "\\" in name:
        return tr("nama berkas memuat garis miring ('/' atau '\\'); berikan nama berkas saja, "
                  "tanpa folder", "the file's name holds a slash ('/' or '\\'); give the file's "
                  "name only, no folder")
    if name.startswith(".") or ".." in name:
        return tr("nama berkas tidak boleh diawali titik atau memuat '..'",
                  "the file's name may not start with a dot or hold '..'")
    if len(name) > NAME_MOST:
        return tr("nama berkas terlalu panjang ({n} karakter; paling banyak {m})",
                  "the file's name is too long ({n} characters; at most {m})",
                  n=len(name), m=NAME_MOST)
    return None


def check_upload(upload: Upload, limit: int | None = None, *,
                 item_name: str | None = None) -> dict[str, str | int]:
    """What the event records of ``upload`` (``nama``, ``jenis``, ``ukuran``, ``sha256``), or
    :class:`UploadRefused` saying which file, for which item (``item_name``: the SOP's name
    of it), and why."""
    limit = size_limit() if limit is None else limit

    def refused(why: str) -> UploadRefused:
        return UploadRefused(tr("Berkas '{f}' untuk '{i}' ditolak: {why}. Tidak ada yang "
                                "disimpan atau dicatat.", "The file '{f}' for '{i}' is "
                                "refused: {why}. Nothing was kept or recorded.",
                                f=_shown_name(upload.name), i=item_name or upload.item,
                                why=why))

    problem = name_problem(upload.name)
    if problem is not None:
        raise refused(problem)
    if not upload.data:
        raise refused(tr("berkas kosong (0 bita)", "the file is empty (0 bytes)"))
    if len(upload.data) > limit:
        size, most = size_text(len(upload.data)), size_text(limit)
        if size == most:
            raise refused(tr("berkas sedikit lebih besar dari batas {m}",
                             "the file is a little more than the limit of {m}", m=most))
        raise refused(tr("berkas {n}, lebih besar dari batas {m}",
                         "the file is {n}, more than the limit of {m}", n=size, m=most))
    jenis = next((kind for kind, (magic, _) in KINDS.items()
                  if upload.data.startswith(magic)), None)
    if jenis is None:
        raise refused(tr("isinya bukan PDF, JPEG atau PNG (jenis berkas diperiksa dari "
                         "isinya, bukan namanya)", "its content is not a PDF, JPEG or PNG "
                         "(a file's type is told by its content, not its name)"))
    endings = KINDS[jenis][1]
    if not upload.name.lower().endswith(endings):
        raise refused(tr("isinya {k}, tetapi namanya tidak berakhiran {e}",
                         "its content is a {k}, but its name does not end in {e}",
                         k=KIND_NAMES[jenis], e=" / ".join(endings)))
    return {"nama": upload.name, "jenis": jenis, "ukuran": len(upload.data),
            "sha256": sha256_of(upload.data)}


def _shown_name(name: str) -> str:
    """A refused name as it can be shown (control characters as ``\\xNN``)."""
    return name.encode("unicode_escape").decode("ascii")[:NAME_MOST]


def complete_with_files(rt: Runtime, case_id: str, node: str, actor: str, *,
                        files: Sequence[Upload], values: Mapping[str, str] | None = None,
                        decision: str | None = None, at: datetime | None = None,
                        reason: str | None = None) -> Outcome:
    """Complete a step with files for its ``dokumen`` items: every file checked (and the
    items checked to be the step's documents) before any is kept, then all kept, then the
    completion recorded with what each file is. An item's value, when none is typed, is the
    file's name."""
    given = dict(values or {})
    documents: dict[str, dict[str, str | int]] = {}
    names = _documents_of_step(rt, case_id, node, actor, [u.item for u in files]) \
        if files else {}
    for upload in files:
        if upload.item in documents:
            raise UploadRefused(tr("Dua berkas untuk '{i}'; satu dokumen satu berkas",
                                   "Two files for '{i}'; one file per document",
                                   i=names.get(upload.item, upload.item)))
        documents[upload.item] = check_upload(upload, item_name=names.get(upload.item))
    if files:
        for upload in files:
            rt.documents.put(upload.data)
            given.setdefault(upload.item, upload.name)
    return complete(rt, case_id, node, actor, values=given, decision=decision, at=at,
                    reason=reason, documents=documents)


def _documents_of_step(rt: Runtime, case_id: str, node: str, actor: str,
                       items: Sequence[str]) -> dict[str, str]:
    """Refuse (before anything is kept) an item that is not a ``dokumen`` of the step; the
    SOP's names of the step's documents, by item id."""
    reader = confidential.Reader(actor, "tindakan")
    try:
        with rt.engine.connect() as conn:
            _, state = current_state(rt, conn, case_id)
            confidential.check(rt, conn, state, reader)
            wf = catalog.workflow(rt, conn, state.version)
    except confidential.Withheld as withheld:  # journaled as the completion would have
        confidential.record(rt, [withheld.withheld], reader, refused=True)
        raise
    try:
        step = wf.node(node)
    except KeyError:
        raise NotFoundError(tr("Langkah '{n}' tidak ada dalam SOP ini",
                               "Step '{n}' is not in this SOP", n=node)) from None
    known = wf.items_at(step)
    documents = sorted(k for k, i in known.items() if i.jenis is ItemKind.DOKUMEN)
    for item in items:
        found = known.get(item)
        if found is None or found.jenis is not ItemKind.DOKUMEN:
            raise UploadRefused(tr(
                "'{i}' bukan dokumen langkah {n}; berkas hanya untuk: {k}. Tidak ada yang "
                "disimpan atau dicatat.", "'{i}' is not a document of step {n}; files are "
                "only for: {k}. Nothing was kept or recorded.", i=item, n=node,
                k=", ".join(documents) or "-"))
    return {k: i.nama for k, i in known.items() if i.jenis is ItemKind.DOKUMEN}


# -- reading them back ----------------------------------------------------------------------

@dataclass(frozen=True)
class RecordedDocument:
    """A document a case's log records: the step and act it came with, and the file."""

    seq: int           # the event's place in the case's log
    node: str
    attempt: int
    item: str
    nama: str
    jenis: str
    ukuran: int
    sha256: str
    actor: str | None
    occurred_at: datetime


def recorded(events: Sequence[tuple[int, Event]]) -> list[RecordedDocument]:
    """The documents recorded in a case's events (with their places in its log)."""
    out = []
    for seq, e in events:
        if isinstance(e, StepCompleted | StepSigned) and e.documents:
            for item, doc in e.documents.items():
                out.append(RecordedDocument(
                    seq=seq, node=e.node, attempt=e.attempt, item=item,
                    nama=str(doc.get("nama", "")), jenis=str(doc.get("jenis", "")),
                    ukuran=int(doc.get("ukuran", 0)), sha256=str(doc.get("sha256", "")),
                    actor=e.actor, occurred_at=e.occurred_at))
    return out


def document_path(rt: Runtime, document: RecordedDocument) -> Path:
    """Where the kept file of ``document`` is, once its bytes are checked against the
    recorded SHA-256: a missing file is not found, an altered one :class:`Damaged` (never
    handed over as if it were the recorded document)."""
    condition = rt.documents.check(document.sha256)
    if condition == "missing":
        raise NotFoundError(tr(
            "Berkas dokumen '{f}' tidak ada lagi di tempat penyimpanan dokumen pengadilan; "
            "beri tahu administrator", "The file of the document '{f}' is no longer in the "
            "court's document store; tell the administrator", f=document.nama))
    if condition == "altered":
        raise Damaged(tr(
            "Berkas dokumen '{f}' telah diubah sejak dicatat dan tidak diserahkan; beri tahu "
            "administrator", "The file of the document '{f}' was altered since it was "
            "recorded and is not handed over; tell the administrator", f=document.nama))
    return rt.documents.path(document.sha256)


class DocumentWithheld(SopRuntimeError):
    """A document of a confidential case asked for by someone who may not read the case:
    the answer says who may, and on what ground (the asker knew the document's hash, so
    this tells them nothing of the case they did not hold already)."""

    kind: ClassVar[Kind] = "not_allowed"


def document_to_read(rt: Runtime, case_id: str, sha256: str,
                     reader: confidential.Reader) -> RecordedDocument:
    """The document with SHA-256 ``sha256`` that case ``case_id`` records, for ``reader``:
    whoever may read the case (the read journaled as any read of a confidential case).
    Someone who may not read a confidential case is refused with who may and why
    (:class:`DocumentWithheld`) when the case does record that document; a case that does
    not exist, or does not record it, is not found, as for anyone."""
    from sop_runtime.service import views
    from sop_runtime.service.cases import decode, load_case

    def find(stored: Sequence[StoredEvent], events: Sequence[Event]
             ) -> RecordedDocument | None:
        return next((d for d in recorded([(s.seq, e) for s, e in zip(stored, events,
                                                                       strict=True)])
                     if d.sha256 == sha256), None)

    not_here = NotFoundError(tr("Perkara {c} tidak mencatat dokumen ini",
                                "Case {c} records no such document", c=case_id))
    try:
        view = views.case(rt, case_id, reader=reader)
    except confidential.Withheld:
        with rt.engine.connect() as conn:
            stored, state = load_case(conn, case_id)
            wf = catalog.workflow(rt, conn, state.version)
            court_file, _ = catalog.court(rt, conn)
        if find(stored, decode(stored)) is None:
            raise
        names = {r.id: r.nama for r in court_file.peran}
        readers = sorted(names.get(r, r) for r in (wf.readers or ()))
        ground = wf.document.kerahasiaan.dasar if wf.document.kerahasiaan else ""
        raise DocumentWithheld(tr(
            "Dokumen ini milik perkara rahasia ({sop}). Hanya {who}, serta pegawai yang "
            "pernah menangani perkara ini, yang boleh membaca perkara dan dokumennya; Anda "
            "tidak termasuk. Dasar: {why}. Permintaan ini dicatat.",
            "This document belongs to a confidential case ({sop}). Only {who}, and staff who "
            "have handled this case, may read the case and its documents; you are not among "
            "them. Ground: {why}. This request was recorded.", sop=wf.nama,
            who=", ".join(readers) or "-", why=ground or "-")) from None
    found = find(view.stored, view.events)
    if found is None:
        raise not_here
    return found
