"""The API's request and response bodies (pydantic), apart from the store's tables and the
service's dataclasses: what a caller may send (with its limits) and what it gets back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from sop_runtime.textcheck import FREE_TEXT_PATTERN, ONE_LINE_PATTERN, control_problem
from sop_runtime.web.api.common import NODE_ID, ROLE_ID, USERNAME

# -- what a caller sends ------------------------------------------------------------------


def _checked(free: bool) -> AfterValidator:
    """No NUL (PostgreSQL cannot store it) nor another control character; tabs and line
    breaks only in free text. The 422 names the field and the character."""
    def check(text: str) -> str:
        problem = control_problem(text, free=free)
        if problem is not None:
            raise ValueError(problem)
        return text
    return AfterValidator(check)


def _schema(longest: int, *, shortest: int = 0, free: bool = False) -> WithJsonSchema:
    """The OpenAPI schema of such a string (the pattern says what the check refuses)."""
    schema: dict[str, Any] = {"type": "string", "maxLength": longest,
                              "pattern": FREE_TEXT_PATTERN if free else ONE_LINE_PATTERN}
    if shortest:
        schema["minLength"] = shortest
    return WithJsonSchema(schema)


FreeText, OneLine = _checked(free=True), _checked(free=False)

Key = Annotated[str, StringConstraints(min_length=1, max_length=100), OneLine,
                _schema(100, shortest=1)]
Value = Annotated[str, StringConstraints(max_length=10_000), FreeText,
                  _schema(10_000, free=True)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000), FreeText,
                   _schema(2000, shortest=1, free=True)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200), OneLine,
                  _schema(200, shortest=1)]
Note = Annotated[str, StringConstraints(max_length=500), FreeText, _schema(500, free=True)]
Moment = Annotated[str, StringConstraints(min_length=1, max_length=40), OneLine,
                   _schema(40, shortest=1)]
ShortText = Annotated[str, StringConstraints(max_length=100), OneLine, _schema(100)]
Username = Annotated[str, StringConstraints(pattern=USERNAME)]
When = Annotated[datetime | None, Field(
    default=None, description="Kapan sebenarnya terjadi (tanpa zona: waktu setempat "
                              "pengadilan) / when it really happened (no offset: the court's "
                              "local time)")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


PartyText = Annotated[str, StringConstraints(max_length=500), OneLine, _schema(500)]


class PartyIn(_Body):
    """A party of the case as the SOP names it, with the details its form asks for."""

    sebutan: Label = Field(description="Pemohon, Penggugat, Tergugat... (as the SOP names it)")
    nama: Label
    nik: ShortText | None = Field(default=None, description="NIK, 16 angka / 16 digits")
    telepon: ShortText | None = None
    email: ShortText | None = None
    alamat: PartyText | None = None

    def given(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v}


class ContactIn(_Body):
    """The applicant's contact for notices, taken only with their consent to the court's
    consent sentence (UU 27/2022); kept apart from the case's log."""

    channel: Literal["email", "whatsapp", "telegram"] = Field(
        description="Jenis saluran / the kind of channel")
    address: ShortText = Field(description="Alamat e-mail atau nomor / e-mail address or "
                                           "number", examples=["081240001111"])
    consent: bool = Field(description="Pemohon menyetujui kalimat persetujuan pengadilan / "
                                      "the applicant agreed to the court's consent sentence")


class PartiesBody(_Body):
    parties: list[PartyIn] = Field(min_length=1, max_length=50)
    reason: Reason | None = Field(default=None, description="Wajib untuk perbaikan / required "
                                                            "for a correction")


class RegisterNumberBody(_Body):
    number: Label = Field(description="Nomor perkara / register number",
                          examples=["14/Pdt.G/2026/PN Snn"])
    reason: Reason | None = Field(default=None, description="Wajib untuk perbaikan / required "
                                                            "for a correction")


class FoundCaseOut(BaseModel):
    case_id: str = Field(description="Nomor layanan / service number")
    register_number: str | None = Field(description="Nomor perkara / register number")
    applicant: str | None = Field(description="Pemohon / applicant")
    sop_id: str
    sop_nama: str
    status: str
    started_at: str | None
    ended_at: str | None


class CasePage(BaseModel):
    page: int
    per_page: int
    more: bool = Field(description="Ada halaman berikutnya / another page follows")
    cases: list[FoundCaseOut]


class StartBody(_Body):
    sop: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$",
                     description="ID SOP / SOP id", examples=["legalisasi-waarmerking"])
    fields: dict[Key, Value] = Field(default_factory=dict, max_length=200,
                                     description="Isian perkara / case fields")
    parties: list[PartyIn] = Field(default_factory=list, max_length=50,
                                   description="Para pihak / the parties")
    contact: ContactIn | None = Field(default=None, description="Kontak pemohon untuk "
                                      "pemberitahuan / the applicant's contact for notices")
    at: When = None
    reason: Reason | None = None


class ClaimBody(_Body):
    at: When = None


class CompleteBody(_Body):
    values: dict[Key, Value] = Field(
        default_factory=dict, max_length=200,
        description="Kelengkapan, output dan isian / inputs, outputs and fields")
    decision: Label | None = Field(default=None,
                                   description="Label cabang keputusan / decision branch")
    at: When = None
    reason: Reason | None = None


class ReasonBody(_Body):
    """An act that needs a reason: extend, reopen, cancel."""

    reason: Reason
    at: When = None


class ReassignBody(ReasonBody):
    to: Username = Field(description="Pelaksana baru / the new assignee")


class SkipBody(ReasonBody):
    decision: Label | None = Field(
        default=None, description="Cabang yang diambil (langkah keputusan) / branch to take")


VersionRef = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{4,64}$")]
StepRef = Annotated[str, StringConstraints(pattern=NODE_ID)]


class MigrateBody(ReasonBody):
    """Move the case to another stored version of its SOP."""

    to_version: VersionRef = Field(
        description="Versi tujuan (awal hash, paling sedikit 4 huruf) / target version (the "
                    "beginning of its hash, at least 4 characters)")
    mapping: dict[StepRef, StepRef] = Field(
        default_factory=dict, max_length=200,
        description="Langkah lama -> langkah baru, bila nomornya berubah / old step -> new "
                    "step, where its number changed")


class DelegationBody(_Body):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    to: Username = Field(description="Yang ditunjuk / the delegate")
    role: str = Field(pattern=ROLE_ID, description="Peran yang dilimpahkan / role delegated")
    start: Moment = Field(alias="from", examples=["2026-03-02 07:30"],
                          description="Mulai / start (YYYY-MM-DD, YYYY-MM-DD HH:MM, ISO-8601)")
    until: Moment = Field(examples=["2026-03-06"],
                          description="Sampai (tanggal saja: sampai akhir hari itu) / end (a "
                                      "date alone: to the end of that day)")
    kind: Literal["plh", "plt"] = "plh"
    holder: Username | None = Field(default=None,
                                    description="Pejabat yang digantikan / whose duties")
    reference: Label | None = Field(default=None,
                                    description="Nomor surat perintah / warrant number")
    reason: Reason | None = None


class SealBody(_Body):
    note: Note | None = Field(default=None, description="Keterangan (mis. laporan bulan) / note")


HEX = r"^[0-9a-fA-F]{64}$"


class ProofLeaf(_Body):
    case_id: Annotated[str, StringConstraints(min_length=1, max_length=64), OneLine,
                       _schema(64, shortest=1)]
    seq: int = Field(ge=1, le=10**12)
    hash: str = Field(pattern=HEX)


class Proof(_Body):
    """An inclusion proof as ``GET /api/cases/{case_id}/proof`` gives it."""

    format: ShortText
    seal_id: int = Field(ge=1, le=10**12)
    sealed_at: Annotated[str, StringConstraints(max_length=40), OneLine, _schema(40)] | None = None
    root: str = Field(pattern=HEX)
    size: int = Field(ge=1, le=10**9)
    index: int = Field(ge=0, le=10**9)
    leaf: ProofLeaf
    path: list[Annotated[str, StringConstraints(pattern=HEX)]] = Field(max_length=64)


class ProofCheckBody(_Body):
    proof: Proof
    root: str | None = Field(default=None, pattern=HEX,
                             description="Akar yang tercetak pada laporan yang ditandatangani "
                                         "/ the root printed on the signed report")


# -- what a caller gets back --------------------------------------------------------------

class Health(BaseModel):
    status: str
    version: str


class OpenStep(BaseModel):
    node: str = Field(pattern=NODE_ID)
    attempt: int
    due_at: str | None
    # a joint step (bersama): who has acted, by role, and the roles still awaited
    acted: dict[str, str] | None = None
    awaiting: list[str] | None = None


class RecordedOut(BaseModel):
    """A value recorded before this step for the same item: as stored and in words, where
    (``node``; None: the case's opening), by whom (name and jabatan) and when."""

    value: str
    text: str
    node: str | None
    where: str
    by: str
    jabatan: str | None
    at: str


class StepItemOut(BaseModel):
    id: str
    nama: str
    jenis: str
    section: str = Field(description="kelengkapan | output")
    wajib: bool
    recorded: RecordedOut | None


class StepOut(BaseModel):
    """A step of a case as its form shows it: its items, each with the value an earlier
    step recorded (pre-filled on the page; a different value needs a reason)."""

    case_id: str
    node: str
    kegiatan: str
    open: bool
    attempt: int | None
    items: list[StepItemOut]


class Outcome(BaseModel):
    """What an act on a case did: the events it recorded and where the case stands."""

    case_id: str
    status: str
    events: list[str]
    open_steps: list[OpenStep]
    # the applicant's tracking code, given by a start only (shown once; the store keeps its
    # digest): print it on the receipt the integration hands over
    kode_lacak: str | None = None


class MigratedOut(Outcome):
    """What a move to another version did: as any act, and the version the case runs on."""

    version: str


class Task(BaseModel):
    case_id: str
    sop_id: str
    node: str
    attempt: int
    kegiatan: str
    roles: list[str]
    assignee: str | None
    claimed_by: str | None
    activated_at: str | None
    due_at: str | None
    overdue: bool
    register_number: str | None = None
    applicant: str | None = None


class Late(Task):
    late_seconds: int = Field(description="Terlambat (detik waktu kerja) / late by (working "
                                          "seconds)")
    late: str


class StoredEventOut(BaseModel):
    seq: int
    type: str
    actor: str | None
    occurred_at: str | None
    recorded_at: str | None
    payload: dict[str, Any]


class CaseOut(BaseModel):
    case_id: str
    sop_id: str
    sop_nama: str
    version: str
    status: str
    started_at: str | None
    started_by: str | None
    ended_at: str | None
    service_due: str | None
    fields: dict[str, str]
    register_number: str | None = None
    parties: list[dict[str, str]] = Field(default_factory=list)
    open_steps: list[str]
    events: list[StoredEventOut]


class LogEntry(BaseModel):
    """A stored event as the log keeps it (UTC, with its hash chain)."""

    seq: int
    type: str
    version: int
    occurred_at: str
    recorded_at: str
    actor: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class DeviationOut(BaseModel):
    case_id: str
    seq: int
    kind: str
    label: str
    outcome: str
    node: str | None
    attempt: int | None
    actor: str | None
    occurred_at: str | None
    recorded_at: str | None
    rule: str
    reason: str | None
    evidence: dict[str, Any]


class UserOut(BaseModel):
    username: str
    nama: str
    nip: str | None
    roles: list[str]
    active: bool


class DelegationOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: int
    delegate: str
    role: str
    kind: str
    start: str | None
    end: str | None
    holder: str | None
    reference: str | None
    reason: str | None
    created_by: str


class SweepOut(BaseModel):
    cases: int = Field(description="Perkara yang berubah / cases changed")
    events: int = Field(description="Peristiwa dicatat / events recorded")
    flagged: int = Field(description="Penyimpangan ditandai / deviations flagged")


class ChainBreak(BaseModel):
    case_id: str
    seq: int | None
    what: str
    message: str


class SealBreakOut(BaseModel):
    seal_id: int
    case_id: str | None
    seq: int | None
    what: str
    message: str


class SealCheckOut(BaseModel):
    ok: bool
    checked: int
    first_break: SealBreakOut | None


class DifferenceOut(BaseModel):
    subject: str  # the case id, or the SOP version
    table: str
    what: str     # missing | extra | changed | unreadable
    row: str
    detail: str
    message: str


class ProjectionsOut(BaseModel):
    ok: bool
    cases: int
    total: int
    differences: list[DifferenceOut]


class VersionsOut(BaseModel):
    ok: bool
    differences: list[DifferenceOut]


class VerifyOut(BaseModel):
    ok: bool
    mode: str                 # changed: since seal ``since_seal``; full: the whole log
    since_seal: int | None
    new_events: int
    new_entries: int
    scope: str                # what was checked, in a sentence
    cases: int
    events: int
    first_break: ChainBreak | None
    projections: ProjectionsOut
    versions: VersionsOut
    seals: SealCheckOut


class SealOut(BaseModel):
    seal_id: int
    sealed_at: str | None
    kind: str       # log: a head of the log-ordered tree; heads: (older) every case's head
    size: int       # leaves: log entries (a heads seal: case heads and court journal heads)
    journals: int   # of a heads seal's leaves, court journals
    root: str
    sealed_by: str
    note: str | None


class ProofHolds(BaseModel):
    holds: bool


class Timing(BaseModel):
    done: int
    with_deadline: int
    on_time: int
    on_time_rate: float | None
    median_seconds: float | None
    p90_seconds: float | None


class StepTiming(Timing):
    sop_id: str
    node: str


class AgingOut(BaseModel):
    in_time: int
    overdue: int
    no_limit: int


class LoadOut(BaseModel):
    done: int
    open_held: int


class Waiting(BaseModel):
    roles: list[str]
    open: int


class PeriodOut(BaseModel):
    """A period's figures, as ``sop report period --json``."""

    model_config = ConfigDict(populate_by_name=True)

    start: str = Field(alias="from")
    to: str
    sop: str | None
    cases: dict[str, int]
    completed: dict[str, int]
    service: dict[str, Timing]
    steps: list[StepTiming]
    roles: dict[str, Timing]
    deviations: dict[str, int]
    overdue_now: int
    aging: dict[str, AgingOut]
    load: dict[str, LoadOut]
    waiting: list[Waiting]
    withheld: list[str] = Field(
        default_factory=list,
        description="SOP rahasia yang langkahnya tidak dirinci untuk pemanggil ini (tetap "
                    "dihitung dalam jumlah) / confidential SOPs whose steps are not itemised "
                    "for this caller (still counted in the totals)")


class SopVersion(BaseModel):
    """A stored version of an SOP and where it stands, as ``sop versions --json``."""

    version: str
    status: str = Field(description="berlaku | akan_berlaku | draf | tidak_berlaku")
    nomor: str | None
    nomor_revisi: int | None
    tanggal_revisi: date | None
    tanggal_efektif: date | None
    approved_by: str | None = Field(description="the approver's name")
    approved_at: datetime | None
    acting: str | None = Field(description="plh | plt when a delegate approved")
    in_force_from: date | None


class SopSummary(BaseModel):
    """An SOP of the library, as ``sop list --json``."""

    id: str
    nomor: str
    nama: str
    versi: str
    langkah: int
    pelaksana: list[str]
    waktu_pelayanan: str | None
    berkas: str


class SopDetail(SopSummary):
    """The SOP's current version: its official document (identity, service standard,
    performers, procedure table) as the court wrote it."""

    dokumen: dict[str, Any]
