"""Columns sized for the step names: on the SOP sheet's procedure table and on the case
report's step table, no step name of the library wraps to more than five lines (measured with
the same text metrics that size the sheet's rows)."""

from __future__ import annotations

import re

import pytest

from sop_runtime.compiler.library import load_library
from sop_runtime.compiler.render.sheet import _fit
from sop_runtime.compiler.textfit import wrap
from sop_runtime.templating import _PACKAGE
from tests.conftest import DEFINITIONS

LIBRARY = load_library([DEFINITIONS]).workflows
A4_CONTENT_MM = 210 - 2 * 14  # the reports' @page: A4 portrait, 14 mm side margins
PX_PER_MM = 96 / 25.4
MOST_LINES = 5


@pytest.mark.parametrize("sop", sorted(LIBRARY))
def test_the_sheet_keeps_step_names_short(sop: str) -> None:
    wf = LIBRARY[sop]
    sheet, _ = _fit(wf)
    width = sheet.cols["kegiatan"] - 12  # the cell's padding and borders
    for node in wf.nodes:
        assert len(wrap(node.kegiatan, width, 10)) <= MOST_LINES, (node.no, node.kegiatan)


def test_the_case_report_keeps_step_names_short() -> None:
    page = (_PACKAGE / "audit" / "templates" / "case.html").read_text(encoding="utf-8")
    found = re.search(r'"Step / role"\).*?widths=\((\d+),', page)
    assert found, "the step table names its column widths"
    width = A4_CONTENT_MM * int(found.group(1)) / 100 * PX_PER_MM - 12
    for wf in LIBRARY.values():
        for node in wf.nodes:
            assert len(wrap(node.kegiatan, width, 12)) <= MOST_LINES, (wf.sop_id, node.no)
