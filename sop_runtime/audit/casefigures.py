"""The accountability report of one case, as plain data: assembled by
:mod:`sop_runtime.service.casereport` from the case's log, rendered by
:mod:`sop_runtime.audit.case_html`, :mod:`sop_runtime.audit.case_json` and the CLI.

Texts meant for people (``what``, ``notes``, ``verdict_text``...) are already in the
report's language; the codes beside them (``type``, ``kind``, ``verdict``...) are stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sop_runtime.store.seals import SealRow


@dataclass(frozen=True, slots=True)
class Who:
    """Who acted: the user, the role (jabatan) they acted in, on whose behalf, and the
    delegation (Plh/Plt) they acted under."""

    username: str | None          # None: the system (the sweep, the flow moving on)
    name: str
    jabatan: str | None = None
    on_behalf_of: str | None = None   # the public party's role name ("Pemohon / ...")
    delegation: str | None = None     # "Plh Ketua Pengadilan Negeri"


@dataclass(frozen=True, slots=True)
class Given:
    """A value given on a step: a kelengkapan, an output or a case field."""

    id: str
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One event of the case's log, in words."""

    seq: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    entered_later: bool            # recorded a minute or more after it happened
    who: Who
    node: str | None
    step: str | None               # "3. Menghitung panjar biaya perkara ..."
    attempt: int | None
    what: str
    given: tuple[Given, ...] = ()
    decision: str | None = None
    reason: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Deviation:
    seq: int
    kind: str
    label: str
    outcome: str                   # dicatat (recorded) | ditolak (refused)
    rule: str
    rule_text: str
    occurred_at: datetime
    recorded_at: datetime
    node: str | None
    step: str | None
    who: Who
    evidence: Mapping[str, str]
    evidence_text: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True, slots=True)
class StepTime:
    """One attempt of a step against its time limit."""

    node: str
    step: str
    attempt: int
    jabatan: str
    status: str
    status_text: str
    limit: str | None              # the SOP's words ("± 20 menit"), None without one
    activated_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None       # the person's name
    on_behalf_of: str | None       # the public party's role name, for a step done for them
    delegation: str | None         # "Plh Ketua Pengadilan Negeri" when done as a delegate
    working_seconds: int | None    # activation to completion (or to now, while open)
    working_text: str              # the same in words ("-" without one)
    late_seconds: int | None       # working time past the deadline
    verdict: str                   # on_time | late | open | overdue | no_limit | closed
    verdict_text: str


@dataclass(frozen=True, slots=True)
class Service:
    """The SOP's service standard (waktu pelayanan) and whether this case met it."""

    limit: str | None
    due_at: datetime | None
    ended_at: datetime | None
    working_seconds: int | None
    working_text: str
    late_seconds: int | None
    met: bool | None               # None: no standard, or the case is still within it
    text: str


@dataclass(frozen=True, slots=True)
class Person:
    """Who did what on the case."""

    username: str
    name: str
    jabatan: str
    steps_done: tuple[str, ...]
    other: tuple[str, ...]         # other acts in words (started, claimed, reopened...)
    events: int
    deviations: int                # deviations flagged on their acts
    refused: int


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """A document the case records: the step and act it came with, and the file by its
    hash (the bytes stay in the document store)."""

    seq: int
    node: str
    step: str                      # "1. Menerima berkas gugatan ..."
    item: str
    item_name: str                 # the SOP's name of the dokumen item
    nama: str                      # the file's name as given
    jenis: str                     # application/pdf | image/jpeg | image/png
    jenis_text: str                # PDF | JPEG | PNG
    ukuran: int
    size_text: str                 # "1,2 MB"
    sha256: str
    who: Who
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class Chain:
    ok: bool
    events: int
    message: str | None = None


@dataclass(frozen=True)
class SealCover:
    """The seal that covers the case's current head (the oldest whose leaves hold it), with
    an inclusion proof checked against its root; or, when none does yet, the newest seal
    that covered an earlier head."""

    head_seq: int
    head_hash: str
    seal: SealRow | None = None
    sealed_by: str | None = None   # the sealer's name
    proof: dict[str, Any] | None = None
    proof_holds: bool = False
    earlier: SealRow | None = None
    earlier_seq: int | None = None
    ahead: bool = False            # a seal holds a later event than the log has now


@dataclass(frozen=True)
class CaseReport:
    case_id: str
    sop_id: str
    sop_nama: str
    sop_nomor: str
    version: str
    status: str
    status_text: str
    started_at: datetime | None
    started_by: Who
    ended_at: datetime | None
    generated_at: datetime
    fields: tuple[Given, ...]
    timeline: tuple[Entry, ...]
    steps: tuple[StepTime, ...]
    deviations: tuple[Deviation, ...]
    people: tuple[Person, ...]
    service: Service
    chain: Chain
    seal: SealCover
    open_steps: tuple[str, ...] = field(default=())
    register_number: str | None = None  # nomor perkara
    parties: tuple[str, ...] = ()        # each party in words (Penggugat: Budi Santoso ...)
    documents: tuple[DocumentRow, ...] = field(default=())
