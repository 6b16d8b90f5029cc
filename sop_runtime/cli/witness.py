"""``sop saksi``: be a witness of courts' logs (a supervising court, an auditor, anyone with
the court's public key): follow a court, poll its signed heads, keep them and a mirror of
its log tree, and name the first divergent entry when a court's log no longer extends what
was seen (:mod:`sop_runtime.audit.witness`). Needs no database: only the witness's folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sop_runtime.cli import options as opt
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.audit.witness import Court, Folder, Poll

FOLDER_ENV = "SOP_WITNESS_DIR"
MAX_ANSWER = 2 * 1024 * 1024  # a page of 4,096 leaf hashes is about 280 KB
TIMEOUT = 30  # seconds for one answer

witness_app = typer.Typer(
    help="Menjadi saksi log pengadilan: ikuti, periksa kepala bertanda tangan, temukan entri "
         "pertama yang berbeda / be a witness of courts' logs: follow, check signed heads, "
         "find the first divergent entry.",
    no_args_is_help=True, rich_markup_mode=None)

FolderOpt = Annotated[Path | None, typer.Option(
    "--folder", metavar="DIR",
    help=f"Folder saksi (bawaan: {FOLDER_ENV}, atau ~/.local/share/sop-runtime/saksi) / the "
         "witness folder")]


def _folder(path: Path | None) -> Folder:
    from sop_runtime.audit.witness import Folder

    where = path or Path(os.environ.get(FOLDER_ENV) or
                         "~/.local/share/sop-runtime/saksi")
    return Folder(where.expanduser())


def http_fetch(court: Court) -> Any:
    """The court's witness API over HTTP(S), as :class:`~sop_runtime.audit.witness.Fetch`."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from sop_runtime.audit.witness import NotServed, Unreachable

    def fetch(path: str, params: dict[str, int]) -> dict[str, Any]:
        url = court.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                raw = answer.read(MAX_ANSWER + 1)
        except urllib.error.HTTPError as exc:
            detail = _detail(exc.read(64 * 1024))
            if exc.code == 404:
                raise NotServed(detail or str(exc.reason)) from None
            raise Unreachable(tr("{u} menjawab {c}: {d}", "{u} answered {c}: {d}", u=url,
                                 c=exc.code, d=detail or exc.reason)) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(tr("{u} tidak dapat dihubungi: {e}", "cannot reach {u}: {e}",
                                 u=court.url, e=reason)) from None
        if len(raw) > MAX_ANSWER:
            raise Unreachable(tr("jawaban {u} terlalu besar", "the answer of {u} is too big",
                                 u=url))
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise Unreachable(tr("{u} tidak menjawab JSON API saksi",
                                 "{u} did not answer with the witness API's JSON", u=url))
        return data

    return fetch


def _detail(raw: bytes) -> str | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    detail = data.get("detail") if isinstance(data, dict) else None
    return detail if isinstance(detail, str) else None


@witness_app.command("ikuti")
def follow(
    name: Annotated[str, typer.Argument(metavar="NAMA", help="Nama pendek pengadilan, mis. "
                                                              "pn-sanana / a short name")],
    url: Annotated[str, typer.Argument(metavar="URL", help="Alamat aplikasi pengadilan / "
                                                           "the court's app address")],
    public_key: Annotated[str, typer.Option(
        "--public-key", metavar="BASE64",
        help="Kunci publik pengadilan (dari 'sop seal key' di pengadilan, diterima langsung, "
             "bukan dari laman yang diawasi) / the court's public key (from 'sop seal key' "
             "at the court, received directly, not from the site watched)")],
    zone: Annotated[str, typer.Option(
        "--zona", metavar="ZONA", help="Zona waktu pengadilan / the court's time zone")
    ] = "Asia/Jakarta",
    folder: FolderOpt = None,
) -> None:
    """Mulai mengikuti log sebuah pengadilan / start following a court's log."""
    from sop_runtime.audit.signing import SigningKeyError
    from sop_runtime.cli.common import Exit, fail, say

    try:
        court = _folder(folder).follow(name, url, public_key, zone)
    except SigningKeyError as exc:
        fail(f"--public-key: {exc}", Exit.USAGE)
    say(tr("[bold green]✓[/] {n} diikuti ({u}). Jalankan 'sop saksi periksa' secara berkala.",
           "[bold green]✓[/] following {n} ({u}). Run 'sop saksi periksa' regularly.",
           n=court.name, u=court.url))


@witness_app.command("periksa")
def check(
    name: Annotated[str | None, typer.Argument(
        metavar="[NAMA]", help="Hanya pengadilan ini / only this court")] = None,
    folder: FolderOpt = None,
    as_json: opt.Json = False,
) -> None:
    """Periksa kepala terbaru setiap pengadilan yang diikuti terhadap yang dipegang /
    check each followed court's newest head against those held."""
    from datetime import UTC, datetime

    from sop_runtime.audit.witness import Unreachable, poll
    from sop_runtime.cli.common import Exit, fail, print_json, say

    where = _folder(folder)
    courts = [where.court(name)] if name else where.courts()
    if not courts:
        fail(tr("Belum ada pengadilan yang diikuti di {f} ('sop saksi ikuti')",
                "No court is followed in {f} yet ('sop saksi ikuti')", f=where.root),
             Exit.USAGE)
    results: list[dict[str, Any]] = []
    bad = False
    for court in courts:
        try:
            found = poll(where, court, http_fetch(court), datetime.now(UTC))
        except Unreachable as exc:
            bad = True
            results.append({"court": court.name, "ok": False, "unreachable": str(exc)})
            if not as_json:
                say(stderr=True, message=tr("[bold red]✗[/] {n}: {e}", "[bold red]✗[/] {n}: {e}",
                                            n=court.name, e=exc))
            continue
        bad |= not found.ok
        results.append(_poll_json(found))
        if not as_json:
            _tell(found, where.root / court.name / "temuan.jsonl")
    if as_json:
        print_json(results)
    raise typer.Exit(int(Exit.PROBLEMS if bad else Exit.OK))


def _when(court: Court, head: Any) -> str:
    from zoneinfo import ZoneInfo

    from sop_runtime.wording import moment_text

    return moment_text(head.sealed_at, ZoneInfo(court.zone))


def _tell(found: Poll, findings: Path) -> None:
    from rich.markup import escape

    from sop_runtime.cli.common import say

    court, held = found.court, found.held
    if found.ok and held is not None:
        say(tr("[bold green]✓[/] {n}: segel #{s} ({k} entri, {t}) ditandatangani kunci "
               "pengadilan dan memperluas yang dipegang; {a} entri baru dicerminkan",
               "[bold green]✓[/] {n}: seal #{s} ({k} entries, {t}) is signed by the court's "
               "key and extends what is held; {a} new entries mirrored",
               n=court.name, s=held.seal_id, k=held.head.size, t=_when(court, held.head),
               a=found.added))
        return
    say(stderr=True, message=tr("[bold red]✗ {n}[/]: {p}", "[bold red]✗ {n}[/]: {p}",
                                n=court.name, p=escape("; ".join(found.problems))))
    d = found.divergence
    if d is not None:
        say(stderr=True, message=tr(
            "  entri pertama yang berbeda: posisi {p} (entri ke-{q}), pertama dicakup segel "
            "#{s} ({t}) yang dipegang saksi",
            "  the first divergent entry: position {p} (entry no. {q}), first covered by seal "
            "#{s} ({t}) the witness holds",
            p=d.position, q=d.position + 1, s=d.covered_by.seal_id,
            t=_when(court, d.covered_by.head)))
    say(stderr=True, message=tr(
        "  kepala yang dipegang tidak diubah; temuan dicatat di {f}",
        "  the heads held are unchanged; the finding is recorded in {f}",
        f=findings))


def _poll_json(found: Poll) -> dict[str, Any]:
    d = found.divergence
    return {"court": found.court.name, "ok": found.ok,
            "held": None if found.held is None else found.held.as_json(),
            "added": found.added, "problems": found.problems,
            "divergence": None if d is None else {
                "position": d.position, "held_leaf": d.held_leaf,
                "served_leaf": d.served_leaf, "first_held_seal": d.covered_by.seal_id}}


@witness_app.command("daftar")
def list_courts(folder: FolderOpt = None, as_json: opt.Json = False) -> None:
    """Pengadilan yang diikuti dan kepala terbaru yang dipegang / the courts followed and
    the newest head held."""
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.audit.signing import key_id
    from sop_runtime.cli.common import print_json, say, table_console

    where = _folder(folder)
    rows = [(c, where.heads(c)) for c in where.courts()]
    if as_json:
        print_json([{"court": c.name, "url": c.url, "key_id": key_id(c.public),
                     "heads": len(h), "newest": h[-1].as_json() if h else None}
                    for c, h in rows])
        return
    if not rows:
        say(tr("Belum ada pengadilan yang diikuti.", "No court is followed yet."))
        return
    table = Table(title=tr("Pengadilan yang disaksikan", "Courts witnessed"))
    for col in (tr("Nama", "Name"), tr("Alamat", "Address"), tr("Kunci", "Key"),
                tr("Kepala dipegang", "Heads held"), tr("Terbaru", "Newest")):
        table.add_column(col)
    for c, h in rows:
        newest = (tr("segel #{s}, {k} entri, {t}", "seal #{s}, {k} entries, {t}",
                     s=h[-1].seal_id, k=h[-1].head.size, t=_when(c, h[-1].head))
                  if h else tr("belum ada", "none yet"))
        table.add_row(escape(c.name), escape(c.url), key_id(c.public), str(len(h)), newest)
    table_console().print(table)
