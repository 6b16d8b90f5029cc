"""``sop orchestrate``: Prefect runs the automated steps, the deadline sweep, supervisor
notifications and long reports. Prefect is imported only here, inside the commands."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Annotated

import typer

from sop_runtime.i18n import tr

orchestrate_app = typer.Typer(
    help="Orkestrasi Prefect: langkah otomatis, sapu tenggat, notifikasi / Prefect "
         "orchestration: automated steps, the deadline sweep, notifications.",
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


@orchestrate_app.command("serve")
def serve(
    dispatch_every: DispatchEvery = 10,
    sweep_cron: SweepCron = "*/5 * * * *",
    home: Annotated[Path, typer.Option(
        "--home", metavar="DIR",
        help="PREFECT_HOME untuk server bawaan / PREFECT_HOME of the embedded server")
    ] = Path(".prefect"),
) -> None:
    """Jalankan semua deployment di mesin ini / serve every deployment on this machine.

    Tanpa PREFECT_API_URL, server Prefect bawaan (SQLite di --home) ikut dijalankan /
    without PREFECT_API_URL, an embedded Prefect server (SQLite under --home) is started."""
    from sop_runtime.cli.common import require_extra, say

    require_extra("prefect")
    from sop_runtime.flows.server import LocalServer

    _check_cron(sweep_cron)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        say(tr("Menjalankan server Prefect bawaan di {h} ...",
               "Starting the embedded Prefect server in {h} ...", h=home.resolve()))
        server = LocalServer.start(home.resolve())
        os.environ["PREFECT_API_URL"] = server.url
        os.environ["PREFECT_HOME"] = str(home.resolve())
    try:
        from sop_runtime.flows import serving

        say(tr("Prefect: {u}", "Prefect: {u}", u=os.environ["PREFECT_API_URL"]))
        serving.serve_all(dispatch_every=dispatch_every, sweep_cron=sweep_cron)
    finally:
        if server is not None:
            server.stop()


@orchestrate_app.command("deploy")
def deploy(
    pool: Annotated[str, typer.Option("--pool", metavar="POOL",
                                      help="Work pool (jenis process) / work pool")],
    dispatch_every: DispatchEvery = 10,
    sweep_cron: SweepCron = "*/5 * * * *",
) -> None:
    """Daftarkan deployment pada work pool untuk banyak mesin / register the deployments on
    a work pool, for workers on many machines (PREFECT_API_URL wajib / required)."""
    from sop_runtime.cli.common import fail, require_extra, say

    require_extra("prefect")
    _check_cron(sweep_cron)
    if not os.environ.get("PREFECT_API_URL"):
        fail(tr("PREFECT_API_URL belum diisi: alamat server Prefect bersama",
                "PREFECT_API_URL is not set: the shared Prefect server's address"))
    from sop_runtime.flows import serving

    names = serving.deploy_to_pool(pool, dispatch_every=dispatch_every, sweep_cron=sweep_cron)
    say(tr("Deployment pada pool {p}: {n}", "Deployments on pool {p}: {n}", p=pool,
           n=", ".join(names)))


def _check_cron(text: str) -> None:
    """Exit 2 naming --sweep-cron when Prefect would refuse the schedule (before a server
    is started or anything is registered)."""
    from sop_runtime.cli.common import Exit, fail
    from sop_runtime.flows.serving import cron_problem

    problem = cron_problem(text)
    if problem is not None:
        fail(tr("--sweep-cron '{c}' bukan jadwal cron (lima kolom, mis. '*/5 * * * *'): {p}",
                "--sweep-cron '{c}' is not a cron schedule (five fields, e.g. '*/5 * * * *'): "
                "{p}", c=text, p=problem), Exit.USAGE)
