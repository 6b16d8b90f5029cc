"""Commands: what a person (or the system) asks to do to a case. Imperative names.

``at`` is when the action really happened (a clerk may enter later what was done on
paper); ``None`` means now. ``reason`` explains a late entry, and is mandatory for a
supervisor's override.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    actor: str
    at: datetime | None = None
    reason: str | None = None

    @property
    def name(self) -> str:
        return COMMAND_NAMES[type(self)]


@dataclass(frozen=True, slots=True, kw_only=True)
class StartCase(Command):
    fields: Mapping[str, str] = field(default_factory=dict)
    parties: tuple[Mapping[str, str], ...] = ()  # who the case is for (may come later)
    # the applicant agreed to be told through a channel of this kind (the sentence agreed
    # to in ``consent``); the address is the service's, never the command's
    notify_channel: str | None = None
    consent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordParties(Command):
    """Record (or correct, with a reason) who the case is for: the whole list."""

    parties: tuple[Mapping[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordRegisterNumber(Command):
    """Record (or correct, with a reason) the case's nomor perkara."""

    number: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReissueTrackingCode(Command):
    """Give the applicant a new tracking code (the old one stops working). The code itself
    is made and kept by the service; the log records only who reissued one, and when."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WithdrawConsent(Command):
    """The applicant no longer agrees to be told: record it (the service erases the
    contact in the same transaction). Recorded by a clerk of the SOP or a supervisor, or,
    ``by_applicant``, asked by the applicant on the tracking page (the tracking code is the
    proof): then recorded as the system's, with ``reason`` saying so."""

    by_applicant: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordNotice(Command):
    """What became of the notice of step ``node`` (attempt ``attempt``): sent
    (``delivered``), or given up after ``tries`` with ``error``. By the system."""

    actor: str = "sistem"
    node: str
    attempt: int
    channel: str
    message: str
    delivered: bool = True
    error: str = ""
    tries: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimStep(Command):
    node: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CompleteStep(Command):
    node: str
    values: Mapping[str, str] = field(default_factory=dict)  # kelengkapan, output, case fields
    decision: str | None = None
    # files given for ``dokumen`` items, kept in the document store already: item id ->
    # ``nama``, ``jenis``, ``ukuran``, ``sha256`` (sop_runtime.engine.events.DOCUMENT_KEYS)
    documents: Mapping[str, Mapping[str, str | int]] = field(default_factory=dict)
    # an imported log's date without a time of day: ``at`` is that day's close, and the act
    # is late only on a day after its limit's (late for certain, not perhaps)
    day_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtendStep(Command):
    """Use the extension (perpanjangan) the SOP allows for the step."""

    node: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReassignStep(Command):
    node: str
    assignee: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SkipStep(Command):
    node: str
    decision: str | None = None  # the branch to take when skipping a decision


@dataclass(frozen=True, slots=True, kw_only=True)
class ReopenStep(Command):
    node: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelCase(Command):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrateCase(Command):
    """Move the running case to ``to_version``, another stored version of its SOP: each
    open step goes to the step of the same id there, unless ``mapping`` (old step id ->
    new step id) names it. Decided against both workflows
    (:func:`sop_runtime.engine.decision.decide` with ``target``)."""

    to_version: str
    mapping: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sweep(Command):
    """Record what time alone has caused by now: overdue steps, a breached service
    standard, timer branches. Done by the system."""

    actor: str = "sistem"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportAutomationFailure(Command):
    """The action of an automated step failed after its retries: an incident on the case.
    ``run`` links the orchestrator's record of the run."""

    node: str
    attempt: int
    action: str
    error: str
    tries: int = 1
    run: str | None = None


COMMAND_NAMES: dict[type[Command], str] = {
    StartCase: "start", ClaimStep: "claim", CompleteStep: "complete", ExtendStep: "extend",
    ReassignStep: "reassign", SkipStep: "skip", ReopenStep: "reopen", CancelCase: "cancel",
    Sweep: "sweep", ReportAutomationFailure: "automation_failure",
    RecordParties: "record_parties", RecordRegisterNumber: "record_register_number",
    MigrateCase: "migrate", ReissueTrackingCode: "reissue_tracking_code",
    WithdrawConsent: "withdraw_consent", RecordNotice: "record_notice",
}

CASE_RECORDS: tuple[type[Command], ...] = (RecordParties, RecordRegisterNumber,
                                           ReissueTrackingCode, WithdrawConsent, RecordNotice)
"""Commands that record facts about the case itself, allowed after it ended too."""

SUPERVISOR_COMMANDS: frozenset[type[Command]] = frozenset(
    {ReassignStep, SkipStep, ReopenStep, CancelCase, MigrateCase})
