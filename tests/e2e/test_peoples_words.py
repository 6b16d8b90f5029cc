"""No machine text in front of people, swept over the whole demo court.

Every staff page reachable from the navigation (for each demo user, one level into the cases
and steps those pages link to), every printout (a case report, the period report, the
conformance report, an SOP sheet) and every human-mode CLI command of the docs is read as
people read it, and must not contain:

- an ISO-8601 instant or a bare ``YYYY-MM-DD`` date (``2026-11-24T10:10``, ``2026-11-24``),
  nor a UTC offset (``+00:00``): moments are ``24 November 2026 pukul 10.10 WIT``; nor an
  ISO duration (``PT3H45M``): lateness is ``terlambat 3 jam 45 menit kerja``;
- a username of the court file where a name belongs (``rina.ptsp``): people by name;
- a role id of the court file (``petugas_ptsp``): a role by its ``nama``.

What is read is the text shown: tags are stripped from pages, so URLs, hrefs, ids in
``data-*`` attributes and form values (a ``datetime-local`` field keeps the browser's
``2026-11-24T10:10``) are not shown text and are not checked. Allowed, each with why:

- role ids that are ordinary Indonesian words and so the start of their own role's name
  (``pemohon``, ``kasir``, ``panitera``, ``ketua``, ``jurusita``): the word in a sentence is
  the word (the SOPs' own text says "kepada pemohon"); such an id is caught only where it
  stands as a table cell of its own (``│ kasir │``); every other id (``panmud_perdata``,
  ``sipp``) is caught anywhere;
- the sign-in page, where a user types their own username (its example is checked anyway);
- ``sop users`` and ``sop journal direktori``: the accounts themselves, where an operator
  finds the username to type after ``--as``; the usernames there are the record, every
  other word there is checked;
- machine outputs stay machine outputs (``--json``, CSV/JSON/XES exports, the API): not swept.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient

from sop_runtime.service import auth, cases, seals
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS, ROOT, copy_database
from tests.e2e.court import Court

PASSWORD = "kata-sandi-sapuan-123"
USERS = ("rina.ptsp", "siti.kasir", "bambang.panitera", "fitri.hakim")
FROM, TO = "2026-11-16", "2026-11-29"  # the demo's fortnight

_COURT = yaml.safe_load((DEFINITIONS / "court.yaml").read_text(encoding="utf-8"))
USERNAMES = sorted(p["username"] for p in _COURT["pengguna"])
# ordinary words that start their own role's name (see the module's docstring)
WORD_ROLES = {"pemohon", "kasir", "panitera", "ketua", "jurusita"}
ROLE_IDS = sorted(r["id"] for r in _COURT["peran"] if r["id"] not in WORD_ROLES)

ISO = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}\S*)?(?![\w-])")
OFFSET = re.compile(r"[+-]\d{2}:\d{2}\b")
DURATION = re.compile(r"\bP(?:\d+D)?T(?:\d+[HMS])+\b")  # ISO-8601 lateness: PT3H45M
USERNAME = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, USERNAMES)) + r")(?![\w.])")
ROLE = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, ROLE_IDS)) + r")(?![\w.-])")
# a word role standing as a table cell of its own, or in a list in one: there it is the id
# (not the first cell of a line: there a long step name wraps, "... dari / pemohon")
WORD_ROLE = re.compile(r"(?<=│)[^│\n]*│\s*((?:(?:" + "|".join(sorted(WORD_ROLES))
                       + r")(?:,\s*)?)+)\s*│")


def machine_text(text: str) -> list[str]:
    """The machine text found in ``text``, each with a little of its context."""
    found = []
    for name, pattern in (("ISO", ISO), ("zona UTC", OFFSET), ("durasi ISO", DURATION),
                          ("username", USERNAME),
                          ("id peran", ROLE), ("id peran", WORD_ROLE)):
        for m in pattern.finditer(text):
            context = " ".join(text[max(0, m.start() - 50):m.end() + 30].split())
            found.append(f"{name} {m.group(0)!r} in «{context}»")
    return found


class _Shown(HTMLParser):
    """The text a page shows (no tags, no scripts or styles) and the app's links in it."""

    HIDDEN: ClassVar[frozenset[str]] = frozenset({"script", "style", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)
        if tag in ("br", "p", "tr", "li", "div", "td", "th", "option"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def shown(html: str) -> tuple[str, list[str]]:
    parser = _Shown()
    parser.feed(html)
    return " ".join("".join(parser.parts).split()), parser.links


@dataclass
class Findings:
    """What the sweep found, by where it was found."""

    found: dict[str, list[str]] = field(default_factory=dict)
    looked_at: list[str] = field(default_factory=list)

    def check(self, where: str, text: str) -> None:
        self.looked_at.append(where)
        bad = machine_text(text)
        if bad:
            self.found[where] = bad

    def assert_clean(self) -> None:
        lines = [f"{where}: {b}" for where, bad in self.found.items() for b in bad[:5]]
        assert not lines, f"{len(self.found)} of {len(self.looked_at)} places show machine " \
                          "text:\n" + "\n".join(lines[:80])


@pytest.fixture(scope="module")
def court_db(demo_day: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo court after its working day, this module's own copy."""
    return copy_database(demo_day, tmp_path_factory.mktemp("words") / "sop.db")


@pytest.fixture(scope="module")
def rt(court_db: Path) -> Iterator[Runtime]:
    rt = Runtime(make_engine(f"sqlite:///{court_db}"))
    for user in USERS:
        auth.set_password(rt, user, PASSWORD)
    # what the demo's day leaves out, so the sweep sees it named: a step a supervisor
    # assigned to someone, a seal
    cases.reassign(rt, "SNN-2026-00009", "8", "bambang.panitera", "yusuf.kasir",
                   reason="Kasir yang bertugas")
    seals.seal(rt, "bambang.panitera", note="Segel uji")
    yield rt
    rt.engine.dispose()


def _signed_in(rt: Runtime, username: str) -> TestClient:
    web = TestClient(create_app(rt), base_url="https://testserver")
    form = web.get("/masuk").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token
    answer = web.post("/masuk", data={"username": username, "password": PASSWORD,
                                      "csrf": token.group(1)})
    assert answer.status_code == 200, answer.text[:300]
    return web


# links not followed: leaving, switching language (the same pages), downloads of machine
# formats (CSV/JSON/XES exports), static files
_NOT_FOLLOWED = ("/keluar", "/bahasa/", "/audit/ekspor/", "/static/", "/api/")


def _followed(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(_NOT_FOLLOWED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _crawl(web: TestClient, starts: list[str], depth: int, findings: Findings,
           who: str) -> None:
    seen: set[str] = set()
    level = list(starts)
    for _ in range(depth + 1):
        following: list[str] = []
        for path in level:
            if path in seen:
                continue
            seen.add(path)
            answer = web.get(path)
            kind = answer.headers.get("content-type", "")
            if "html" not in kind and "svg" not in kind:
                continue
            text, links = shown(answer.text)
            findings.check(f"{who} GET {path} ({answer.status_code})", text)
            following += [p for p in map(_followed, links) if p and p not in seen]
        level = following


def test_no_page_shows_machine_text(rt: Runtime) -> None:
    findings = Findings()
    anonymous = TestClient(create_app(rt), base_url="https://testserver")
    sign_in, _ = shown(anonymous.get("/masuk").text)
    findings.check("GET /masuk", sign_in)
    for user in USERS:
        web = _signed_in(rt, user)
        nav = ["/tugas", "/perkara/baru", "/pengawasan", "/audit", "/audit/penyimpangan",
               "/sop", f"/audit/laporan?dari={FROM}&sampai={TO}"]
        _crawl(web, nav, 2, findings, user)
    english = _signed_in(rt, "bambang.panitera")  # the same pages in English, one level
    english.get("/bahasa/en")
    assert "My tasks" in english.get("/tugas").text
    _crawl(english, ["/tugas", "/pengawasan", "/audit", "/audit/penyimpangan", "/sop"], 1,
           findings, "bambang.panitera (en)")
    assert any("(en)" in where for where in findings.looked_at)
    assert len(findings.looked_at) > 40, findings.looked_at
    findings.assert_clean()


def _printout(path: Path) -> str:
    return shown(path.read_text(encoding="utf-8"))[0]


def test_no_printout_or_cli_output_shows_machine_text(court_db: Path, tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{court_db}")
    findings = Findings()
    with sqlite3.connect(court_db) as db:
        cases = [row[0] for row in db.execute("SELECT case_id FROM cases ORDER BY case_id")]
    assert len(cases) == 12
    for args in (("users",), ("users", "--at", "2026-11-24 12:00"), ("journal", "direktori")):
        r = court.run(*args)  # the accounts themselves: usernames allowed, nothing else
        findings.check("sop " + " ".join(args), USERNAME.sub("", r.stdout + r.stderr))
    commands: list[tuple[str, ...]] = [
        ("list",),
        ("show", "legalisasi-waarmerking"), ("overdue",), ("overdue", "--now", "2026-11-24 16:45"),
        ("deviations",), ("deviations", "--kind", "wrong_actor"), ("verify",),
        ("seal", "list"),
        ("report", "period", "--from", FROM, "--to", TO),
        ("validate", str(DEFINITIONS)),
        ("conformance", str(ROOT / "examples" / "skum-januari-2026.csv"), "--sop",
         "taksiran-panjar-skum", "--map", str(ROOT / "examples" / "skum-januari-2026.map.yaml"),
         "--html", str(tmp_path / "kesesuaian.html")),
        ("report", "period", "--from", FROM, "--to", TO, "--html", str(tmp_path / "periode.html")),
    ]
    commands += [("tasks", "--as", u) for u in USERS]
    for case in cases:
        commands += [("case", case), ("log", case), ("deviations", "--case", case),
                     ("report", "case", case),
                     ("report", "case", case, "--html", str(tmp_path / f"{case}.html"))]
    for args in commands:
        r = court.run(*args)
        findings.check("sop " + " ".join(args), r.stdout + "\n" + r.stderr)
    for args in (("case", cases[3]), ("deviations",), ("overdue",), ("tasks", "--as", USERS[1]),
                 ("report", "period", "--from", FROM, "--to", TO), ("report", "case", cases[3])):
        english = court.run(*args, lang="en")
        findings.check("sop --lang en " + " ".join(args), english.stdout + english.stderr)
    sealed = court.run("seal", "create", "--as", "bambang.panitera", "--note", "Uji")
    findings.check("sop seal create", sealed.stdout + sealed.stderr)
    listed = court.run("seal", "list")
    findings.check("sop seal list (a seal made)", listed.stdout + listed.stderr)
    backed = court.run("backup", tmp_path / "cadangan.db")
    assert backed.returncode == 0, backed.stderr
    findings.check("sop backup", backed.stdout + backed.stderr)
    scratch = Court(tmp_path, f"sqlite:///{court_db.parent / 'pulih.db'}")  # its documents
    restored = scratch.run("restore", tmp_path / "cadangan.db")
    assert restored.returncode == 0, restored.stderr
    findings.check("sop restore", restored.stdout + restored.stderr)
    swept = court.run("sweep")  # what time alone caused by now, told as it is recorded
    findings.check("sop sweep", swept.stdout + swept.stderr)
    after = court.run("deviations")
    findings.check("sop deviations (after the sweep)", after.stdout + after.stderr)
    for printout in sorted(tmp_path.glob("*.html")):
        findings.check(printout.name, _printout(printout))
    assert len(list(tmp_path.glob("*.html"))) == len(cases) + 2
    findings.assert_clean()


def test_one_deviation_reads_the_same_on_every_surface(rt: Runtime, court_db: Path,
                                                       tmp_path: Path) -> None:
    """The refused attempt of the demo (Fadli at the Kasir's step 5 of SNN-2026-00004): its
    evidence reads in the same words on the case page, the audit list, the case report and
    the CLI, all told by engine/deviation_text."""
    case = "SNN-2026-00004"
    phrases = ("yang berwenang: Kasir / Pemegang Kas",
               "dilakukan oleh Fadli Hasan Duwila (Petugas Meja e-Court, Petugas PTSP)")
    web = _signed_in(rt, "bambang.panitera")
    surfaces = {
        "case page": shown(web.get(f"/perkara/{case}").text)[0],
        "audit list": shown(web.get("/audit/penyimpangan?jenis=wrong_actor").text)[0],
        "case report": shown(web.get(f"/audit/perkara/{case}").text)[0],
    }
    court = Court(tmp_path, f"sqlite:///{court_db}")
    cli = court.ok("deviations", "--case", case).stdout
    surfaces["CLI"] = " ".join(cli.replace("│", " ").split())
    for where, text in surfaces.items():
        for phrase in phrases:
            assert phrase in text, f"{where}: {phrase!r} not in {text[:3000]}"


def test_a_refusal_says_who_may_and_who_you_are(rt: Runtime, court_db: Path,
                                                tmp_path: Path) -> None:
    """The 403 page, the API's problem detail and the CLI's refusal each say in a sentence
    who may do this and as whom the person is signed in."""
    clerk = _signed_in(rt, "rina.ptsp")
    page = clerk.get("/audit")
    assert page.status_code == 403
    said = shown(page.text)[0]
    assert "Hanya Panitera, Ketua Pengadilan Negeri, Wakil Ketua Pengadilan Negeri, Hakim " \
           "Pengawas Bidang (Hawasbid) yang dapat membuka audit" in said, said
    assert "Anda masuk sebagai Rina Marasabessy (Petugas PTSP)" in said, said
    token = auth.issue_token(rt, "fitri.hakim", "uji")
    api = TestClient(create_app(rt), base_url="https://testserver")
    answer = api.get("/api/overdue", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    detail = answer.json()["detail"]
    assert "yang dapat membuka halaman pengawasan" in detail, detail
    assert "Anda masuk sebagai Fitriani Rahayu" in detail, detail
    court = Court(tmp_path, f"sqlite:///{court_db}")
    refused = court.fails(4, "complete", "SNN-2026-00004", "7", "--as", "rina.ptsp",
                          "--reason", "uji")
    text = " ".join(refused.stderr.split())
    assert "hanya dapat dikerjakan oleh" in text and \
           "Anda masuk sebagai Rina Marasabessy (Petugas PTSP)" in text, text
    assert not machine_text(text), text
    stale = court.fails(3, "complete", "SNN-2026-00004", "1", "--as", "rina.ptsp")
    text = " ".join(stale.stderr.split())
    assert "(Fadli Hasan Duwila, 24 November 2026 pukul 10.25 WIT)" in text, text
    assert not machine_text(text), text
