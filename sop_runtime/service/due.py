"""How open steps stand against their limits, in words people use: ``terlambat 1 hari kerja``
for an overdue step, ``sisa 2 jam kerja`` for one still within its limit.

Both are said in the unit the step's limit is written in, as the case report and the step's
deviation say it (:meth:`sop_runtime.worktime.CourtCalendar.lateness`): calendar days for a
statutory term, working days for ``hari kerja``, working hours and minutes for a limit in
hours or minutes. A step without a deadline has no words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sop_runtime.i18n import current_lang, tr
from sop_runtime.service import catalog
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import supervision as store
from sop_runtime.worktime.duration_text import describe_lateness

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from sop_runtime.definition.timelimit import TimeLimit
    from sop_runtime.service.views import Task

__all__ = ["Due", "due_words", "late_by", "steps_due"]


@dataclass(frozen=True)
class Due:
    """An open step against its deadline: ``overdue`` and, in the limit's unit, ``amount``
    (how late, or how much is left), said in a sentence's fragment (``text``)."""

    overdue: bool
    amount: str   # "3 jam 45 menit kerja"
    text: str     # "terlambat 3 jam 45 menit kerja" / "sisa 2 jam kerja"


def _limits(rt: Runtime, conn: Connection,
            steps: Sequence[tuple[str, str]]) -> dict[tuple[str, str], TimeLimit | None]:
    """Each (case, node)'s time limit, as the workflow version the case runs on writes it."""
    versions = store.case_versions(conn, {case for case, _ in steps})
    out: dict[tuple[str, str], TimeLimit | None] = {}
    for case, node in steps:
        version = versions.get(case)
        limit = None
        if version is not None:
            try:
                limit = catalog.workflow(rt, conn, version).node(node).limit
            except KeyError:
                limit = None
        out[case, node] = limit
    return out


def due_words(rt: Runtime, tasks: Sequence[Task], now: datetime | None = None
              ) -> list[Due | None]:
    """For each of ``tasks`` (in order): how late it is, or how much time is left, at
    ``now`` (default: the runtime's now); None for a step without a deadline."""
    return steps_due(rt, [(t.case_id, t.node, t.due_at) for t in tasks], now)


def steps_due(rt: Runtime, steps: Sequence[tuple[str, str, datetime | None]],
              now: datetime | None = None) -> list[Due | None]:
    """For each (case, node, due time) of ``steps``: as :func:`due_words`."""
    moment = now or rt.now()
    dated = [(case, node) for case, node, due in steps if due is not None]
    if not dated:
        return [None for _ in steps]
    lang = current_lang()
    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        limits = _limits(rt, conn, dated)
    out: list[Due | None] = []
    for case, node, due in steps:
        if due is None:
            out.append(None)
            continue
        overdue = due < moment
        # how far ``moment`` is past the deadline, or the deadline past ``moment``
        start, end = (due, moment) if overdue else (moment, due)
        unit, amount = calendar.lateness(start, end, limits.get((case, node)))
        words = describe_lateness(unit, amount, calendar.minutes_per_working_day, lang)
        if overdue:
            out.append(Due(True, words, tr("terlambat {d}", "late by {d}", d=words)))
        elif amount == 0:
            out.append(Due(False, words, tr("jatuh tempo sekarang", "due now")))
        else:
            out.append(Due(False, words, tr("sisa {d}", "{d} left", d=words)))
    return out


def late_by(rt: Runtime, conn: Connection, steps: Sequence[tuple[str, str, datetime]],
            now: datetime) -> list[str]:
    """How late each (case, node, due) is at ``now``, in its limit's unit (``3 hari
    kalender``), within a caller's connection."""
    if not steps:
        return []
    _, calendar = catalog.court(rt, conn)
    limits = _limits(rt, conn, [(case, node) for case, node, _ in steps])
    lang = current_lang()
    return [describe_lateness(*calendar.lateness(due, now, limits.get((case, node))),
                              calendar.minutes_per_working_day, lang)
            for case, node, due in steps]
