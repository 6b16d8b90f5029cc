"""Stored XSS: hostile markup in every free text the app stores and shows later (case fields,
outputs, every kind of reason, names from the court file, the SOP's own texts, seal notes,
delegation warrants, an imported log's case ids, activities and people) must come back only
as text, on every page and report that shows it.

One court holds every payload (tests/web/hostile.py); each page is fetched once and read with
the standard library's HTML parser, as a browser would: each check is one (payload, place,
page) and asserts that the stored text is in the page whole, as data (its markup escaped, so
the parser saw text, not elements), while each page is also checked once for anything that
would run (script elements, event handler attributes, javascript: URLs) and for payloads
standing unescaped in the raw answer. Downloads must not be rendered as HTML: their
Content-Type and Content-Disposition say so."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from sop_runtime.service import auth
from tests.conftest import ROOT
from tests.e2e.cli import sop
from tests.web.hostile import (
    EXAMINER,
    HOSTILE_SOP,
    PAYLOADS,
    SUPERVISOR,
    HostileCourt,
    Scan,
    bearer,
    clerk_of,
    hostile_court_at,
    mark,
    raw_payloads,
    scan,
    signed_in,
)

pytestmark = pytest.mark.xdist_group("hostile-court")

# the texts an event of the log carries (the exports and the API must hand them back whole)
IN_THE_LOG = ("field", "output", "reason-start", "reason-extend", "reason-late",
              "reason-skip", "reason-reassign")


@dataclass(frozen=True)
class PageSpec:
    """A page to fetch, and the places whose texts it must show. ``per_payload``: fetched
    once per payload (a case of that payload's own); otherwise once, holding all of them."""

    path: Callable[[HostileCourt, str], str]
    places: tuple[str, ...]
    per_payload: bool = True
    who: str = SUPERVISOR
    status: int = 200


CASE_PLACES = ("field", "output", "reason-start", "reason-extend", "reason-late",
               "reason-skip", "reason-reassign", "person")
PAGES: dict[str, PageSpec] = {
    # a case of each payload's own
    "perkara": PageSpec(lambda c, k: f"/perkara/{c.first[k]}", CASE_PLACES),
    "perkara-dibatalkan": PageSpec(lambda c, k: f"/perkara/{c.second[k]}",
                                   ("reason-reopen", "reason-cancel", "person")),
    "perkara-plh": PageSpec(lambda c, k: f"/perkara/{c.delegated[k]}", ("output-plh", "person")),
    "pengawasan-perkara": PageSpec(lambda c, k: f"/pengawasan/perkara/{c.first[k]}",
                                   ("person",)),
    "laporan-perkara": PageSpec(lambda c, k: f"/audit/perkara/{c.first[k]}", CASE_PLACES),
    "laporan-perkara-dibatalkan": PageSpec(lambda c, k: f"/audit/perkara/{c.second[k]}",
                                           ("reason-reopen", "reason-cancel", "person")),
    "laporan-perkara-plh": PageSpec(lambda c, k: f"/audit/perkara/{c.delegated[k]}",
                                    ("output-plh", "person")),
    # pages holding every payload at once
    "tugas": PageSpec(lambda c, k: "/tugas", ("court", "sop-name"), False, clerk_of("script")),
    "langkah": PageSpec(lambda c, k: f"/perkara/{c.first['script']}/langkah/1",
                        ("court", "sop-name", "activity"), False),
    "pengawasan": PageSpec(lambda c, k: "/pengawasan", ("person", "court", "sop-name"), False),
    "audit": PageSpec(lambda c, k: "/audit", ("seal-note", "court", "sop-name"), False),
    "audit-pemeriksa": PageSpec(lambda c, k: "/audit", ("seal-note",), False, EXAMINER),
    "penyimpangan": PageSpec(lambda c, k: "/audit/penyimpangan",
                             ("reason-start", "reason-late", "reason-skip", "reason-reopen",
                              "reason-cancel", "reason-refused"), False),
    "perkara-ditolak": PageSpec(lambda c, k: f"/perkara/{c.refused_case}",
                                ("reason-refused",), False),
    "laporan-perkara-ditolak": PageSpec(lambda c, k: f"/audit/perkara/{c.refused_case}",
                                        ("reason-refused", "court"), False),
    "laporan-periode": PageSpec(lambda c, k: "/audit/laporan?dari=2026-11-01&sampai=2026-11-30",
                                ("person", "sop-name", "activity", "court"), False),
    "pustaka": PageSpec(lambda c, k: "/sop", ("sop-name",), False),
    "pustaka-sop": PageSpec(lambda c, k: f"/sop/{HOSTILE_SOP}", ("sop-name", "activity"),
                            False),
    "lembar-sop": PageSpec(lambda c, k: f"/sop/{HOSTILE_SOP}/versi/{c.version}/lembar",
                           ("sop-name", "activity"), False),
    "layanan-baru": PageSpec(lambda c, k: f"/perkara/baru?sop={HOSTILE_SOP}", ("sop-name",),
                             False),
    "masuk": PageSpec(lambda c, k: "/masuk", ("court",), False, ""),
    "layanan": PageSpec(lambda c, k: "/layanan", ("court",), False, ""),
    "layanan-sop": PageSpec(lambda c, k: "/layanan/legalisasi-waarmerking", ("court",), False,
                            ""),
    "layanan-galat": PageSpec(lambda c, k: "/layanan/tidak-ada", ("court",), False, "",
                              status=404),
    "galat-404": PageSpec(lambda c, k: "/perkara/SNN-2026-99999", ("court",), False,
                          status=404),
}


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    body: str
    scan: Scan


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> HostileCourt:
    return hostile_court_at(demo_day, tmp_path_factory.mktemp("hostile-xss"))


@pytest.fixture(scope="module")
def fetched(court: HostileCourt) -> dict[str, Fetched]:
    """Every page of :data:`PAGES`, fetched once (per payload where it is per payload)."""
    clients: dict[str, TestClient] = {"": TestClient(court.app, base_url="https://testserver")}
    out = {}
    for name, spec in PAGES.items():
        if spec.who not in clients:
            clients[spec.who] = signed_in(court.app, court.rt, spec.who)[0]
        for key in PAYLOADS if spec.per_payload else ("",):
            answer = clients[spec.who].get(spec.path(court, key))
            out[_page_id(name, key)] = Fetched(answer.status_code, dict(answer.headers),
                                               answer.text, scan(answer.text))
    return out


def _page_id(name: str, key: str) -> str:
    return f"{name}[{key}]" if key else name


def _fetched_pages() -> list[str]:
    return [_page_id(name, key) for name, spec in PAGES.items()
            for key in (PAYLOADS if spec.per_payload else ("",))]


CHECKS = [(name, place, key) for name, spec in PAGES.items() for place in spec.places
          for key in PAYLOADS]


def test_the_checks_are_counted() -> None:
    # every (payload, place, page) is a check; a page or place dropped shows here
    assert len(CHECKS) >= 500, len(CHECKS)
    assert {p for _, p, _ in CHECKS} >= {*CASE_PLACES, "reason-reopen", "reason-cancel",
                                         "output-plh", "reason-refused", "seal-note", "court",
                                         "sop-name", "activity"}


@pytest.mark.parametrize(("page", "place", "key"), CHECKS,
                         ids=[f"{p}-{pl}-{k}" for p, pl, k in CHECKS])
def test_a_stored_payload_comes_back_as_text(fetched: dict[str, Fetched], page: str,
                                             place: str, key: str) -> None:
    spec = PAGES[page]
    got = fetched[_page_id(page, key if spec.per_payload else "")]
    assert got.status == spec.status, got.body[:300]
    text = mark(place, key)
    assert got.scan.shows(text), f"{text!r} is not on the page as text"
    if key == "template":  # never evaluated as a template, here or anywhere on the page
        assert not got.scan.shows(f"[{place}/{key}]49")
    if raw_payloads(got.body, [key]):
        assert PAYLOADS[key] not in got.body


@pytest.mark.parametrize("page", _fetched_pages())
def test_no_page_carries_markup_that_runs(fetched: dict[str, Fetched], page: str) -> None:
    got = fetched[page]
    assert got.headers["content-type"].startswith("text/html")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in got.headers["content-security-policy"]  # default-src only
    assert got.scan.dangers() == []
    assert raw_payloads(got.body) == []
    assert not any("alert(" in c for c in got.scan.comments)  # no comment breakout


def test_the_flowchart_is_a_clean_svg_image(court: HostileCourt) -> None:
    web, _ = signed_in(court.app, court.rt, SUPERVISOR)
    answer = web.get(f"/sop/{HOSTILE_SOP}/versi/{court.version}/bagan.svg")
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    root = ET.fromstring(answer.content)  # well-formed: every text escaped for XML
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1] not in ("script", "foreignObject", "iframe")
        assert not [name for name in element.attrib if name.lower().startswith("on")]
    shown = scan(answer.text)
    for key in PAYLOADS:
        assert shown.shows(mark("activity", key))
    assert raw_payloads(answer.text) == []


# -- downloads and JSON ------------------------------------------------------------------

EXPORTS = {"csv": "text/csv", "jsonl": "application/x-ndjson", "xes": "application/xml"}


@pytest.fixture(scope="module")
def exports(court: HostileCourt) -> dict[str, Any]:
    web, _ = signed_in(court.app, court.rt, EXAMINER)
    return {fmt: web.get(f"/audit/ekspor/{fmt}") for fmt in EXPORTS}


@pytest.mark.parametrize("fmt", EXPORTS)
def test_exports_are_downloads_never_pages(exports: dict[str, Any], fmt: str) -> None:
    answer = exports[fmt]
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == EXPORTS[fmt]
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert answer.headers["content-disposition"].endswith(f'.{fmt}"')
    assert answer.headers["x-content-type-options"] == "nosniff"


def _export_texts(fmt: str, body: str) -> list[str]:
    """Every text value of an export, decoded as its format says."""
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body)))
        cells = [cell for row in rows[1:] for cell in row]
        return cells + [json.dumps(json.loads(row[11]), ensure_ascii=False) for row in rows[1:]]
    if fmt == "jsonl":
        return [json.dumps(json.loads(line), ensure_ascii=False) for line in body.splitlines()]
    return [value for element in ET.fromstring(body).iter()
            for value in (*element.attrib.values(), element.text or "")]


@pytest.mark.parametrize("fmt", EXPORTS)
@pytest.mark.parametrize("key", PAYLOADS)
def test_exports_hand_the_texts_back_whole(exports: dict[str, Any], fmt: str,
                                           key: str) -> None:
    texts = _export_texts(fmt, exports[fmt].text)
    for place in IN_THE_LOG:
        wanted = mark(place, key)
        if fmt != "xes":  # the CSV's payload cell and JSON lines: JSON-encoded text
            wanted = json.dumps(wanted, ensure_ascii=False)[1:-1]
        assert any(wanted in t for t in texts), (fmt, place)


def test_the_csv_export_starts_no_cell_with_a_formula(exports: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(exports["csv"].text)))
    assert len(rows) > 100
    starts = [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t",
                                                                    "\r")]
    assert starts == []


@pytest.mark.parametrize("key", PAYLOADS)
def test_the_api_answers_json_with_the_texts_whole(court: HostileCourt, key: str) -> None:
    api = TestClient(court.app)
    token = bearer(auth.issue_token(court.rt, SUPERVISOR, f"xss-{key}"))
    answer = api.get(f"/api/cases/{court.first[key]}", headers=token)
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    found = json.dumps(answer.json(), ensure_ascii=False)
    for place in IN_THE_LOG:
        assert json.dumps(mark(place, key), ensure_ascii=False)[1:-1] in found
    delegation = api.post("/api/delegations", headers=token, json={
        "to": clerk_of(key), "role": "kasir", "from": "2026-11-26", "until": "2026-11-27",
        "reference": mark("warrant", key), "reason": mark("reason-delegation", key)})
    assert delegation.status_code == 201
    assert delegation.headers["content-type"] == "application/json"
    assert delegation.json()["reference"] == mark("warrant", key)
    assert delegation.json()["reason"] == mark("reason-delegation", key)


# -- an imported log ----------------------------------------------------------------------

CONFORMANCE_PLACES = ("conf-case", "conf-activity", "conf-person")
MAPPING = ROOT / "examples" / "skum-januari-2026.map.yaml"


@pytest.fixture(scope="module")
def hostile_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SKUM log whose case ids, activities, people, decisions and values are payloads."""
    steps = {v: k for k, v in yaml.safe_load(MAPPING.read_text(encoding="utf-8"))[
        "aktivitas"].items() if isinstance(v, int)}
    header = (ROOT / "examples" / "skum-januari-2026.csv").read_text(
        encoding="utf-8").splitlines()[0].split(",")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)

    def row(**cells: str) -> None:
        writer.writerow([cells.get(h, "") for h in header])

    for i, key in enumerate(PAYLOADS):
        case = mark("conf-case", key)
        row(perkara=case, aktivitas=steps[1], pelaksana="Rina Marasabessy",
            waktu=f"2026-01-05T08:{i:02d}:00+09:00",
            surat_gugatan_permohonan=mark("conf-value", key))
        row(perkara=case, aktivitas=mark("conf-activity", key), pelaksana="Rina Marasabessy",
            waktu=f"2026-01-05T09:{i:02d}:00+09:00")
        row(perkara=case, aktivitas=steps[2], pelaksana=mark("conf-person", key),
            waktu=f"2026-01-05T10:{i:02d}:00+09:00")
        row(perkara=case, aktivitas=steps[3], pelaksana="Ahmad Fauzi Rahman",
            waktu=f"2026-01-05T11:{i:02d}:00+09:00", keputusan=mark("conf-decision", key))
    path = tmp_path_factory.mktemp("hostile-log") / "log-berbahaya.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def conformance_html(court: HostileCourt, hostile_log: Path) -> str:
    """The printable conformance report (``sop conformance --html``) of the hostile log."""
    page = hostile_log.with_suffix(".html")
    done = sop("conformance", hostile_log, "--sop", "taksiran-panjar-skum", "--map", MAPPING,
               "--html", page, env={"SOP_DATABASE_URL": str(court.rt.engine.url)})
    assert done.returncode == 0, done.stderr
    return page.read_text(encoding="utf-8")


@pytest.mark.parametrize("place", CONFORMANCE_PLACES)
@pytest.mark.parametrize("key", PAYLOADS)
def test_the_conformance_report_shows_an_imported_log_as_text(conformance_html: str,
                                                              place: str, key: str) -> None:
    assert scan(conformance_html).shows(mark(place, key))
    if raw_payloads(conformance_html, [key]):
        assert PAYLOADS[key] not in conformance_html


def test_the_conformance_report_carries_no_markup_that_runs(conformance_html: str) -> None:
    assert scan(conformance_html).dangers() == []
    assert raw_payloads(conformance_html) == []


def test_the_conformance_api_answers_json(court: HostileCourt, hostile_log: Path) -> None:
    token = bearer(auth.issue_token(court.rt, EXAMINER, "xss-kesesuaian"))
    answer = TestClient(court.app).post(
        "/api/conformance", headers=token, data={"sop": "taksiran-panjar-skum"},
        files={"log": (hostile_log.name, hostile_log.read_bytes(), "text/csv"),
               "mapping": (MAPPING.name, MAPPING.read_bytes(), "application/yaml")})
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    found = json.dumps(answer.json(), ensure_ascii=False)
    for key in PAYLOADS:
        for place in CONFORMANCE_PLACES:
            assert json.dumps(mark(place, key), ensure_ascii=False)[1:-1] in found
