"""The applicant's receipt (tanda terima) from the command line: written when ``sop start``
is given ``--tanda-terima FILE.pdf``, and printed again by ``sop tanda-terima``, which
reissues the tracking code (the store keeps only a code's digest: the old code stops
working, and the case's log records who reissued it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.service.runtime import Runtime

ReceiptFile = Annotated[Path | None, typer.Option(
    "--tanda-terima", metavar="FILE.pdf",
    help="Tulis tanda terima pemohon (PDF, dengan kode lacak dan kode QR-nya) / write the "
         "applicant's receipt (PDF, with the tracking code and its QR code)")]
Roll = Annotated[bool, typer.Option(
    "--struk", help="Tanda terima pada gulungan kertas 80 mm, bukan A5 / the receipt on an "
                    "80 mm roll instead of A5")]


def check_file(path: Path | None) -> None:
    """Before any work: the receipt's file can be written and PDF can be made."""
    from sop_runtime.cli.common import output_files, require_extra

    if path is not None:
        output_files(path)
        require_extra("pdf")


def give_code(rt: Runtime, case_id: str, code: str, path: Path | None, roll: bool, *,
              said: bool = False) -> None:
    """Tell the clerk the new request's tracking code (unless ``said``: the JSON output
    carries it), and write its receipt to ``path``. A receipt that cannot be made leaves the
    case started: the code is still shown, and ``sop tanda-terima`` prints a receipt later
    (with a new code)."""
    from sop_runtime.cli.common import say, write_whole
    from sop_runtime.errors import SopRuntimeError
    from sop_runtime.service import tracking_code
    from sop_runtime.service.receipt import receipt_pdf

    if not said:
        say(tr("Kode lacak untuk pemohon (hanya ditampilkan sekali): {k}",
               "Tracking code for the applicant (shown only once): {k}",
               k=tracking_code.shown(code)), stderr=True)
    if path is None:
        return
    try:
        data = receipt_pdf(rt, case_id, code, size="struk" if roll else "a5")
    except SopRuntimeError as exc:
        say(tr("[yellow]Tanda terima tidak dapat dibuat: {e}. Cetak nanti dengan: sop "
               "tanda-terima {c} --as USER FILE.pdf (kode lacak diterbitkan ulang).[/]",
               "[yellow]The receipt could not be made: {e}. Print it later with: sop "
               "tanda-terima {c} --as USER FILE.pdf (the tracking code is reissued).[/]",
               e=exc, c=case_id), stderr=True)
        raise typer.Exit(1) from None
    write_whole(path, data)
    say(tr("Tanda terima ditulis ke {f}", "Receipt written to {f}", f=path), stderr=True)


def reissue(
    case: opt.Case,
    actor: opt.Actor,
    path: Annotated[Path, typer.Argument(
        metavar="FILE.pdf", help="Berkas tanda terima / the receipt's file")],
    roll: Roll = False,
) -> None:
    """Terbitkan ulang kode lacak dan cetak tanda terima; kode lama tidak berlaku lagi /
    reissue the tracking code and print the receipt; the old code stops working."""
    from sop_runtime.cli.common import runtime, say, write_whole
    from sop_runtime.service import tracking_code
    from sop_runtime.service.receipt import reissue_receipt

    check_file(path)
    rt = runtime()
    code, data = reissue_receipt(rt, case, actor, size="struk" if roll else "a5")
    say(tr("Kode lacak baru untuk pemohon (hanya ditampilkan sekali): {k}",
           "New tracking code for the applicant (shown only once): {k}",
           k=tracking_code.shown(code)), stderr=True)
    write_whole(path, data)
    say(tr("Kode lacak {c} diterbitkan ulang; kode sebelumnya tidak berlaku lagi. Tanda "
           "terima ditulis ke {f}",
           "Tracking code of {c} reissued; the earlier code no longer works. Receipt written "
           "to {f}", c=case, f=path))
