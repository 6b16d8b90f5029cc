"""Generated logs as messy as a real office's, for checking the checker where it matters.

:mod:`sop_runtime.conformance.synthetic_log` writes clean cases, one after the other, each
row complete. A court's own log is not like that: cases are worked at once, so their rows
interleave; the export ends on some day, leaving cases open; a desk or an application
writes rows without a person; a reprint or a phone call is written between the steps; a
decision's outcome is left blank; case attributes repeat in columns of their own; rows are
exported twice; and a role column stands for staff the mapping does not list. Each of those
is a switch of :class:`Messiness` here, applied to the clean generator's cases, so that the
mutation test can be run on logs like a real one and its precision and recall measured.

Every mutation keeps its one right answer (case, kind, step), which the messiness can move:

- a case cut by the log's end keeps a mutation only when the mutated rows and the row after
  them are before the cut (and never a deletion: a lost row and a cut look alike); the steps
  open at the cut are known from the clean walk (a blank decision whose branch target is cut
  off stays open itself);
- in a log written with dates only, a delay puts the step on a working day after the day of
  its deadline (the deadline counted from the close of the day that opened the step), the
  rows after it staying on working days and within their own limits and the service
  standard; a swap exchanges two rows of one day; a repeated row differs from the row it
  repeats in a value (otherwise it would be a duplicate row, written twice by mistake);
- a blank decision is never in a case whose mutation deletes a row (the branch target the
  decision is inferred from could be the row deleted);
- rows without a person are only the desk role's (and the system's) and never a step under a
  separation of duties; the people a role column stands for replace, in a case, each a court
  user of one role, one for one.

Noise rows (activities the mapping leaves out or marks ``abaikan``) are written between a
case's rows, including between a decision and its branch target; two branches of a parallel
split (``lanjut: [..]``) are done in either order, each case walked by the engine so that
the order is clean.
"""

from __future__ import annotations

import csv
import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TextIO

from sop_runtime.compiler.workflow import EdgeKind, Workflow
from sop_runtime.conformance.synthetic_log import (
    EXPECTED_KIND,
    MUTATIONS,
    SYSTEM_NAME,
    Generator,
    Injected,
    RouteStep,
    Row,
)
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.models import ItemKind, StepKind
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.engine.timing import is_counted

# activities a court's log holds that are no step of the SOP: left unmapped, or mapped to
# 'abaikan' (the first two)
NOISE_IGNORED = ("Cetak ulang tanda terima", "Catatan petugas")
NOISE_UNMAPPED = ("Telepon pemohon", "Pindai berkas")
# staff a role column stands for, whom the mapping does not list
EXTRA_NAMES = ("Hasan Umasugi", "Nurlela Fabanyo", "Rusdi Duwila", "Wati Soamole",
               "Yamin Buamona", "Sarni Umaternate", "Kamal Sangadji", "Fatma Hoky",
               "Idris Tidore", "Nona Makian", "Ilham Drakel", "Rahma Sahupala")
DATE_FORMAT = "%d/%m/%Y"           # how date values (and a date-only log's times) are written
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # a timed log's times: local, no zone
# the clean generator's mutations, and a row naming no one for a step that is not the
# mapping's pelaksana_bawaan's: the log does not say who acted (no_actor) or, with a
# pelaksana_bawaan, says that someone of other roles did (wrong_actor)
MESSY_MUTATIONS = (*MUTATIONS, "nobody")
NO_ACTOR = "no_actor"


@dataclass(frozen=True, slots=True)
class Messiness:
    """What makes a log messy; each a switch (0 / False / "tidak": off)."""

    per_day: int = 6                 # cases started per working day (open at once)
    interleave: bool = True          # rows sorted by time across cases, not grouped by case
    noise: float = 0.4               # share of gaps between a case's rows with a noise row
    blank_decisions: float = 0.4     # share of cases whose decision cells are empty
    parallel_either: bool = True     # parallel branches done in either order
    cut: bool = True                 # the log ends soon after the last case started
    nobody: float = 0.5              # share of the desk role's rows that name no one
    automated_nobody: bool = True    # automated steps' rows name no one
    dates_only: bool = False         # times written as dates only
    fields: Literal["tiap", "pertama", "tidak"] = "tiap"  # case fields: every row / first
    duplicates: float = 0.05         # share of replayed rows written twice
    extra_people: float = 0.4        # share of cases done (in part) by unlisted staff


CLEAN = Messiness(per_day=40, interleave=False, noise=0, blank_decisions=0,
                  parallel_either=False, cut=False, nobody=0, automated_nobody=False,
                  fields="tidak", duplicates=0, extra_people=0)


@dataclass
class MessyLog:
    """A generated log and what the checker must find in it."""

    rows: list[Row]                                   # in file order
    injected: set[tuple[str, str, str]]               # (case, kind, step)
    clean: set[str]                                   # cases with no mutation
    unfinished: dict[str, frozenset[str]]             # case cut by the log's end -> open steps
    cases: list[str]
    log_end: datetime
    duplicates: int = 0
    by_mutation: dict[str, str] = field(default_factory=dict)  # case -> mutation
    fields: dict[str, dict[str, str]] = field(default_factory=dict)  # case -> case fields


@dataclass
class _Case:
    name: str
    gen: Generator
    clean: list[Row]
    rows: list[Row]
    injected: Injected | None = None
    changed: int = -1                 # first row the mutation changed
    blank_decisions: bool = False


class MessyGenerator:
    """Messy logs of one SOP along its route, done by the users of one court."""

    def __init__(self, wf: Workflow, route: Sequence[RouteStep], court: CourtFile,
                 messiness: Messiness = Messiness(), seed: int = 1) -> None:
        self.wf, self.court, self.messy = wf, court, messiness
        self.rng = random.Random(seed)
        self.base = Generator.for_court(wf, route, court, seed)
        self.calendar = self.base.calendar
        variant = _parallel_variant(wf, route) if messiness.parallel_either else None
        self.variant = Generator.for_court(wf, variant, court, seed + 1) if variant else None
        self.role_names = {p.id: p.nama for p in court.peran}
        self.automated = any(wf.node(s.node).kind is StepKind.OTOMATIS for s in route)
        self.system_roles = sorted(p.id for p in court.peran if p.sistem)
        single = {u: next(iter(held)) for u, held in self.base.directory.roles.items()
                  if len(held) == 1 and u in {s.actor for s in route}}
        self.desk = self._desk_role(route, single)
        self.extra: dict[str, str] = {}   # court user -> the unlisted person standing in
        names = iter(EXTRA_NAMES)
        for user in sorted(single):
            if user != "sistem":
                self.extra[user] = next(names, f"Staf {len(self.extra) + 1}")
        self.role_of = {self.base.names[u]: self.role_names.get(sorted(held)[0], "")
                        for u, held in self.base.directory.roles.items() if u != "sistem"}
        self.role_of.update({self.extra[u]: self.role_names[r] for u, r in single.items()
                             if u in self.extra})
        separated = {str(no) for rule in wf.separation for no in rule.langkah}
        self.separated = {n.id for n in wf.nodes if str(n.no) in separated}
        self.branches = {n for s in wf.nodes if s.is_split for t in s.transitions
                         if t.kind is EdgeKind.NEXT for n in _reach(wf, t.target)}
        self.kinds = {f.id: f.jenis for f in wf.fields}
        for n in wf.nodes:
            self.kinds.update({i.id: i.jenis for i in (*n.inputs, *n.outputs)})

    def _desk_role(self, route: Sequence[RouteStep], single: Mapping[str, str]) -> str | None:
        """The role whose rows may name no one: the most frequent among the route's
        single-role users (none of a supervisor's)."""
        supervisors = {p.id for p in self.court.peran if p.pengawas or p.sistem}
        counts: dict[str, int] = {}
        for s in route:
            role = single.get(s.actor)
            if role is not None and role not in supervisors:
                counts[role] = counts.get(role, 0) + 1
        return max(sorted(counts), key=lambda r: counts[r]) if counts else None

    # -- the log ---------------------------------------------------------------------------

    def log(self, count: int, first: datetime, *, mutations: Sequence[str] = MESSY_MUTATIONS
            ) -> MessyLog:
        """``count`` cases started from ``first`` on: a clean one after every
        ``len(mutations)`` mutated ones, each mutation in turn."""
        m = self.messy
        cases: list[_Case] = []
        cycle = len(mutations) + 1
        for k, start in enumerate(self._starts(count, first)):
            gen = self.variant if self.variant is not None and k % 2 else self.base
            name = f"{self.wf.sop_id}-{k:03d}"
            clean = self._people(gen.clean(name, start))
            case = _Case(name, gen, clean, clean)
            if k % cycle < len(mutations):
                self._mutate(case, mutations[k % cycle])
            cases.append(case)
        log_end = self._log_end(cases)
        out = MessyLog([], set(), set(), {}, [c.name for c in cases], log_end)
        per_case: list[list[Row]] = []
        for case in cases:
            if case.rows[0].at > log_end:
                out.cases.remove(case.name)
                continue
            case.blank_decisions = (m.blank_decisions > 0 and (
                case.injected is None or case.injected.mutation != "delete")
                and self.rng.random() < m.blank_decisions)
            rows = self._cut(case, log_end, out)
            if case.injected is not None:
                out.injected.add((case.name, case.injected.kind, case.injected.node))
                out.by_mutation[case.name] = case.injected.mutation
            else:
                out.clean.add(case.name)
            out.fields[case.name] = {k: v for r in case.clean for k, v in r.values.items()
                                     if k in self.wf.field_ids}
            if case.blank_decisions:
                rows = [replace(r, decision="") if r.decision else r for r in rows]
            rows, copies = self._duplicates(self._noise(rows))
            out.duplicates += copies
            per_case.append(rows)
        if m.interleave:
            out.rows = sorted((r for rows in per_case for r in rows), key=lambda r: r.at)
        else:
            out.rows = [r for rows in per_case for r in rows]
        return out

    def _starts(self, count: int, first: datetime) -> list[datetime]:
        """When the cases start, ``per_day`` a working day; in a log of dates that is cut,
        a few cases of the last day whose next day is a working one are entered late in the
        evening (a backlog, an online filing), so that they run past the day the log ends."""
        starts = self.base.start_times(count, first, self.messy.per_day)
        same_day = any(n.limit is not None and n.limit.same_day for n in self.wf.nodes)
        if not (self.messy.dates_only and self.messy.cut) or same_day:
            return starts  # a step due "the same day" would be late past midnight
        days = sorted({s.date() for s in starts}, reverse=True)
        day = next((d for d in days
                    if self.calendar.office_intervals(d + timedelta(days=1))), None)
        if day is None:
            return starts
        late = [k for k, s in enumerate(starts) if s.date() == day][-3:]
        for k in late:
            starts[k] = datetime.combine(day, time(22, 30), tzinfo=starts[k].tzinfo) + \
                timedelta(minutes=self.rng.randrange(60))
        return starts

    def _people(self, rows: list[Row]) -> list[Row]:
        """Rows naming no one (the desk role's, the system's) and unlisted staff standing
        in for court users in a share of cases."""
        m, names = self.messy, self.base.names
        stand_in = {names[u]: e for u, e in self.extra.items()
                    if m.extra_people and self.rng.random() < m.extra_people}
        out = []
        for r in rows:
            person = stand_in.get(r.person, r.person)
            if self._unnamed(r):
                person = ""
            out.append(replace(r, person=person))
        return out

    def _unnamed(self, row: Row) -> bool:
        """Whether ``row`` names no one: an automated step's, or in a share the desk
        role's (never a joint step's, nor one under a separation of duties)."""
        node = self.wf.node(row.node)
        if row.node in self.separated or node.joint:
            return False
        if row.person == SYSTEM_NAME:
            return self.messy.automated_nobody
        return (self.desk is not None and self.desk in self.wf.acting_roles(node)
                and self.role_of.get(row.person) == self.role_names[self.desk]
                and self.rng.random() < self.messy.nobody)

    # -- mutations -------------------------------------------------------------------------

    def _mutate(self, case: _Case, mutation: str) -> None:
        for _ in range(8):  # a spot that fits this log's messiness
            if mutation == "nobody":
                done = self._nobody(case.clean)
            elif mutation == "delay" and self.messy.dates_only:
                done = self._day_delay(case.clean)
            else:
                done = case.gen.mutate(case.clean, mutation)
            if done is None:
                return
            rows, injected = done
            changed = next((i for i, (a, b) in enumerate(zip(case.clean, rows, strict=False))
                            if a != b), min(len(case.clean), len(rows)))
            if self.messy.dates_only:
                fixed = self._fits_days(rows, changed, mutation)
                if fixed is None:
                    continue
                rows = fixed
            case.rows, case.injected, case.changed = rows, injected, changed
            return

    def _fits_days(self, rows: list[Row], i: int, mutation: str) -> list[Row] | None:
        """``rows`` (changed from row ``i`` on) as a log of dates can show them with the
        mutation's one answer, or None."""
        if mutation == "swap" and rows[i].at.date() != rows[i + 1].at.date():
            return None
        if mutation == "repeat":  # the repeated row must not be a duplicate of the first
            again = rows[i]
            texts = [k for k, v in again.values.items()
                     if self.kinds.get(k) in (ItemKind.TEKS, ItemKind.DOKUMEN) and v
                     and k not in self.wf.field_ids]
            if not texts:
                return None
            values = {**again.values, texts[0]: again.values[texts[0]] + " (perbaikan)"}
            return [*rows[:i], replace(again, values=values), *rows[i + 1:]]
        return rows

    def _nobody(self, rows: list[Row]) -> tuple[list[Row], Injected] | None:
        """A row naming no one at a step that no role of pelaksana_bawaan does."""
        default = set(self.default_roles())
        spots = [i for i in range(1, len(rows) - 1) if rows[i].person
                 and not self.wf.node(rows[i].node).joint
                 and not default & set(self.wf.acting_roles(self.wf.node(rows[i].node)))]
        if not spots:
            return None
        i = self.rng.choice(spots)
        # with a pelaksana_bawaan, the row is done by a holder of roles not the step's
        kind = "wrong_actor" if default else NO_ACTOR
        return ([*rows[:i], replace(rows[i], person=""), *rows[i + 1:]],
                Injected(rows[0].case, "nobody", kind, rows[i].node))

    def _day_delay(self, rows: list[Row]) -> tuple[list[Row], Injected] | None:
        """A step done on a working day after the day of its deadline, as a log of dates
        shows it (the deadline counted from the close of the day that opened the step)."""
        spots = []
        for i in range(1, len(rows) - 1):
            node, opened = self.wf.node(rows[i].node), rows[i].opened
            if (node.anchor is not None or node.limit is None or not is_counted(node.limit)
                    or node.joint or opened is None
                    or any(self.wf.node(r.node).anchor for r in rows[i + 1:])):
                continue
            due = self._day_due(opened, node.limit, node.limit_end)
            late = self.calendar.next_working_day(due + timedelta(days=1))
            at = datetime.combine(late, rows[i].at.timetz())
            moved = self._shifted(rows, i, at - rows[i].at)
            if moved is not None:
                spots.append((i, moved))
        if not spots:
            return None
        i, moved = self.rng.choice(spots)
        return moved, Injected(rows[0].case, "delay", EXPECTED_KIND["delay"], rows[i].node)

    def _shifted(self, rows: list[Row], i: int, shift: timedelta) -> list[Row] | None:
        """``rows`` from ``i`` on moved by ``shift``, if every moved row stays on a working
        day and within its limit (to the day) and the case within its service standard."""
        moved = [*rows[:i], *(replace(r, at=r.at + shift) for r in rows[i:])]
        for j in range(i, len(rows)):
            r = moved[j]
            if not self.calendar.office_intervals(r.at.date()):
                return None
            node = self.wf.node(r.node)
            if j == i or not is_counted(node.limit) or r.opened is None:
                continue
            assert node.limit is not None
            opened = r.opened + shift if r.opened >= rows[i].at else r.opened
            if r.at.date() > self._day_due(opened, node.limit, node.limit_end):
                return None
        if is_counted(self.wf.service_limit):
            assert self.wf.service_limit is not None
            if self.wf.service_anchor is not None:
                return None
            due = self.calendar.due(self._close(moved[0].at.date()), self.wf.service_limit,
                                    channel=self.wf.channel)
            if moved[-1].at.date() > due.date():
                return None
        return moved

    def _day_due(self, opened: datetime, limit: TimeLimit, end: str | None) -> date:
        return self.calendar.due(self._close(opened.date()), limit, end=end,
                                 channel=self.wf.channel).date()

    def _close(self, day: date) -> datetime:
        intervals = self.calendar.office_intervals(day)
        if intervals:
            return intervals[-1][1]
        return datetime.combine(day, time.max, tzinfo=self.calendar.tz)

    # -- the cut ---------------------------------------------------------------------------

    def _log_end(self, cases: Sequence[_Case]) -> datetime:
        """Just after the last case started; in a log of dates, the end of the last day
        that some case runs past (the cases started after it are not in the log)."""
        last = max(c.rows[0].at for c in cases)
        if not self.messy.cut:
            return max(r.at for c in cases for r in c.rows)
        if self.messy.dates_only:  # the last day some case runs past
            spans = [(c.rows[0].at.date(), c.rows[-1].at.date()) for c in cases]
            crossed = [d for d in sorted({d for d, _ in spans}, reverse=True)
                       if any(a <= d < b for a, b in spans)]
            day = crossed[0] if crossed else last.date()
            return datetime.combine(day, time.max, tzinfo=self.calendar.tz)
        return last + timedelta(minutes=1)

    def _cut(self, case: _Case, log_end: datetime, out: MessyLog) -> list[Row]:
        """The case's rows up to the log's end; a case cut before its end is unfinished,
        with the steps open at the cut. A mutation that the cut would change is dropped."""
        if case.rows[-1].at <= log_end:
            return case.rows
        if case.injected is not None:
            kept = sum(r.at <= log_end for r in case.rows)
            if case.injected.mutation == "delete" or kept < case.changed + 3:
                case.rows, case.injected = case.clean, None
                if case.rows[-1].at <= log_end:
                    return case.rows
        rows = [r for r in case.rows if r.at <= log_end]
        done = len(rows) - (1 if case.injected is not None
                            and case.injected.mutation == "repeat" else 0)
        out.unfinished[case.name] = self._open_after(case, done)
        return rows

    def _open_after(self, case: _Case, done: int) -> frozenset[str]:
        """The steps open once the clean case's first ``done`` rows are done."""
        clean = case.clean
        opener = [max((m for m, r in enumerate(clean) if r.at <= row.opened), default=-1)
                  if row.opened is not None else -1 for row in clean]
        last = done - 1
        open_now = {clean[j].node for j in range(len(clean)) if opener[j] <= last < j}
        node = self.wf.node(clean[last].node)
        if case.blank_decisions and node.kind is StepKind.KEPUTUSAN and not node.data_decided:
            # nothing after the decision tells its branch (nor does the case's data): it
            # stays open
            open_now = {clean[j].node for j in range(len(clean))
                        if opener[j] < last < j} | {node.id}
        return frozenset(open_now)

    # -- noise and duplicates ----------------------------------------------------------------

    def _noise(self, rows: list[Row]) -> list[Row]:
        """Rows of activities that are no step between a case's rows: always after a
        decision whose cell is empty, else in a share of the gaps."""
        out: list[Row] = []
        people = sorted({r.person for r in rows})
        written: set[tuple[str, str, date]] = set()
        for a, b in itertools.pairwise(rows):
            out.append(a)
            after_decision = self.wf.node(a.node).kind is StepKind.KEPUTUSAN
            if not self.messy.noise or not (
                    (after_decision and not a.decision) or self.rng.random() < self.messy.noise):
                continue
            gap = (b.at - a.at).total_seconds()
            if gap < 2:
                continue
            at = a.at + timedelta(seconds=self.rng.uniform(1, gap - 1))
            activity = self.rng.choice((*NOISE_IGNORED, *NOISE_UNMAPPED))
            person = self.rng.choice(people)
            if (activity, person, at.date()) in written:  # a date-only log would repeat it
                continue
            written.add((activity, person, at.date()))
            out.append(Row(a.case, "", activity, person, at, "", {}))
        out.extend(rows[-1:])
        return out

    def _duplicates(self, rows: list[Row]) -> tuple[list[Row], int]:
        """Some replayed rows written twice (an export run over a page boundary)."""
        out: list[Row] = []
        copies = 0
        for r in rows:
            out.append(r)
            if r.node and self.messy.duplicates and self.rng.random() < self.messy.duplicates:
                out.append(r)
                copies += 1
        return out, copies

    # -- files -----------------------------------------------------------------------------

    def mapping(self) -> dict[str, Any]:
        """The mapping file (as data) that reads the logs this generator writes."""
        data = self.base.mapping()
        data["kolom"]["peran"] = "peran"
        data["aktivitas"].update({name: "abaikan" for name in NOISE_IGNORED})
        data["peran"] = {self.role_names[r]: r for r in sorted(self.role_names)
                         if r not in self.system_roles}
        default = self.default_roles()
        if default:
            data["pelaksana_bawaan"] = default
        data["nilai"] = {item: item for item in self.items()}
        if self.messy.dates_only:
            data["format_waktu"] = DATE_FORMAT
        if any(k is ItemKind.TANGGAL for k in self.kinds.values()):
            data["format_tanggal"] = DATE_FORMAT
        return data

    def default_roles(self) -> list[str]:
        """The roles of whoever did a row naming no one (the mapping's pelaksana_bawaan)."""
        return ([self.desk] if self.desk and self.messy.nobody else []) + (
            self.system_roles if self.messy.automated_nobody and self.automated else [])

    def items(self) -> list[str]:
        return sorted({*self.base.items, *(self.variant.items if self.variant else ())}
                      | ({f.id for f in self.wf.fields} if self.messy.fields != "tidak"
                         else set()))

    def header(self) -> list[str]:
        return ["perkara", "aktivitas", "pelaksana", "peran", "waktu", "keputusan",
                *self.items()]

    def write(self, out: TextIO, log: MessyLog) -> None:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header())
        writer.writerows(self.lines(log))

    def lines(self, log: MessyLog) -> Iterator[list[str]]:
        items = self.items()
        first: dict[str, Row] = {}
        for r in log.rows:
            fields = log.fields.get(r.case, {})
            if self.messy.fields == "pertama" and first.setdefault(r.case, r) is not r:
                fields = {}  # (a duplicate of the first row is the same row again)
            values = {k: v for k, v in r.values.items() if k not in self.wf.field_ids
                      or self.messy.fields == "tidak"}
            if self.messy.fields != "tidak":
                values.update(fields)
            stamp = (r.at.strftime(DATE_FORMAT) if self.messy.dates_only
                     else r.at.astimezone(self.calendar.tz).strftime(TIME_FORMAT))
            yield [r.case, r.activity, r.person, self.role_of.get(r.person, ""), stamp,
                   r.decision, *(self._value(k, values.get(k, "")) for k in items)]

    def _value(self, item: str, value: str) -> str:
        if value and self.kinds.get(item) is ItemKind.TANGGAL:
            return date.fromisoformat(value).strftime(DATE_FORMAT)
        return value


def _parallel_variant(wf: Workflow, route: Sequence[RouteStep]) -> list[RouteStep] | None:
    """``route`` with the two branches of its first parallel split done the other way
    round (the second branch's steps first), or None when it has no split."""
    for s, step in enumerate(route):
        node = wf.node(step.node)
        if not node.is_split:
            continue
        targets = [t.target for t in node.transitions if t.kind is EdgeKind.NEXT]
        paths = [_reach(wf, t) for t in targets]
        after = list(route[s + 1:])
        inside = [x for x in after if any(x.node in p for p in paths)]
        rest = [x for x in after if x not in inside]
        first = [x for x in inside if x.node in paths[-1]]
        others = [x for x in inside if x.node not in paths[-1]]
        if not first or not others:
            return None
        return [*route[:s + 1], *first, *others, *rest]
    return None


def _reach(wf: Workflow, start: str) -> set[str]:
    """The steps from ``start`` up to (not including) a step that waits for others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        n = todo.pop()
        if n in seen or wf.node(n).waits:
            continue
        seen.add(n)
        todo.extend(t.target for t in wf.node(n).transitions)
    return seen
