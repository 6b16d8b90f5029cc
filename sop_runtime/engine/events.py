"""Events: past-tense facts appended to a case's log. The log is the truth.

Every event carries when it happened (``occurred_at``: a clerk may enter later what was
done on paper), when it was recorded (``recorded_at``), and who recorded it (``actor``;
``None`` for the system, e.g. the deadline sweep).

Stored form: a stable type name and a schema version (``step_completed``, v1) and a
JSON-safe payload (:func:`to_record` / :func:`from_record`); Python class names are not
part of it. Datetimes are stored in UTC ISO-8601. A future schema change adds an upcaster
to ``UPCASTERS`` that rewrites an old payload into the current one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar


class DeviationKind(StrEnum):
    """Penyimpangan prosedur."""

    WRONG_ACTOR = "wrong_actor"
    OUT_OF_ORDER = "out_of_order"
    SKIPPED = "skipped"
    MISSING_INPUT = "missing_input"
    MISSING_OUTPUT = "missing_output"
    OVERDUE = "overdue"
    SERVICE_OVERDUE = "service_overdue"
    SEPARATION_OF_DUTIES = "separation_of_duties"
    OVERRIDE = "override"
    LATE_ENTRY = "late_entry"
    REWORK = "rework"  # a step done again without the flow asking (found replaying a log)
    WRONG_BRANCH = "wrong_branch"  # a decision against what the case's data decides
    MISSING_SIGNER = "missing_signer"  # a joint act done by fewer officers than it needs
    CONTRADICTION = "contradiction"  # a value other than the one an earlier step recorded


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    # fields added to a type after events of it were stored: left out of the payload while
    # empty, so events that do not use them are stored exactly as before
    SPARSE: ClassVar[frozenset[str]] = frozenset()

    occurred_at: datetime
    recorded_at: datetime
    actor: str | None

    def payload(self) -> dict[str, Any]:
        """The type-specific fields (everything but the envelope), JSON-safe."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)
                if f.name not in ENVELOPE
                and not (f.name in self.SPARSE and not getattr(self, f.name))}


ENVELOPE = frozenset({"occurred_at", "recorded_at", "actor"})


def utc_iso(value: datetime) -> str:
    """The stored form of an instant: UTC, ISO-8601, microseconds always written."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


# -- the case ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class CaseStarted(Event):
    TYPE = "case_started"
    SPARSE = frozenset({"parties"})
    sop_id: str
    version: str
    fields: Mapping[str, str] = field(default_factory=dict)
    service_due: datetime | None = None
    # who the case is for: sebutan, nama and the details the SOP asks for (engine.parties)
    parties: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PartiesRecorded(Event):
    """The case's parties recorded after its start, or corrected (``reason``): the whole
    list as it now stands; the earlier one stays in the log."""

    TYPE = "parties_recorded"
    parties: tuple[Mapping[str, str], ...]
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterNumberRecorded(Event):
    """The court's register number of the case (nomor perkara, as SIPP writes it) recorded
    by hand, or corrected (``reason``); a step's output ``nomor_perkara`` records it too."""

    TYPE = "register_number_recorded"
    number: str
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackingCodeReissued(Event):
    """The applicant was given a new tracking code; the earlier one stopped working. No
    code and no digest of one is in the log (the service keeps the digest apart)."""

    TYPE = "tracking_code_reissued"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentGiven(Event):
    """The applicant agreed (``consent``: the sentence they agreed to) to be told about the
    request through a channel of kind ``channel`` (``email``, ``whatsapp``, ``telegram``).
    The address itself is never in the log: the service keeps it apart, erasable."""

    TYPE = "consent_given"
    channel: str
    consent: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentWithdrawn(Event):
    """The applicant withdrew their consent: their contact is erased, no notice follows."""

    TYPE = "consent_withdrawn"
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicantNotified(Event):
    """The applicant was told ``message`` at step ``node`` (attempt ``attempt``), through a
    channel of kind ``channel`` (never the address)."""

    TYPE = "applicant_notified"
    node: str
    attempt: int
    channel: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeFailed(Event):
    """The notice of step ``node`` (attempt ``attempt``) could not be sent after ``tries``
    tries (``error``: why, without the address); it is not tried again."""

    TYPE = "notice_failed"
    node: str
    attempt: int
    channel: str
    message: str
    error: str
    tries: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseCompleted(Event):
    TYPE = "case_completed"
    end_node: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseCancelled(Event):
    TYPE = "case_cancelled"
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseMigrated(Event):
    """A supervisor moved the running case from ``from_version`` to ``to_version`` of its
    SOP, with a reason. ``mapping``: each open step's old id -> its id in the new version.
    ``steps``: each open step moved, as ``langkah``/``percobaan`` (old id, attempt) ->
    ``ke``/``percobaan_baru``, with its limits recomputed under the new step's rules from
    its original activation (``batas``, ``batas_tunggu``: UTC ISO-8601, empty when none).
    ``service_due``: the case's service due time under the new version."""

    TYPE = "case_migrated"
    from_version: str
    to_version: str
    mapping: Mapping[str, str]
    steps: tuple[Mapping[str, str], ...]
    reason: str
    service_due: datetime | None = None


# -- steps ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class StepActivated(Event):
    TYPE = "step_activated"
    node: str
    attempt: int
    due_at: datetime | None = None
    timer_due: datetime | None = None   # when the step's timer branch fires
    assignee: str | None = None
    early: bool = False                 # activated out of order, to record what was done
    reopened: bool = False              # rework ordered by a supervisor


@dataclass(frozen=True, slots=True, kw_only=True)
class StepClaimed(Event):
    TYPE = "step_claimed"
    node: str
    attempt: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StepSigned(Event):
    """One officer's act on a joint step (``bersama``): ``role`` is the role they acted in
    (as a Plh/Plt delegate when ``as_delegate``), ``outputs`` what they gave. The step
    completes (:class:`StepCompleted`) with the last missing role's act."""

    TYPE = "step_signed"
    SPARSE = frozenset({"documents"})
    node: str
    attempt: int
    role: str
    outputs: Mapping[str, str] = field(default_factory=dict)
    as_delegate: bool = False
    documents: Mapping[str, Mapping[str, str | int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class StepCompleted(Event):
    TYPE = "step_completed"
    SPARSE = frozenset({"finding", "documents"})
    node: str
    attempt: int
    outputs: Mapping[str, str] = field(default_factory=dict)
    decision: str | None = None
    on_behalf_of: str | None = None     # the public party a clerk records this step for
    as_delegate: str | None = None      # the role held through a Plh/Plt delegation
    fields: Mapping[str, str] = field(default_factory=dict)  # case fields this step set
    next: tuple[str, ...] = ()          # the steps the flow moves to
    reason: str | None = None
    # a decision the case's data decides (``cabang[].jika``): the branch found and why
    # (``cabang``, ``syarat``, ``langkah``, ``batas``, ``selesai``...)
    finding: Mapping[str, str] = field(default_factory=dict)
    # the files given with this act, by item id: what the document store keeps them by
    # (``nama``, ``jenis``, ``ukuran`` in bytes, ``sha256``; see :data:`DOCUMENT_KEYS`); on a
    # joint step they are on each officer's :class:`StepSigned`
    documents: Mapping[str, Mapping[str, str | int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class StepExtended(Event):
    """The step's extension used: its new due time (``attempt`` 0 and no due time: granted
    before the step opened, applied when it does), and the case's new service due time when
    the extension extends the service standard."""

    TYPE = "step_extended"
    node: str
    attempt: int
    due_at: datetime | None
    reason: str
    service_due: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StepReassigned(Event):
    TYPE = "step_reassigned"
    node: str
    attempt: int
    assignee: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StepSkipped(Event):
    """A step closed without being done: skipped by a supervisor, or left open when the
    case ended."""

    TYPE = "step_skipped"
    node: str
    attempt: int
    reason: str
    next: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerFired(Event):
    """The step's timer ran out (e.g. sisa panjar not collected in 6 bulan): the step closes
    and the flow takes the timer branch."""

    TYPE = "timer_fired"
    node: str
    attempt: int
    due: datetime
    next: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerWithdrawn(Event):
    """A timer fired too early: an act entered after the sweep shows the step was done at
    ``occurred_at``, before its timer ran out at ``due``. The step is open again (its
    completion follows in the same entry) and the timer branch's steps are withdrawn."""

    TYPE = "timer_withdrawn"
    node: str
    attempt: int
    due: datetime
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StepWithdrawn(Event):
    """A step opened by a timer that was withdrawn: closed, as never due."""

    TYPE = "step_withdrawn"
    node: str
    attempt: int
    reason: str


DOCUMENT_KEYS = ("nama", "jenis", "ukuran", "sha256")
"""What an event records of a document: the file's name as given, its type (``application/pdf``,
``image/jpeg``, ``image/png``), its size in bytes and the SHA-256 of its bytes."""


# -- accountability ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class DeviationFlagged(Event):
    TYPE = "deviation_flagged"
    kind: DeviationKind
    rule: str
    node: str | None = None
    attempt: int | None = None
    evidence: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviationWithdrawn(Event):
    """A deviation the sweep recorded that facts entered later contradict (the step was
    done, the case finished, or the limit extended, before the moment it was flagged for;
    or its step was withdrawn). ``seq``: the flag's place in the case's log, which stays."""

    TYPE = "deviation_withdrawn"
    seq: int
    kind: DeviationKind
    reason: str
    node: str | None = None
    attempt: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LatenessSettled(Event):
    """How late a step (or the service standard) finally was, known when it closed: the
    sweep that flagged it (``seq``) could only say how late it was by then."""

    TYPE = "lateness_settled"
    seq: int
    kind: DeviationKind
    evidence: Mapping[str, str] = field(default_factory=dict)
    node: str | None = None
    attempt: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionRefused(Event):
    """The record of a refused attempt: it changes nothing in the case's state."""

    TYPE = "action_refused"
    command: str
    code: str
    kind: DeviationKind | None = None
    node: str | None = None
    detail: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AutomationFailed(Event):
    """An incident: the action of an automated step failed after its retries. The step
    stays open (its time limit keeps running); ``run`` links the orchestrator's record."""

    TYPE = "automation_failed"
    node: str
    attempt: int
    action: str
    error: str
    tries: int = 1
    run: str | None = None


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (CaseStarted, PartiesRecorded, RegisterNumberRecorded, TrackingCodeReissued,
                ConsentGiven, ConsentWithdrawn, ApplicantNotified, NoticeFailed,
                CaseCompleted,
                CaseCancelled, CaseMigrated, StepActivated, StepClaimed,
                StepSigned, StepCompleted, StepExtended, StepReassigned, StepSkipped,
                TimerFired, TimerWithdrawn, StepWithdrawn, DeviationFlagged, DeviationWithdrawn,
                LatenessSettled, ActionRefused, AutomationFailed)
}

_DATETIMES = frozenset({"service_due", "due_at", "timer_due", "due"})
_TUPLES = frozenset({"next", "parties", "steps"})

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], tuple[int, Upcaster]] = {}
"""(type, old version) -> (new version, payload rewrite); applied until current."""


class UnknownEventType(ValueError):
    pass


def to_record(event: Event) -> tuple[str, int, dict[str, Any]]:
    """(type, version, JSON-safe payload): the stored form of ``event``."""
    return event.TYPE, event.VERSION, event.payload()


def from_record(type_: str, version: int, payload: Mapping[str, Any], *,
                occurred_at: datetime, recorded_at: datetime, actor: str | None) -> Event:
    """The event stored as (``type_``, ``version``, ``payload``), upcast to the current
    schema."""
    cls = EVENT_TYPES.get(type_)
    if cls is None:
        raise UnknownEventType(type_)
    data = dict(payload)
    while version < cls.VERSION:
        version, rewrite = UPCASTERS[(type_, version)]
        data = rewrite(data)
    for name in _DATETIMES & data.keys():
        if data[name] is not None:
            data[name] = datetime.fromisoformat(data[name])
    for name in _TUPLES & data.keys():
        data[name] = tuple(data[name])
    if "kind" in data and data["kind"] is not None:
        data["kind"] = DeviationKind(data["kind"])
    return cls(occurred_at=occurred_at, recorded_at=recorded_at, actor=actor, **data)
