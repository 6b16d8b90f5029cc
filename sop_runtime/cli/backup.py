"""``sop backup`` and ``sop restore``: a copy of the store that verifies, and putting one
back once it is shown to be the court's log (docs/operations.md, "Backups and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from datetime import tzinfo

    from sop_runtime.service.backup import Held
    from sop_runtime.service.seals import SealRow


def backup(
    path: Annotated[Path, typer.Argument(
        metavar="PATH", help="Berkas cadangan yang dibuat / the backup file to make")],
    overwrite: Annotated[bool, typer.Option(
        "--timpa", "--overwrite",
        help="Timpa berkas yang sudah ada di PATH / overwrite a file already at PATH")] = False,
    full: Annotated[bool, typer.Option(
        "--full", help="Periksa seluruh log sebelum dan sesudah menyalin (bawaan: yang berubah "
                       "sejak segel terakhir) / check the whole log before and after copying "
                       "(default: what changed since the last seal)")] = False,
    as_json: opt.Json = False,
) -> None:
    """Cadangkan basis data selagi pengadilan bekerja, bila lognya lolos pemeriksaan /
    back the database up while the court works, if its log verifies."""
    from sop_runtime.cli.common import print_json, say
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service.backup import backup as make
    from sop_runtime.wording import size_text

    rt = runtime()
    with _Progress(enabled=not as_json) as progress:
        made = make(rt, path, overwrite=overwrite, full=full, progress=progress)
    if as_json:
        print_json({"ok": True, "path": str(made.path), "bytes": made.size,
                    "backend": made.backend, **_held_json(made.held), "checked": made.mode,
                    "seconds": round(made.seconds, 3), "documents": str(made.documents)})
        return
    tz = court_tz(rt)
    say(tr("[bold green]✓[/] Cadangan dibuat: {p} ({s})",
           "[bold green]✓[/] Backup made: {p} ({s})", p=made.path, s=size_text(made.size)))
    _tell_held(made.held, tz)
    newest = made.held.newest_seal
    scope = (tr("seluruh log", "the whole log") if made.mode == "full" or newest is None
             else tr("yang berubah sejak segel #{n} (--full: seluruh log)",
                     "what changed since seal #{n} (--full: the whole log)", n=newest.id))
    if made.backend == "sqlite":
        say(tr("  diperiksa sebelum dan sesudah menyalin: {w}",
               "  checked before and after copying: {w}", w=scope))
    else:
        say(tr("  diperiksa sebelum menyalin: {w}; daftar isi arsip pg_dump terbaca utuh "
               "(pemulihan memeriksa seluruh lognya)",
               "  checked before copying: {w}; the pg_dump archive's table of contents reads "
               "whole (a restore checks its whole log)", w=scope))
    say(tr("  dokumen tidak termasuk dalam cadangan: salin folder {d} bersamanya",
           "  the documents are not in the backup: copy the folder {d} with it",
           d=made.documents))


def restore(
    source: Annotated[Path, typer.Argument(
        metavar="BACKUP", help="Berkas cadangan (sop backup) / the backup file")],
    replace: Annotated[bool, typer.Option(
        "--ganti", "--replace",
        help="Ganti basis data yang sudah memuat perkara (yang lama disimpan dengan nama lain) "
             "/ replace a database that already holds cases (the old one is kept under "
             "another name)")] = False,
    head: Annotated[Path | None, typer.Option(
        "--kepala", metavar="HEAD.json",
        help="Kepala segel yang dipegang saksi (sop seal export) / a head a witness holds "
             "(sop seal export)")] = None,
    public_key: Annotated[str | None, typer.Option(
        "--public-key", metavar="BASE64",
        help="Kunci publik pengadilan (bawaan: dari SOP_SIGNING_KEY) / the court's public key "
             "(default: from SOP_SIGNING_KEY)")] = None,
    accept_loss: Annotated[bool, typer.Option(
        "--terima-kehilangan", "--accept-loss",
        help="Tetap pulihkan cadangan yang lebih lama dari kepala saksi / restore a backup "
             "older than the witness's head anyway")] = False,
    as_json: opt.Json = False,
) -> None:
    """Pulihkan cadangan ke basis data SOP_DATABASE_URL, setelah seluruh lognya diperiksa
    dan dicocokkan dengan kepala bertanda tangan / restore a backup into the SOP_DATABASE_URL
    database, once its whole log is checked and matched with a signed head."""
    from sop_runtime.cli.common import print_json, say
    from sop_runtime.cli.seals import public_key_at_hand, read_head
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service.restore import restore as put_back
    from sop_runtime.wording import moment_text

    public, unusable = public_key_at_hand(public_key)
    witness = None if head is None else read_head(head)
    done = put_back(source, replace=replace, witness=witness, public=public,
                    accept_loss=accept_loss)
    seen = done.witness
    if as_json:
        print_json({"ok": True, "target": done.target, "backend": done.backend,
                    **_held_json(done.held), "checked": "full", "key_id": done.key,
                    "signatures_held": done.signatures_held,
                    "signed_not_checked": done.not_checked,
                    "witness": None if seen is None else {
                        "seal_id": seen.seal_id, "size": seen.size, "tree_size": seen.tree_size,
                        "matches": seen.matches, "lacking": seen.lacking,
                        "missing": seen.missing},
                    "kept_old": done.kept_old, "documents": str(done.documents)})
        return
    tz = court_tz(runtime())
    say(tr("[bold green]✓[/] Dipulihkan ke {t}; seluruh log diperiksa (rantai hash, jurnal, "
           "setiap segel, proyeksi, versi SOP, dokumen)",
           "[bold green]✓[/] Restored into {t}; the whole log checked (hash chains, journals, "
           "every seal, projections, SOP versions, documents)", t=done.target))
    _tell_held(done.held, tz)
    if unusable:
        say(tr("  [yellow]kunci SOP_SIGNING_KEY tidak dapat dipakai[/]: {e}",
               "  [yellow]the SOP_SIGNING_KEY key cannot be used[/]: {e}", e=unusable))
    if done.signatures_held:
        say(tr("  [bold green]✓[/] tanda tangan {n} segel sah (kunci {k})",
               "  [bold green]✓[/] the signatures of {n} seals hold (key {k})",
               n=done.signatures_held, k=done.key))
    if done.not_checked:
        say(tr("  {n} segel bertanda tangan tidak diperiksa (kunci lain, atau tanpa kunci: "
               "--public-key atau SOP_SIGNING_KEY)",
               "  {n} signed seals not checked (another key's, or no key: --public-key or "
               "SOP_SIGNING_KEY)", n=done.not_checked))
    if seen is not None and seen.matches:
        say(tr("  [bold green]✓[/] sesuai kepala saksi: segel #{n}, {k} entri, {t}",
               "  [bold green]✓[/] matches the witness's head: seal #{n}, {k} entries, {t}",
               n=seen.seal_id, k=seen.size, t=moment_text(seen.sealed_at, tz)))
    elif seen is not None:
        from sop_runtime.service.restore import loss_text

        say(tr("  [yellow]lebih lama dari kepala saksi[/] (segel #{n}, {k} entri, {t}): {x} "
               "(diterima: --terima-kehilangan)",
               "  [yellow]older than the witness's head[/] (seal #{n}, {k} entries, {t}): {x} "
               "(accepted: --terima-kehilangan)", n=seen.seal_id, k=seen.size,
               t=moment_text(seen.sealed_at, tz), x=loss_text(seen)))
    if done.kept_old:
        say(tr("  basis data yang diganti disimpan sebagai {p}",
               "  the database it replaced is kept as {p}", p=done.kept_old))
    say(tr("  dokumen dibaca dari folder {d} (dipulihkan terpisah)",
           "  the documents are read from the folder {d} (restored separately)",
           d=done.documents))


def _seal_json(s: SealRow | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"seal_id": s.id, "size": s.size, "sealed_at": s.sealed_at.isoformat(),
            "root": s.root, "signed": s.signed, "signed_with": s.signed_with}


def _held_json(held: Held) -> dict[str, Any]:
    return {"entries": held.entries, "events": held.events,
            "journal_entries": held.journal_entries, "cases": held.cases,
            "unsealed": held.unsealed, "newest_seal": _seal_json(held.newest_seal),
            "newest_signed_seal": _seal_json(held.newest_signed)}


def _tell_held(held: Held, tz: tzinfo) -> None:
    """What a backup holds, as an IT officer reads it."""
    from sop_runtime.cli.common import say

    say(tr("  {e} entri log: {v} peristiwa dalam {c} perkara, {j} entri jurnal pengadilan",
           "  {e} log entries: {v} events in {c} cases, {j} court journal entries",
           e=held.entries, v=held.events, c=held.cases, j=held.journal_entries))
    newest = held.newest_seal
    if newest is None:
        say(tr("  belum ada segel (sop seal create): tidak ada kepala yang dapat dicocokkan "
               "saksi", "  no seal yet (sop seal create): no head a witness can match"))
        return
    say(tr("  segel terbaru: #{n}, {k} entri, {t}, {s}", "  newest seal: #{n}, {k} entries, "
           "{t}, {s}", n=newest.id, k=newest.size, t=_when(newest, tz), s=_signed(newest)))
    signed = held.newest_signed
    if signed is not None and signed.id != newest.id:
        say(tr("  segel bertanda tangan terbaru: #{n}, {k} entri, {t}, {s}",
               "  newest signed seal: #{n}, {k} entries, {t}, {s}", n=signed.id,
               k=signed.size, t=_when(signed, tz), s=_signed(signed)))
    if held.unsealed:
        say(tr("  {u} entri sesudah segel #{n} belum disegel",
               "  {u} entries after seal #{n} are not sealed yet", u=held.unsealed,
               n=newest.id))


def _when(s: SealRow, tz: tzinfo) -> str:
    from sop_runtime.wording import moment_text

    return moment_text(s.sealed_at, tz)


def _signed(s: SealRow) -> str:
    return (tr("ditandatangani kunci {k}", "signed with the key {k}", k=s.signed_with)
            if s.signed else tr("[yellow]tidak ditandatangani[/]", "[yellow]not signed[/]"))


class _Progress:
    """A progress bar of the pages copied, on standard error when it is a terminal (the
    callback the service calls; None otherwise)."""

    def __init__(self, *, enabled: bool) -> None:
        import sys

        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        from sop_runtime.cli.common import err_console

        self.bar = Progress(TextColumn(tr("Menyalin", "Copying")), BarColumn(),
                            TaskProgressColumn(), console=err_console(), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("copy", total=None)
        return self.step

    def step(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.stop()
