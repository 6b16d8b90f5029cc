"""A case's projections (its row, its open steps, its deviations) from its state and new
events: what the worklists, overdue lists and dashboards read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine.events import (
    ActionRefused,
    DeviationFlagged,
    DeviationWithdrawn,
    Event,
    LatenessSettled,
)
from sop_runtime.engine.parties import applicant, name_words
from sop_runtime.engine.state import CaseState
from sop_runtime.store.projections import CaseRow, DeviationRow, OpenStepRow
from sop_runtime.store.schema import NAME, REGISTER, WORD


def case_row(state: CaseState, head_hash: str, now: datetime) -> CaseRow:
    assert state.status is not None and state.started_at is not None
    return CaseRow(
        case_id=state.case_id, sop_id=state.sop_id, version=state.version,
        status=str(state.status), started_at=state.started_at, started_by=state.started_by,
        ended_at=state.ended_at, service_due=state.service_due,
        service_overdue_flagged=state.service_overdue_flagged,
        fields=dict(state.fields), last_seq=state.seq, head_hash=head_hash, updated_at=now,
        applicant=(name[:NAME] if (name := applicant(state.parties)) else None),
        register_number=state.register_number[:REGISTER] if state.register_number else None,
        names=tuple(sorted(w[:WORD] for w in name_words(state.parties))))


def open_step_rows(workflow: Workflow, state: CaseState) -> list[OpenStepRow]:
    rows = []
    for step in state.open_steps:
        node = workflow.node(step.node)
        roles = workflow.acting_roles(node)
        if node.joint:  # listed for the roles still awaited, whoever took it up first
            roles = tuple(r for r in roles if r not in step.signed)
        for role in roles:
            rows.append(OpenStepRow(
                case_id=state.case_id, node=step.node, attempt=step.attempt, role=role,
                sop_id=state.sop_id, kegiatan=node.kegiatan,
                assignee=None if node.joint else step.assignee,
                claimed_by=step.claimed_by, activated_at=step.activated_at,
                due_at=step.due_at, timer_due=step.timer_due,
                overdue_flagged=step.overdue_flagged is not None
                and step.overdue_flagged == step.due_at))
    return rows


def withdrawn_seqs(events: Sequence[Event]) -> set[int]:
    """The places in the log of the flags ``events`` withdraw."""
    return {e.seq for e in events if isinstance(e, DeviationWithdrawn)}


def settled_lateness(events: Sequence[Event]) -> dict[int, dict[str, str]]:
    """The final lateness ``events`` record, by the place in the log of the flag it settles."""
    return {e.seq: dict(e.evidence) for e in events if isinstance(e, LatenessSettled)}


def deviation_rows(case_id: str, first_seq: int, events: Sequence[Event]) -> list[DeviationRow]:
    """The deviations ``events`` (the log from ``first_seq`` on) record and leave standing:
    a flag withdrawn later in them is not among them; one whose lateness was settled later
    carries the final lateness."""
    withdrawn = withdrawn_seqs(events)
    settled = settled_lateness(events)
    rows = []
    for seq, e in enumerate(events, start=first_seq):
        if isinstance(e, DeviationFlagged) and seq not in withdrawn:
            rows.append(DeviationRow(
                case_id=case_id, seq=seq, kind=str(e.kind), outcome="dicatat", node=e.node,
                attempt=e.attempt, actor=e.actor, occurred_at=e.occurred_at,
                recorded_at=e.recorded_at, rule=e.rule, reason=e.reason,
                evidence={**e.evidence, **settled.get(seq, {})}))
        elif isinstance(e, ActionRefused) and e.kind is not None:
            rows.append(DeviationRow(
                case_id=case_id, seq=seq, kind=str(e.kind), outcome="ditolak", node=e.node,
                attempt=None, actor=e.actor, occurred_at=e.occurred_at,
                recorded_at=e.recorded_at, rule=e.detail.get("aturan", e.code),
                reason=e.reason, evidence=dict(e.detail)))
    return rows
