"""The supervisor's pages: who may see them, the overdue groups and the charts against a
step-by-step reference, and the overrides through their forms (reassign, skip with a
decision, reopen, extend, cancel), each with a mandatory reason and the session's token."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from sop_runtime.engine import StepStatus
from sop_runtime.service import auth, cases, catalog, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.supervision import AGE_DAYS, overview, working_days_before
from sop_runtime.store import queries, tallies
from sop_runtime.store.schema import open_steps
from tests.flows.kit import ROUTES
from tests.web.test_pages import PASSWORD, client, csrf_of, rt, signed_in  # noqa: F401  (rt: fixture)


def walk(rt: Runtime, sop: str, upto: int) -> str:  # noqa: F811  (rt: the fixture's name)
    """A new case of ``sop`` walked along its golden route up to (not including) step
    ``upto``."""
    route = ROUTES[sop]
    case = cases.start_case(rt, sop, route[0]["oleh"]).case_id
    for step in route:
        if step["langkah"] == upto:
            return case
        cases.complete(rt, case, str(step["langkah"]), step["oleh"],
                       values=step.get("nilai", {}), decision=step.get("keputusan"))
    raise AssertionError(f"{sop} has no step {upto}")


def test_only_supervisors_see_the_supervision_pages(rt: Runtime) -> None:  # noqa: F811
    clerk, _ = signed_in(rt, "rina.ptsp")
    assert clerk.get("/pengawasan").status_code == 403
    examiner, _ = signed_in(rt, "fitri.hakim")  # Hakim Pengawas Bidang: audits, does not act
    assert examiner.get("/pengawasan").status_code == 403
    assert examiner.get("/pengawasan/perkara/SNN-2026-00001").status_code == 403
    chief, _ = signed_in(rt, "bambang.panitera")
    page = chief.get("/pengawasan")
    assert page.status_code == 200
    assert 'href="/pengawasan"' in page.text and 'aria-current="page"' in page.text
    assert client(rt).get("/pengawasan", follow_redirects=False).status_code == 303


def test_the_overview_lists_the_overdue_steps_with_their_lateness(rt: Runtime) -> None:  # noqa: F811
    late = views.overdue(rt, reader=operator())
    assert late, "the demo day was 24 Nov 2026: its open steps are overdue by now"
    chief, _ = signed_in(rt, "bambang.panitera")
    page = chief.get("/pengawasan").text
    for item in late:
        row = f'data-case="{item.task.case_id}" data-step="{item.task.node}"'
        assert row in page
        assert item.late_text in page
    assert f'{len(late)} langkah melewati batas waktunya' in page
    skum = next(i for i in late if i.task.sop_id == "taksiran-panjar-skum")
    assert f'data-key="{skum.task.sop_id}"' in page                     # by SOP
    assert f'data-key="{skum.task.sop_id}/{skum.task.node}"' in page    # by step
    assert 'data-key="kasir"' in page                                   # by role
    assert "belum diambil" in page                                      # by holder
    # the Kasir step may go to the court's cashiers, and only to them
    candidates = set(re.findall(r'<option value="([a-z.]+)"', page.split(
        f'data-case="{skum.task.case_id}" data-step="{skum.task.node}"')[1].split("</tr>")[0]))
    assert candidates == {"siti.kasir", "yusuf.kasir"}
    # the charts are inline SVG without script or style attributes (the CSP forbids both)
    assert page.count('<svg class="chart"') == 1 + bool(overview(rt, reader=operator()).load)
    assert "<script" not in page and 'style="' not in page


def test_the_counts_match_a_step_by_step_reference(rt: Runtime) -> None:  # noqa: F811
    # a step two roles may do (KPN or WKPN signs the waarmerking) has two role rows
    walk(rt, "legalisasi-waarmerking", upto=5)
    # and an overdue step of two roles, as the projection keeps it (both rows, one step)
    now = rt.now().replace(second=0, microsecond=0)  # the counts are the minute's
    due = now - timedelta(hours=30)
    rows = [dict(case_id="SNN-2026-09999", node="5", attempt=1, role=role,
                 sop_id="legalisasi-waarmerking", kegiatan="Menandatangani catatan waarmerking",
                 assignee="sri.wkpn", claimed_by=None, activated_at=due - timedelta(days=1),
                 due_at=due, timer_due=None, overdue_flagged=False)
            for role in ("ketua", "wakil_ketua")]
    with rt.engine.begin() as conn:
        conn.execute(insert(open_steps), rows)
    kept = tallies.Tally({(tallies.OPEN_HOLDER, "sri.wkpn"): 1})  # once for the step
    tallies.steps_changed(rows, 1, kept)  # and its age and deadline, as the projection does
    with rt.engine.begin() as conn:
        tallies.bump(conn, kept)
    fixed = Runtime(rt.engine, clock=lambda: now)
    view = overview(fixed, reader=operator())
    with rt.engine.connect() as conn:
        steps = queries.open_now(conn)
        _, calendar = catalog.court(fixed, conn)
    late = [s for s in steps if s.due_at is not None and s.due_at < now]
    assert view.late_total == len(late)
    assert {g.key: g.steps for g in view.by_holder} == dict(Counter(
        s.claimed_by or s.assignee or "" for s in late))
    assert {g.key: g.steps for g in view.by_sop} == dict(Counter(s.sop_id for s in late))
    assert {g.key: g.steps for g in view.by_role} == dict(Counter(
        r for s in late for r in s.roles))
    assert next(g for g in view.by_role if g.key == "wakil_ketua").steps == 1
    worst = next(g for g in view.by_holder if g.key == "sri.wkpn")
    assert worst.worst_seconds == calendar.working_seconds_between(due, now)
    day = calendar.minutes_per_working_day * 60
    expected = [Counter() for _ in range(len(AGE_DAYS) + 1)]
    for s in steps:
        days = calendar.working_seconds_between(s.activated_at, now) // day
        bucket = sum(days >= d for d in AGE_DAYS)
        status = ("no_limit" if s.due_at is None else "overdue" if s.due_at < now
                  else "in_time")
        expected[bucket][status] += 1
    got = [Counter({k: v for k, v in (("in_time", a.in_time), ("overdue", a.overdue),
                                      ("no_limit", a.no_limit)) if v}) for a in view.aging]
    assert got == expected
    assert sum(a.total for a in view.aging) == len(steps)  # each step once, whatever its roles
    held = Counter(s.claimed_by or s.assignee for s in steps)
    assert {h.username: h.total for h in view.load} == {
        u: n for u, n in held.items() if u is not None}
    assert view.unheld == held[None]


def test_the_counts_are_kept_until_an_event_is_recorded_or_the_minute_turns(
        rt: Runtime) -> None:  # noqa: F811
    moment = [rt.now().replace(second=5, microsecond=0)]
    fixed = Runtime(rt.engine, clock=lambda: moment[0])
    first = overview(fixed, reader=operator())
    moment[0] += timedelta(seconds=30)  # the same minute, nothing recorded: the same counts
    assert overview(fixed, reader=operator()).by_holder is first.by_holder
    skum = next(i.late.task for i in first.most_late
                if i.late.task.sop_id == "taksiran-panjar-skum")
    cases.reassign(fixed, skum.case_id, skum.node, "bambang.panitera", "yusuf.kasir",
                   reason="Siti cuti")
    after = overview(fixed, reader=operator())  # an event was recorded: counted again
    assert after.by_holder is not first.by_holder
    assert any(g.key == "yusuf.kasir" for g in after.by_holder)
    moment[0] += timedelta(minutes=1)  # the minute turned: counted again
    assert overview(fixed, reader=operator()).by_holder is not after.by_holder


def test_an_age_boundary_is_exact_to_the_microsecond(rt: Runtime) -> None:  # noqa: F811
    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
    now = datetime(2026, 12, 3, 4, 30, tzinfo=UTC)  # Thursday 13.30 WIT
    for days in AGE_DAYS:
        edge = working_days_before(calendar, now, days)
        need = days * calendar.minutes_per_working_day * 60
        assert calendar.working_seconds_between(edge, now) >= need
        assert calendar.working_seconds_between(edge + timedelta(microseconds=1), now) < need


def test_a_reassignment_through_the_form_changes_the_holder(rt: Runtime) -> None:  # noqa: F811
    chief, token = signed_in(rt, "bambang.panitera")
    skum = next(i.task for i in views.overdue(rt, reader=operator())
                if i.task.sop_id == "taksiran-panjar-skum")
    form = {"case": skum.case_id, "node": skum.node, "to": "siti.kasir",
            "alasan": "Yusuf cuti; dialihkan ke Siti"}
    forged = chief.post("/pengawasan/alihkan", data={**form, "csrf": "bukan-tokennya"})
    assert forged.status_code == 403
    no_reason = chief.post("/pengawasan/alihkan", data={**form, "alasan": "  ", "csrf": token})
    assert no_reason.status_code == 422 and "Alasan wajib diisi" in no_reason.text
    assert not any(t.case_id == skum.case_id for t in views.tasks(rt, "siti.kasir")
                   if t.assignee == "siti.kasir")
    done = chief.post("/pengawasan/alihkan", data={**form, "csrf": token})
    assert done.status_code == 200 and done.url.path == "/pengawasan"
    said = f"Langkah {skum.node} ({skum.kegiatan}) perkara {skum.case_id} dialihkan kepada "
    assert said + "Siti Aisyah Buamona." in done.text  # her name, not her username
    assert 'role="status"' in done.text
    assert said not in chief.get("/pengawasan").text  # said once
    mine = [t for t in views.tasks(rt, "siti.kasir") if t.case_id == skum.case_id]
    assert [(t.node, t.assignee) for t in mine] == [(skum.node, "siti.kasir")]
    assert not any(t.case_id == skum.case_id for t in views.tasks(rt, "yusuf.kasir"))
    log = views.case(rt, skum.case_id, reader=operator()).events
    assert log[-1].TYPE == "step_reassigned" and log[-1].reason == form["alasan"]


def test_a_reassignment_to_someone_without_the_role_is_rejected(rt: Runtime) -> None:  # noqa: F811
    chief, token = signed_in(rt, "bambang.panitera")
    skum = next(i.task for i in views.overdue(rt, reader=operator())
                if i.task.sop_id == "taksiran-panjar-skum")
    wrong = chief.post("/pengawasan/alihkan", data={
        "case": skum.case_id, "node": skum.node, "to": "rina.ptsp", "alasan": "coba",
        "csrf": token})
    assert wrong.status_code == 422 and "rina.ptsp" in wrong.text
    assert views.case(rt, skum.case_id, reader=operator()).state.current(skum.node).assignee is None


def test_skip_with_a_decision_then_reopen_from_the_case_page(rt: Runtime) -> None:  # noqa: F811
    case = walk(rt, "pengaduan-siwas", upto=3)  # step 3: the KPN's disposition (a decision)
    # a complaint is confidential: the supervisor here is the Ketua, who reads it (the
    # Panitera does not: tests/web/test_pages_authorization.py)
    auth.set_password(rt, "hendra.kpn", PASSWORD)
    chief, token = signed_in(rt, "hendra.kpn")
    page = chief.get(f"/pengawasan/perkara/{case}")
    assert page.status_code == 200
    assert '<select id="dec-' in page.text and "Diteruskan ke Mahkamah Agung" in page.text
    back = f"/pengawasan/perkara/{case}"
    form = {"case": case, "node": "3", "keputusan": "Diteruskan ke Mahkamah Agung",
            "alasan": "KPN dinas luar; disposisi lisan", "kembali": back, "csrf": token}
    before = len(views.case(rt, case, reader=operator()).stored)
    asked = chief.post("/pengawasan/lewati", data=form)  # first the confirmation step
    assert asked.status_code == 200 and asked.url.path == "/pengawasan/lewati"
    assert "Langkah 3 (" in asked.text and ") akan dilewati; langkah 5 (" in asked.text
    assert "Alasan: KPN dinas luar; disposisi lisan" in asked.text
    assert ">Ya, lewati</button>" in asked.text and f'href="{back}">Batal</a>' in asked.text
    assert len(views.case(rt, case, reader=operator()).stored) == before  # nothing done
    skipped = chief.post("/pengawasan/lewati", data={**form, "konfirmasi": "ya"})
    assert skipped.status_code == 200 and skipped.url.path == back
    assert "dilewati. Langkah berikutnya: 5 (" in skipped.text
    state = views.case(rt, case, reader=operator()).state
    assert state.current("3").status is StepStatus.SKIPPED
    assert [s.node for s in state.open_steps] == ["5"]  # the branch chosen
    kinds = [d.kind for d in views.deviations(rt, reader=operator(), case=case)]
    assert "override" in kinds
    assert 'action="/pengawasan/buka-ulang"' in skipped.text
    form = {"case": case, "node": "3", "alasan": "Disposisi tertulis menyusul",
            "kembali": back, "csrf": token}
    asked = chief.post("/pengawasan/buka-ulang", data=form)
    assert asked.status_code == 200 and "akan dibuka ulang" in asked.text
    assert not views.case(rt, case, reader=operator()).state.current("3").is_open
    reopened = chief.post("/pengawasan/buka-ulang", data={**form, "konfirmasi": "ya"})
    assert reopened.status_code == 200 and "dibuka ulang." in reopened.text
    assert views.case(rt, case, reader=operator()).state.current("3").is_open


def test_an_extension_the_sop_does_not_give_is_rejected_with_its_reason(rt: Runtime) -> None:  # noqa: F811
    chief, token = signed_in(rt, "bambang.panitera")
    skum = next(i.task for i in views.overdue(rt, reader=operator())
                if i.task.sop_id == "taksiran-panjar-skum")
    answer = chief.post("/pengawasan/perpanjang", data={
        "case": skum.case_id, "node": skum.node, "alasan": "Antrean kas", "csrf": token})
    assert answer.status_code == 422 and "perpanjangan" in answer.text


def test_cancel_a_case(rt: Runtime) -> None:  # noqa: F811
    case = walk(rt, "legalisasi-waarmerking", upto=2)
    chief, token = signed_in(rt, "bambang.panitera")
    assert chief.post(f"/perkara/{case}/batal", data={"csrf": token}).status_code == 422
    form = {"alasan": "Pemohon menarik permohonannya", "csrf": token}
    asked = chief.post(f"/perkara/{case}/batal", data=form)
    assert asked.status_code == 200 and f"Perkara {case} akan dibatalkan" in asked.text
    assert "Langkah yang masih terbuka ditutup: 2 (" in asked.text
    assert str(views.case(rt, case, reader=operator()).state.status) == "aktif"
    done = chief.post(f"/perkara/{case}/batal", data={**form, "konfirmasi": "ya"})
    assert done.status_code == 200 and f"Perkara {case} dibatalkan." in done.text
    assert str(views.case(rt, case, reader=operator()).state.status) == "dibatalkan"
    again = chief.post(f"/perkara/{case}/batal", data={"alasan": "lagi", "csrf": token})
    assert again.status_code == 409  # nothing can change on a closed case


@pytest.mark.parametrize("path", ["/pengawasan/alihkan", "/pengawasan/lewati",
                                  "/pengawasan/buka-ulang", "/pengawasan/perpanjang",
                                  "/perkara/SNN-2026-00001/batal"])
def test_overrides_are_for_supervisors_only(rt: Runtime, path: str) -> None:  # noqa: F811
    clerk, token = signed_in(rt, "rina.ptsp")
    before = len(views.case(rt, "SNN-2026-00001", reader=operator()).stored)
    answer = clerk.post(path, data={"case": "SNN-2026-00001", "node": "1", "to": "rina.ptsp",
                                    "alasan": "coba", "csrf": token})
    # the gate says who may (the supervisors' jabatan) and who asked
    assert answer.status_code == 403 and "membuka halaman pengawasan" in answer.text
    assert "Anda masuk sebagai Rina Marasabessy" in answer.text
    after = views.case(rt, "SNN-2026-00001", reader=operator()).stored
    assert len(after) == before  # stopped at the door


def test_an_unknown_case_is_404(rt: Runtime) -> None:  # noqa: F811
    chief, _ = signed_in(rt, "bambang.panitera")
    assert chief.get("/pengawasan/perkara/SNN-2026-99999").status_code == 404
    found = chief.get("/pengawasan/perkara?perkara=SNN-2026-00001", follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"] == "/pengawasan/perkara/SNN-2026-00001"
    assert chief.get("/pengawasan/perkara?perkara=").status_code == 422
