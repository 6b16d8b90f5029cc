"""``sop load FILE...`` (a revised definition stored as a draft), ``sop versions SOP`` (every
stored version and whether it is in force, approved, or a draft awaiting approval) and
``sop approve SOP VERSION --as USER`` (the Ketua's pengesahan)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import console, print_json, runtime, say
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.service.revisions import VersionView

Sop = Annotated[str, typer.Argument(metavar="SOP", help="ID SOP / SOP id")]


def _json(v: VersionView) -> dict[str, Any]:
    return {"version": v.version, "status": str(v.status), "nomor": v.nomor,
            "nomor_revisi": v.nomor_revisi,
            "tanggal_revisi": v.tanggal_revisi.isoformat() if v.tanggal_revisi else None,
            "tanggal_efektif": v.tanggal_efektif.isoformat() if v.tanggal_efektif else None,
            "approved_by": v.approved_by,
            "approved_at": v.approved_at.isoformat() if v.approved_at else None,
            "acting": v.acting,
            "in_force_from": v.in_force_from.isoformat() if v.in_force_from else None}


def load(files: Annotated[list[Path], typer.Argument(
        metavar="FILE...", help="Berkas definisi SOP (YAML) / SOP definition files")],
        as_json: opt.Json = False) -> None:
    """Muat definisi (revisi) ke basis data / load definitions (revisions) into the database."""
    from sop_runtime.service import setup

    report = setup.load(runtime(), files)
    if as_json:
        print_json({"new_versions": report.new_versions, "unchanged": report.unchanged,
                    "drafts": report.drafts})
        return
    first = [s for s in report.new_versions if s not in report.drafts]
    if first:
        say(tr("SOP baru, berlaku sejak dimuat: {s}", "New SOPs, in force as loaded: {s}",
               s=", ".join(first)))
    if report.unchanged:
        say(tr("Tidak berubah: {s}", "Unchanged: {s}", s=", ".join(report.unchanged)))
    for sop_id in report.drafts:
        say(tr("SOP {s}: revisi disimpan sebagai draf, menunggu pengesahan Ketua. Lihat "
               "perubahannya dengan 'sop versions {s}' dan 'sop diff'; sahkan dengan "
               "'sop approve {s} VERSI --as ...'",
               "SOP {s}: the revision is stored as a draft awaiting the Ketua's approval. See "
               "what changed with 'sop versions {s}' and 'sop diff'; approve with "
               "'sop approve {s} VERSION --as ...'", s=sop_id))


def versions(sop: Sop, as_json: opt.Json = False) -> None:
    """Versi SOP dan statusnya / an SOP's versions and their status."""
    from rich.table import Table

    from sop_runtime.cli.times import court_tz
    from sop_runtime.service import revisions
    from sop_runtime.wording import NONE, day_text, moment_text

    rt = runtime()
    found = revisions.versions(rt, sop)
    if as_json:
        print_json([_json(v) for v in found])
        return
    tz = court_tz(rt)
    table = Table(title=tr("Versi SOP {s}", "Versions of SOP {s}", s=sop))
    for head in (tr("Versi", "Version"), tr("Revisi", "Revision"),
                 tr("Tanggal efektif", "Effective"), tr("Status", "Status"),
                 tr("Disahkan", "Approved"), tr("Dimuat", "Loaded")):
        table.add_column(head)
    for v in found:
        approved = NONE
        if v.approved_at is not None:
            approved = f"{v.approved_by}{f' ({v.acting.capitalize()})' if v.acting else ''}, " \
                       f"{moment_text(v.approved_at, tz)}"
        status = v.status.words()
        if v.in_force_from is not None and str(v.status) == "akan_berlaku":
            status += tr(" (mulai {d})", " (from {d})", d=day_text(v.in_force_from))
        table.add_row(v.short, str(v.nomor_revisi) if v.nomor_revisi else NONE,
                      day_text(v.tanggal_efektif) if v.tanggal_efektif else NONE,
                      escape(status), escape(approved), moment_text(v.loaded_at, tz))
    console().print(table)


def approve(sop: Sop,
            version: Annotated[str, typer.Argument(
                metavar="VERSION", help="Versi (awal hash) / version (hash prefix)")],
            actor: opt.Actor, as_json: opt.Json = False) -> None:
    """Sahkan revisi SOP (Ketua) / approve an SOP revision (the Ketua)."""
    from sop_runtime.service import revisions
    from sop_runtime.wording import day_text

    rt = runtime()
    done = revisions.approve(rt, sop, version, by=actor)
    if as_json:
        print_json(_json(done))
        return
    assert done.in_force_from is not None
    say(tr("SOP {s} versi {v} disahkan oleh {n}; perkara baru memakainya mulai {d}. Perkara "
           "yang sudah berjalan tetap pada versinya.",
           "SOP {s} version {v} approved by {n}; new cases use it from {d}. Running cases keep "
           "their version.", s=sop, v=done.short, n=done.approved_by or actor,
           d=day_text(done.in_force_from)))
