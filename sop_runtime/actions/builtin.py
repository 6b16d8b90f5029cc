"""The actions the library's SOPs use (named in ``aksi:`` as ``sop_runtime.actions:...``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sop_runtime.actions import ActionContext, ActionError, skum
from sop_runtime.actions.panjar import assess, fee_table, rupiah
from sop_runtime.i18n import tr

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


def taksiran_panjar(ctx: ActionContext) -> Mapping[str, str]:
    """The panjar biaya perkara from the court's fee table (``tarif_panjar`` in the court
    file) and the case's parties: output ``taksiran_panjar``, e.g. ``Rp 431.000``."""
    return {"taksiran_panjar": rupiah(assess(fee_table(ctx.court), ctx.values).total)}


def _attach_to(ctx: ActionContext, item: str) -> Callable[[str, bytes], None] | None:
    attach = ctx.attach
    if attach is None:
        return None
    return lambda name, data: attach(item, name, data)


def e_skum(ctx: ActionContext) -> Mapping[str, str]:
    """What e-Court does once a filing's documents are uploaded: assess the panjar, give
    a virtual account to pay it into, and issue the e-SKUM. Outputs ``taksiran_panjar``,
    ``kode_virtual_account`` and ``e_skum`` (the PDF written into the documents folder:
    ``SKUM-<case>-<step>-<attempt>.pdf sha256:<first 16 hex digits>``).

    The virtual account is the court's register ``virtual_account/<court code>`` formed as
    the fee table's ``virtual_account`` says (PN Sanana's stand-in: ``8808`` and the number,
    16 digits)."""
    table = fee_table(ctx.court)
    taksiran = assess(table, ctx.values)
    va = table.virtual_account
    number = str(ctx.register(f"virtual_account/{ctx.court.pengadilan.kode}"))
    room = va.panjang - len(va.awalan)
    if len(number) > room:
        raise ActionError(tr(
            "Nomor virtual account habis: nomor {n} tidak muat dalam {d} digit setelah awalan "
            "{a}", "The virtual accounts are used up: number {n} does not fit in {d} digits "
            "after the prefix {a}", n=number, d=room, a=va.awalan))
    account = va.awalan + number.zfill(room)
    reference = skum.write(ctx.court, skum.Skum(
        case_id=ctx.case_id, node=ctx.node, attempt=ctx.attempt, values=ctx.values,
        taksiran=taksiran, table=table, virtual_account=account, issued=ctx.now),
        ctx.documents, ctx.logo, keep=_attach_to(ctx, "e_skum"))
    return {"taksiran_panjar": rupiah(taksiran.total), "kode_virtual_account": account,
            "e_skum": reference}
