"""The accountability report of one case: its whole timeline in words (who, in which role,
on whose behalf, which step, what was given, decided and why), who did what, the deviations
with their evidence, each step against its time limit, the service standard, the case's
hash chain, and the seal that covers its current head with an inclusion proof that is
checked here. Read from the log (the truth); rendering is in :mod:`sop_runtime.audit`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from sop_runtime.audit.casefigures import (
    CaseReport,
    Chain,
    Deviation,
    DocumentRow,
    Entry,
    Given,
    Person,
    SealCover,
    Service,
    StepTime,
    Who,
)
from sop_runtime.audit.document import Names
from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.models import Item
from sop_runtime.engine import (
    ActionRefused,
    CaseCancelled,
    CaseCompleted,
    CaseMigrated,
    CaseStarted,
    CaseState,
    CaseStatus,
    DeviationFlagged,
    DeviationWithdrawn,
    Event,
    LatenessSettled,
    StepActivated,
    StepClaimed,
    StepCompleted,
    StepExtended,
    StepReassigned,
    StepSigned,
    StepSkipped,
    StepState,
    StepStatus,
    StepWithdrawn,
    TimerFired,
    TimerWithdrawn,
)
from sop_runtime.engine.deviation_text import describe as describe_evidence
from sop_runtime.engine.deviation_text import (
    deviation_label,
    finding_text,
    lateness_text,
    rule_text,
)
from sop_runtime.engine.events import (
    ApplicantNotified,
    AutomationFailed,
    ConsentGiven,
    ConsentWithdrawn,
    NoticeFailed,
    PartiesRecorded,
    RegisterNumberRecorded,
    TrackingCodeReissued,
)
from sop_runtime.engine.parties import channel_name, parties_text, party_text
from sop_runtime.engine.values import value_text
from sop_runtime.i18n import current_lang, tr
from sop_runtime.service import catalog
from sop_runtime.service.cases import decode, load_case
from sop_runtime.service.confidential import Reader, open_case
from sop_runtime.service.letterhead import names
from sop_runtime.service.projection import deviation_rows
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.views import CaseView, joint_progress, versions_in_force
from sop_runtime.store import directory
from sop_runtime.store import seals as store_seals
from sop_runtime.store.events import StoredEvent
from sop_runtime.wording import moment_text
from sop_runtime.worktime import CourtCalendar
from sop_runtime.worktime.duration_text import describe_lateness

_STATUS = {
    StepStatus.ACTIVE: ("aktif", "active"), StepStatus.CLAIMED: ("diambil", "claimed"),
    StepStatus.DONE: ("selesai", "done"), StepStatus.SKIPPED: ("dilewati", "skipped"),
    StepStatus.EXPIRED: ("waktu tunggu habis", "timer ran out"),
    StepStatus.CANCELLED: ("dibatalkan", "cancelled"),
    StepStatus.WITHDRAWN: ("ditarik", "withdrawn"),
}
_CASE_STATUS = {
    CaseStatus.ACTIVE: ("berjalan", "running"), CaseStatus.COMPLETED: ("selesai", "completed"),
    CaseStatus.CANCELLED: ("dibatalkan", "cancelled"),
    CaseStatus.REFUSED: ("ditolak saat dimulai", "refused at its start"),
}


class _Context:
    """What describing one case needs: its workflow, the calendar, names, delegations."""

    def __init__(self, conn: Connection, wf: Workflow, calendar: CourtCalendar,
                 who: Names) -> None:
        self.wf, self.calendar, self.names = wf, calendar, who
        self.delegations = directory.delegations(conn)
        self.lang = current_lang()
        self.later: dict[int, list[str]] = {}  # a flag's seq -> what happened to it since

    def follow(self, stored: Sequence[StoredEvent], events: Sequence[Event]) -> None:
        """Note on each deviation flag what later events did to it: withdrawn, or its
        final lateness settled."""
        for s, e in zip(stored, events, strict=True):
            if isinstance(e, DeviationWithdrawn):
                self.later.setdefault(e.seq, []).append(tr(
                    "ditarik kemudian (urutan {n}): {r}", "withdrawn later (seq {n}): {r}",
                    n=s.seq, r=e.reason))
            elif isinstance(e, LatenessSettled):
                late = lateness_text(e.evidence, self.calendar)
                self.later.setdefault(e.seq, []).append(tr(
                    "keterlambatan akhir (urutan {n}): {d}", "final lateness (seq {n}): {d}",
                    n=s.seq, d=late or "-"))

    def under(self, wf: Workflow) -> _Context:
        """This context reading events by ``wf`` (a moved case's earlier version)."""
        self.wf = wf
        return self

    def worked(self, seconds: int) -> str:
        return self.calendar.describe_working(seconds, self.lang)

    def when(self, moment: datetime | None) -> str:
        return moment_text(moment, self.calendar.tz)

    def node(self, node: str | None) -> Node | None:
        if node is None:
            return None
        try:
            return self.wf.node(node)
        except KeyError:
            return None

    def step(self, node: str | None) -> str | None:
        found = self.node(node)
        if found is None:
            return node
        return f"{node}. {' '.join(found.kegiatan.split())}"

    def item(self, node: str | None, item: str) -> Item | None:
        """The SOP's kelengkapan, output or case field ``item`` (at ``node`` first)."""
        first = self.node(node)
        for n in [*([first] if first else []), *self.wf.nodes]:
            for i in (*n.outputs, *n.inputs):
                if i.id == item:
                    return i
        return next((f for f in self.wf.fields if f.id == item), None)

    def item_name(self, node: str | None, item: str) -> str:
        """The SOP's name of a kelengkapan, output or case field."""
        found = self.item(node, item)
        return found.nama if found is not None else item.replace("_", " ")

    def given(self, node: str | None, values: dict[str, str]) -> tuple[Given, ...]:
        """Each value with its item's name, as people read it (``Rp10.000``)."""
        return tuple(Given(k, self.item_name(node, k), value_text(self.item(node, k), str(v)))
                     for k, v in values.items())

    def who(self, actor: str | None, node: str | None, at: datetime, *,
            on_behalf_of: str | None = None, as_delegate: str | None = None) -> Who:
        if actor is None:
            return Who(None, self.names.user(None))
        delegation = None
        if as_delegate is not None:
            kind = next((d.kind for d in self.delegations
                         if d.delegate == actor and d.role == as_delegate
                         and d.start <= at < d.end), None)
            prefix = str(kind).capitalize() if kind else "Plh/Plt"
            delegation = f"{prefix} {self.names.role(as_delegate)}"
        held = self.names.held.get(actor, frozenset())
        acting: Sequence[str] = ()
        found = self.node(node)
        if found is not None:
            acting = [r for r in self.wf.acting_roles(found) if r in held]
        jabatan = ", ".join(self.names.role(r) for r in (acting or sorted(held))) or None
        # a public role is named with its synonyms ("Pemohon / Pengguna Layanan / ..."):
        # "atas nama Pemohon" reads as people say it
        party = (self.names.role(on_behalf_of).split(" / ")[0].strip() if on_behalf_of
                 else None)
        return Who(actor, self.names.user(actor), jabatan, party, delegation)


def case_report(rt: Runtime, case_id: str, *, reader: Reader) -> CaseReport:
    """The report of ``case_id`` as it stands now, for ``reader`` (NotFoundError if there is
    no such case, or it is confidential and not theirs to read; the read is journaled)."""
    return case_and_report(rt, case_id, reader=reader)[1]


def case_and_report(rt: Runtime, case_id: str, *,
                    reader: Reader) -> tuple[CaseView, CaseReport]:
    """The case (as :func:`sop_runtime.service.views.case`) and its report, read once."""
    def read(conn: Connection) -> tuple[CaseState, tuple[CaseView, CaseReport]]:
        ensure_ready(rt, conn)
        stored, state = load_case(conn, case_id)
        wf = catalog.workflow(rt, conn, state.version)
        events = decode(stored)
        view = CaseView(state, wf, tuple(stored), tuple(events),
                        versions_in_force(rt, conn, events, wf))
        return state, (view, _report(rt, conn, view))

    return open_case(rt, reader, read)


def _report(rt: Runtime, conn: Connection, view: CaseView) -> CaseReport:
    from sop_runtime.store.chain import verify

    now = rt.now()
    stored, state, wf, events = list(view.stored), view.state, view.workflow, list(view.events)
    case_id = state.case_id
    _, calendar = catalog.court(rt, conn)
    ctx = _Context(conn, wf, calendar, names(conn))
    ctx.follow(stored, events)
    timeline = tuple(_entry(ctx.under(view.workflow_at(i)), s, e)
                     for i, (s, e) in enumerate(zip(stored, events, strict=True)))
    ctx.under(wf)
    deviations = _deviations(ctx, case_id, events)
    people = _people(ctx, timeline, events, deviations)
    checked = verify(conn, case=case_id)
    chain = Chain(checked.ok, checked.events, None if checked.first_break is None else
                  tr(checked.first_break.message_id, checked.first_break.message_en))
    cover = _cover(rt, conn, ctx, case_id, stored[-1])
    steps = tuple(_step_time(ctx, s, now) for s in state.steps)
    started = next((e for e in events if isinstance(e, CaseStarted)), None)
    status = state.status or CaseStatus.REFUSED
    return CaseReport(
        case_id=case_id, sop_id=state.sop_id, sop_nama=wf.nama,
        sop_nomor=wf.document.identitas.nomor, version=state.version, status=str(status),
        status_text=tr(*_CASE_STATUS[status]), started_at=state.started_at,
        started_by=timeline[0].who, ended_at=state.ended_at, generated_at=now,
        fields=ctx.given(None, dict(started.fields)) if started else (),
        timeline=timeline, steps=steps,
        deviations=deviations, people=people, service=_service(ctx, state, now),
        chain=chain, seal=cover,
        open_steps=tuple(_open_step(ctx, s) for s in state.open_steps),
        register_number=state.register_number,
        parties=tuple(party_text(p) for p in state.parties),
        documents=_documents(ctx, stored, events))


def _documents(ctx: _Context, stored: Sequence[StoredEvent],
               events: Sequence[Event]) -> tuple[DocumentRow, ...]:
    from sop_runtime.service.documents import KIND_NAMES, recorded
    from sop_runtime.wording import size_text

    return tuple(DocumentRow(
        seq=d.seq, node=d.node, step=ctx.step(d.node) or d.node, item=d.item,
        item_name=ctx.item_name(d.node, d.item), nama=d.nama, jenis=d.jenis,
        jenis_text=KIND_NAMES.get(d.jenis, d.jenis), ukuran=d.ukuran,
        size_text=size_text(d.ukuran), sha256=d.sha256,
        who=ctx.who(d.actor, d.node, d.occurred_at), occurred_at=d.occurred_at)
        for d in recorded([(s.seq, e) for s, e in zip(stored, events, strict=True)]))


def _open_step(ctx: _Context, s: StepState) -> str:
    name = ctx.step(s.node) or s.node
    joint = joint_progress(ctx.wf, s)
    return f"{name} ({joint})" if joint else name


# -- the timeline ----------------------------------------------------------------------

@dataclass
class _Said:
    """What a timeline entry says of one event, as its type's function fills it in."""

    what: str
    who: Who
    notes: list[str] = field(default_factory=list)
    given: tuple[Given, ...] = ()
    decision: str | None = None
    reason: str | None = None


def _entry(ctx: _Context, s: StoredEvent, e: Event) -> Entry:
    node: str | None = getattr(e, "node", None)
    attempt: int | None = getattr(e, "attempt", None)
    # starting a case is the start step's act: the role its holder acts in
    said = _Said(e.TYPE, ctx.who(s.actor, ctx.wf.start if isinstance(e, CaseStarted) else node,
                                 s.occurred_at))
    words = _WORDS.get(type(e))
    if words is not None:
        words(ctx, s, e, said)
    return Entry(seq=s.seq, type=s.type, occurred_at=s.occurred_at, recorded_at=s.recorded_at,
                 entered_later=s.recorded_at - s.occurred_at >= timedelta(minutes=1),
                 who=said.who, node=node, step=ctx.step(node), attempt=attempt,
                 what=said.what, given=said.given, decision=said.decision, reason=said.reason,
                 notes=tuple(said.notes))


def _case_started(ctx: _Context, s: StoredEvent, e: CaseStarted, said: _Said) -> None:
    said.what = tr("Perkara dimulai", "Case started")
    said.notes.append(tr("SOP {n} (versi {v})", "SOP {n} (version {v})", n=ctx.wf.nama,
                         v=e.version[:12]))
    if e.service_due:
        said.notes.append(tr("batas waktu pelayanan {t}", "service due {t}",
                             t=ctx.when(e.service_due)))
    said.given = ctx.given(None, dict(e.fields))
    if e.parties:
        said.notes.append(tr("para pihak: {x}", "parties: {x}", x=parties_text(e.parties)))


def _parties_recorded(ctx: _Context, s: StoredEvent, e: PartiesRecorded, said: _Said) -> None:
    said.what = tr("Para pihak dicatat", "Parties recorded")
    said.notes.append(parties_text(e.parties))
    said.reason = e.reason


def _register_number_recorded(ctx: _Context, s: StoredEvent, e: RegisterNumberRecorded,
                              said: _Said) -> None:
    said.what = tr("Nomor perkara dicatat: {n}", "Register number recorded: {n}", n=e.number)
    said.reason = e.reason


def _tracking_code_reissued(ctx: _Context, s: StoredEvent, e: TrackingCodeReissued,
                            said: _Said) -> None:
    said.what = tr("Kode lacak diterbitkan ulang; kode sebelumnya tidak berlaku lagi",
                   "Tracking code reissued; the earlier code no longer works")


def _consent_given(ctx: _Context, s: StoredEvent, e: ConsentGiven, said: _Said) -> None:
    said.what = tr("Pemohon setuju diberi tahu melalui {c}", "The applicant agreed to be told "
                   "through {c}", c=channel_name(e.channel))
    said.notes.append(e.consent)


def _consent_withdrawn(ctx: _Context, s: StoredEvent, e: ConsentWithdrawn, said: _Said
                       ) -> None:
    said.what = tr("Pemohon menarik persetujuan; kontaknya dihapus", "The applicant withdrew "
                   "consent; the contact was erased")
    said.reason = e.reason


def _applicant_notified(ctx: _Context, s: StoredEvent, e: ApplicantNotified, said: _Said
                        ) -> None:
    said.what = tr("Pemohon diberi tahu melalui {c}", "The applicant was told through {c}",
                   c=channel_name(e.channel))
    said.notes.append(e.message)


def _notice_failed(ctx: _Context, s: StoredEvent, e: NoticeFailed, said: _Said) -> None:
    said.what = tr("Pemberitahuan kepada pemohon gagal ({c})", "The notice to the applicant "
                   "failed ({c})", c=channel_name(e.channel))
    said.notes.append(tr("{m} — gagal setelah {n} kali: {e}", "{m} — failed after {n} tries: "
                         "{e}", m=e.message, n=e.tries, e=e.error))


def _step_activated(ctx: _Context, s: StoredEvent, e: StepActivated, said: _Said) -> None:
    said.what = tr("Langkah menjadi aktif", "Step became active")
    if e.attempt > 1:
        said.what += tr(" (percobaan ke-{n})", " (attempt {n})", n=e.attempt)
    if e.due_at:
        said.notes.append(tr("batas {t}", "due {t}", t=ctx.when(e.due_at)))
    if e.timer_due:
        said.notes.append(tr("batas tunggu {t}", "timer {t}", t=ctx.when(e.timer_due)))
    if e.assignee:
        said.notes.append(tr("ditugaskan kepada {u}", "assigned to {u}",
                             u=ctx.names.user(e.assignee)))
    if e.early:
        said.notes.append(tr("dikerjakan sebelum urutannya", "done ahead of the flow"))
    if e.reopened:
        said.notes.append(tr("dibuka ulang oleh pengawas", "reopened by a supervisor"))


def _step_claimed(ctx: _Context, s: StoredEvent, e: StepClaimed, said: _Said) -> None:
    said.what = tr("Langkah diambil untuk dikerjakan", "Step claimed")


def _step_signed(ctx: _Context, s: StoredEvent, e: StepSigned, said: _Said) -> None:
    said.what = tr("Bertindak sebagai {r} pada langkah bersama",
                   "Acted as {r} on a joint step", r=ctx.names.role(e.role))
    said.who = ctx.who(s.actor, e.node, s.occurred_at,
                       as_delegate=e.role if e.as_delegate else None)
    said.given = ctx.given(e.node, dict(e.outputs))


def _step_completed(ctx: _Context, s: StoredEvent, e: StepCompleted, said: _Said) -> None:
    said.what = tr("Langkah selesai", "Step done")
    said.who = ctx.who(s.actor, e.node, s.occurred_at, on_behalf_of=e.on_behalf_of,
                       as_delegate=e.as_delegate)
    said.given = ctx.given(e.node, dict(e.outputs))
    said.decision, said.reason = e.decision, e.reason
    if e.finding:
        said.notes.append(tr("ditentukan dari data: {w}", "decided by the data: {w}",
                             w=finding_text(e.finding, _name(ctx), ctx.calendar)))
    if e.next:
        said.notes.append(tr("lanjut ke langkah {n}", "next: step {n}", n=", ".join(e.next)))


def _step_extended(ctx: _Context, s: StoredEvent, e: StepExtended, said: _Said) -> None:
    said.what = tr("Batas waktu diperpanjang sampai {t}", "Deadline extended to {t}",
                   t=ctx.when(e.due_at))
    said.reason = e.reason


def _step_reassigned(ctx: _Context, s: StoredEvent, e: StepReassigned, said: _Said) -> None:
    said.what = tr("Langkah dialihkan kepada {u}", "Step reassigned to {u}",
                   u=ctx.names.user(e.assignee))
    said.reason = e.reason


def _step_skipped(ctx: _Context, s: StoredEvent, e: StepSkipped, said: _Said) -> None:
    said.what = tr("Langkah ditutup tanpa dikerjakan", "Step closed without being done")
    said.reason = e.reason


def _timer_fired(ctx: _Context, s: StoredEvent, e: TimerFired, said: _Said) -> None:
    said.what = tr("Waktu tunggu habis (batas {t})", "Timer ran out (due {t})", t=ctx.when(e.due))
    if e.next:
        said.notes.append(tr("lanjut ke langkah {n}", "next: step {n}", n=", ".join(e.next)))


def _timer_withdrawn(ctx: _Context, s: StoredEvent, e: TimerWithdrawn, said: _Said) -> None:
    said.what = tr("Waktu tunggu ditarik (batas {t})", "Timer withdrawn (due {t})",
                   t=ctx.when(e.due))
    said.reason = e.reason


def _step_withdrawn(ctx: _Context, s: StoredEvent, e: StepWithdrawn, said: _Said) -> None:
    said.what = tr("Langkah ditarik", "Step withdrawn")
    said.reason = e.reason


def _lateness_settled(ctx: _Context, s: StoredEvent, e: LatenessSettled, said: _Said) -> None:
    said.what = tr("Keterlambatan akhir: {k} (urutan {n})", "Final lateness: {k} (seq {n})",
                   k=deviation_label(e.kind), n=e.seq)
    said.notes.extend(describe_evidence(e.evidence, ctx.calendar, ctx.names, _name(ctx)))


def _deviation_withdrawn(ctx: _Context, s: StoredEvent, e: DeviationWithdrawn, said: _Said) -> None:
    said.what = tr("Penyimpangan ditarik: {k} (urutan {n})", "Deviation withdrawn: {k} (seq {n})",
                   k=deviation_label(e.kind), n=e.seq)
    said.reason = e.reason


def _deviation_flagged(ctx: _Context, s: StoredEvent, e: DeviationFlagged, said: _Said) -> None:
    said.what = tr("Penyimpangan: {k}", "Deviation: {k}", k=deviation_label(e.kind))
    said.notes.append(tr("aturan: {r}", "rule: {r}", r=rule_text(e.rule)))
    said.notes.extend(describe_evidence(e.evidence, ctx.calendar, ctx.names, _name(ctx)))
    said.notes.extend(ctx.later.get(s.seq, ()))
    said.reason = e.reason


def _action_refused(ctx: _Context, s: StoredEvent, e: ActionRefused, said: _Said) -> None:
    kinds = e.detail.get("pelanggaran", str(e.kind or e.code)).split(",")
    said.what = tr("Tindakan ditolak ({k}); percobaan dicatat",
                   "Action refused ({k}); the attempt recorded",
                   k="; ".join(deviation_label(k) for k in kinds))
    said.notes.extend(describe_evidence(e.detail, ctx.calendar, ctx.names, _name(ctx)))
    said.reason = e.reason


def _automation_failed(ctx: _Context, s: StoredEvent, e: AutomationFailed, said: _Said) -> None:
    said.what = tr("Insiden: aksi langkah otomatis gagal", "Incident: the automated step's "
                   "action failed")
    said.notes.append(tr("{a} gagal setelah {n} kali: {e}", "{a} failed after {n} tries: {e}",
                         a=e.action, n=e.tries, e=e.error))


def _case_completed(ctx: _Context, s: StoredEvent, e: CaseCompleted, said: _Said) -> None:
    said.what = tr("Perkara selesai", "Case completed")


def _case_cancelled(ctx: _Context, s: StoredEvent, e: CaseCancelled, said: _Said) -> None:
    said.what = tr("Perkara dibatalkan", "Case cancelled")
    said.reason = e.reason


def _case_migrated(ctx: _Context, s: StoredEvent, e: CaseMigrated, said: _Said) -> None:
    said.what = tr("Perkara dipindahkan ke versi SOP {b} (semula {a})",
                   "Case moved to SOP version {b} (was {a})", a=e.from_version[:12],
                   b=e.to_version[:12])
    for m in e.steps:
        due = (tr(", batas {t}", ", due {t}", t=ctx.when(datetime.fromisoformat(m["batas"])))
               if m.get("batas") else "")
        said.notes.append(tr("langkah {a} menjadi {s}{d}", "step {a} became {s}{d}",
                             a=m["langkah"], s=ctx.step(m["ke"]) or m["ke"], d=due))
    said.reason = e.reason


# each event type's entry in the timeline (_entry); a type not here says its stored name
_WORDS: dict[type[Event], Callable[[_Context, StoredEvent, Any, _Said], None]] = {
    CaseStarted: _case_started,
    PartiesRecorded: _parties_recorded,
    RegisterNumberRecorded: _register_number_recorded,
    TrackingCodeReissued: _tracking_code_reissued,
    ConsentGiven: _consent_given,
    ConsentWithdrawn: _consent_withdrawn,
    ApplicantNotified: _applicant_notified,
    NoticeFailed: _notice_failed,
    StepActivated: _step_activated,
    StepClaimed: _step_claimed,
    StepSigned: _step_signed,
    StepCompleted: _step_completed,
    StepExtended: _step_extended,
    StepReassigned: _step_reassigned,
    StepSkipped: _step_skipped,
    TimerFired: _timer_fired,
    TimerWithdrawn: _timer_withdrawn,
    StepWithdrawn: _step_withdrawn,
    LatenessSettled: _lateness_settled,
    DeviationWithdrawn: _deviation_withdrawn,
    DeviationFlagged: _deviation_flagged,
    ActionRefused: _action_refused,
    AutomationFailed: _automation_failed,
    CaseCompleted: _case_completed,
    CaseCancelled: _case_cancelled,
    CaseMigrated: _case_migrated,
}


def _name(ctx: _Context) -> Callable[[str], str]:
    return lambda node: ctx.step(node) or node


# -- deviations, people, steps, the service standard ------------------------------------

def _deviations(ctx: _Context, case_id: str, events: list[Event]) -> tuple[Deviation, ...]:
    out = []
    for row in deviation_rows(case_id, 1, events):
        out.append(Deviation(
            seq=row.seq, kind=row.kind, label=deviation_label(row.kind), outcome=row.outcome,
            rule=row.rule, rule_text=rule_text(row.rule),
            occurred_at=row.occurred_at, recorded_at=row.recorded_at, node=row.node,
            step=ctx.step(row.node), who=ctx.who(row.actor, row.node, row.occurred_at),
            evidence=dict(row.evidence),
            evidence_text=describe_evidence(row.evidence, ctx.calendar, ctx.names,
                                            _name(ctx)),
            reason=row.reason))
    return tuple(out)


def _people(ctx: _Context, timeline: Sequence[Entry], events: Sequence[Event],
            deviations: Sequence[Deviation]) -> tuple[Person, ...]:
    order: list[str] = []
    done: dict[str, list[str]] = {}
    other: dict[str, list[str]] = {}
    roles: dict[str, list[str]] = {}
    count: dict[str, int] = {}
    signed = {(e.node, e.attempt, e.actor) for e in events if isinstance(e, StepSigned)}
    for entry, e in zip(timeline, events, strict=True):
        user = entry.who.username
        if user is None:
            continue
        if user not in count:
            order.append(user)
            done[user], other[user], roles[user], count[user] = [], [], [], 0
        count[user] += 1
        for held in (entry.who.delegation, *(entry.who.jabatan or "").split(", ")):
            if held and held not in roles[user]:
                roles[user].append(held)
        step = _step_done(ctx, e, user, signed)
        if step is not None:
            done[user].append(step)
        act = _act(e)
        if act:
            other[user].append(act)
    flagged = {u: sum(1 for d in deviations if d.who.username == u and d.outcome == "dicatat")
               for u in order}
    refused = {u: sum(1 for d in deviations if d.who.username == u and d.outcome == "ditolak")
               for u in order}
    return tuple(Person(u, ctx.names.user(u), ", ".join(roles[u]) or ctx.names.jabatan(u),
                        tuple(done[u]), tuple(other[u]), count[u], flagged[u], refused[u])
                 for u in order)


def _step_done(ctx: _Context, e: Event, user: str,
               signed: set[tuple[str, int, str | None]]) -> str | None:
    """The step ``e`` records ``user`` doing, in a few words: a joint step's act with the
    role; a completion (a joint step's is its last signer's act, told once, as signed)."""
    if isinstance(e, StepSigned):
        return e.node + tr(" (bersama, sebagai {r})", " (joint, as {r})",
                           r=ctx.names.role(e.role))
    if isinstance(e, StepCompleted) and (e.node, e.attempt, user) not in signed:
        return (e.node + (tr(" (percobaan ke-{n})", " (attempt {n})", n=e.attempt)
                          if e.attempt > 1 else "")
                + (tr(" (atas nama pemohon)", " (for the applicant)")
                   if e.on_behalf_of else ""))
    return None


def _act(e: Event) -> str | None:
    """A person's act other than completing a step, in a few words (a supervisor's skip,
    reopening and cancelling through the override deviation that records them)."""
    if isinstance(e, CaseStarted):
        return tr("memulai perkara", "started the case")
    if isinstance(e, StepClaimed):
        return tr("mengambil langkah {n}", "claimed step {n}", n=e.node)
    if isinstance(e, StepExtended):
        return tr("memperpanjang batas langkah {n}", "extended step {n}", n=e.node)
    if isinstance(e, StepReassigned):
        return tr("mengalihkan langkah {n}", "reassigned step {n}", n=e.node)
    if isinstance(e, CaseMigrated):
        return tr("memindahkan perkara ke versi {v}", "moved the case to version {v}",
                  v=e.to_version[:12])
    if isinstance(e, ActionRefused):
        return tr("mencoba langkah {n} (ditolak)", "tried step {n} (refused)", n=e.node or "-")
    if isinstance(e, DeviationFlagged) and e.kind == "override":
        act = e.evidence.get("tindakan")
        if act == "lewati":
            return tr("melewati langkah {n}", "skipped step {n}", n=e.node)
        if act == "buka_ulang":
            return tr("membuka ulang langkah {n}", "reopened step {n}", n=e.node)
        if act == "batal":
            return tr("membatalkan perkara", "cancelled the case")
    return None


def _step_time(ctx: _Context, s: StepState, now: datetime) -> StepTime:
    node = ctx.node(s.node)
    limit = None
    if node is not None and node.limit is not None:
        limit = node.limit.text or node.limit.canonical()
    elif node is not None and node.limit_set:
        limit = tr("tidak ditentukan", "not set")
    end = s.completed_at if s.status is StepStatus.DONE else now if s.is_open else None
    seconds = None if end is None else ctx.calendar.working_seconds_between(s.activated_at, end)
    verdict, text, late = _verdict(ctx, s, now)
    role = node.role if node is not None else None
    doer = (ctx.who(s.completed_by, s.node, s.completed_at or s.activated_at,
                    on_behalf_of=s.on_behalf_of, as_delegate=s.as_delegate)
            if s.completed_by else None)
    jabatan = ctx.names.role(role)
    by = doer.name if doer else None
    if node is not None and node.joint:  # each role acts: all of them, and who did
        jabatan = tr(" dan ", " and ").join(ctx.names.role(r) for r in node.roles)
        if s.signed:
            by = ", ".join(ctx.names.user(u) for u in s.signed.values())
    return StepTime(
        node=s.node, step=ctx.step(s.node) or s.node, attempt=s.attempt,
        jabatan=jabatan, status=str(s.status), status_text=tr(*_STATUS[s.status]),
        limit=limit, activated_at=s.activated_at, due_at=s.due_at, completed_at=s.completed_at,
        completed_by=by,
        on_behalf_of=doer.on_behalf_of if doer else None,
        delegation=doer.delegation if doer else None,
        working_seconds=seconds, working_text="-" if seconds is None else ctx.worked(seconds),
        late_seconds=late, verdict=verdict, verdict_text=text)


def _late_words(ctx: _Context, s: StepState, due: datetime, at: datetime) -> str:
    """How late, in the unit the step's limit is written in (as its deviation says it)."""
    node = ctx.node(s.node)
    unit, amount = ctx.calendar.lateness(due, at, node.limit if node else None)
    return describe_lateness(unit, amount, ctx.calendar.minutes_per_working_day, ctx.lang)


def _verdict(ctx: _Context, s: StepState, now: datetime) -> tuple[str, str, int | None]:
    """How a step stands against its limit: (verdict, in words, working seconds late)."""
    late = None
    if s.due_at is None:
        verdict, text = "no_limit", tr("tanpa batas waktu", "no time limit")
        if s.status is StepStatus.DONE:
            text = tr("selesai; tanpa batas waktu", "done; no time limit")
    elif s.status is StepStatus.DONE and s.completed_at is not None:
        if s.completed_at <= s.due_at:
            verdict, text = "on_time", tr("tepat waktu", "on time")
        else:
            late = ctx.calendar.working_seconds_between(s.due_at, s.completed_at)
            verdict, text = "late", tr("terlambat {d}", "late by {d}",
                                       d=_late_words(ctx, s, s.due_at, s.completed_at))
    elif s.is_open and now > s.due_at:
        late = ctx.calendar.working_seconds_between(s.due_at, now)
        verdict, text = "overdue", tr("masih terbuka, terlambat {d}", "still open, late by {d}",
                                      d=_late_words(ctx, s, s.due_at, now))
    elif s.is_open:
        verdict, text = "open", tr("berjalan, batas {t}", "running, due {t}",
                                   t=ctx.when(s.due_at))
    else:
        verdict, text = "closed", tr(*_STATUS[s.status])
    return verdict, text, late


def _service(ctx: _Context, state: CaseState, now: datetime) -> Service:
    wf = ctx.wf
    limit = None if wf.service_limit is None else (wf.service_limit.text
                                                   or wf.service_limit.canonical())
    start, due = state.started_at, state.service_due
    end = state.ended_at if state.status is CaseStatus.COMPLETED else (
        now if state.is_active else None)
    seconds = None if start is None or end is None else ctx.calendar.working_seconds_between(
        start, end)
    late, met = None, None
    if due is None:
        text = tr("SOP ini tidak menetapkan waktu pelayanan", "This SOP sets no service time")
    elif state.status is CaseStatus.COMPLETED and end is not None:
        met = end <= due
        if met:
            text = tr("terpenuhi: selesai sebelum batas {t}", "met: done before {t}",
                      t=ctx.when(due))
        else:
            late = ctx.calendar.working_seconds_between(due, end)
            text = tr("tidak terpenuhi: selesai {d} setelah batas {t}",
                      "not met: done {d} after {t}", d=ctx.worked(late), t=ctx.when(due))
    elif state.is_active and now > due:
        met, late = False, ctx.calendar.working_seconds_between(due, now)
        text = tr("tidak terpenuhi: masih berjalan, {d} melewati batas {t}",
                  "not met: still running, {d} past {t}", d=ctx.worked(late), t=ctx.when(due))
    elif state.is_active:
        text = tr("berjalan, batas {t}", "running, due {t}", t=ctx.when(due))
    else:
        text = tr("perkara {s}", "the case is {s}", s=tr(*_CASE_STATUS[state.status
                                                                     or CaseStatus.REFUSED]))
    return Service(limit, due, state.ended_at, seconds,
                   "-" if seconds is None else ctx.worked(seconds), late, met, text)


# -- the seal ----------------------------------------------------------------------------

def _cover(rt: Runtime, conn: Connection, ctx: _Context, case_id: str,
           head: StoredEvent) -> SealCover:
    from sop_runtime.service.seals import case_leaves, proof, proof_holds

    leaves = case_leaves(conn, case_id)
    by_id = {s.id: s for s in store_seals.list_seals(conn)}
    covering = next((sid for sid, seq, hash_ in leaves
                     if (seq, hash_) == (head.seq, head.hash)), None)
    if covering is not None:
        seal = by_id[covering]
        data = proof(rt, case_id, seal.id)
        return SealCover(head.seq, head.hash, seal, ctx.names.user(seal.sealed_by), data,
                         proof_holds(data, expected_root=seal.root))
    earlier = [(sid, seq) for sid, seq, _ in leaves]
    last = earlier[-1] if earlier else None
    return SealCover(head.seq, head.hash,
                     earlier=by_id[last[0]] if last else None,
                     earlier_seq=last[1] if last else None,
                     ahead=any(seq > head.seq for _, seq in earlier))


def case_html(rt: Runtime, report: CaseReport) -> str:
    """The report as a printable HTML page (also the PDF's source)."""
    from sop_runtime.audit.case_html import render_case
    from sop_runtime.service.letterhead import letterhead

    return render_case(report, letterhead(rt, report.generated_at))
