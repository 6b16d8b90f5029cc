"""``sop diff SOP OLD NEW``: what changed between two versions of one SOP, as a table in the
official terms (the steps added, removed and renumbered; each changed row; the identity
block, the lanes and the service standard)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from sop_runtime.cli.common import Exit, console, fail, print_json, runtime
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.compiler.diff import SopDiff
    from sop_runtime.compiler.workflow import Workflow


def _version(sop: str, ref: str) -> Workflow:
    """A stored version (a hash prefix) or a definition file not loaded yet."""
    from sop_runtime.service import library

    path = Path(ref)
    if path.suffix not in (".yaml", ".yml"):
        return library.stored_version(runtime(), sop, ref)
    from sop_runtime.compiler.library import compile_source

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(tr("berkas {f} tidak dapat dibaca: {e}", "cannot read {f}: {e}", f=ref, e=exc),
             Exit.NOT_FOUND)
    # a draft may name the SOPs of the library it will join (keterkaitan, sub-SOP)
    result = compile_source(text, str(path), known_sops=library.sop_names(runtime()))
    if result.workflow is None:
        for p in result.problems:
            typer.echo(p.format())
        fail(tr("definisi {f} tidak sah", "definition {f} is invalid", f=ref))
    if result.workflow.sop_id != sop:
        fail(tr("berkas {f} berisi SOP '{o}', bukan '{s}'", "file {f} holds SOP '{o}', not '{s}'",
                f=ref, o=result.workflow.sop_id, s=sop), Exit.NOT_FOUND)
    return result.workflow


def diff(
    sop: Annotated[str, typer.Argument(help="ID SOP / SOP id")],
    old: Annotated[str, typer.Argument(
        help="versi lama (awal hash) atau berkas YAML / old version (hash prefix) or YAML file")],
    new: Annotated[str, typer.Argument(
        help="versi baru (awal hash) atau berkas YAML / new version (hash prefix) or YAML file")],
    as_json: Annotated[bool, typer.Option("--json", help="keluaran JSON / JSON output")] = False,
) -> None:
    """Apa yang berubah antara dua versi SOP / what changed between two versions of an SOP."""
    from sop_runtime.compiler.diff import diff_workflows

    found = diff_workflows(_version(sop, old), _version(sop, new))
    if as_json:
        print_json(found.as_json())
        return
    show(found)


def show(d: SopDiff) -> None:
    from rich.table import Table

    out = console()
    out.print(tr("[bold]SOP {s}[/]: versi {a} → {b}", "[bold]SOP {s}[/]: version {a} → {b}",
                 s=escape(d.sop_id), a=d.old_version[:12], b=d.new_version[:12]))
    if d.empty:
        out.print(tr("Tidak ada perubahan.", "No change."))
        return
    table = Table(show_lines=True)
    for col in (tr("Langkah", "Step"), tr("Perubahan", "Change"), tr("Semula", "Before"),
                tr("Menjadi", "After")):
        table.add_column(col)
    for s in d.removed:
        table.add_row(f"{s.no} →", tr("[red]dihapus[/]", "[red]removed[/]"),
                      escape(f"{s.kegiatan} ({s.pelaksana})"), "—")
    for s in d.added:
        table.add_row(f"→ {s.no}", tr("[green]ditambah[/]", "[green]added[/]"), "—",
                      escape(f"{s.kegiatan} ({s.pelaksana})"))
    for k in d.kept:
        step = f"{k.old_no} → {k.new_no}" if k.renumbered else str(k.new_no)
        if k.renumbered:
            table.add_row(step, tr("nomor berubah", "renumbered"), str(k.old_no), str(k.new_no))
        for c in k.changes:
            table.add_row(step, escape(c.label), escape(c.old), escape(c.new))
    for c in d.sop_changes:
        table.add_row("SOP", escape(c.label), escape(c.old), escape(c.new))
    out.print(table)
    out.print(tr("{a} ditambah, {r} dihapus, {n} bernomor baru, {c} berubah; {s} perubahan "
                 "identitas dan standar pelayanan",
                 "{a} added, {r} removed, {n} renumbered, {c} changed; {s} changes of the "
                 "identity and service standard",
                 a=len(d.added), r=len(d.removed), n=len(d.renumbered), c=len(d.changed),
                 s=len(d.sop_changes)))
