"""Path traversal and open redirects.

Every path parameter of the pages and the API (read from the app's routes) and the static
files are sent ``../`` and its encodings (``%2e%2e%2f``, ``..%5c``, double encoding),
absolute paths and NUL bytes, exactly as a client puts them on the wire (an HTTP client
library would normalise ``../`` away first, so these go to the app as raw ASGI requests): the
answer is 404 or 422, never a file from outside, never a 500. File names of downloads come
only from known ids.

Every ``lanjut`` / ``kembali`` (where to go next) and the error page's way back lead only
within the site, read as a browser reads a Location (tabs and newlines dropped, backslashes
as slashes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, cases, documents, seals
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.workflows import list_sops
from sop_runtime.web.app import create_app
from tests.conftest import ROOT
from tests.e2e.court import GUGATAN_1
from tests.integration.service.conftest import copy_database
from tests.web.hostile import (
    CLERK,
    NOW,
    PASSWORD,
    SUPERVISOR,
    bearer,
    csrf_of,
    raw_request,
    scan,
    signed_in,
)
from tests.web.routes import app_routes, public_routes

SITE = "https://testserver"
LEGALISATION = "legalisasi-waarmerking"
# what a file from outside the app's own would show
LEAKS = ("root:x:0:0", "[project]", "def create_app", "SQLite format", "BEGIN PRIVATE KEY",
         "Traceback", str(ROOT))

TRAVERSALS: dict[str, bytes] = {
    "dot-dot": b"../../../../etc/passwd",
    "dot-dot-encoded": b"..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "dots-encoded": b"%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml",
    "backslash": b"..%5c..%5c..%5cpyproject.toml",
    "double-encoded": b"%252e%252e%252f%252e%252e%252fpyproject.toml",
    "absolute": b"%2Fetc%2Fpasswd",
    "absolute-raw": b"/etc/passwd",
    "nul": b"SNN-2026-00001%00",
    "semicolon": b"..;%2F..;%2Fpyproject.toml",
    "overlong-utf8": b"%c0%ae%c0%ae%c0%afpyproject.toml",
}


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("paths") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    app = create_app(rt)
    seals.seal(rt, SUPERVISOR, note="jalur")  # so a case has a proof
    filed = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    done = documents.complete_with_files(  # so a case has a document to download
        rt, filed, "1", "rina.ptsp", values=GUGATAN_1, files=[documents.Upload(
            "fotokopi_ktp_penggugat", "ktp.pdf", b"%PDF-1.4\n%%EOF\n")])
    sha = next(e.documents for e in done.events if e.TYPE == "step_completed")[
        "fotokopi_ktp_penggugat"]["sha256"]
    web, token = signed_in(app, rt, SUPERVISOR)
    with rt.engine.connect() as conn:
        version = next(s.current_version for s in list_sops(conn) if s.sop_id == LEGALISATION)
    return {"rt": rt, "app": app, "web": web, "csrf": token,
            "cookie": f"sop_sesi={web.cookies['sop_sesi']}",
            "token": bearer(auth.issue_token(rt, SUPERVISOR, "jalur")),
            "real": {"case_id": "SNN-2026-00003", "node": "1", "sop_id": LEGALISATION,
                     "version": version, "fmt": "csv", "lang": "id", "path": "app.css",
                     "sha256": "0" * 64},
            # the real values of a route whose own differ (a case that holds a document)
            "real_for": {route: {"case_id": filed, "sha256": sha} for route in (
                "/perkara/{case_id}/dokumen/{sha256}",
                "/api/cases/{case_id}/documents/{sha256}")}}


def _with_params() -> list[tuple[str, str, str]]:
    """(method, route, parameter) for every path parameter of every route, and the static
    files."""
    found = [(method, path, name) for method, path in sorted(app_routes())
             for name in re.findall(r"{(\w+)}", path)]
    return [*found, ("GET", "/static/{path}", "path")]


PARAMS = _with_params()


def test_every_path_parameter_is_walked() -> None:
    # a public page's own parameter (sop_runtime.web.public) is walked with a made-up real
    # value unless it is one of these
    public = public_routes()
    names = {name for method, route, name in PARAMS if (method, route) not in public}
    assert names == {"case_id", "node", "sop_id", "version", "fmt", "lang", "path", "sha256"}
    assert len(PARAMS) >= 30


UNKNOWN = "tidak-ada-1"  # a public route's parameter of no real value known here


def _send(court: dict[str, Any], method: str, route: str, name: str, value: bytes) -> Any:
    own = {**{n: UNKNOWN for n in re.findall(r"{(\w+)}", route)}, **court["real"],
           **court["real_for"].get(route, {})}
    real = {k: quote(v, safe="").encode() for k, v in own.items()}
    if "/render/" in route:  # the SOP's drawings: svg, html or mermaid
        real["fmt"] = b"svg"
    target = re.sub(rb"{(\w+)}", lambda m: value if m.group(1).decode() == name
                    else real[m.group(1).decode()], route.encode())
    if route.startswith("/api"):
        headers = {**court["token"], "content-type": "application/json"}
        body = b'{"reason": "uji jalur", "to": "yusuf.kasir"}' if method == "POST" else b""
    else:
        headers = {"cookie": court["cookie"], "origin": SITE,
                   "content-type": "application/x-www-form-urlencoded"}
        body = urlencode({"csrf": court["csrf"], "alasan": "uji jalur"}).encode() \
            if method == "POST" else b""
    return raw_request(court["app"], method, target, headers=headers, body=body)


def _events(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one())


@pytest.mark.parametrize("attack", TRAVERSALS)
@pytest.mark.parametrize(("method", "route", "name"), PARAMS,
                         ids=[f"{m} {r} {n}" for m, r, n in PARAMS])
def test_a_path_parameter_never_leaves_the_app(court: dict[str, Any], method: str, route: str,
                                               name: str, attack: str) -> None:
    before = _events(court["rt"])
    answer = _send(court, method, route, name, TRAVERSALS[attack])
    if route == "/bahasa/{lang}" and answer.status == 303:  # any language is a preference
        assert answer.headers["location"] == "/"
    else:
        assert answer.status in (404, 405, 422), (answer.status, answer.text[:300])
    for leak in LEAKS:
        assert leak not in answer.text
    assert _events(court["rt"]) == before


def test_the_real_values_are_answered(court: dict[str, Any]) -> None:
    """The same requests with the real values pass, so the refusals above are the
    parameter's doing."""
    for method, route, name in PARAMS:
        own = {**court["real"], **court["real_for"].get(route, {})}
        if method == "GET" and all(n in own for n in re.findall(r"{(\w+)}", route)):
            value = b"svg" if "/render/" in route and name == "fmt" else \
                quote(own[name], safe="").encode()
            answer = _send(court, method, route, name, value)
            assert answer.status in (200, 303), (route, answer.status, answer.text[:200])


@pytest.mark.parametrize("name", ["../sop.db", "../../pyproject.toml", "/etc/passwd",
                                  'SNN-2026-00003"; filename="x.html', "SNN-2026-00003\r\nX: y"])
def test_a_download_is_named_only_by_a_known_case(court: dict[str, Any], name: str) -> None:
    answer = court["web"].get("/audit/ekspor/csv", params={"perkara": name})
    assert answer.status_code in (404, 422)  # unknown, or refused at the edge
    assert "content-disposition" not in answer.headers


# -- open redirects ---------------------------------------------------------------------

ELSEWHERE = ["//evil.example", "https://evil.example", "http://evil.example/masuk",
             "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "%2F%2Fevil.example",
             "javascript:alert(1)", "JaVaScRiPt:alert(1)", "/\t/evil.example",
             "/%09/evil.example", " //evil.example", "///evil.example", "https:evil.example",
             "\n//evil.example", "//evil.example/%2F..", "/%5Cevil.example",
             "data:text/html,<script>alert(1)</script>", "evil.example", "@evil.example"]


def _local(location: str) -> bool:
    """Whether a browser following ``location`` from a page of the site stays on it."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").strip()
    target = urlsplit(urljoin(f"{SITE}/halaman/ini", cleaned))
    return target.scheme == "https" and target.netloc == "testserver"


def _stays(status: int, headers: Any) -> bool:
    """Sent on within the site, or refused at the edge (a control character is never
    taken: a 422 that names the field)."""
    return status == 422 or (status == 303 and _local(headers["location"]))


def test_the_local_check_can_tell() -> None:
    assert _local("/tugas") and _local("/perkara/SNN-2026-00001?x=1")
    assert not any(_local(target) for target in ("//evil.example", "/\\evil.example",
                                                 "/\t/evil.example", "javascript:x",
                                                 "https://evil.example"))


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_sign_in_form_goes_on_only_within_the_site(court: dict[str, Any],
                                                       target: str) -> None:
    auth.set_password(court["rt"], CLERK, PASSWORD)
    web = TestClient(court["app"], base_url=SITE)
    form = web.get("/masuk", params={"lanjut": target})
    if form.status_code == 422:  # refused at the edge: no form carries it on
        return
    hidden = [value for tag, attrs in scan(form.text).elements if tag == "input"
              for key, value in attrs if dict(attrs).get("name") == "lanjut" and key == "value"]
    assert hidden and all(_local(v or "") for v in hidden), hidden
    done = web.post("/masuk", data={"username": CLERK, "password": PASSWORD,
                                    "csrf": csrf_of(form.text), "lanjut": target},
                    follow_redirects=False)
    assert _stays(done.status_code, done.headers), done.headers


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_language_switch_goes_on_only_within_the_site(court: dict[str, Any],
                                                          target: str) -> None:
    answer = TestClient(court["app"], base_url=SITE).get(
        "/bahasa/en", params={"lanjut": target}, follow_redirects=False)
    assert _stays(answer.status_code, answer.headers), answer.headers


@pytest.mark.parametrize("target", ELSEWHERE)
def test_an_override_form_goes_back_only_within_the_site(court: dict[str, Any],
                                                         target: str) -> None:
    case = cases.start_case(court["rt"], LEGALISATION, CLERK).case_id
    form = {"csrf": court["csrf"], "alasan": "permohonan dicabut", "kembali": target}
    asked = court["web"].post(f"/perkara/{case}/batal", data=form, follow_redirects=False)
    if asked.status_code == 422:  # refused at the edge
        return
    assert asked.status_code == 200  # the confirmation step: its way back stays here too
    backs = [value for tag, attrs in scan(asked.text).elements if tag == "a"
             for key, value in attrs if key == "href"]
    assert backs and all(_local(b) for b in backs), backs
    answer = court["web"].post(f"/perkara/{case}/batal", data={**form, "konfirmasi": "ya"},
                               follow_redirects=False)
    assert _stays(answer.status_code, answer.headers), answer.headers


@pytest.mark.parametrize("target", ELSEWHERE)
def test_a_raw_lanjut_on_the_wire_goes_on_only_within_the_site(court: dict[str, Any],
                                                               target: str) -> None:
    """The value as it stands in the query, unencoded (%2F stays what the client wrote)."""
    wire = target.replace("\t", "%09").replace("\n", "%0A").replace(" ", "%20")
    answer = raw_request(court["app"], "GET", f"/bahasa/id?lanjut={wire}".encode())
    assert _stays(answer.status, answer.headers), answer.headers


@pytest.mark.parametrize("referer", ["https://evil.example/", "https://testserver.evil.example/",
                                     "https://testserver@evil.example/", "javascript:alert(1)"])
def test_the_error_pages_way_back_stays_on_the_site(court: dict[str, Any],
                                                    referer: str) -> None:
    answer = court["web"].get("/perkara/SNN-2026-99999", headers={"Referer": referer})
    assert answer.status_code == 404
    backs = [value for tag, attrs in scan(answer.text).elements if tag == "a"
             for key, value in attrs if key == "href"]
    assert backs and all(_local(v or "") for v in backs), backs
