"""Generated logs for checking the checker: clean cases of a real SOP, walked along a known
route by the engine itself (so every step is done by someone who may, on time, with its
mutu baku), and mutations injected at known positions, each with the one finding it must
cause.

A clean case is what SIPP's step table would hold for a case done by the book: one row per
step, in time order, naming the activity (``"<no>. <kegiatan>"``), the person and the
values recorded. Mutations:

- ``swap``: two neighbouring rows exchange their activities (the times stay): the step moved
  forward is done out of order;
- ``delete``: a row is lost: its step was skipped;
- ``actor``: a row names someone who holds none of the step's roles: wrong actor;
- ``delay``: a step is done after its time limit (the rows after it move by as much): late;
- ``repeat``: a row is written twice: the step was redone (rework);
- ``blank``: a required output's cell is left empty: missing output.

Positions are chosen inside the route (never the first or last row, where a mutation would
also start or end the case somewhere else), and a swap never involves a decision or the
step a decision leads to, so that each mutation has exactly one right answer. A swap moves
forward only a step that the row before it opened: two steps of parallel paths (``lanjut:
[..]``), open at once, may be done in either order. A joint step (``bersama``) has one row
per officer; its rows are neither deleted nor repeated (one officer's act lost or written
twice is not the step skipped or redone).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import yaml

from sop_runtime.compiler.workflow import EdgeKind, Workflow
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.loader import read_yaml_file
from sop_runtime.definition.models import StepKind
from sop_runtime.engine.actors import Directory
from sop_runtime.engine.checks import Context
from sop_runtime.engine.commands import CompleteStep, StartCase
from sop_runtime.engine.decision import decide
from sop_runtime.engine.events import DeviationFlagged
from sop_runtime.engine.state import CaseState, apply
from sop_runtime.worktime import CourtCalendar

# the account that records automated steps (sop_runtime.service.automation.SYSTEM), and the
# name a log gives it
SYSTEM, SYSTEM_NAME = "sistem", "Sistem"

MUTATIONS = ("swap", "delete", "actor", "delay", "repeat", "blank")
EXPECTED_KIND = {"swap": "out_of_order", "delete": "skipped", "actor": "wrong_actor",
                 "delay": "overdue", "repeat": "rework", "blank": "missing_output"}


@dataclass(frozen=True, slots=True)
class RouteStep:
    node: str
    actor: str                    # username
    decision: str | None
    values: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Row:
    case: str
    node: str
    activity: str
    person: str                   # the name the log shows
    at: datetime
    decision: str
    values: Mapping[str, str]
    due: datetime | None = None   # the step's deadline when it was done by the book
    service_due: datetime | None = None  # the case's service standard, if it has one
    opened: datetime | None = None  # when the step opened (in the clean case)


@dataclass(frozen=True, slots=True)
class Injected:
    case: str
    mutation: str
    kind: str
    node: str


def activity_name(wf: Workflow, node: str) -> str:
    n = wf.node(node)
    return f"{n.no}. {n.kegiatan}"


def load_routes(path: Path) -> dict[str, list[RouteStep]]:
    """Routes in the form of ``tests/golden/routes.yaml``: per SOP, the steps in order with
    ``langkah``, ``oleh`` (username), ``keputusan`` and ``nilai``."""
    data = read_yaml_file(path).data  # read as every YAML file is: bounded, located
    return {sop: [RouteStep(str(s["langkah"]), s["oleh"], s.get("keputusan"),
                            {k: str(v) for k, v in s.get("nilai", {}).items()})
                  for s in steps]
            for sop, steps in data["rute"].items()}


class Generator:
    """Clean cases of ``wf`` along ``route`` and their mutations; ``names`` gives the name
    the log shows for each user."""

    def __init__(self, wf: Workflow, route: Sequence[RouteStep], calendar: CourtCalendar,
                 directory: Directory, names: Mapping[str, str], seed: int = 1) -> None:
        self.wf, self.route, self.calendar, self.directory = wf, route, calendar, directory
        self.names = names
        self.rng = random.Random(seed)
        self.items = sorted({k for s in route for k in s.values})
        decisions = {s.node for s in route if wf.node(s.node).kind is StepKind.KEPUTUSAN}
        self.led_by_decision = {t.target for n in decisions for t in wf.node(n).transitions
                                if t.kind is EdgeKind.BRANCH}
        self.decisions = decisions

    @classmethod
    def for_court(cls, wf: Workflow, route: Sequence[RouteStep], court: CourtFile,
                  seed: int = 1) -> Generator:
        """Cases done by the users of ``court`` (court.yaml), under its calendar; a route
        with automated steps has them done by the system account, which holds the court's
        ``sistem`` roles (as the service does it)."""
        roles = {u.username: frozenset(u.peran) for u in court.pengguna}
        names = {u.username: u.nama for u in court.pengguna}
        if any(wf.node(s.node).kind is StepKind.OTOMATIS for s in route):
            roles[SYSTEM] = frozenset(p.id for p in court.peran if p.sistem)
            names[SYSTEM] = SYSTEM_NAME
        directory = Directory(roles=roles, supervisor_roles=frozenset(
            p.id for p in court.peran if p.pengawas))
        return cls(wf, route, CourtCalendar.from_court(court), directory, names, seed)

    # -- clean cases ---------------------------------------------------------------------

    def clean(self, case: str, start: datetime) -> list[Row]:
        """The case walked by the engine: each step done by its route's user, a few minutes
        after it opened and well inside its limit."""
        state = CaseState(case_id=case)
        ctx = Context(now=start, calendar=self.calendar, directory=self.directory)
        for e in decide(self.wf, state, StartCase(actor=self.route[0].actor, at=start),
                        ctx=ctx):
            state = apply(state, e)
        rows: list[Row] = []
        for i, step in enumerate(self.route):
            left = len(self.route) - i
            current = state.current(step.node)
            assert current is not None and current.is_open, (self.wf.sop_id, step.node)
            room = 30 * 60.0
            if current.due_at is not None:
                room = min(room, self.calendar.working_seconds_between(
                    current.activated_at, current.due_at) / 2)
            if state.service_due is not None:  # the whole service's standard, shared out
                room = min(room, self.calendar.working_seconds_between(
                    current.activated_at, state.service_due) / (2 * left))
            at = current.activated_at + timedelta(seconds=self.rng.uniform(60, max(61, room)))
            if rows:  # in route order: a step of a parallel path opened earlier is done later
                at = max(at, rows[-1].at + timedelta(seconds=60))
            ctx = Context(now=at, calendar=self.calendar, directory=self.directory)
            events = decide(self.wf, state, CompleteStep(
                actor=step.actor, at=at, node=step.node, values=step.values,
                decision=step.decision), ctx=ctx)
            flagged = [e for e in events if isinstance(e, DeviationFlagged)]
            assert not flagged, (self.wf.sop_id, step.node, flagged)
            for e in events:
                state = apply(state, e)
            rows.append(Row(case, step.node, activity_name(self.wf, step.node),
                            self.names[step.actor], at, step.decision or "",
                            dict(step.values), current.due_at, state.service_due,
                            current.activated_at))
        return rows

    def start_times(self, count: int, first: datetime, per_day: int = 40) -> list[datetime]:
        """``count`` starts on working days from ``first`` on, in office hours, up to
        ``per_day`` a day."""
        out: list[datetime] = []
        day = first
        while len(out) < count:
            intervals = self.calendar.office_intervals(day.date())
            if intervals:
                opens, closes = intervals[0]
                span = max(60, int((closes - opens).total_seconds()) - 3600)
                for _ in range(min(count - len(out), per_day)):
                    out.append(opens + timedelta(seconds=self.rng.randrange(span)))
            day += timedelta(days=1)
        return out

    # -- mutations -----------------------------------------------------------------------

    def mutate(self, rows: list[Row], mutation: str) -> tuple[list[Row], Injected] | None:
        """``rows`` with one ``mutation`` at a random position it can take (None: there is
        no such position in this route)."""
        try:
            return self._mutate(rows, mutation)
        except _NoSpot:
            return None

    def _pick(self, spots: Sequence[Any]) -> Any:
        if not spots:
            raise _NoSpot
        return self.rng.choice(spots)

    def _mutate(self, rows: list[Row], mutation: str) -> tuple[list[Row], Injected]:
        inner = range(1, len(rows) - 1)
        case = rows[0].case
        if mutation == "swap":
            spots = [i for i in inner if i + 1 < len(rows) - 1
                     and rows[i].node != rows[i + 1].node
                     and _opened_by(rows[i + 1], rows[i])
                     and _by(rows[i + 1].at, rows[i].due)
                     and self._in_time_after(rows[i + 2], opened=rows[i].at)
                     and not {rows[i].node, rows[i + 1].node} & (
                         self.decisions | self.led_by_decision)]
            i = self._pick(spots)
            a, b = rows[i], rows[i + 1]
            rows = [*rows[:i], _moved(b, a.at), _moved(a, b.at), *rows[i + 2:]]
            return rows, Injected(case, mutation, EXPECTED_KIND[mutation], b.node)
        single = [i for i in inner if not self.wf.node(rows[i].node).joint]
        if mutation == "delete":
            i = self._pick(single)
            return [*rows[:i], *rows[i + 1:]], Injected(case, mutation, "skipped", rows[i].node)
        if mutation == "actor":
            strangers: list[tuple[int, list[str]]] = []
            for i in inner:
                node = self.wf.node(rows[i].node)
                allowed = set(self.wf.acting_roles(node))
                seen = {r.person for r in rows}
                others = [u for u, held in self.directory.roles.items()
                          if not held & allowed and self.names.get(u) not in seen]
                if others:
                    strangers.append((i, others))
            i, others = self._pick(strangers)
            stranger = self.names[self.rng.choice(sorted(others))]
            rows = [*rows[:i], replace(rows[i], person=stranger), *rows[i + 1:]]
            return rows, Injected(case, mutation, "wrong_actor", rows[i].node)
        if mutation == "delay":
            # late by up to 30 minutes, where that makes no later step late through an
            # anchor and keeps the whole service within its standard
            delays: list[tuple[int, timedelta]] = []
            for i in inner:
                due, end = rows[i].due, rows[-1]
                if due is None or any(self.wf.node(r.node).anchor for r in rows[i + 1:]):
                    continue
                shift = due + timedelta(minutes=self.rng.randint(1, 30)) - rows[i].at
                if end.service_due is None or end.at + shift <= end.service_due:
                    delays.append((i, shift))
            i, shift = self._pick(delays)
            rows = [*rows[:i], *(replace(r, at=r.at + shift) for r in rows[i:])]
            return rows, Injected(case, mutation, "overdue", rows[i].node)
        if mutation == "repeat":
            i = self._pick(single)
            again = replace(rows[i], at=rows[i].at + (rows[i + 1].at - rows[i].at) / 2)
            return [*rows[:i + 1], again, *rows[i + 1:]], Injected(case, mutation, "rework",
                                                                   rows[i].node)
        if mutation == "blank":
            outputs = [(i, o.id) for i in inner for o in self.wf.node(rows[i].node).outputs
                       if o.wajib and o.id in rows[i].values]
            i, item = self._pick(outputs)
            values = {k: v for k, v in rows[i].values.items() if k != item}
            rows = [*rows[:i], replace(rows[i], values=values), *rows[i + 1:]]
            return rows, Injected(case, mutation, "missing_output", rows[i].node)
        raise ValueError(mutation)

    def _in_time_after(self, row: Row, opened: datetime) -> bool:
        """Whether ``row``'s step is still on time if it opens at ``opened`` (a step done
        ahead of the flow opens what follows it when it is done)."""
        node = self.wf.node(row.node)
        if node.limit is None or node.anchor is not None:
            return node.anchor is None
        return row.at <= self.calendar.due(opened, node.limit)

    # -- files ---------------------------------------------------------------------------

    def mapping(self) -> dict[str, Any]:
        """The mapping file (as data) that reads the logs this generator writes."""
        people = {self.names[u]: sorted(held) for u, held in self.directory.roles.items()
                  if u in self.names}
        return {
            "sop": self.wf.sop_id,
            "kolom": {"perkara": "perkara", "aktivitas": "aktivitas", "pelaksana": "pelaksana",
                      "waktu": "waktu", "keputusan": "keputusan"},
            "aktivitas": {activity_name(self.wf, n.id): n.no for n in self.wf.nodes},
            "pelaksana": people,
            "nilai": {item: item for item in self.items},
        }

    def write_mapping(self, path: Path) -> None:
        path.write_text(yaml.safe_dump(self.mapping(), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")

    def header(self) -> list[str]:
        return ["perkara", "aktivitas", "pelaksana", "waktu", "keputusan", *self.items]

    def write_rows(self, out: TextIO, rows: Sequence[Row], *, header: bool = False) -> None:
        writer = csv.writer(out, lineterminator="\n")
        if header:
            writer.writerow(self.header())
        for r in rows:
            writer.writerow([r.case, r.activity, r.person, r.at.isoformat(), r.decision,
                             *(r.values.get(item, "") for item in self.items)])


def _opened_by(row: Row, before: Row) -> bool:
    """Whether ``row``'s step was opened by ``before``'s completion (not earlier, as a step
    of a parallel path is, nor by another step's)."""
    return row.opened is None or row.opened == before.at


def _by(moment: datetime, due: datetime | None) -> bool:
    return due is None or moment <= due


class _NoSpot(Exception):
    pass


def _moved(row: Row, at: datetime) -> Row:
    return replace(row, at=at)
