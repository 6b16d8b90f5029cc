"""Commands on definitions: validate, list, show, render.

The compiler and rich's tables are imported inside the commands: every ``sop`` command
imports this module, and the runtime commands (``sop tasks``...) must start fast."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from sop_runtime.cli.common import (
    Exit,
    cannot_write,
    console,
    definitions_dir,
    err_console,
    fail,
    output_files,
    print_json,
    write_whole,
)
from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.compiler.library import Library
    from sop_runtime.compiler.workflow import Node, Workflow

SYMBOL_TEXT = {"kapsul": "( )", "kotak": "[ ]", "belah_ketupat": "< >", "segilima": "[>"}
"""Each Symbol (definition.models) as text in the procedure table."""


def _library(paths: list[Path] | None = None) -> Library:
    from sop_runtime.compiler.library import load_library

    return load_library(paths or [definitions_dir()])


def _workflow(sop: str) -> Workflow:
    return _found(sop)[0]


def _found(sop: str) -> tuple[Workflow, Library]:
    """The SOP ``sop`` (an id or a file) and the library it was found in."""
    from sop_runtime.compiler.library import load_library

    as_path = Path(sop)
    if as_path.suffix in (".yaml", ".yml") and as_path.is_file():
        lib = load_library([as_path])
    else:
        lib = _library()
    try:
        return lib.workflow(sop), lib
    except NotFoundError:
        broken = [p for p in lib.errors if sop in p.file or p.file == sop]
        if broken:
            for p in broken:
                sys.stdout.write(p.format() + "\n")
            fail(tr("SOP '{s}' tidak sah", "SOP '{s}' is invalid", s=sop))
        raise


def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Berkas atau folder definisi / definition files or folders "
             "(bawaan/default: definitions/)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON / JSON output")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Peringatan juga gagal / warnings fail too")] = False,
) -> None:
    """Periksa definisi SOP / validate SOP definitions."""
    lib = _library(paths)
    failed = bool(lib.errors) or (strict and bool(lib.warnings))
    if as_json:
        print_json({
            "valid": not failed,
            "files": lib.checked_files,
            "sops": {k: wf.version for k, wf in sorted(lib.checked_workflows().items())},
            "court": lib.court.source.file if lib.court else None,
            "problems": [p.as_dict() for p in lib.problems],
        })
    else:
        for p in lib.problems:
            sys.stdout.write(p.format() + "\n")
        err_console().print(tr(
            "{files} berkas diperiksa: {ok} SOP sah, {e} galat, {w} peringatan",
            "{files} files checked: {ok} valid SOPs, {e} errors, {w} warnings",
            files=len(lib.checked_files), ok=len(lib.checked_workflows()), e=len(lib.errors),
            w=len(lib.warnings)))
    raise typer.Exit(int(Exit.PROBLEMS if failed else Exit.OK))


def list_sops(
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON / JSON output")] = False,
) -> None:
    """Daftar SOP dalam pustaka / list the SOP library."""
    lib = _library()
    rows = sorted(lib.workflows.values(), key=lambda w: w.document.identitas.nomor)
    if as_json:
        print_json([{
            "id": wf.sop_id, "nomor": wf.document.identitas.nomor, "nama": wf.nama,
            "versi": wf.version, "langkah": len(wf.nodes),
            "pelaksana": [r.id for r in wf.roles],
            "waktu_pelayanan": wf.service_limit.text if wf.service_limit else None,
            "berkas": lib.files[wf.sop_id],
        } for wf in rows])
    else:
        from rich.table import Table

        table = Table(title=tr("Pustaka SOP", "SOP library"))
        table.add_column("ID")
        table.add_column(tr("Nomor", "Number"))
        table.add_column(tr("Nama SOP", "SOP name"))
        table.add_column(tr("Langkah", "Steps"), justify="right")
        table.add_column(tr("Waktu pelayanan", "Service time"))
        table.add_column(tr("Versi", "Version"))
        for wf in rows:
            table.add_row(wf.sop_id, escape(wf.document.identitas.nomor), escape(wf.nama),
                          str(len(wf.nodes)),
                          wf.service_limit.describe() if wf.service_limit else "-",
                          wf.short_version)
        console().print(table)
    if lib.errors:
        err_console().print(tr("{n} definisi tidak sah dilewati (jalankan 'sop validate')",
                               "{n} invalid definitions skipped (run 'sop validate')",
                               n=len({p.file for p in lib.errors})))


def _limit_text(n: Node) -> str:
    if n.limit is None:
        return tr("tidak ditentukan", "not set") if n.limit_set else "-"
    text = n.limit.text or n.limit.describe()
    if n.anchor is not None:
        text += f" ({n.anchor.describe()})"
    return text


def _flow_text(n: Node) -> str:
    from sop_runtime.compiler.workflow import EdgeKind

    parts = []
    if n.waits:
        parts.append(tr("menunggu {s}", "waits for {s}", s=", ".join(n.waits)))
    if n.is_split:
        parts.append(tr("→ {s} bersamaan", "→ {s} at once", s=", ".join(
            t.target for t in n.transitions if t.kind is EdgeKind.NEXT)))
    for t in n.transitions:
        if n.is_split and t.kind is EdgeKind.NEXT:
            continue
        if t.kind is EdgeKind.BRANCH:
            parts.append(f"{t.label} → {t.target}")
        elif t.kind is EdgeKind.TIMER:
            parts.append(tr("lewat {l} → {t}", "after {l} → {t}", l=t.label, t=t.target))
        else:
            parts.append(f"→ {t.target}")
    return "\n".join(parts)


def show(sop: Annotated[str, typer.Argument(help="ID SOP atau berkas / SOP id or file")]) -> None:
    """Tampilkan identitas dan tabel prosedur / show identity and procedure table."""
    from rich.table import Table

    wf = _workflow(sop)
    doc = wf.document
    ident = doc.identitas
    out = console()
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    rows = [
        (tr("Satuan kerja", "Unit"), ident.satuan_kerja),
        (tr("Nomor SOP", "SOP number"), ident.nomor),
        (tr("Nama SOP", "SOP name"), ident.nama),
        (tr("Tanggal pembuatan", "Created"), str(ident.tanggal_pembuatan)),
        (tr("Tanggal revisi", "Revised"), str(ident.tanggal_revisi or "-")),
        (tr("Tanggal efektif", "Effective"), str(ident.tanggal_efektif)),
        (tr("Disahkan oleh", "Approved by"), ident.disahkan_oleh.jabatan),
        (tr("Dasar hukum", "Legal basis"), "\n".join(ident.dasar_hukum)),
        (tr("Keterkaitan", "Related SOPs"), ", ".join(ident.keterkaitan) or "-"),
        (tr("Waktu pelayanan", "Service time"),
         wf.service_limit.text if wf.service_limit else "-"),
        (tr("Versi", "Version"), wf.version),
    ]
    for k, v in rows:
        head.add_row(k, escape(v))
    out.print(head)
    roles = {r.id: r.nama for r in wf.roles}
    table = Table(show_lines=True)
    for col in (tr("No", "No"), tr("Kegiatan", "Activity"), tr("Pelaksana", "Performer"),
                tr("Kelengkapan", "Inputs"), tr("Waktu", "Time"), tr("Output", "Output"),
                tr("Alur", "Flow"), tr("Keterangan", "Remarks")):
        table.add_column(col)
    for n in wf.nodes:
        table.add_row(
            f"{n.no} {SYMBOL_TEXT[str(n.symbol)]}",
            escape(n.kegiatan),
            escape(roles.get(n.role or "", "-")),
            escape("\n".join(i.nama + ("" if i.wajib else " (opsional)") for i in n.inputs)),
            escape(_limit_text(n)),
            escape("\n".join(o.nama for o in n.outputs)),
            escape(_flow_text(n)),
            escape(n.keterangan or ""),
        )
    out.print(table)


class Format(StrEnum):
    svg = "svg"
    html = "html"
    mermaid = "mermaid"


def render(
    sop: Annotated[str, typer.Argument(help="ID SOP atau berkas / SOP id or file")],
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help="svg | html | mermaid")] = Format.svg,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Berkas keluaran / output file (bawaan/default: stdout)")] = None,
) -> None:
    """Gambar diagram alir (SVG), lembar SOP (HTML) atau Mermaid / render an SOP."""
    output_files(output)
    wf, lib = _found(sop)
    if fmt is Format.svg:
        from sop_runtime.compiler.render.svg import render_svg

        text = render_svg(wf)
    elif fmt is Format.html:
        from sop_runtime.compiler.render.sheet import render_html

        text = render_html(wf, lib.kop(), lib.titles())
    else:
        from sop_runtime.compiler.render.mermaid import render_mermaid

        text = render_mermaid(wf)
    if output is None:
        sys.stdout.write(text)
        return
    write_whole(output, text)
    err_console().print(tr("ditulis: {f}", "written: {f}", f=output))


def publish(
    outdir: Annotated[Path, typer.Argument(help="Folder keluaran / output folder")] = Path("out"),
) -> None:
    """Terbitkan seluruh pustaka: lembar HTML, SVG, Mermaid dan indeks / publish the library."""
    from sop_runtime.compiler.render.index import render_index
    from sop_runtime.compiler.render.mermaid import render_mermaid
    from sop_runtime.compiler.render.sheet import render_html
    from sop_runtime.compiler.render.svg import render_svg

    lib = _library()
    if lib.errors:
        for p in lib.problems:
            sys.stdout.write(p.format() + "\n")
        fail(tr("pustaka tidak sah; perbaiki dulu (sop validate)",
                "the library is invalid; fix it first (sop validate)"))
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        kop, titles = lib.kop(), lib.titles()
        for wf in lib.workflows.values():
            (outdir / f"{wf.sop_id}.svg").write_text(render_svg(wf), encoding="utf-8")
            (outdir / f"{wf.sop_id}.html").write_text(render_html(wf, kop, titles),
                                                        encoding="utf-8")
            (outdir / f"{wf.sop_id}.mmd").write_text(render_mermaid(wf), encoding="utf-8")
        court = lib.court.model.pengadilan.nama if lib.court else ""
        (outdir / "index.html").write_text(render_index(lib.workflows.values(), court, kop),
                                           encoding="utf-8")
    except OSError as exc:
        cannot_write(outdir, exc)
    console().print(tr(
        "{n} SOP diterbitkan ke {d}/ (buka {d}/index.html)",
        "{n} SOPs published to {d}/ (open {d}/index.html)", n=len(lib.workflows), d=outdir))
