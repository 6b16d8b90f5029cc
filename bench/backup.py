"""``sop backup`` while the court works, and ``sop restore`` of what it made: on a log of 100k
events (quick) and 1M, on SQLite and PostgreSQL.

The log is bench/verify.py's (the golden routes' real logs, repeated, chained anew,
bulk-loaded, projections written), sealed once. Writer processes (tests/crash/writer.py's
writer; the web server and the workers are processes of their own) then start, claim and
complete steps through the service layer the whole time; each action's time is recorded.
After a few seconds of writing alone the backup is taken (the live log checked since the
seal, the copy, the copy checked), then the writers stop and the backup is restored into a
new database (everything checked: ``sop verify --full``, every seal).

Printed per backend and size: the backup's seconds (and the copy's alone: the pages, or
``pg_dump``), its size and MB/s (of the file written); the writers' actions per second and
their times (median, 99th percentile, longest) while writing alone and while the backup ran;
the restore's seconds. Ends with ``writers during backup: p99 X ms (alone Y ms)``, the worst
backend's.

``SOP_BENCH_BACKUP_BACKENDS=sqlite`` (or ``postgresql``) runs one backend only.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import QUICK, Backend, backends, machine, postgres_backend, sqlite_backend, table
from verify import load_generated, templates

from sop_runtime.service import seals
from sop_runtime.service.backup import backup
from sop_runtime.service.restore import restore
from sop_runtime.service.runtime import Runtime

SIZES = (100_000,) if QUICK else (100_000, 1_000_000)
WRITERS = 2
ALONE_S = 3.0  # writing alone before the backup, for the writers' own figures
ONLY = {b for b in os.environ.get("SOP_BENCH_BACKUP_BACKENDS", "").split(",") if b}


class Writers:
    """Writer processes over ``url`` (``python bench/backup.py --writer URL SEED``), each
    printing every action's end instant and seconds (``time.monotonic``: one clock for
    every process of the machine)."""

    def __init__(self, url: str) -> None:
        self.processes = [subprocess.Popen(
            [sys.executable, __file__, "--writer", url, str(500 + n)],
            stdout=subprocess.PIPE, text=True) for n in range(WRITERS)]
        self.times: list[tuple[float, float]] = []

    def ready(self) -> None:
        """Until every writer has done its first action (imports and first reads done)."""
        for p in self.processes:
            assert p.stdout is not None
            line = p.stdout.readline()
            assert line.startswith("GO"), line

    def finish(self) -> None:
        for p in self.processes:
            p.send_signal(signal.SIGINT)
        for p in self.processes:
            out, _ = p.communicate(timeout=60)
            for line in out.splitlines():
                end, seconds = line.split()
                self.times.append((float(end), float(seconds)))

    def between(self, lo: float, hi: float) -> list[float]:
        return [s for end, s in self.times if lo <= end <= hi]


def writer(url: str, seed: int) -> None:
    """A writer process: actions until interrupted, one line each."""
    from tests.crash.writer import Writer

    rt = Runtime.open(url)
    work = Writer(rt, seed, say=lambda _: None)
    work.act()
    print("GO", flush=True)
    out: list[str] = []
    try:
        while True:
            t0 = time.monotonic()
            work.act()
            t1 = time.monotonic()
            out.append(f"{t1:.6f} {t1 - t0:.6f}")
    except KeyboardInterrupt:
        pass
    finally:
        rt.engine.dispose()
        print("\n".join(out), flush=True)


@dataclass
class Row:
    backend: str
    size: int
    backup_s: float = 0.0
    copy_s: float = 0.0
    bytes: int = 0
    restore_s: float = 0.0
    alone: list[float] = field(default_factory=list)
    during: list[float] = field(default_factory=list)
    copying: list[float] = field(default_factory=list)  # while the pages were copied
    alone_s: float = 0.0


def _ms(times: list[float], q: float) -> str:
    if not times:
        return "-"
    ordered = sorted(times)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.1f}"


def measure(backend: Backend, size: int, folder: Path) -> Row:
    row = Row(backend.name, size)
    rt = Runtime.open(backend.url)
    seals.seal(rt, "bambang.panitera")
    work = Writers(backend.url)
    copy_span: list[float] = []
    try:
        work.ready()
        start = time.monotonic()
        time.sleep(ALONE_S)  # a bench, not a test: the writers' figures alone
        alone = (start, time.monotonic())

        def progress(done: int, total: int) -> None:
            copy_span.append(time.monotonic())

        path = folder / ("cadangan.db" if backend.name == "sqlite" else "cadangan.dump")
        began = time.monotonic()
        made = backup(rt, path, progress=progress)
        ended = time.monotonic()
    finally:
        work.finish()
        rt.engine.dispose()
    row.alone, row.alone_s = work.between(*alone), alone[1] - alone[0]
    row.backup_s, row.bytes = ended - began, made.size
    row.copy_s = copy_span[-1] - copy_span[0] if len(copy_span) > 1 else 0.0
    row.during = work.between(began, ended)
    if len(copy_span) > 1:
        row.copying = work.between(copy_span[0], copy_span[-1])
    if backend.name == "sqlite":
        target = f"sqlite:///{folder / 'pulih.db'}"
        row.restore_s = _timed_restore(path, target)
    else:
        with postgres_backend(f"pulih{size}") as scratch:
            assert scratch is not None
            row.restore_s = _timed_restore(path, scratch.url)
    return row


def _timed_restore(path: Path, url: str) -> float:
    t0 = time.perf_counter()
    done = restore(path, url=url)
    assert done.held.events > 0
    return time.perf_counter() - t0


def main() -> None:
    print(machine())
    found = templates()
    rows: list[Row] = []
    for size in SIZES:
        with backends(f"backup{size}") as found_backends:
            for backend in found_backends:
                if ONLY and backend.name not in ONLY:
                    continue
                load_generated(backend, found, size)
                with sqlite_backend(f"files{size}") as place:
                    folder = Path(place.url.removeprefix("sqlite:///")).parent
                    rows.append(measure(backend, size, folder))
                print(f"  measured {rows[-1].backend} {size:,}", flush=True)
    print(table(["backend", "events", "backup s", "copy s", "MB", "MB/s",
                 "actions/s alone", "during", "p50 ms alone", "during", "p99 ms alone",
                 "during", "max ms alone", "during", "restore s"],
                [[r.backend, f"{r.size:,}", f"{r.backup_s:.2f}", f"{r.copy_s:.2f}",
                  f"{r.bytes / 2**20:.0f}",
                  f"{r.bytes / 2**20 / r.copy_s:.0f}" if r.copy_s else "-",
                  f"{len(r.alone) / r.alone_s:.0f}", f"{len(r.during) / r.backup_s:.0f}",
                  _ms(r.alone, 0.5), _ms(r.during, 0.5), _ms(r.alone, 0.99),
                  _ms(r.during, 0.99), _ms(r.alone, 1.0), _ms(r.during, 1.0),
                  f"{r.restore_s:.1f}"] for r in rows]))
    for r in rows:
        what = "the pages were copied" if r.backend == "sqlite" else "pg_dump ran"
        print(f"{r.backend} {r.size:,}: while {what} ({r.copy_s:.2f} s), "
              f"{len(r.copying)} actions, p50 {_ms(r.copying, 0.5)} ms, p99 "
              f"{_ms(r.copying, 0.99)} ms, longest {_ms(r.copying, 1.0)} ms")
    worst = max(rows, key=lambda r: statistics.quantiles(r.during or [0.0, 0.0], n=100)[98])
    print(f"writers during backup: p99 {_ms(worst.during, 0.99)} ms (alone "
          f"{_ms(worst.alone, 0.99)} ms; {worst.backend}, {worst.size:,} events)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--writer"]:
        writer(sys.argv[2], int(sys.argv[3]))
    else:
        main()
