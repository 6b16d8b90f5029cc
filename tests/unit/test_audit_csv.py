"""The CSV export never hands a spreadsheet a formula (CSV injection)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from sop_runtime.audit.rows import LogRow
from sop_runtime.audit.tabular import COLUMNS, text_cell, write_csv

AT = datetime(2026, 11, 24, 1, 5, tzinfo=UTC)


def _row(**changed: object) -> LogRow:
    values: dict[str, object] = {
        "case_id": "SNN-2026-00001", "seq": 1, "type": "step_completed", "version": 1,
        "occurred_at": AT, "recorded_at": AT, "actor": "rina.ptsp",
        "payload": '{"attempt":1,"node":"1"}', "prev_hash": "0" * 64, "hash": "f" * 64,
        "sop_id": "legalisasi-waarmerking", "sop_version": "a" * 64, "status": "aktif"}
    values.update(changed)
    return LogRow(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(start: str) -> None:
    formula = f'{start}HYPERLINK("https://evil.example","klik")'
    out = io.StringIO()
    write_csv([_row(actor=formula, case_id=formula,
                    payload=json.dumps({"node": f"{start}1"}))], out)
    header, line = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == list(COLUMNS)
    cells = dict(zip(header, line, strict=True))
    assert cells["actor"] == "'" + formula and cells["case_id"] == "'" + formula
    assert cells["node"] == f"'{start}1"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line)


def test_an_ordinary_row_is_written_as_it_is_stored() -> None:
    out = io.StringIO()
    write_csv([_row()], out)
    _, line = list(csv.reader(io.StringIO(out.getvalue())))
    assert line[0] == "SNN-2026-00001" and line[6] == "rina.ptsp"
    assert line[11] == '{"attempt":1,"node":"1"}'  # the payload as hashed
    assert text_cell(5) == 5 and text_cell("") == ""
    assert text_cell("\r=1+1") == "'\r=1+1"
