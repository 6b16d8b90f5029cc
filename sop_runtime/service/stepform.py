"""What a step's form shows beside its kelengkapan, output and case fields: the value an
earlier step (or the case's opening) already recorded for the same item, who recorded it (by
name and jabatan) and when, to show and pre-fill. A different value given at the step needs
a reason and is flagged as a contradiction by the engine
(:mod:`sop_runtime.engine.recorded`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sop_runtime.audit.document import Names
from sop_runtime.definition.models import Item, ItemKind
from sop_runtime.engine.recorded import Recorded, recorded_values
from sop_runtime.engine.values import value_text
from sop_runtime.i18n import tr
from sop_runtime.service.letterhead import names
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.views import CaseView
from sop_runtime.wording import moment_text, rupiah_text


@dataclass(frozen=True)
class EarlierValue:
    """``item``'s value as recorded before this step: ``value`` as stored, ``text`` as people
    read it, ``prefill`` as the form's field takes it; where (``node``, None for the case's
    opening; ``where`` in words), by whom (``by``: a name, ``jabatan``) and when (``at``,
    ``when`` in words)."""

    item: str
    nama: str
    jenis: str
    value: str
    text: str
    prefill: str
    node: str | None
    where: str
    by: str
    jabatan: str | None
    at: datetime
    when: str


def _prefill(item: Item, value: str) -> str:
    if item.jenis is ItemKind.UANG:
        return rupiah_text(value)  # what the field takes back (and a clerk reads)
    return value  # a tick's ada / tidak ada picks its radio button


def earlier_values(rt: Runtime, view: CaseView, node: str) -> dict[str, EarlierValue]:
    """The values recorded before step ``node`` for the items it names, by item id."""
    wf = view.workflow
    items = wf.items_at(wf.node(node))
    found = {k: r for k, r in recorded_values(view.state, besides=node).items() if k in items}
    if not found:
        return {}
    with rt.engine.connect() as conn:
        people = names(conn)
    tz = court_zone(rt)
    return {key: _earlier(view, items[key], r, people.user(r.actor), _jabatan(view, r, people),
                          moment_text(r.at, tz))
            for key, r in found.items()}


def _jabatan(view: CaseView, r: Recorded, people: Names) -> str | None:
    """The jabatan the recorder acted in: their roles among the step's acting roles (or all
    they hold)."""
    if r.actor is None:
        return None
    held = people.held.get(r.actor, frozenset())
    acting: tuple[str, ...] = ()
    if r.node is not None:
        acting = tuple(x for x in view.workflow.acting_roles(view.workflow.node(r.node))
                       if x in held)
    return ", ".join(people.role(x) for x in (acting or tuple(sorted(held)))) or None


def _earlier(view: CaseView, item: Item, r: Recorded, by: str, jabatan: str | None,
             when: str) -> EarlierValue:
    if r.node is None:
        where = tr("saat perkara dibuka", "when the case was opened")
    else:
        kegiatan = " ".join(view.workflow.node(r.node).kegiatan.split())
        where = tr("langkah {n}: {k}", "step {n}: {k}", n=r.node, k=kegiatan)
    return EarlierValue(item=item.id, nama=item.nama, jenis=str(item.jenis), value=r.value,
                        text=value_text(item, r.value), prefill=_prefill(item, r.value),
                        node=r.node, where=where, by=by, jabatan=jabatan, at=r.at, when=when)
