"""What the adversarial tests of the web app share: a court whose every stored free text is
hostile markup, signed-in clients, an HTML scanner built on the standard library's parser,
and raw ASGI requests (paths and headers exactly as a client sent them, which an HTTP client
library would normalise first).

The hostile court is the demo court after its working day, plus one test SOP (never in
``definitions/``) with a free-text case field, a free-text output, an extension and a
decision, and one extra clerk per payload whose name in the court file is that payload. For
every payload, through the JSON API and the pages as real callers: a case started late with
its field and reason, the step extended, completed late with its output and reason, the
decision skipped, the next step reassigned to that clerk; a second case reopened and
cancelled; a delegation with its warrant and reason; a refused attempt with its reason; a
seal with its note. Every stored text is ``[place/payload-key]`` followed by the payload, so
a check can say which text it looked for and where it came from."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sop_runtime.service import auth, setup, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.workflows import list_sops
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS
from tests.integration.service.conftest import copy_database

PASSWORD = "kata-sandi-uji-serang-1"
SUPERVISOR, CLERK, EXAMINER = "bambang.panitera", "rina.ptsp", "fitri.hakim"
# the court's clock in these tests: two days after the demo's working day
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Jayapura"))
HOSTILE_SOP = "uji-serangan"

PAYLOADS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(2)>',
    "quote": "'><svg onload=alert(3)>",
    "textarea": "</textarea></title><script>alert(4)</script>",
    "svg": "<svg/onload=alert(5)>",
    "link": '<a href="javascript:alert(6)">klik</a>',
    "js-url": "javascript:alert(7)",
    "template": "{{7*7}}{% print(7*7) %}${7*7}#{7*7}",
    "entity": "&lt;script&gt;alert(8)&lt;/script&gt;",
    "comment": "--><script>alert(9)</script><!--",
}


def mark(place: str, key: str) -> str:
    """The stored text for ``place`` carrying payload ``key``."""
    return f"[{place}/{key}]{PAYLOADS[key]}"


def concatenated(place: str) -> str:
    """One text carrying every payload (for a place the court has only one of)."""
    return " ".join(mark(place, key) for key in PAYLOADS)


def clerk_of(key: str) -> str:
    """The extra clerk whose name in the court file is payload ``key``."""
    return f"uji{list(PAYLOADS).index(key) + 1}.serang"


def _sop_yaml() -> str:
    q = json.dumps
    return f"""
id: {HOSTILE_SOP}
sumber:
  - {{pengadilan: Uji, judul: SOP uji masukan berbahaya, url: "https://example.org/uji"}}
identitas:
  satuan_kerja: Pengadilan Negeri Sanana
  nomor: UJI/SERANG/2026
  nama: {q(concatenated("sop-name"))}
  tanggal_pembuatan: 2026-01-05
  tanggal_efektif: 2026-01-12
  disahkan_oleh: {{jabatan: Ketua Pengadilan Negeri Sanana}}
  dasar_hukum: [Uji]
  kualifikasi_pelaksana: [Uji]
  peralatan: [Komputer]
  peringatan: Uji
  pencatatan: [Register]
pelaksana:
  - {{id: petugas_ptsp, nama: Petugas PTSP}}
  - {{id: panitera, nama: Panitera}}
  - {{id: kasir, nama: Kasir}}
isian:
  - {{id: catatan, nama: Catatan, jenis: teks}}
langkah:
  - no: 1
    jenis: mulai
    kegiatan: {q(concatenated("activity"))}
    pelaksana: petugas_ptsp
    perpanjangan: 1 jam
    mutu_baku:
      waktu: 10 menit
      output: [{{id: uraian, nama: Uraian, jenis: teks}}]
  - no: 2
    jenis: keputusan
    kegiatan: Memeriksa berkas
    pelaksana: panitera
    mutu_baku:
      waktu: 1 jam
      output: [{{id: catatan_panitera, nama: Catatan panitera, jenis: teks, wajib: false}}]
    cabang:
      - {{label: Lengkap, ke: 3}}
      - {{label: Tidak lengkap, ke: 4}}
  - no: 3
    kegiatan: Mencatat pembayaran
    pelaksana: kasir
    mutu_baku:
      waktu: 1 jam
      output: [{{id: bukti, nama: Bukti, jenis: dokumen}}]
  - no: 4
    jenis: selesai
    kegiatan: Mengarsipkan berkas
    pelaksana: petugas_ptsp
    mutu_baku:
      waktu: 1 jam
      output: [Arsip]
"""


def hostile_definitions(folder: Path) -> Path:
    """definitions/ with a hostile court name and one hostile clerk per payload, plus the
    hostile test SOP."""
    shutil.copytree(DEFINITIONS, folder)
    court = (folder / "court.yaml").read_text(encoding="utf-8")
    court = court.replace("  nama: Pengadilan Negeri Sanana\n",
                          f"  nama: {json.dumps(concatenated('court'))}\n", 1)
    extra = "".join(
        f'  - {{username: {clerk_of(key)}, nama: {json.dumps(mark("person", key))}, '
        f'nip: "19900101{i:010d}", peran: [petugas_ptsp, kasir]}}\n'
        for i, key in enumerate(PAYLOADS, start=1))
    (folder / "court.yaml").write_text(court.rstrip("\n") + "\n" + extra, encoding="utf-8")
    (folder / f"{HOSTILE_SOP}.yaml").write_text(_sop_yaml(), encoding="utf-8")
    return folder


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def signed_in(app: FastAPI, rt: Runtime, username: str) -> tuple[TestClient, str]:
    """A browser-like client signed in as ``username`` through the form, and its session's
    form token. The password is set once (a new password ends the user's sessions)."""
    if not auth.check_password(rt, username, PASSWORD):
        auth.set_password(rt, username, PASSWORD)
    web = TestClient(app, base_url="https://testserver")
    form = web.get("/masuk")
    answer = web.post("/masuk", data={"username": username, "password": PASSWORD,
                                      "csrf": csrf_of(form.text), "lanjut": "/sop"})
    assert answer.status_code == 200 and answer.url.path == "/sop", answer.text[:300]
    return web, csrf_of(answer.text)


@dataclass
class HostileCourt:
    rt: Runtime
    app: FastAPI
    first: dict[str, str] = field(default_factory=dict)     # payload key -> case id
    second: dict[str, str] = field(default_factory=dict)    # reopened and cancelled
    delegated: dict[str, str] = field(default_factory=dict)  # decided by a Plh
    refused_case: str = ""  # the demo's SKUM case, with one refused attempt per payload
    version: str = ""       # the hostile SOP's version


def _ok(answer: Any) -> Any:
    assert answer.status_code in (200, 201, 303), (answer.request.url, answer.status_code,
                                                   answer.text[:500])
    return answer


def build_hostile_court(db: Path, work: Path) -> HostileCourt:
    """The demo court's database at ``db`` filled with hostile text (``work``: a folder of
    this court's own)."""
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    setup.init(rt, hostile_definitions(work / "definitions"))
    app = create_app(rt)
    court = HostileCourt(rt, app)
    with TestClient(app) as api:  # one event loop thread for all the requests
        chief = bearer(auth.issue_token(rt, SUPERVISOR, "uji"))
        clerk = bearer(auth.issue_token(rt, CLERK, "uji"))
        skum = next(late.task for late in views.overdue(rt, reader=operator())
                    if late.task.sop_id == "taksiran-panjar-skum")
        court.refused_case = skum.case_id
        three_days_ago = NOW - timedelta(days=3)  # Monday: entered past the court's limit
        for key in PAYLOADS:
            me = bearer(auth.issue_token(rt, clerk_of(key), "uji"))
            started = _ok(api.post("/api/cases", headers=me, json={
                "sop": HOSTILE_SOP, "fields": {"catatan": mark("field", key)},
                "at": three_days_ago.isoformat(), "reason": mark("reason-start", key)}))
            case = court.first[key] = started.json()["case_id"]
            _ok(api.post(f"/api/cases/{case}/steps/1/extend", headers=me,
                         json={"reason": mark("reason-extend", key)}))
            _ok(api.post(f"/api/cases/{case}/steps/1/complete", headers=me, json={
                "values": {"uraian": mark("output", key)},
                "at": (three_days_ago + timedelta(minutes=5)).isoformat(),
                "reason": mark("reason-late", key)}))
            _ok(api.post(f"/api/cases/{case}/steps/2/skip", headers=chief, json={
                "decision": "Lengkap", "reason": mark("reason-skip", key),
                "at": (three_days_ago + timedelta(minutes=10)).isoformat()}))
            _ok(api.post(f"/api/cases/{case}/steps/3/reassign", headers=chief, json={
                "to": clerk_of(key), "reason": mark("reason-reassign", key)}))

            second = _ok(api.post("/api/cases", headers=me, json={"sop": HOSTILE_SOP}))
            case = court.second[key] = second.json()["case_id"]
            _ok(api.post(f"/api/cases/{case}/steps/1/complete", headers=me,
                         json={"values": {"uraian": "Uraian biasa"}}))
            _ok(api.post(f"/api/cases/{case}/steps/1/reopen", headers=chief,
                         json={"reason": mark("reason-reopen", key)}))
            _ok(api.post(f"/api/cases/{case}/cancel", headers=chief,
                         json={"reason": mark("reason-cancel", key)}))

            _ok(api.post("/api/delegations", headers=chief, json={
                "to": clerk_of(key), "role": "panitera",
                "from": (NOW - timedelta(days=1)).isoformat(),
                "until": (NOW + timedelta(days=1)).isoformat(),
                "reference": mark("warrant", key), "reason": mark("reason-delegation", key)}))
            third = _ok(api.post("/api/cases", headers=me, json={"sop": HOSTILE_SOP}))
            case = court.delegated[key] = third.json()["case_id"]
            _ok(api.post(f"/api/cases/{case}/steps/1/complete", headers=me,
                         json={"values": {"uraian": "Uraian biasa"}}))
            _ok(api.post(f"/api/cases/{case}/steps/2/complete", headers=me, json={
                "decision": "Lengkap", "values": {"catatan_panitera": mark("output-plh", key)}}))

            refused = api.post(f"/api/cases/{skum.case_id}/steps/{skum.node}/complete",
                               headers=clerk, json={"values": {"skum_lunas": "SKUM lunas"},
                                                    "reason": mark("reason-refused", key)})
            assert refused.status_code == 403, refused.text

    web, token = signed_in(app, rt, SUPERVISOR)
    for key in PAYLOADS:
        _ok(web.post("/audit/segel", data={"csrf": token, "catatan": mark("seal-note", key)},
                     follow_redirects=False))
    with rt.engine.connect() as conn:
        court.version = next(s.current_version for s in list_sops(conn)
                             if s.sop_id == HOSTILE_SOP)
    return court


def hostile_court_at(source: Path, work: Path) -> HostileCourt:
    """A hostile court built on a copy of the demo court's database ``source``."""
    work.mkdir(parents=True, exist_ok=True)
    return build_hostile_court(copy_database(source, work / "sop.db"), work)


# -- reading a page as a browser would ---------------------------------------------------

# elements that run or load something no page of ours has
ACTIVE = frozenset({"script", "iframe", "frame", "object", "embed", "base", "applet", "meta"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data",
                            "poster", "background", "srcdoc"})


@dataclass
class Scan:
    """What an HTML parser saw in a document: its elements with their attributes, and every
    text and attribute value as a browser decodes it."""

    elements: list[tuple[str, list[tuple[str, str | None]]]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    _joined: str | None = None

    def shows(self, text: str) -> bool:
        """Whether ``text`` is in the document as data (a text or an attribute value),
        whole, after the browser's decoding of character references."""
        if self._joined is None:
            self._joined = "\x00".join(self.texts)  # no text of ours holds a NUL
        return text in self._joined

    def dangers(self) -> list[str]:
        """Markup that would run script: active elements, event handler attributes,
        javascript: URLs, a meta refresh."""
        found = []
        for tag, attrs in self.elements:
            if tag in ACTIVE and not (tag == "meta" and _harmless_meta(attrs)):
                found.append(f"<{tag} {attrs}>")
            for name, value in attrs:
                if name.startswith("on"):
                    found.append(f"<{tag} {name}={value!r}>")
                compact = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if name in URL_ATTRIBUTES and compact.startswith(("javascript:", "vbscript:",
                                                                  "data:text/html")):
                    found.append(f"<{tag} {name}={value!r}>")
        return found


def _harmless_meta(attrs: list[tuple[str, str | None]]) -> bool:
    names = {name for name, _ in attrs}
    return names <= {"charset", "name", "content"} and "http-equiv" not in names


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scan.elements.append((tag, attrs))
        self.scan.texts.extend(value for _, value in attrs if value)

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.scan.texts.append(data)

    def handle_comment(self, data: str) -> None:
        self.scan.comments.append(data)


def scan(html: str) -> Scan:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.scan


def raw_payloads(body: str, keys: Iterable[str] = PAYLOADS) -> list[str]:
    """The payloads (with markup) that stand in ``body`` unescaped."""
    return [key for key in keys if re.search(r"[<>\"']", PAYLOADS[key])
            and PAYLOADS[key] in body]


# -- raw requests ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def raw_request(app: FastAPI, method: str, target: bytes, *,
                headers: Mapping[str, str] | None = None, body: bytes = b"") -> RawAnswer:
    """``target`` (path and query, as bytes on the wire) sent to the app as uvicorn passes
    it: the path percent-decoded once (invalid UTF-8 replaced), nothing normalised."""
    path, _, query = target.partition(b"?")
    sent = [(b"host", b"testserver")] + [(k.lower().encode("latin-1"), v.encode("latin-1"))
                                         for k, v in (headers or {}).items()]
    if body and not any(k == b"content-length" for k, _ in sent):
        sent.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "https", "root_path": "",
             "path": unquote(path.decode("ascii")),
             "raw_path": path, "query_string": query, "headers": sent,
             "client": ("127.0.0.1", 50000), "server": ("testserver", 443)}
    messages: list[dict[str, Any]] = []

    async def call() -> None:
        done = asyncio.Event()
        pending = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if pending:
                return pending.pop()
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await app(scope, receive, send)

    asyncio.run(call())
    start = messages[0]
    return RawAnswer(start["status"],
                     {k.decode("latin-1"): v.decode("latin-1") for k, v in start["headers"]},
                     b"".join(m.get("body", b"") for m in messages[1:]))
