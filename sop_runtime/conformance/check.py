"""A whole conformance check: read the log, replay every case (on several processes for a
long log), and gather the findings into a report."""

from __future__ import annotations

import difflib
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.conformance.automaton import Automaton
from sop_runtime.conformance.mapping import LogMapping
from sop_runtime.conformance.readers import ImportedLog, LogError, LogRow, RowProblem, read_log
from sop_runtime.conformance.replay import CaseResult, Replayer
from sop_runtime.gcpause import gc_paused
from sop_runtime.i18n import tr
from sop_runtime.worktime import CourtCalendar

# progress(stage, done, total): stage "read" (rows read so far; total unknown) or "replay"
# (cases replayed, of total)
Progress = Callable[[str, int, int | None], None]

# below this many rows a second process costs more than it saves
PARALLEL_FROM = 50_000
_CHUNK = 500  # cases per task


@dataclass(frozen=True, slots=True)
class OpenAtEnd:
    """The unfinished cases waiting at one step when the log ends."""

    node: str
    cases: int
    late: int                # past the step's limit at the log's end
    longest: int             # working seconds the longest-waiting one had been open
    undecided: int           # decisions done whose outcome the log does not show


@dataclass
class ConformanceReport:
    sop_id: str
    version: str
    log: str
    mapping: str
    rows: int                                   # rows read (every lifecycle)
    not_done_rows: int                          # rows of other lifecycle transitions
    replayed: int                               # rows replayed as completions
    cases: list[CaseResult] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)   # activity -> rows
    ignored: Counter[str] = field(default_factory=Counter)    # mapped to 'abaikan'
    unknown_people: list[str] = field(default_factory=list)
    # names the mapping gives that the log never uses, each with the log's closest name
    unused_activities: list[tuple[str, str | None]] = field(default_factory=list)
    unused_people: list[tuple[str, str | None]] = field(default_factory=list)
    unchecked_outputs: tuple[tuple[str, str], ...] = ()
    read_seconds: float = 0.0
    replay_seconds: float = 0.0
    workers: int = 1
    log_end: datetime | None = None             # the log's last time: where it was cut
    default_roles: frozenset[str] = frozenset()  # who did the rows naming nobody

    @property
    def totals(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for c in self.cases:
            counts.update(f.kind for f in c.findings)
        return counts

    @property
    def conforming(self) -> int:
        """Cases done to the end by the SOP (an unfinished case is not yet conforming)."""
        return sum(1 for c in self.cases if not c.findings and not c.unfinished)

    @property
    def with_findings(self) -> int:
        return sum(1 for c in self.cases if c.findings)

    @property
    def unfinished(self) -> int:
        return sum(1 for c in self.cases if c.unfinished)

    def open_at_end(self, calendar: CourtCalendar) -> list[OpenAtEnd]:
        """The unfinished cases by the step they wait at, most cases first."""
        end = self.log_end
        by_node: dict[str, list[tuple[int, bool, bool]]] = {}
        for c in self.cases:
            if not c.unfinished or end is None:
                continue
            for o in c.open_at_end:
                by_node.setdefault(o.node, []).append((
                    calendar.working_seconds_between(o.since, end),
                    o.due is not None and o.due < end, o.undecided))
        found = [OpenAtEnd(node, len(w), sum(1 for _, late, _ in w if late),
                           max(s for s, _, _ in w), sum(1 for _, _, u in w if u))
                 for node, w in by_node.items()]
        return sorted(found, key=lambda o: (-o.cases, o.node))

    @property
    def duplicates(self) -> int:
        return sum(c.duplicates for c in self.cases)

    @property
    def unnamed(self) -> int:
        """Rows naming nobody, done by the mapping's default actor."""
        return sum(c.unnamed for c in self.cases)


def check(path: Path, wf: Workflow, mapping: LogMapping, calendar: CourtCalendar,
          supervisor_roles: frozenset[str], *, workers: int | None = None,
          progress: Progress | None = None, reference: bool = False) -> ConformanceReport:
    """Replay the log at ``path``; ``progress`` hears how the reading and the replay go.
    The cases go through the replay automaton where it judges them exactly; ``reference``:
    every case through the engine row by row (the same report, slower: for comparison).
    ``workers``: processes (default: one per core for a long log that the automaton cannot
    take, else one)."""
    with gc_paused():  # rows and replays are acyclic: the collector would only scan them
        return _check(path, wf, mapping, calendar, supervisor_roles, workers, progress,
                      reference)


def _check(path: Path, wf: Workflow, mapping: LogMapping, calendar: CourtCalendar,
           supervisor_roles: frozenset[str], workers: int | None,
           progress: Progress | None, reference: bool) -> ConformanceReport:
    started = time.perf_counter()
    log = read(path, mapping, calendar, progress)
    read_seconds = time.perf_counter() - started
    _usable(path, log, mapping)
    activities, people, report_end = _scan(log)
    report = _report(path, wf, mapping, log, activities)
    report.read_seconds = read_seconds
    report.log_end = report_end
    replayer = Replayer.build(wf, mapping, calendar, people, supervisor_roles)
    report.unknown_people = sorted(p for p, roles in replayer.directory.roles.items()
                                   if p and not roles)
    report.unused_activities = _unused(mapping.activities, set(activities), report.unmapped)
    named = {p for p, _ in people if p}
    report.unused_people = _unused(mapping.resources, named, report.unknown_people,
                                   only_close=True)
    fast = None if reference else Automaton(replayer)
    if workers is None:
        # the automaton on one process outruns two: sending its results back costs more
        # than replaying them (docs/performance.md); the engine row by row gains from more
        slow = fast is None or not fast.supported
        workers = (os.cpu_count() or 1) if report.replayed >= PARALLEL_FROM and slow else 1
    started = time.perf_counter()
    report.cases = list(_replay_all(fast or replayer, log, max(1, workers), progress))
    report.replay_seconds = time.perf_counter() - started
    report.workers = max(1, workers)
    return report


def log_people(log: ImportedLog) -> set[tuple[str, str]]:
    """Every (person, role column) pair the log holds."""
    return _scan(log)[1]


def _scan(log: ImportedLog) -> tuple[Counter[str], set[tuple[str, str]], datetime | None]:
    """In one pass over the rows: how many of each activity, every (person, role column)
    pair, and the log's last time (where it was cut)."""
    activities: Counter[str] = Counter()
    people: set[tuple[str, str]] = set()
    end: datetime | None = None
    for rows in log.cases.values():
        activities.update(r.activity for r in rows)
        people.update((r.resource, r.role) for r in rows)
        last = max(r.at for r in rows)
        if end is None or last > end:
            end = last
    return activities, people, end


def read(path: Path, mapping: LogMapping, calendar: CourtCalendar,
         progress: Progress | None = None) -> ImportedLog:
    """The log at ``path`` as the check reads it (a date alone at the office's close)."""
    return read_log(path, mapping, calendar.tz, day_close=lambda d: _day_close(calendar, d),
                    progress=(lambda rows: progress("read", rows, None)) if progress else None)


def _report(path: Path, wf: Workflow, mapping: LogMapping, log: ImportedLog,
            activities: Counter[str]) -> ConformanceReport:
    unmapped: Counter[str] = Counter()
    ignored: Counter[str] = Counter()
    replayed = 0
    for activity, n in activities.items():
        if activity not in mapping.activities:
            unmapped[activity] = n
        elif mapping.activities[activity] is None:
            ignored[activity] = n
        else:
            replayed += n
    return ConformanceReport(
        sop_id=wf.sop_id, version=wf.version, log=str(path), mapping=mapping.file,
        rows=log.rows, not_done_rows=log.not_done, replayed=replayed,
        problems=log.problems, unmapped=unmapped, ignored=ignored,
        unchecked_outputs=mapping.unchecked_outputs,
        default_roles=mapping.default_roles or frozenset())


def _usable(path: Path, log: ImportedLog, mapping: LogMapping) -> None:
    """A log none of whose rows can be replayed is refused, saying why (a check that finds
    nothing because it read nothing must not look like a clean one)."""
    if log.cases:
        return
    if log.problems:
        first = log.problems[0]
        raise LogError(tr(
            "{f}: tidak satu baris pun dapat dipakai ({n} baris); mis. baris {p}: {m}{hint}",
            "{f}: not one row can be used ({n} rows); e.g. row {p}: {m}{hint}",
            f=path, n=f"{len(log.problems):,}", p=first.place, m=first.message,
            hint=tr(" (format waktu log ditulis di pemetaan: format_waktu)",
                    " (write the log's time format in the mapping: format_waktu)")
            if mapping.time_format is None else ""))
    if log.rows:
        raise LogError(tr("{f}: tidak ada baris penyelesaian langkah (lifecycle complete); "
                          "{n} baris berstatus lain", "{f}: no row completes a step "
                          "(lifecycle complete); {n} rows of other transitions",
                          f=path, n=f"{log.not_done:,}"))
    raise LogError(tr("{f}: log tidak berisi baris", "{f}: the log holds no rows", f=path))


def _unused(mapped: Iterable[str], used: set[str], unmatched: Iterable[str], *,
            only_close: bool = False) -> list[tuple[str, str | None]]:
    """The names ``mapped`` that the log never ``used``, each with the closest of the log's
    names the mapping lacks (``unmatched``), if one is close; ``only_close``: only those
    with such a name (a mapping may list every clerk of the court, most absent from a
    month's log)."""
    folded = {" ".join(n.split()).casefold(): n for n in unmatched}
    out: list[tuple[str, str | None]] = []
    for name in mapped:
        if name in used:
            continue
        close = difflib.get_close_matches(" ".join(name.split()).casefold(), list(folded),
                                          n=1, cutoff=0.6)
        if close or not only_close:
            out.append((name, folded[close[0]] if close else None))
    return out


def _day_close(calendar: CourtCalendar, day: date) -> datetime:
    """Where a date without a time stands: the close of that day's office hours (the last
    moment of the day when the office is closed)."""
    intervals = calendar.office_intervals(day)
    if intervals:
        return intervals[-1][1]
    return datetime.combine(day, dtime(23, 59, 59), calendar.tz)


# -- running the replay, here or on worker processes ----------------------------------------

# what forked workers inherit: the replayer (workflow, calendar, people) and the cases, so a
# task is only a range of cases and nothing but results crosses between processes
_worker: Replayer | Automaton | None = None
_items: list[tuple[str, list[LogRow]]] = []


def _replay_range(span: tuple[int, int]) -> list[CaseResult]:
    assert _worker is not None
    return [_worker.replay(case, rows) for case, rows in _items[span[0]:span[1]]]


def _replay_all(replayer: Replayer | Automaton, log: ImportedLog, workers: int,
                progress: Progress | None) -> Iterator[CaseResult]:
    global _worker, _items
    _items = list(log.cases.items())
    total = len(_items)
    spans = [(i, min(i + _CHUNK, total)) for i in range(0, total, _CHUNK)]
    done = 0
    fork = "fork" in multiprocessing.get_all_start_methods()
    _worker = replayer  # inherited by the forked workers
    try:
        if workers <= 1 or len(spans) <= 1 or not fork:
            for span in spans:
                results = _replay_range(span)
                done += len(results)
                if progress:
                    progress("replay", done, total)
                yield from results
            return
        # never more processes than chunks of cases: each would have nothing to do
        with multiprocessing.get_context("fork").Pool(min(workers, len(spans))) as pool:
            for results in pool.imap(_replay_range, spans):
                done += len(results)
                if progress:
                    progress("replay", done, total)
                yield from results
    finally:
        _worker, _items = None, []
