"""The actions the library's SOPs use (named in ``aksi:`` as ``sop_runtime.actions:...``)."""

from __future__ import annotations

from collections.abc import Mapping

from sop_runtime.actions import ActionContext

# the register of civil claims; a case field `jenis_perkara` may name another
# (Pdt.G.S gugatan sederhana, Pdt.P permohonan)
DEFAULT_CLASS = "Pdt.G"


def nomor_perkara(ctx: ActionContext) -> Mapping[str, str]:
    """The next nomor perkara in the court's register, as SIPP gives it after a filing is
    verified: ``<n>/<jenis>/<year>/<court code>``, e.g. ``12/Pdt.G/2026/PN Snn``. One
    register per class and year; numbers start at 1 each year."""
    kind = ctx.values.get("jenis_perkara", DEFAULT_CLASS).strip() or DEFAULT_CLASS
    year = ctx.now.year
    code = ctx.court.pengadilan.kode
    number = ctx.register(f"nomor_perkara/{kind}/{year}/{code}")
    return {"nomor_perkara": f"{number}/{kind}/{year}/{code}"}
