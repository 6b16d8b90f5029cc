"""The overdue list and the case search on a big court: 1M cases, 100k open steps (quick:
100k / 10k).

The projection tables are bulk-loaded straight through the driver (SQLite ``executemany``
in one transaction; PostgreSQL ``COPY``, its bulk path), not through the engine, on a
database that ``sop init`` set up (the court file, the calendar). The data is shaped like a
court's: cases over every SOP, 90% of them finished; each open case has one open step, a
real activity node of its SOP with its kegiatan and every role that may act on it (one
role row per role, as the store keeps them), some assigned or claimed by a holder of the
role; 15% have no deadline, the others fall due from 5 days before ``NOW`` to 25 days after
it, so about one open step in seven is overdue.

Measured, each cold (a new engine and runtime: a fresh connection, empty statement caches,
the court calendar built; the OS file cache is warm) and warm (the same runtime again),
the median of several runs:

- ``store.queries.overdue``: the bare query, every overdue step, and the first 100;
- ``service.views.overdue``: what ``sop overdue`` shows, "late by" in working time computed
  for each row, every overdue step and the first 100 (one screen).

PostgreSQL gets ``VACUUM ANALYZE`` after the load (autovacuum does both on a live server,
to a table grown by inserts too; the vacuum's visibility map lets index-only scans skip the
table's pages);
SQLite gets nothing the store does not do itself. Ends with the worst warm figure of
``views.overdue`` with a limit of 100 (what a supervisor's screen asks for). Goal < 50 ms.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from _common import (
    DEFINITIONS,
    QUICK,
    Backend,
    backends,
    bulk_load,
    machine,
    table,
)

from sop_runtime.compiler.library import load_library
from sop_runtime.gcpause import gc_paused
from sop_runtime.service import setup, views
from sop_runtime.service.confidential import Reader, operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.search import CaseSearch, find_cases
from sop_runtime.store import queries, tallies

CASES = 100_000 if QUICK else 1_000_000
OPEN_SHARE = 0.10           # cases still running, one open step each
NO_DEADLINE = 0.15          # open steps whose SOP gives no time limit
DUE_FROM, DUE_TO = -5.0, 25.0  # due times, in days around NOW
ASSIGNED = 0.30
COLD_RUNS = 3 if QUICK else 5
WARM_RUNS = 7 if QUICK else 15
SCREEN = 100
GOAL_MS = 50.0

NOW = datetime.fromisoformat("2026-12-01T10:00:00+09:00")
SEED = 20261201


@dataclass(frozen=True)
class Activity:
    sop_id: str
    version: str
    node: str
    kegiatan: str
    roles: tuple[str, ...]


def activities() -> tuple[list[Activity], dict[str, list[str]]]:
    """Every activity node of every SOP with the roles that may do it, and the users who
    hold each role (from the court file)."""
    lib = load_library([DEFINITIONS])
    assert lib.court is not None
    found = []
    for sop_id, wf in sorted(lib.workflows.items()):
        for node in wf.nodes:
            roles = wf.acting_roles(node)
            if roles and not node.is_end:
                found.append(Activity(sop_id, wf.version, node.id, node.kegiatan, roles))
    holders: dict[str, list[str]] = {}
    for user in lib.court.model.pengguna:
        for role in user.peran:
            holders.setdefault(role, []).append(user.username)
    return found, holders


@dataclass
class Data:
    cases: list[tuple[Any, ...]]
    steps: list[tuple[Any, ...]]
    open_steps: int
    overdue_steps: int
    names: list[tuple[str, str]] = field(default_factory=list)  # (word, case_id)


# the applicants: a first name and a family name of the Kepulauan Sula and Maluku Utara
# (and a company now and then), so a family name is shared by ~1 case in 40
FIRST = ("Abdul", "Ahmad", "Aisyah", "Ani", "Budi", "Dewi", "Fatma", "Hasan", "Ibrahim",
         "Jafar", "Kartini", "Lukman", "Maryam", "Muhammad", "Nurhayati", "Rahmawati",
         "Rusdi", "Salma", "Sitti", "Taufik", "Umar", "Wahyuni", "Yusran", "Zainab",
         "Arif", "Hadijah", "Irwan", "Nurlela", "Samsudin", "Halima")
FAMILY = ("Umasugi", "Buamona", "Marasabessy", "Duwila", "Fokaaya", "Soamole", "Kharie",
          "Umanailo", "Tidore", "Kiat", "Sangadji", "Hasan", "Latuconsina", "Ternate",
          "Mahmud", "Umaternate", "Fabanyo", "Sanaky", "Abdullah", "Tan", "Pattimura",
          "Ohorella", "Wael", "Loilatu", "Tuasikal", "Rumalutur", "Mony", "Fataruba",
          "Syamsuddin", "Basri", "Wagola", "Ipa", "Sahupala", "Leisubun", "Mahulete",
          "Noya", "Kaplale", "Lessy", "Tomia", "Rahayaan")
REGISTERED = 0.6  # cases with a register number (a filing; a legalisation has none)


def generate(size: int = CASES) -> Data:
    """The rows of a court of ``size`` cases, in the column order of ``CASE_COLUMNS`` and
    ``STEP_COLUMNS``; instants are aware datetimes."""
    rng = random.Random(SEED)
    acts, holders = activities()
    by_sop: dict[str, list[Activity]] = {}
    for a in acts:
        by_sop.setdefault(a.sop_id, []).append(a)
    sops = sorted(by_sop)
    now = NOW.astimezone(UTC)
    first_open = int(size * (1 - OPEN_SHARE))
    cases: list[tuple[Any, ...]] = []
    steps: list[tuple[Any, ...]] = []
    names: list[tuple[str, str]] = []
    numbers: dict[int, int] = {}
    overdue = 0
    for i in range(size):
        year = 2017 + i * 10 // size
        case_id = f"SNN-{year}-{i % (size // 10) + 1:06d}"
        sop = sops[rng.randrange(len(sops))]
        act = by_sop[sop][rng.randrange(len(by_sop[sop]))]
        running = i >= first_open
        started = now - timedelta(days=(size - i) / size * 3650 + rng.random())
        if running:
            started = now - timedelta(days=rng.uniform(0.1, 30))
        updated = started + timedelta(minutes=rng.uniform(1, 600))
        ended = None if running else updated
        applicant = f"{FIRST[rng.randrange(len(FIRST))]} {FAMILY[rng.randrange(len(FAMILY))]}"
        number = None
        if rng.random() < REGISTERED:
            numbers[year] = numbers.get(year, 0) + 1
            number = f"{numbers[year]}/Pdt.G/{year}/PN Snn"
        names.extend((word, case_id) for word in dict.fromkeys(applicant.lower().split()))
        cases.append((case_id, sop, act.version, "aktif" if running else "selesai", started,
                      "rina.ptsp", ended, started + timedelta(days=14), False, "{}",
                      rng.randint(4, 30), f"{rng.getrandbits(256):064x}", updated,
                      applicant, number))
        if not running:
            continue
        due = None if rng.random() < NO_DEADLINE else \
            now + timedelta(days=rng.uniform(DUE_FROM, DUE_TO))
        overdue += due is not None and due < now
        activated = now - timedelta(hours=rng.uniform(0.5, 200))
        assignee = None
        if rng.random() < ASSIGNED:
            who = holders.get(act.roles[0])
            assignee = who[rng.randrange(len(who))] if who else None
        for role in act.roles:
            steps.append((case_id, act.node, 1, role, sop, act.kegiatan, assignee, assignee,
                          activated, due, None, False))
    return Data(cases, steps, size - first_open, overdue, names)


CASE_COLUMNS = ("case_id", "sop_id", "version", "status", "started_at", "started_by",
                "ended_at", "service_due", "service_overdue_flagged", "fields", "last_seq",
                "head_hash", "updated_at", "applicant", "register_number")
STEP_COLUMNS = ("case_id", "node", "attempt", "role", "sop_id", "kegiatan", "assignee",
                "claimed_by", "activated_at", "due_at", "timer_due", "overdue_flagged")


TALLY_COLUMNS = ("what", "key", "n")


def holder_tallies(steps: list[tuple[Any, ...]]) -> list[tuple[str, str, int]]:
    """The open steps' counts as the projection keeps them (store.tallies): by holder (a
    step once, whatever its role rows), by activation hour and deadline, recorded overdue."""
    held = Counter(row[3] or "" for row in {(r[0], r[1], r[2], r[6]) for r in steps})
    kept = tallies.Tally()
    by_case: dict[str, list[dict[str, Any]]] = {}
    for r in steps:
        by_case.setdefault(r[0], []).append(dict(zip(STEP_COLUMNS, r, strict=True)))
    for rows in by_case.values():
        tallies.steps_changed(rows, 1, kept)
    return [*(("open_holder", who, n) for who, n in sorted(held.items())),
            *((what, key, n) for (what, key), n in sorted(kept.items()) if n)]


def load(backend: Backend, data: Data, analyze: str = "ANALYZE",
         extra: list[Any] | None = None, tallies: list[tuple[str, str, int]] = ()
         ) -> float:
    """Bulk-load the projections with their kept counts (and ``extra`` tables: name,
    columns, rows; ``tallies``: more counts), then ``analyze`` on PostgreSQL; seconds
    taken."""
    return bulk_load(backend, [("cases", CASE_COLUMNS, data.cases),
                               ("open_steps", STEP_COLUMNS, data.steps),
                               ("case_names", ("word", "case_id"), data.names),
                               ("tallies", TALLY_COLUMNS,
                                [*holder_tallies(data.steps), *tallies]),
                               *(extra or [])], analyze)


@dataclass
class Figure:
    what: str
    rows: int
    cold_ms: float
    warm_ms: float


def measure(url: str, what: str, call: Callable[[Runtime], list[Any]]) -> Figure:
    """Cold: a new runtime each run (new engine, new connection, calendar built again).
    Warm: one runtime, called again and again."""
    cold, rows = [], 0
    for _ in range(COLD_RUNS):
        rt = Runtime.open(url)
        t0 = time.perf_counter()
        rows = len(call(rt))
        cold.append(time.perf_counter() - t0)
        rt.engine.dispose()
    rt = Runtime.open(url)
    call(rt)
    warm = []
    for _ in range(WARM_RUNS):
        t0 = time.perf_counter()
        call(rt)
        warm.append(time.perf_counter() - t0)
    rt.engine.dispose()
    return Figure(what, rows, statistics.median(cold) * 1000, statistics.median(warm) * 1000)


def bare(limit: int | None) -> Callable[[Runtime], list[Any]]:
    def call(rt: Runtime) -> list[Any]:
        with rt.engine.connect() as conn:
            return queries.overdue(conn, NOW, limit=limit)
    return call


def view(limit: int | None) -> Callable[[Runtime], list[Any]]:
    def call(rt: Runtime) -> list[Any]:
        return views.overdue(rt, reader=operator(), now=NOW, limit=limit)
    return call


def search(**asked: Any) -> Callable[[Runtime], list[Any]]:
    """Finding cases as the clerk (rina.ptsp; the complaints stay hidden, nothing is
    journaled): the first page of 25."""
    reader = Reader("rina.ptsp", "bench")

    def call(rt: Runtime) -> list[Any]:
        return list(find_cases(rt, reader, CaseSearch(**asked)).cases)
    return call


def figures(url: str) -> Iterator[Figure]:
    yield measure(url, "store.queries.overdue, all", bare(None))
    yield measure(url, f"store.queries.overdue, first {SCREEN}", bare(SCREEN))
    yield measure(url, "views.overdue, all (late by computed)", view(None))
    yield measure(url, f"views.overdue, first {SCREEN}", view(SCREEN))
    yield measure(url, "search: a register number", search(q="100/Pdt.G/2020/PN Snn"))
    yield measure(url, "search: a family name (1 case in 40)", search(q="umasugi"))
    yield measure(url, "search: a first and a family name", search(q="budi umasugi"))
    yield measure(url, "search: SOP, status, a year's dates", search(
        sop="salinan-putusan", status="selesai", dari=date(2020, 1, 1),
        sampai=date(2020, 12, 31)))


def main() -> None:
    t0 = time.perf_counter()
    with gc_paused():
        data = generate()
    gc.freeze()  # the harness's million rows stay out of the collector's scans
    gen_s = time.perf_counter() - t0
    print(f"{'quick' if QUICK else 'full'} run: {len(data.cases):,} cases, "
          f"{data.open_steps:,} open steps ({len(data.steps):,} role rows), "
          f"{data.overdue_steps:,} overdue at {NOW.isoformat()}; generated in {gen_s:.1f} s")
    print(machine())
    worst: tuple[float, str] = (0.0, "")
    with backends("overdue") as found:
        for backend in found:
            rt = Runtime.open(backend.url)
            setup.init(rt, DEFINITIONS)
            rt.engine.dispose()
            load_s = load(backend, data, "VACUUM ANALYZE")
            print(f"\n{backend.name}: loaded in {load_s:.1f} s "
                  f"({(len(data.cases) + len(data.steps)) / load_s:,.0f} rows/s)")
            rows = []
            for f in figures(backend.url):
                rows.append([f.what, f"{f.rows:,}", f"{f.cold_ms:.1f}", f"{f.warm_ms:.1f}"])
                if f.what.startswith("views") and f.rows <= SCREEN:
                    worst = max(worst, (f.warm_ms, backend.name))
            print(table(["query", "rows", f"cold ms (median of {COLD_RUNS})",
                         f"warm ms (median of {WARM_RUNS})"], rows))
    print(f"\nworst: {worst[1]} (goal < {GOAL_MS:.0f} ms)")
    print(f"overdue (first {SCREEN}, warm): {worst[0]:.1f} ms")


if __name__ == "__main__":
    main()
