"""``sop orchestrate``: Prefect runs the automated steps, the deadline sweep, supervisor
notifications, long reports and the scheduled seals of the log. Prefect is imported only
here, inside the commands."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.service.seal_schedule import SealTimes

orchestrate_app = typer.Typer(
    help="Orkestrasi Prefect: langkah otomatis, sapu tenggat, notifikasi, segel terjadwal / "
         "Prefect orchestration: automated steps, the deadline sweep, notifications, "
         "scheduled seals.",
    no_args_is_help=True, rich_markup_mode=None)


def _seconds(value: float) -> float:
    if not math.isfinite(value):
        raise typer.BadParameter(tr("harus bilangan detik 1-3600, bukan {v}",
                                    "must be a number of seconds, 1-3600, not {v}", v=value))
    return value


DispatchEvery = Annotated[float, typer.Option(
    "--dispatch-every", metavar="S", min=1, max=3600, callback=_seconds,
    help="Detik antara pencarian langkah otomatis, 1-3600 / seconds between looks for "
         "automated steps, 1-3600")]
SweepCron = Annotated[str, typer.Option(
    "--sweep-cron", metavar="CRON",
    help="Jadwal sapu tenggat (cron) / the deadline sweep's schedule (cron)")]
SealCron = Annotated[str, typer.Option(
    "--seal-cron", metavar="CRON",
    help="Jadwal segel tiap jam (cron, zona waktu pengadilan) / the hourly seal's schedule "
         "(cron, in the court's time zone)")]
CloseCron = Annotated[str | None, typer.Option(
    "--close-cron", metavar="CRON",
    help="Jadwal segel penutupan hari kerja (cron, zona waktu pengadilan; bawaan: jam "
         "tutup kantor menurut berkas pengadilan) / the close-of-day seal's schedule (cron, "
         "in the court's time zone; default: the close of office in the court file)")]
SWEEP_CRON = "*/5 * * * *"
SEAL_CRON = "0 * * * *"


Concurrency = Annotated[int, typer.Option(
    "--concurrency", metavar="N", min=1, max=64,
    help="Langkah otomatis yang dikerjakan sekaligus per pekerja, 1-64 / automated steps "
         "one worker runs at a time, 1-64")]


@orchestrate_app.command("serve")
def serve(
    dispatch_every: DispatchEvery = 2,
    sweep_cron: SweepCron = SWEEP_CRON,
    seal_cron: SealCron = SEAL_CRON,
    close_cron: CloseCron = None,
    home: Annotated[Path, typer.Option(
        "--home", metavar="DIR",
        help="PREFECT_HOME untuk server bawaan / PREFECT_HOME of the embedded server")
    ] = Path(".prefect"),
    workers: Annotated[int, typer.Option(
        "--workers", metavar="N", min=0, max=64,
        help="Pekerja otomatisasi yang dijalankan di mesin ini, 0-64 / automation workers "
             "started on this machine, 0-64")] = 1,
    concurrency: Concurrency = 8,
) -> None:
    """Jalankan semua deployment di mesin ini / serve every deployment on this machine.

    Tanpa PREFECT_API_URL, server Prefect bawaan (SQLite di --home) ikut dijalankan /
    without PREFECT_API_URL, an embedded Prefect server (SQLite under --home) is started.
    --workers pekerja otomatisasi ikut dijalankan / --workers automation workers are
    started beside it. Log disegel tiap jam dan saat tutup kantor tiap hari kerja, sebagai
    akun sistem; tanda tangan perlu SOP_SIGNING_KEY / the log is sealed every hour and at the
    close of each working day, as the system account; signing needs SOP_SIGNING_KEY."""
    from sop_runtime.cli.common import require_extra, say

    require_extra("prefect")
    from sop_runtime.flows.server import LocalServer

    seals = _seal_times(sweep_cron, seal_cron, close_cron)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        say(tr("Menjalankan server Prefect bawaan di {h} ...",
               "Starting the embedded Prefect server in {h} ...", h=home.resolve()))
        server = LocalServer.start(home.resolve())
        os.environ["PREFECT_API_URL"] = server.url
        os.environ["PREFECT_HOME"] = str(home.resolve())
    from sop_runtime.flows.workerpool import WorkerPool

    try:
        # the workers are kept running: one that dies is started again
        with WorkerPool(lambda: _start_worker(concurrency), workers, say):
            from sop_runtime.flows import serving

            say(tr("Prefect: {u}", "Prefect: {u}", u=os.environ["PREFECT_API_URL"]))
            serving.serve_all(seals, dispatch_every=dispatch_every, sweep_cron=sweep_cron)
    finally:
        if server is not None:
            server.stop()


def _start_worker(concurrency: int) -> subprocess.Popen[bytes]:
    """``sop orchestrate worker`` as a process of its own (one core each)."""
    return subprocess.Popen([sys.executable, "-m", "sop_runtime", "orchestrate", "worker",
                             "--concurrency", str(concurrency)])


@orchestrate_app.command("worker")
def worker(concurrency: Concurrency = 8) -> None:
    """Jalankan pekerja otomatisasi yang hidup lama / run a long-lived automation worker.

    Mengerjakan langkah otomatis yang dikirim pengirim (sop-kirim-otomatis), sampai
    dihentikan; jalankan sebanyak inti prosesor, di satu mesin atau banyak
    (PREFECT_API_URL dan SOP_DATABASE_URL wajib) / runs the automated steps the dispatcher
    submits until stopped; start as many as there are cores, on one host or many
    (PREFECT_API_URL and SOP_DATABASE_URL required)."""
    from sop_runtime.cli.common import fail, require_extra, say

    require_extra("prefect")
    if not os.environ.get("PREFECT_API_URL"):
        fail(tr("PREFECT_API_URL belum diisi: alamat server Prefect",
                "PREFECT_API_URL is not set: the Prefect server's address"))
    from sop_runtime.flows.worker import serve_steps

    say(tr("Pekerja otomatisasi: {n} langkah sekaligus, server {u}",
           "Automation worker: {n} steps at a time, server {u}", n=concurrency,
           u=os.environ["PREFECT_API_URL"]))
    serve_steps(concurrency=concurrency)


@orchestrate_app.command("deploy")
def deploy(
    pool: Annotated[str, typer.Option("--pool", metavar="POOL",
                                      help="Work pool (jenis process) / work pool")],
    dispatch_every: DispatchEvery = 2,
    sweep_cron: SweepCron = SWEEP_CRON,
    seal_cron: SealCron = SEAL_CRON,
    close_cron: CloseCron = None,
) -> None:
    """Daftarkan deployment pada work pool untuk banyak mesin / register the deployments on
    a work pool, for workers on many machines (PREFECT_API_URL wajib / required)."""
    from sop_runtime.cli.common import fail, require_extra, say

    require_extra("prefect")
    _check_crons(sweep_cron, seal_cron, close_cron)
    if not os.environ.get("PREFECT_API_URL"):
        fail(tr("PREFECT_API_URL belum diisi: alamat server Prefect bersama",
                "PREFECT_API_URL is not set: the shared Prefect server's address"))
    seals = _seal_times(sweep_cron, seal_cron, close_cron)
    from sop_runtime.flows import serving

    names = serving.deploy_to_pool(pool, seals, dispatch_every=dispatch_every,
                                   sweep_cron=sweep_cron)
    say(tr("Deployment pada pool {p}: {n}", "Deployments on pool {p}: {n}", p=pool,
           n=", ".join(names)))


def _seal_times(sweep_cron: str, seal_cron: str, close_cron: str | None) -> SealTimes:
    """The schedules checked (exit 2 naming the option Prefect would refuse, before a
    server is started or anything is registered), the seals' read in the court's time
    zone, and said."""
    from sop_runtime.cli.common import runtime, say
    from sop_runtime.service.seal_schedule import seal_times

    _check_crons(sweep_cron, seal_cron, close_cron)
    rt = runtime()
    try:
        found = seal_times(rt, hourly=seal_cron, close=close_cron)
    finally:
        rt.engine.dispose()  # the flows open the store themselves
    say(tr("Segel log: tiap jam '{h}', penutupan hari kerja {c} ({z}{d})",
           "Log seals: hourly '{h}', close of the working day {c} ({z}{d})", h=found.hourly,
           c=", ".join(f"'{c}'" for c in found.close), z=found.timezone,
           d=tr(", dari jam kerja berkas pengadilan", ", from the court file's office hours")
           if found.close_derived else ""))
    return found


def _check_crons(sweep_cron: str, seal_cron: str, close_cron: str | None) -> None:
    _check_cron("--sweep-cron", sweep_cron)
    _check_cron("--seal-cron", seal_cron)
    if close_cron is not None:
        _check_cron("--close-cron", close_cron)


def _check_cron(option: str, text: str) -> None:
    """Exit 2 naming ``option`` when Prefect would refuse the schedule."""
    from sop_runtime.cli.common import Exit, fail
    from sop_runtime.flows.serving import cron_problem

    problem = cron_problem(text)
    if problem is not None:
        fail(tr("{o} '{c}' bukan jadwal cron (lima kolom, mis. '*/5 * * * *'): {p}",
                "{o} '{c}' is not a cron schedule (five fields, e.g. '*/5 * * * *'): "
                "{p}", o=option, c=text, p=problem), Exit.USAGE)
