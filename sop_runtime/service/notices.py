"""Notices to the applicant: made due when a step the SOP marks (``beri_tahu_pemohon``) is
reached, sent once per (case, step attempt), and what became of each recorded on the case.

A notice is due in the transaction that records the step's activation or completion (as the
step's ``saat`` says), if the applicant's consent stands: one row per (case, step attempt),
with its message written out from the case's values at that moment. The sender (Prefect,
:mod:`sop_runtime.flows.applicant`) works a notice in three steps, each its own transaction
but the sending:

1. :func:`take` moves it from ``menunggu`` to ``mengirim`` and commits, before anything is
   sent: a second sender (a retried run, a duplicate) finds it taken and sends nothing;
2. the message goes out through the applicant's channel (outside any transaction);
3. :func:`delivered` records ``applicant_notified`` on the case's log (the message, the kind
   of channel, when; never the address) and marks the notice ``terkirim``; a failed try
   puts it back (:func:`release`) for the next try, and the last one records
   ``notice_failed`` (:func:`give_up`).

A sender that stops between 1 and 3 leaves the notice taken: whether it went out is
unknown, so it is never sent again; :func:`stalled` finds it, and it is recorded as failed
with that said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.models import NOTICE_FIELD, ItemKind
from sop_runtime.engine.commands import RecordNotice
from sop_runtime.engine.events import Event, StepActivated, StepCompleted
from sop_runtime.engine.rejections import StaleAction
from sop_runtime.engine.state import CaseState
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import contacts as store
from sop_runtime.store.db import begin_write
from sop_runtime.wording import rupiah_text

STALE_AFTER = timedelta(minutes=30)
"""A notice taken this long ago and not recorded lost its sender."""


@dataclass(frozen=True)
class Key:
    case_id: str
    node: str
    attempt: int

    @property
    def text(self) -> str:
        return f"{self.case_id}:{self.node}:{self.attempt}"


@dataclass(frozen=True)
class Outgoing:
    """A notice taken for sending: where to (the applicant's address, for the sender only),
    through which kind of channel, and what."""

    key: Key
    channel: str
    address: str
    message: str


def message_text(wf: Workflow, node_id: str, values: dict[str, str], case_id: str) -> str:
    """The step's notice written out: the court's request number, then the SOP's message
    with the case's values in it (rupiah for a ``uang`` item; ``-`` for one not known)."""
    notice = wf.node(node_id).notice
    assert notice is not None
    kinds = {i.id: i.jenis for n in wf.nodes for i in (*n.inputs, *n.outputs)}
    kinds.update({f.id: f.jenis for f in wf.fields})

    def value(found: re.Match[str]) -> str:
        raw = values.get(found.group(1), "").strip()
        if not raw:
            return "-"
        return rupiah_text(raw) if kinds.get(found.group(1)) is ItemKind.UANG else raw

    body = NOTICE_FIELD.sub(value, notice.pesan)
    return f"Permohonan {case_id} ({wf.nama}): {' '.join(body.split())}"


def enqueue(conn: Connection, wf: Workflow, state: CaseState, new: Sequence[Event],
            now: datetime) -> None:
    """Make due the notices ``new`` calls for (in the transaction that records them): each
    step the SOP marks, activated or completed as its ``saat`` says, while the applicant's
    consent stands."""
    if state.notify_channel is None:
        return
    rows = []
    for e in new:
        if not isinstance(e, StepActivated | StepCompleted):
            continue
        moment = "aktif" if isinstance(e, StepActivated) else "selesai"
        try:
            notice = wf.node(e.node).notice
        except KeyError:
            continue
        if notice is None or notice.saat != moment:
            continue
        rows.append(store.Notice(
            state.case_id, e.node, e.attempt, state.notify_channel,
            message_text(wf, e.node, state.values(), state.case_id), store.DUE, now, 0, None))
    if rows:
        store.add_notices(conn, rows)


def pending(rt: Runtime, *, limit: int | None = 500) -> list[Key]:
    """The notices due, oldest first."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        found = store.notices(conn, status=store.DUE, limit=limit)
    return [Key(n.case_id, n.node, n.attempt) for n in found]


def stalled(rt: Runtime) -> list[Key]:
    """The notices taken longer than :data:`STALE_AFTER` ago and never recorded."""
    with rt.engine.connect() as conn:
        found = store.notices(conn, status=store.SENDING, before=rt.now() - STALE_AFTER)
    return [Key(n.case_id, n.node, n.attempt) for n in found]


def take(rt: Runtime, key: Key) -> Outgoing | None:
    """Take the notice for sending (committed before anything is sent); None when it is not
    due (sent, given up, taken by another sender) or the contact is gone (it is dropped)."""
    now = rt.now()
    with begin_write(rt.engine) as conn:
        found = store.notice(conn, key.case_id, key.node, key.attempt)
        if found is None or found.status != store.DUE:
            return None
        contact = store.contact_of(conn, key.case_id)
        if contact is None:
            store.move_notice(conn, key.case_id, key.node, key.attempt, frm=store.DUE,
                              to=store.DROPPED)
            return None
        if not store.move_notice(conn, key.case_id, key.node, key.attempt, frm=store.DUE,
                                 to=store.SENDING, claimed_at=now, tried=True):
            return None
    return Outgoing(key, contact.channel, contact.address, found.message)


def release(rt: Runtime, out: Outgoing) -> None:
    """A try failed: the notice is due again, for the next try."""
    with begin_write(rt.engine) as conn:
        store.move_notice(conn, out.key.case_id, out.key.node, out.key.attempt,
                          frm=store.SENDING, to=store.DUE)


def delivered(rt: Runtime, out: Outgoing) -> bool:
    """Record on the case that the notice was sent, and mark it sent; False when it was
    recorded already."""
    return _record(rt, out.key, store.SENDING, store.SENT, RecordNotice(
        node=out.key.node, attempt=out.key.attempt, channel=out.channel,
        message=out.message))


def give_up(rt: Runtime, key: Key, error: str) -> bool:
    """Record on the case that the notice could not be sent (``error``, which must not hold
    the address), after the tries it had; False when nothing was left to record."""
    with rt.engine.connect() as conn:
        found = store.notice(conn, key.case_id, key.node, key.attempt)
    if found is None or found.status not in (store.DUE, store.SENDING):
        return False
    return _record(rt, key, found.status, store.FAILED, RecordNotice(
        node=key.node, attempt=key.attempt, channel=found.channel, message=found.message,
        delivered=False, error=error[:500], tries=max(found.tries, 1)))


def _record(rt: Runtime, key: Key, frm: str, to: str, command: RecordNotice) -> bool:
    from sop_runtime.service.cases import execute_command

    moved: list[bool] = []

    def mark(conn: Connection, case_id: str, at: datetime) -> None:
        moved.append(store.move_notice(conn, key.case_id, key.node, key.attempt, frm=frm,
                                       to=to))

    try:
        execute_command(rt, key.case_id, command, also=mark)
    except StaleAction:  # recorded already, by another sender
        return False
    return bool(moved and moved[0])
