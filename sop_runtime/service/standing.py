"""Where a request stands, as its applicant may read it (``/lacak``, the receipt): in plain
words, from its log and its SOP.

Only what the public may see (UU 27/2022 tentang Pelindungan Data Pribadi; the court file's
``publikasi``): the service, the steps done with their dates and the jabatan that did them
(a staff member's name only when ``publikasi.nama_petugas`` says so), the steps now in hand,
what the applicant must do, the expected completion date on the court's calendar by the SOP's
service standard and whether the request is late by it, and how to complain. Never a
username, a party's details, a value or a reason typed by staff, a deviation's evidence or an
internal id; the request's own number is the applicant's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import Connection

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.engine.actors import Directory
from sop_runtime.engine.parties import channel_name
from sop_runtime.engine.state import CaseState, CaseStatus, StepState, StepStatus
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.cases import load_case
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import contacts as contacts_store
from sop_runtime.wording import moment_text

__all__ = ["DoneStep", "Standing", "standing", "standing_in"]


@dataclass(frozen=True, slots=True)
class DoneStep:
    what: str   # the step's kegiatan, as the SOP writes it
    by: str     # the jabatan (or the person, where the court publishes names)
    when: str   # 3 Desember 2026 pukul 10.05 WIT


@dataclass(frozen=True, slots=True)
class Standing:
    number: str
    sop_id: str                  # which SOP (the public service pages name it too)
    service: str                 # the SOP's name
    court: str
    started: str                 # when the request was made, in words
    state: str                   # in words: Sedang diproses / Selesai / Dibatalkan
    finished: bool               # completed or cancelled: nothing more happens
    completed: bool              # served to its end (the survey may be asked)
    done: tuple[DoneStep, ...]
    in_hand: tuple[str, ...]     # the steps being worked on now: "kegiatan (jabatan)"
    yours_now: tuple[str, ...]   # what the applicant must do now (a public step open)
    yours_later: tuple[str, ...]  # the applicant's steps of the SOP not yet done
    expected: str                # the expected completion (or why there is none)
    has_expected: bool
    late: bool                   # past the service standard (or finished after it)
    standard: str | None         # the service standard as the SOP states it (60 menit ...)
    complaint: str               # how to complain (the SOP's standar pelayanan)
    told_by: str | None = None   # the channel the applicant agreed to be told by, in words


def standing(rt: Runtime, case_id: str, at: datetime | None = None) -> Standing:
    """Where ``case_id`` stands at ``at`` (default now), for its applicant."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        return standing_in(rt, conn, case_id, at or rt.now())


def standing_in(rt: Runtime, conn: Connection, case_id: str, at: datetime) -> Standing:
    """:func:`standing` in a transaction the caller holds."""
    court_file, calendar = catalog.court(rt, conn)
    _, state = load_case(conn, case_id)
    wf = catalog.workflow(rt, conn, state.version)
    people = catalog.directory(rt, conn)
    tz = calendar.tz
    names = court_file.publikasi.nama_petugas

    def node_of(step: StepState) -> tuple[Node, Workflow]:
        for flow in (wf, catalog.workflow(rt, conn, step.version or state.version)):
            try:
                return flow.node(step.node), flow
            except KeyError:
                continue
        raise KeyError(step.node)  # a log the engine folded names only steps it knew

    done = []
    for step in sorted((s for s in state.steps if s.status is StepStatus.DONE),
                       key=lambda s: (s.completed_at or s.activated_at, s.closed_seq or 0)):
        node, flow = node_of(step)
        again = tr(" (diulang)", " (again)") if step.attempt > 1 else ""
        done.append(DoneStep(_kegiatan(node) + again, _who(flow, node, step, people, names),
                             moment_text(step.completed_at, tz)))
    in_hand, yours_now = [], []
    for step in state.open_steps:
        node, flow = node_of(step)
        if _public(flow, node):
            yours_now.append(_kegiatan(node))
        else:
            in_hand.append(f"{_kegiatan(node)} ({_jabatan(flow, node)})")
    reached = {s.node for s in state.steps}
    later = [_kegiatan(n) for n in sorted(wf.nodes, key=lambda n: n.no)
             if _public(wf, n) and n.id not in reached and state.is_active]
    expected, has_expected, late = _expected(wf, state, at, tz)
    return Standing(
        number=state.case_id, sop_id=state.sop_id, service=wf.nama,
        court=court_file.pengadilan.nama,
        started=moment_text(state.started_at, tz), state=_state_words(state),
        finished=not state.is_active, completed=state.status is CaseStatus.COMPLETED,
        done=tuple(done), in_hand=tuple(in_hand),
        yours_now=tuple(yours_now), yours_later=tuple(later), expected=expected,
        has_expected=has_expected, late=late,
        standard=wf.service_limit.describe() if wf.service_limit else None,
        complaint=_complaint(wf, court_file.pengadilan.nama),
        told_by=_told_by(conn, state))


def _told_by(conn: Connection, state: CaseState) -> str | None:
    """The channel the applicant is told by, in words, while the consent is in force and the
    contact kept (not after it was withdrawn, or erased when its keeping time ran out)."""
    if state.notify_channel is None or contacts_store.contact_of(conn, state.case_id) is None:
        return None
    return channel_name(state.notify_channel)


def _complaint(wf: Workflow, court: str) -> str:
    """Where to complain: the SOP's standar pelayanan, or the way every court offers."""
    standard = wf.document.standar_pelayanan
    if standard is not None:
        return standard.pengaduan
    return tr("Meja Pengaduan PTSP {c} atau SIWAS Mahkamah Agung (siwas.mahkamahagung.go.id)",
              "The PTSP complaints desk of the {c} or the Supreme Court's SIWAS "
              "(siwas.mahkamahagung.go.id)", c=court)


def _kegiatan(node: Node) -> str:
    return " ".join(node.kegiatan.split())


def _public(wf: Workflow, node: Node) -> bool:
    return any((r := wf.role(role)) is not None and r.publik for role in node.roles)


def _jabatan(wf: Workflow, node: Node, role: str | None = None) -> str:
    found = wf.role(role or node.role or "")
    return found.nama if found else tr("petugas", "staff")


def _who(wf: Workflow, node: Node, step: StepState, people: Directory, names: bool) -> str:
    """Who did a step, as the public reads it: the jabatan they did it as; the person's name
    too where the court publishes names; the applicant's own step as theirs."""
    if _public(wf, node):
        return _jabatan(wf, node)
    user = step.completed_by
    grant = (people.grant_any(user, node.roles, step.completed_at or step.activated_at)
             if user else None)
    jabatan = _jabatan(wf, node, grant.role if grant else None)
    if names and user and wf.role(grant.role if grant else "") is not None:
        return f"{people.name(user)} ({jabatan})"
    return jabatan


def _state_words(state: CaseState) -> str:
    if state.status is CaseStatus.COMPLETED:
        return tr("Selesai", "Completed")
    if state.status is CaseStatus.CANCELLED:
        return tr("Dibatalkan", "Cancelled")
    return tr("Sedang diproses", "In progress")


def _expected(wf: Workflow, state: CaseState, at: datetime,
              tz: tzinfo) -> tuple[str, bool, bool]:
    """(the expected completion in words, whether there is one, whether the request is late
    by the service standard)."""
    due = state.service_due
    if due is not None:
        end = state.ended_at if not state.is_active else at
        late = end is not None and end > due and state.status is not CaseStatus.CANCELLED
        return moment_text(due, tz), True, late
    if wf.service_limit is not None:
        return tr("{l}, dihitung sejak tanggal yang belum tercatat pada permohonan ini; "
                  "tanyakan kepada petugas PTSP",
                  "{l}, counted from a date not yet recorded on this request; ask the PTSP "
                  "desk", l=wf.service_limit.describe()), False, False
    return tr("SOP layanan ini tidak menetapkan waktu penyelesaian; tanyakan perkiraannya "
              "kepada petugas PTSP",
              "This service's SOP sets no completion time; ask the PTSP desk for an "
              "estimate"), False, False
