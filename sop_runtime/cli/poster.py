"""``sop poster``: the poster of a published service's standar pelayanan (A4 PDF, with a QR
code to its public page), as the PTSP desk hangs it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sop_runtime.i18n import tr


def poster(
    sop: Annotated[str, typer.Argument(
        metavar="SOP", help="Layanan yang diterbitkan (id SOP) / the published service (SOP id)")],
    output: Annotated[Path, typer.Option(
        "-o", "--output", metavar="FILE.pdf", help="Berkas poster / the poster's file")],
    address: Annotated[str | None, typer.Option(
        "--alamat", metavar="URL",
        help="Alamat publik situs bila berkas pengadilan tidak menyebut publikasi.alamat_web "
             "(bawaan http://127.0.0.1:8000) / the site's public address when the court file "
             "names no publikasi.alamat_web (default http://127.0.0.1:8000)")] = None,
) -> None:
    """Poster standar pelayanan satu layanan (PDF A4, dengan kode QR ke halamannya) /
    the poster of one service's standard (A4 PDF, with a QR code to its page)."""
    from sop_runtime.cli.common import output_files, require_extra, runtime, say, write_whole
    from sop_runtime.service.poster import poster_pdf

    output_files(output)
    require_extra("pdf")
    write_whole(output, poster_pdf(runtime(), sop, address))
    say(tr("Poster {s} ditulis ke {f}", "Poster of {s} written to {f}", s=sop, f=output))
