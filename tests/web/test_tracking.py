"""/lacak and /api/lacak on the demo court: one answer for every wrong pair, a limit per
address that leaves other addresses alone, and no public answer leaking what the court
keeps to itself.

The scan walks every route of the public site (tests/web/routes.py: whatever is declared in
sop_runtime.web.public, so a page added later is scanned too): each GET as it is, each POST
with every demo request's number and a fresh tracking code (a form for a page, JSON for the
API), in both languages. None may show a staff member's name, NIP or username, a party's
name, NIK, telephone, e-mail or address, a value a clerk typed or a reason staff gave."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.demo.day import NEXT, REVISING, SCRIPT
from sop_runtime.service import tracking
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS
from tests.integration.service.conftest import copy_database
from tests.web.hostile import NOW, signed_in
from tests.web.routes import public_routes
from tests.web.test_public_access import REAL, UNKNOWN, staff_words

SITE = "https://testserver"
PAGE, API = "/lacak", "/api/lacak"


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("lacak") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    with rt.engine.connect() as conn:  # each request's code reissued by the clerk who took it
        taken = sorted(conn.exec_driver_sql(
            "SELECT case_id, started_by FROM cases WHERE status != 'ditolak'").all())
    codes = {n: tracking.reissue(rt, n, clerk).tracking_code for n, clerk in taken}
    return {"rt": rt, "app": create_app(rt), "codes": codes}


def client(court: dict[str, Any], address: str = "10.0.0.1", lang: str = "id") -> TestClient:
    return TestClient(court["app"], base_url=SITE, client=(address, 50000),
                      cookies={"sop_bahasa": lang})


def test_a_wrong_code_and_a_wrong_number_answer_byte_for_byte_alike(
        court: dict[str, Any]) -> None:
    [(number, code), (other, other_code)] = list(court["codes"].items())[:2]
    web = client(court, "10.0.0.2")
    for path, send in ((PAGE, "data"), (API, "json")):
        answers = [web.post(path, **{send: {"nomor": n, "kode": k}}) for n, k in (
            (number, other_code),            # a real number, another request's code
            ("SNN-2026-99999", code),        # no such number, a real code
            (number, "0000-0000-0000-0000"),  # a code nobody was given
            (number, "bukan kode"),           # not a code at all
        )]
        assert {(a.status_code, a.content) for a in answers} == {
            (answers[0].status_code, answers[0].content)}, path
        assert answers[0].status_code == 404
        assert number not in answers[0].text and other_code not in answers[0].text
        right = web.post(path, **{send: {"nomor": other, "kode": other_code}})
        assert right.status_code == 200 and other in right.text
        assert right.headers["cache-control"] == "no-store"


def test_the_attempt_limit_holds_per_address(court: dict[str, Any]) -> None:
    number, code = next(iter(court["codes"].items()))
    guesser = client(court, "10.6.6.6")
    for _ in range(tracking.ADDRESS.free):
        assert guesser.post(PAGE, data={"nomor": number, "kode": "0" * 16}).status_code == 404
    for path, send in ((PAGE, "data"), (API, "json")):
        held = guesser.post(path, **{send: {"nomor": number, "kode": code}})  # right, too late
        assert held.status_code == 429 and int(held.headers["retry-after"]) > 0
        assert "coba lagi dalam" in held.text
    elsewhere = client(court, "10.7.7.7").post(API, json={"nomor": number, "kode": code})
    assert elsewhere.status_code == 200 and elsewhere.json()["number"] == number


def test_nothing_enumerates_requests() -> None:
    # no public route takes a request's number or code in its address: only POST bodies
    for method, path in public_routes():
        assert not re.search(r"{(nomor|kode|case|case_id|number)}", path), (method, path)
    assert ("GET", API) not in public_routes()


def _demo_args() -> list[list[str]]:
    return [list(a.args) for a in (*SCRIPT, *REVISING, *NEXT)]


def private_words() -> set[str]:
    """The demo court's private texts: staff (court file), the parties' names and details,
    the values clerks typed (long enough to be theirs, not the SOP's words) and every
    reason staff gave."""
    sop_text = " ".join(p.read_text(encoding="utf-8") for p in DEFINITIONS.glob("*.yaml"))
    found = set(staff_words())
    for args in _demo_args():
        for option, value in pairwise(args):
            if option == "--pihak":
                name, _, details = value.partition(";")
                found.add(name.partition(":")[2].strip())
                found |= {d.partition("=")[2].strip() for d in details.split(";") if "=" in d}
            elif option in ("--reason", "--alasan"):
                found.add(value)
            elif option == "--output":
                typed = value.partition("=")[2]
                if len(typed) >= 12 and typed not in sop_text:
                    found.add(typed)
    return {w for w in found if w}


def test_the_private_words_are_found() -> None:
    words = private_words()
    assert "8205011507800001" in words and "pemohon@example.id" in words  # NIK, e-mail
    assert "Budi Santoso" in words and "Jl. Pelabuhan No. 3, Sanana" in words
    assert any("salah ketik" in w for w in words)  # the Ketua's reason for the rework
    assert "Rina Marasabessy" in words and "199203112019032011" in words


def _url(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: REAL.get(m.group(1), UNKNOWN), path)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_public_route_leaks_what_the_court_keeps(court: dict[str, Any], lang: str) -> None:
    words = sorted(private_words(), key=str.lower)
    web = client(court, "10.0.0.9", lang)
    answered = 0
    for method, path in sorted(public_routes()):
        url = _url(path)
        if method == "GET":
            answers = [web.get(url)]
        else:
            send = "json" if path.startswith("/api/") else "data"
            answers = [web.post(url, **{send: {"nomor": n, "kode": k}})
                       for n, k in court["codes"].items()]
        for answer in answers:
            text = answer.text.lower()
            leaked = [w for w in words if w.lower() in text]
            assert leaked == [], (method, path, leaked)
            answered += answer.status_code == 200
    assert answered >= len(court["codes"]) * 2  # every request read, by page and by API


def test_a_clerk_prints_the_receipt_again_from_the_case_page(court: dict[str, Any],
                                                             tmp_path: Path) -> None:
    from tests.e2e.test_receipt import needs_pdftoppm, number_and_code, qr_text

    needs_pdftoppm()  # the code is reissued below: the later tests need to know the new one
    number, old = next(iter(court["codes"].items()))
    clerk, token = signed_in(court["app"], court["rt"], "rina.ptsp")
    page = clerk.get(f"/perkara/{number}").text
    assert f'action="/perkara/{number}/tanda-terima"' in page
    asked = clerk.post(f"/perkara/{number}/tanda-terima", data={"csrf": token})
    assert asked.status_code == 200 and "Kode lama pada tanda terima sebelumnya tidak " \
        "berlaku lagi" in " ".join(asked.text.split())
    assert client(court).post(API, json={"nomor": number, "kode": old}).status_code == 200
    printed = clerk.post(f"/perkara/{number}/tanda-terima",
                         data={"csrf": token, "kertas": "a5", "konfirmasi": "ya"})
    assert printed.status_code == 200
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.headers["cache-control"] == "no-store"
    pdf = tmp_path / "tanda-terima.pdf"
    pdf.write_bytes(printed.content)
    found, new = number_and_code(qr_text(pdf))
    assert found == number and new != old
    web = client(court, "10.0.0.4")
    assert web.post(API, json={"nomor": number, "kode": old}).status_code == 404
    assert web.post(API, json={"nomor": number, "kode": new}).status_code == 200
    court["codes"][number] = new


def test_a_completed_request_offers_the_survey(court: dict[str, Any]) -> None:
    from sop_runtime.service.standing import standing

    done = [n for n in court["codes"] if standing(court["rt"], n).completed]
    running = [n for n in court["codes"] if not standing(court["rt"], n).finished]
    assert done and running
    web = client(court, "10.0.0.5")
    page = web.post(PAGE, data={"nomor": done[0], "kode": court["codes"][done[0]]}).text
    assert 'action="/survei"' in page and f'value="{done[0]}"' in page
    survey = web.post("/survei", data={"nomor": done[0], "kode": court["codes"][done[0]]})
    # the demo day's applicants answered on paper at the desk: the survey opens and says so
    assert survey.status_code == 409 and "sudah diisi" in survey.text
    other = web.post(PAGE, data={"nomor": running[0], "kode": court["codes"][running[0]]})
    assert 'action="/survei"' not in other.text


def test_right_after_a_start_the_receipt_carries_the_code_just_given(
        court: dict[str, Any], tmp_path: Path) -> None:
    """The code a web start showed once is printed for five minutes from the case's pages
    without a reissue (nothing on the log); a code no longer current is refused; the kept
    code goes to no other case's pages, and no other session reads it."""
    from sop_runtime.engine.events import TrackingCodeReissued
    from sop_runtime.service import cases
    from sop_runtime.service.tracking_code import normalise
    from tests.e2e.test_receipt import number_and_code, qr_text

    clerk, token = signed_in(court["app"], court["rt"], "rina.ptsp")
    started = clerk.post("/perkara/baru", data={"sop": "legalisasi-waarmerking",
                                                "csrf": token})
    number = started.url.path.rsplit("/", 1)[1]
    given = started.text.partition("Kode lacak pemohon: ")[2].partition(" ")[0]
    assert 'name="kode"' in started.text and "kode yang baru diberikan" in started.text
    held = started.text.partition('name="kode" value="')[2].partition('"')[0]
    printed = clerk.post(f"/perkara/{number}/tanda-terima",
                         data={"csrf": token, "kertas": "struk", "kode": held})
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "struk.pdf"
    pdf.write_bytes(printed.content)
    found, code = number_and_code(qr_text(pdf))
    assert found == number and normalise(code) == normalise(given) is not None
    with court["rt"].engine.connect() as conn:
        log = cases.decode(cases.load_case(conn, number)[0])
    assert not any(isinstance(e, TrackingCodeReissued) for e in log)  # nothing reissued
    assert client(court, "10.0.0.6").post(API, json={"nomor": number,
                                                     "kode": given}).status_code == 200
    other = next(iter(court["codes"]))
    assert 'name="kode"' not in clerk.get(f"/perkara/{other}").text  # this case's pages only
    stranger, _ = signed_in(court["app"], court["rt"], "bambang.panitera")
    stranger.cookies.set("sop_kode_baru", clerk.cookies.get("sop_kode_baru") or "x",
                         path=f"/perkara/{number}")
    assert 'name="kode"' not in stranger.get(f"/perkara/{number}").text  # signed per session
    stale = clerk.post(f"/perkara/{number}/tanda-terima",
                       data={"csrf": token, "kode": "0000-0000-0000-0000"})
    assert stale.status_code == 409 and "bukan lagi kode permohonan" in stale.text
