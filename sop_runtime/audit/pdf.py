"""PDF from the reports' HTML, rendered by WeasyPrint.

WeasyPrint draws text through pango (with harfbuzz and fontconfig), system libraries that pip
does not install; on Debian and Ubuntu they come with ``libpango-1.0-0`` and
``libpangoft2-1.0-0``. When they cannot be loaded, :func:`html_to_pdf` raises
:class:`PdfUnavailable` naming the missing library, and the HTML reports still work.
WeasyPrint is imported only here, only when a PDF is asked for.
"""

from __future__ import annotations

import io
import logging
import os
import re
import warnings
from collections.abc import Callable, Sequence
from contextlib import redirect_stdout
from typing import Any, TypeVar

from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr

T = TypeVar("T")


class PdfUnavailable(SopRuntimeError):
    """WeasyPrint or the system libraries it draws with cannot be loaded."""


def _library(exc: BaseException) -> str:
    """The library the loader could not open (``libpango-1.0-0``), from its message."""
    found = re.search(r"cannot load library '([^']+)'", str(exc))
    return found.group(1) if found else "pango"


# The fonts embedded in a PDF are subsets that fontTools stamps with the time they were made,
# so the same page printed a second later would give other bytes. A fixed stamp (the one
# reproducible builds use, unless the process was given its own) makes a printout a function
# of its content: the same poster for every reader, the same receipt twice.
FONT_STAMP = "315532800"  # 1980-01-01, the earliest date a zip or a font tool expects


def _weasyprint() -> Any:
    os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_STAMP)
    # WeasyPrint prints its own installation hints to stdout when a library is missing;
    # ours, below, is the one the user reads
    try:
        with redirect_stdout(io.StringIO()), warnings.catch_warnings():
            # e.g. that harfbuzz-subset (smaller embedded fonts) will be required one day
            warnings.simplefilter("ignore", DeprecationWarning)
            import weasyprint
    except OSError as exc:
        raise PdfUnavailable(tr(
            "PDF tidak dapat dibuat: pustaka sistem {lib} tidak dapat dimuat ({e}). WeasyPrint "
            "memerlukan pango (Debian/Ubuntu: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0). Laporan HTML tetap dapat dibuat dengan --html.",
            "Cannot make the PDF: the system library {lib} cannot be loaded ({e}). WeasyPrint "
            "needs pango (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0). "
            "The HTML report still works with --html.",
            lib=_library(exc), e=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )) from None
    except ImportError as exc:
        raise PdfUnavailable(tr(
            "PDF tidak dapat dibuat: paket Python weasyprint tidak terpasang ({e}); pasang "
            "paket tambahan pdf: pip install 'sop-runtime[pdf]'. Laporan HTML tetap dapat "
            "dibuat dengan --html.",
            "Cannot make the PDF: the Python package weasyprint is not installed ({e}); "
            "install the extra pdf: pip install 'sop-runtime[pdf]'. The HTML report still "
            "works with --html.",
            e=exc)) from None
    # CSS that WeasyPrint does not use (screen-only rules) is not the reader's concern
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (A4, as its ``@page`` rules say)."""
    weasyprint = _weasyprint()
    data: bytes = weasyprint.HTML(string=html).write_pdf()
    return data


def fitting_pdf(page: Callable[[T], str], choices: Sequence[T]) -> bytes:
    """The PDF of the first of ``page(choice)`` that fits on one page (a poster's letters
    from the largest down); the last choice whatever it takes."""
    weasyprint = _weasyprint()
    for choice in choices[:-1]:
        laid = weasyprint.HTML(string=page(choice)).render()
        if len(laid.pages) == 1:
            data: bytes = laid.write_pdf()
            return data
    last: bytes = weasyprint.HTML(string=page(choices[-1])).write_pdf()
    return last


_PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels


def roll_to_pdf(page: Callable[[float | None], str], margin_mm: float) -> bytes:
    """The PDF of a page printed on a roll of paper (a receipt printer's): no fixed length.
    ``page(None)`` is laid out on a long strip, then ``page(length)`` (millimetres) is
    printed on a strip cut to what its content needs."""
    weasyprint = _weasyprint()
    laid = weasyprint.HTML(string=page(None)).render()
    bottom = _content_bottom(laid.pages[0]._page_box)  # the html box holds the margin
    data: bytes = weasyprint.HTML(string=page(bottom / _PX_PER_MM + margin_mm + 1)).write_pdf()
    return data


def _content_bottom(page_box: Any) -> float:
    """The lowest edge of what is laid out on a page (CSS pixels from the page's top)."""
    return max((float(box.position_y + box.margin_height()) for box in page_box.children),
               default=0.0)
