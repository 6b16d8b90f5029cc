"""What the bench scripts share: quick mode, the backends (a SQLite file in a temporary
directory, a fresh PostgreSQL database per run, dropped at the end), timing helpers, the
golden routes and an initialised runtime on a clock that advances.

Not a bench itself: ``make bench`` skips ``bench/_*.py``.
"""

from __future__ import annotations

import functools
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUICK = os.environ.get("SOP_BENCH_QUICK") == "1"
DEFINITIONS = ROOT / "definitions"
ROUTES_FILE = ROOT / "tests" / "golden" / "routes.yaml"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# a working Tuesday morning at PN Sanana (WIT), as the golden routes start
START = datetime.fromisoformat("2026-12-01T09:00:00+09:00")


def postgres_url() -> str:
    """The server the PostgreSQL runs use (``SOP_BENCH_POSTGRES_URL``, else the tests' one)."""
    return (os.environ.get("SOP_BENCH_POSTGRES_URL") or os.environ.get("SOP_TEST_POSTGRES_URL")
            or DEFAULT_POSTGRES_URL)


@dataclass(frozen=True)
class Backend:
    name: str   # "sqlite" | "postgresql"
    url: str


@contextmanager
def sqlite_backend(tag: str) -> Iterator[Backend]:
    """A SQLite file in a fresh temporary directory (WAL, synchronous=FULL as the store
    sets it), removed at the end."""
    folder = tempfile.mkdtemp(prefix=f"sop_bench_{tag}_")
    try:
        yield Backend("sqlite", f"sqlite:///{folder}/{tag}.db")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_backend(tag: str) -> Iterator[Backend | None]:
    """A fresh database ``sop_bench_<tag>_<pid>`` on the PostgreSQL server, dropped at the
    end; None (after saying why) when the server cannot be reached."""
    from sqlalchemy import create_engine, make_url

    base = make_url(postgres_url())
    name = f"sop_bench_{tag}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # unreachable, no rights: say so and go on with SQLite
        lines = str(exc).strip().splitlines()
        print(f"PostgreSQL tidak tersedia: {lines[0] if lines else type(exc).__name__} "
              f"({base.render_as_string(hide_password=True)}); hanya SQLite")
        admin.dispose()
        yield None
        return
    try:
        yield Backend("postgresql", base.set(database=name).render_as_string(
            hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def in_schema(backend: Backend, schema: str) -> str:
    """A URL for a new, empty schema ``schema`` in ``backend``'s PostgreSQL database (a
    second store beside the first without a second database to drop)."""
    from sqlalchemy import create_engine, make_url

    engine = create_engine(backend.url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    finally:
        engine.dispose()
    return make_url(backend.url).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@contextmanager
def backends(tag: str) -> Iterator[list[Backend]]:
    """SQLite, then PostgreSQL if it can be reached."""
    with sqlite_backend(tag) as lite, postgres_backend(tag) as pg:
        yield [lite] if pg is None else [lite, pg]


class SteppingClock:
    """A clock that moves ``step`` forward on every reading, from ``start``: times are
    strictly increasing and stay inside one working day for the runs made here."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)):
        self.now = start
        self.step = step
        self._lock = threading.Lock()  # read by several threads at once in some benches

    def __call__(self) -> datetime:
        with self._lock:
            self.now += self.step
            return self.now


def machine() -> str:
    """The cores and the load average: figures taken on a busy machine read slower."""
    cores = os.cpu_count() or 0
    try:
        load = os.getloadavg()[0]
    except OSError:
        return f"{cores} cores"
    return f"{cores} cores, load average {load:.1f} when starting"


@functools.cache
def load_routes() -> dict[str, list[dict[str, Any]]]:
    import yaml

    data = yaml.safe_load(ROUTES_FILE.read_text(encoding="utf-8"))
    routes: dict[str, list[dict[str, Any]]] = data["rute"]
    return routes


def timed(fn: Callable[[], Any]) -> float:
    """Seconds ``fn`` took."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    return statistics.median(timed(fn) for _ in range(runs)) * 1000


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain text table, columns right-aligned but the first."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def walk_route(rt: Any, sop: str, route: list[dict[str, Any]]) -> str:
    """Start a case of ``sop`` and complete every step of its golden route through the
    service layer; the case id."""
    from sop_runtime.service import cases

    case_id: str = cases.start_case(rt, sop, route[0]["oleh"]).case_id
    for step in route:
        complete_step(rt, case_id, step)
    return case_id


SYSTEM = "sistem"  # a route's automated steps (sop_runtime.service.automation.SYSTEM)


def complete_step(rt: Any, case_id: str, step: dict[str, Any]) -> int:
    """Complete one golden-route step through the service layer; the number of events it
    recorded. An automated step (``oleh: sistem``) is a try of the automation service with
    :func:`golden_outputs` as its action: the service's work, without the real action's own
    (rendering the e-SKUM's PDF is not a step transition)."""
    from dataclasses import replace

    from sop_runtime.service import automation, cases

    node = str(step["langkah"])
    if step["oleh"] == SYSTEM:
        work = automation.work_for(rt, case_id, node, 1)
        done = automation.execute(rt, replace(work, action="_common:golden_outputs"))
        return len(done.events)
    out = cases.complete(rt, case_id, node, step["oleh"], values=step["nilai"],
                         decision=step.get("keputusan"))
    return len(out.events)


def golden_outputs(ctx: Any) -> dict[str, str]:
    """An action that gives what the golden route records for the step."""
    step = next(s for s in load_routes()[ctx.sop_id] if str(s["langkah"]) == ctx.node)
    return {str(k): str(v) for k, v in step["nilai"].items()}


Table = tuple[str, tuple[str, ...], list[tuple[Any, ...]]]  # (name, columns, rows)


def _sqlite_value(v: Any) -> Any:
    """The store's SQLite form: UTC instants as ISO text without the offset; 0/1."""
    if isinstance(v, datetime):
        return v.replace(tzinfo=None).isoformat(timespec="microseconds")
    return int(v) if isinstance(v, bool) else v


def bulk_load(backend: Backend, tables: list[Table], analyze: str) -> float:
    """Write ``tables`` straight through the driver (executemany on SQLite, COPY on
    PostgreSQL) in one transaction, then ``analyze`` on PostgreSQL; seconds taken."""
    from sop_runtime.store import db

    engine = db.make_engine(backend.url)
    t0 = time.perf_counter()
    raw: Any = engine.raw_connection()
    try:
        if backend.name == "sqlite":
            cur = raw.cursor()
            cur.execute("BEGIN")
            for name, columns, rows in tables:
                cur.executemany(f"INSERT INTO {name} ({', '.join(columns)}) "
                                f"VALUES ({', '.join('?' * len(columns))})",
                                (tuple(_sqlite_value(v) for v in r) for r in rows))
            cur.execute("COMMIT")
        else:
            with raw.cursor() as cur:
                for name, columns, rows in tables:
                    with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                        for r in rows:
                            copy.write_row(r)
            raw.commit()
            raw.driver_connection.autocommit = True
            raw.cursor().execute(analyze)
    finally:
        raw.close()
        engine.dispose()
    return time.perf_counter() - t0
