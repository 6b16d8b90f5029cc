"""``sop demo``: a working day at PN Sanana, played through the real commands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from sop_runtime.cli.common import Exit, console, definitions_dir, fail, use_clock
from sop_runtime.i18n import current_lang, tr


def demo(
    definitions: Annotated[Path | None, typer.Option(
        "--definitions", help="Folder definisi / definitions folder (bawaan/default: definitions/)")
    ] = None,
    out: Annotated[Path, typer.Option(
        "--out", metavar="DIR", help="Folder untuk cetakan hari itu (tanda terima pemohon) / "
                                     "folder for the day's printouts (the applicant's receipt)")
    ] = Path("out"),
) -> None:
    """Siapkan PN Sanana dan mainkan satu hari kerja / set up PN Sanana and play a working day."""
    from sop_runtime.cli.app import run
    from sop_runtime.demo.play import DemoFailed, play

    moment: list[datetime] = []

    def set_clock(at: datetime) -> None:
        moment[:] = [at]

    lang = current_lang()

    def run_in_language(args: list[str]) -> int:  # each command sets the language anew
        return run(["--lang", lang, *args])

    folder = definitions or definitions_dir()
    if not (folder / "court.yaml").is_file():
        fail(tr("{d} tidak memuat court.yaml: jalankan dari folder proyek atau beri "
                "--definitions DIR", "{d} holds no court.yaml: run from the project's folder "
                "or give --definitions DIR", d=folder.resolve()), Exit.NOT_FOUND)
    use_clock(lambda: moment[0])
    try:
        play(folder, run_in_language, set_clock, console(), out)
    except DemoFailed as exc:
        fail(tr("demo gagal: {e}", "demo failed: {e}", e=exc))
    finally:
        use_clock(None)
    _demo_logins()


DEMO_PASSWORD = "sanana-demo-2026"  # every demo user's; a real court sets its own (sop password)
DEMO_LOGINS = ("rina.ptsp", "siti.kasir", "bambang.panitera", "fitri.hakim")


def _demo_logins() -> None:
    """Give the demo court's people a password and show who to sign in as."""
    from rich.table import Table

    from sop_runtime.cli.common import runtime
    from sop_runtime.service import access, auth, views

    rt = runtime()
    people = {u.username: u for u in views.users(rt)}
    for username in people:
        auth.set_password(rt, username, DEMO_PASSWORD)
    table = Table(title=tr("Masuk ke aplikasi web (kata sandi semua pengguna demo: {p})",
                           "Sign in to the web app (every demo user's password: {p})",
                           p=DEMO_PASSWORD), title_justify="left")
    table.add_column(tr("Pengguna", "Username"))
    table.add_column(tr("Nama", "Name"))
    table.add_column(tr("Dapat", "May"))
    for username in DEMO_LOGINS:
        if username in people:
            table.add_row(username, people[username].nama,
                          access.describe(access.permissions(rt, username)))
    console().print(table)
