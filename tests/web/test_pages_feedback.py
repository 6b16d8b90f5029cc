"""Feedback and safety in daily work: a sentence after every action, shown once; skip,
reopen and cancel asked to confirm (and nothing done until then); the worklist telling how
late each step is or how long is left; each role landing where its work is."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sop_runtime.service import auth, cases, catalog, tracking, views
from sop_runtime.service.access import Permission
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.deps import Caller
from sop_runtime.web.flash import COOKIE
from sop_runtime.web.pages.signin import landing
from sop_runtime.worktime.duration_text import describe_lateness
from tests.clock import Clock
from tests.flows.kit import ROUTES
from tests.web.test_pages import PASSWORD, client, csrf_of, rt, signed_in  # noqa: F401  (rt: fixture)
from tests.web.test_pages_supervise import walk

WIT = ZoneInfo("Asia/Jayapura")


def _status(html: str) -> list[str]:
    """The texts of the page's status region (the one-time message)."""
    return re.findall(r'<p class="notice" role="status">([^<]*)</p>', html)


def test_a_step_completed_is_said_once_on_the_page_landed_on(rt: Runtime) -> None:  # noqa: F811
    web, token = signed_in(rt, "rina.ptsp")
    started = web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking", "csrf": token})
    case = started.url.path.rsplit("/", 1)[1]
    wf = views.case(rt, case, reader=operator()).workflow
    first, second = wf.node("1").kegiatan, wf.node("2").kegiatan
    [said] = _status(started.text)
    code = said.partition("Kode lacak pemohon: ")[2].partition(" ")[0]
    assert said == (f"Perkara {case} dimulai ({wf.nama}). Langkah berikutnya: 1 ({first}). "
                    f"Kode lacak pemohon: {code} (hanya ditampilkan sekali; cetak tanda "
                    "terimanya di halaman ini dalam 5 menit, sesudahnya tanda terima memuat "
                    "kode baru).")
    assert tracking.open_request(rt, case, code, address="10.0.0.3") == case
    values = ROUTES["legalisasi-waarmerking"][0]["nilai"]
    done = web.post(f"/perkara/{case}/langkah/1/selesai",
                    data={"csrf": token, **{f"nilai.{k}": v for k, v in values.items()}})
    assert done.status_code == 200 and done.url.path == f"/perkara/{case}"
    said = _status(done.text)
    assert len(said) == 1 and said[0].startswith(f"Langkah 1 ({first}) dicatat selesai pada ")
    # the moment in the people's style, never ISO: "4 Desember 2026 pukul 10.10 WIT."
    assert re.search(r"selesai pada \d{1,2} [A-Z][a-z]+ 20\d\d pukul \d\d\.\d\d WIT\. ", said[0])
    assert said[0].endswith(f"Langkah berikutnya: 2 ({second}).")
    assert COOKIE not in web.cookies  # shown once: the page that showed it dropped it
    assert _status(web.get(f"/perkara/{case}").text) == []
    claimed = web.post(f"/perkara/{case}/langkah/2/ambil", data={"csrf": token})
    assert _status(claimed.text) == [f"Langkah 2 ({second}) kini Anda pegang."]
    web.get("/bahasa/en?lanjut=/tugas")  # in the person's language
    again = web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking", "csrf": token})
    assert re.fullmatch(r"Case \S+ started \(.+\)\. Next: step 1 \(.+\)\.",
                        _status(again.text)[0])


def test_a_message_is_shown_only_to_the_session_that_left_it(rt: Runtime) -> None:  # noqa: F811
    web, token = signed_in(rt, "rina.ptsp")
    answer = web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking", "csrf": token},
                      follow_redirects=False)
    left = answer.cookies.get(COOKIE)
    assert answer.status_code == 303 and left
    other, _ = signed_in(rt, "fadli.ptsp")
    other.cookies.set(COOKIE, left, domain="testserver")  # another session's message
    assert _status(other.get("/tugas").text) == []
    forged = left.split(".")[0] + "." + "0" * 64  # a message planted without the signature
    web.cookies.delete(COOKIE)
    web.cookies.set(COOKIE, forged, domain="testserver")
    assert _status(web.get("/tugas").text) == []


SUPERVISOR_FORMS = {
    "lewati": ("/pengawasan/lewati", {"node": "2"}),
    "buka-ulang": ("/pengawasan/buka-ulang", {"node": "1"}),
    "batal": ("/perkara/{case}/batal", {}),
}


@pytest.mark.parametrize("action", sorted(SUPERVISOR_FORMS))
def test_an_unconfirmed_override_changes_nothing(rt: Runtime, action: str) -> None:  # noqa: F811
    case = walk(rt, "legalisasi-waarmerking", upto=2)
    chief, token = signed_in(rt, "bambang.panitera")
    path, extra = SUPERVISOR_FORMS[action]
    before = views.case(rt, case, reader=operator()).stored
    asked = chief.post(path.format(case=case), data={
        "case": case, "alasan": "Berkas asli dibawa pulang pemohon", "csrf": token, **extra})
    assert asked.status_code == 200, asked.text[:500]
    assert "Alasan: Berkas asli dibawa pulang pemohon" in asked.text
    assert '<input type="hidden" name="konfirmasi" value="ya">' in asked.text
    assert views.case(rt, case, reader=operator()).stored == before  # nothing recorded
    # nor with any other answer than the confirmation's own
    chief.post(path.format(case=case), data={
        "case": case, "alasan": "x", "csrf": token, "konfirmasi": "1", **extra})
    assert views.case(rt, case, reader=operator()).stored == before


def test_the_worklist_says_how_late_or_how_long_is_left(demo_copy: Path) -> None:
    clock = Clock(datetime(2026, 12, 1, 9, 0, tzinfo=WIT))  # a working Tuesday
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"), clock)  # noqa: F811
    for user in ("rina.ptsp", "bambang.panitera"):
        auth.set_password(rt, user, PASSWORD)
    case = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id  # 20 menit
    with rt.engine.connect() as conn:
        per_day = catalog.court(rt, conn)[1].minutes_per_working_day

    def row(html: str) -> str:
        found = re.search(rf'<tr class="[^"]*" data-case="{case}" data-step="1">.*?</tr>',
                          html, re.S)
        assert found, html[:400]
        return found.group(0)

    web, _ = signed_in(rt, "rina.ptsp")
    clock.tick(minutes=5)
    within = row(web.get("/tugas").text)
    assert "sisa " + describe_lateness("menit_kerja", 15, per_day) in within
    assert "Terlambat" not in within and 'class="late"' not in within
    clock.now = datetime(2026, 12, 1, 13, 5, tzinfo=WIT)  # 09.20-12.00 and 13.00-13.05
    late = row(web.get("/tugas").text)
    # in words, not by colour alone: "Terlambat 2 jam 45 menit kerja"
    assert ('<span class="badge late">Terlambat</span> <strong class="due-words late-text">'
            + describe_lateness("menit_kerja", 165, per_day) + "</strong>") in late
    said = ('<span class="badge late">Terlambat</span> <strong class="late-text">'
            + describe_lateness("menit_kerja", 165, per_day) + "</strong>")
    assert said in web.get(f"/perkara/{case}/langkah/1").text  # the step's own page
    assert said in web.get(f"/perkara/{case}").text  # and the case's
    clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=WIT)  # Thursday
    chief, _ = signed_in(rt, "bambang.panitera")
    supervised = chief.get("/pengawasan").text
    overdue = next(x for x in views.overdue(rt, reader=operator()) if x.task.case_id == case)
    assert overdue.late_text in supervised
    # Tuesday 09.20-16.30 less the break (370 minutes), Wednesday (a whole working day),
    # Thursday 08.00-09.00
    assert overdue.late_text == describe_lateness("menit_kerja", 370 + per_day + 60, per_day)


@pytest.mark.parametrize(("username", "home"), [
    ("rina.ptsp", "/tugas"), ("bambang.panitera", "/pengawasan"), ("fitri.hakim", "/audit")])
def test_each_role_lands_where_its_work_is(rt: Runtime, username: str, home: str) -> None:  # noqa: F811
    web = client(rt)
    form = web.get("/masuk")
    landed = web.post("/masuk", data={"username": username, "password": PASSWORD,
                                      "csrf": csrf_of(form.text)})
    assert landed.status_code == 200 and landed.url.path == home
    assert web.get("/", follow_redirects=False).headers["location"] == home
    asked = client(rt)  # a page asked for before signing in still wins
    first = asked.get("/sop", follow_redirects=False).headers["location"]
    form = asked.get(first)
    went = asked.post("/masuk", data={"username": username, "password": PASSWORD,
                                      "csrf": csrf_of(form.text), "lanjut": "/sop"})
    assert went.url.path == "/sop"


def test_someone_who_only_reads_the_library_lands_on_it() -> None:
    assert landing(Caller("x", frozenset({Permission.LIBRARY}))) == "/sop"
    assert landing(Caller("x", frozenset({Permission.WORK, Permission.AUDIT}))) == "/audit"


def test_a_reopen_is_confirmed_then_said(rt: Runtime) -> None:  # noqa: F811
    case = walk(rt, "legalisasi-waarmerking", upto=3)
    chief, token = signed_in(rt, "bambang.panitera")
    form = {"case": case, "node": "1", "alasan": "Berkas tidak lengkap",
            "kembali": f"/pengawasan/perkara/{case}", "csrf": token}
    asked = chief.post("/pengawasan/buka-ulang", data=form)
    assert "akan dibuka ulang dan harus dikerjakan lagi" in asked.text
    assert ">Ya, buka ulang</button>" in asked.text
    done = chief.post("/pengawasan/buka-ulang", data={**form, "konfirmasi": "ya"})
    assert done.url.path == f"/pengawasan/perkara/{case}"
    [said] = _status(done.text)
    assert said.startswith("Langkah 1 (") and f"perkara {case} dibuka ulang." in said
    assert "penyimpangan" in said  # the override is on the record, and the page says so
    assert views.case(rt, case, reader=operator()).state.current("1").is_open


def test_a_reason_is_shown_as_text_on_the_confirmation(rt: Runtime) -> None:  # noqa: F811
    case = walk(rt, "legalisasi-waarmerking", upto=2)
    chief, token = signed_in(rt, "bambang.panitera")
    asked = chief.post("/pengawasan/lewati", data={
        "case": case, "node": "2", "alasan": "<script>alert(1)</script>", "csrf": token})
    assert asked.status_code == 200
    assert "<script>" not in asked.text and "Alasan: &lt;script&gt;" in asked.text
    # its language switch leads back to the page the form came from (a GET page)
    assert 'href="/bahasa/en?lanjut=/pengawasan"' in asked.text


def test_an_open_step_without_a_limit_says_so_on_the_case_page(rt: Runtime) -> None:  # noqa: F811
    web, token = signed_in(rt, "rina.ptsp")
    started = web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking", "csrf": token})
    case = started.url.path.rsplit("/", 1)[1]
    assert views.case(rt, case, reader=operator()).workflow.node("1").limit is None
    page = web.get(f"/perkara/{case}").text
    now = page.split('id="h-open"', 1)[1].split("</ul>", 1)[0]
    assert "tanpa batas waktu" in now
    assert "batas —" not in page


def test_an_error_page_leaves_the_message_for_the_page_it_belongs_to(rt: Runtime) -> None:  # noqa: F811
    web, token = signed_in(rt, "rina.ptsp")
    started = web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking", "csrf": token},
                       follow_redirects=False)
    assert started.status_code == 303 and COOKIE in web.cookies
    missing = web.get("/perkara/SNN-2026-99999")
    assert missing.status_code == 404 and _status(missing.text) == []
    assert COOKIE in web.cookies  # kept for the page it belongs to
    case_page = web.get(started.headers["location"])
    assert len(_status(case_page.text)) == 1 and COOKIE not in web.cookies
