"""The audit pages: who may see them and who may seal, verification on demand (and a
tampered log found), seals, exports as downloads (XES that parses, one case's CSV), the
period and case reports as their own documents, the deviations list and its filters, and
bad input answered with a clear 4xx page."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from sop_runtime.service import integrity, seals, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.schema import cases, events
from tests.web.test_pages import client, rt, signed_in  # noqa: F401  (rt: fixture)

CASE = "SNN-2026-00001"


def test_examiners_audit_but_only_supervisors_seal(rt: Runtime) -> None:  # noqa: F811
    clerk, _ = signed_in(rt, "rina.ptsp")
    for path in ("/audit", "/audit/penyimpangan", "/audit/ekspor/csv",
                 f"/audit/perkara/{CASE}", "/audit/laporan?dari=2026-11-01&sampai=2026-11-30"):
        assert clerk.get(path).status_code == 403, path
    examiner, token = signed_in(rt, "fitri.hakim")
    page = examiner.get("/audit")
    assert page.status_code == 200 and 'action="/audit/segel"' not in page.text
    refused = examiner.post("/audit/segel", data={"catatan": "coba", "csrf": token})
    assert refused.status_code == 403
    assert seals.seals_list(rt) == []
    assert client(rt).get("/audit", follow_redirects=False).status_code == 303


def test_a_supervisor_seals_and_the_seal_is_listed(rt: Runtime) -> None:  # noqa: F811
    chief, token = signed_in(rt, "bambang.panitera")
    assert chief.post("/audit/segel", data={"catatan": "x"}).status_code == 403  # no token
    sealed = chief.post("/audit/segel", data={"catatan": "Laporan bulanan November 2026",
                                              "csrf": token})
    assert sealed.status_code == 200 and sealed.url.path == "/audit"
    made = seals.seals_list(rt)
    assert len(made) == 1 and made[0].sealed_by == "bambang.panitera"
    assert f"Segel #{made[0].id} dibuat" in sealed.text
    assert f'data-seal="{made[0].id}"' in sealed.text and made[0].root in sealed.text
    assert "Laporan bulanan November 2026" in sealed.text
    assert "tidak ditandatangani" in sealed.text  # no SOP_SIGNING_KEY on this server


def test_a_seal_made_on_the_page_is_signed_with_the_servers_key(
        rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from sop_runtime.audit import signing

    key = signing.new_key(tmp_path / "kunci.pem")
    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "kunci.pem"))
    chief, token = signed_in(rt, "bambang.panitera")
    sealed = chief.post("/audit/segel", data={"catatan": "Laporan Desember", "csrf": token})
    made = seals.seals_list(rt)[-1]
    assert made.signed_with == key.id and f"kunci pengadilan <code class=\"hash\">{key.id}" \
        in sealed.text


def test_a_scheduled_seal_is_listed_as_the_systems(rt: Runtime) -> None:  # noqa: F811
    made = seals.seal_on_schedule(rt, note="segel terjadwal (tiap jam)").seal
    assert made is not None and made.sealed_by == "sistem"
    examiner, _ = signed_in(rt, "fitri.hakim")
    page = examiner.get("/audit").text
    row = page[page.index(f'data-seal="{made.id}"'):]
    row = row[:row.index("</tr>")]
    assert "<td>Sistem</td>" in row and "<td>sistem</td>" not in row
    assert "segel terjadwal (tiap jam)" in row


def test_verification_on_demand_finds_a_tampered_event(rt: Runtime) -> None:  # noqa: F811
    auditor, token = signed_in(rt, "fitri.hakim")
    seals.seal(rt, "bambang.panitera")
    whole = {"csrf": token, "menyeluruh": "1"}
    intact = auditor.post("/audit/verifikasi", data=whole)
    assert intact.status_code == 200 and 'data-verified="ok"' in intact.text
    report = integrity.verify(rt).chain
    assert f"{report.events} peristiwa dalam {report.cases} perkara" in intact.text
    assert 'data-seals="ok"' in intact.text and 'data-mode="full"' in intact.text
    assert auditor.post("/audit/verifikasi", data={"csrf": "palsu"}).status_code == 403
    with rt.engine.begin() as conn:
        conn.execute(update(events).where(events.c.case_id == CASE, events.c.seq == 2)
                     .values(actor="penyusup"))
    since = auditor.post("/audit/verifikasi", data={"csrf": token})  # what changed: nothing
    assert 'data-mode="changed"' in since.text and "sejak segel #1" in since.text
    assert "centang «Seluruh log» lalu periksa lagi" in since.text  # no command on a page
    assert "sop verify" not in since.text
    broken = auditor.post("/audit/verifikasi", data=whole)
    assert 'data-verified="broken"' in broken.text
    assert f'data-case="{CASE}"' in broken.text and 'data-seq="2"' in broken.text


def test_verification_lists_every_difference_of_the_projections(
        rt: Runtime) -> None:  # noqa: F811
    """The page an examiner uses names a deleted deviation in words, linked to its case."""
    from sqlalchemy import delete

    from sop_runtime.store.schema import deviations

    gone = views.deviations(rt, reader=operator())[0]
    with rt.engine.begin() as conn:
        conn.execute(delete(deviations).where(deviations.c.case_id == gone.case_id,
                                              deviations.c.seq == gone.seq))
    auditor, token = signed_in(rt, "fitri.hakim")
    page = auditor.post("/audit/verifikasi", data={"csrf": token})
    assert page.status_code == 200 and 'data-verified="broken"' in page.text
    assert 'data-projections="broken"' in page.text
    assert f'<a href="/audit/perkara/{gone.case_id}">' in page.text
    assert "Penyimpangan" in page.text and "padahal log mencatatnya" in page.text


def test_exports_are_downloads_and_xes_parses(rt: Runtime) -> None:  # noqa: F811
    auditor, _ = signed_in(rt, "fitri.hakim")
    xes = auditor.get("/audit/ekspor/xes")
    assert xes.status_code == 200 and xes.headers["content-type"].startswith("application/xml")
    disposition = xes.headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="log-sop-\d{4}-\d{2}-\d{2}\.xes"', disposition)
    root = ET.fromstring(xes.content)
    traces = [e for e in root if e.tag.rsplit("}", 1)[-1] == "trace"]
    with rt.engine.connect() as conn:
        n_cases = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
    assert len(traces) == n_cases
    assert sum(1 for t in traces for e in t if e.tag.endswith("event")) > 0
    one = auditor.get(f"/audit/ekspor/csv?perkara={CASE}")
    assert one.status_code == 200 and f"log-sop-{CASE}-" in one.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(one.text)))
    assert rows and {r["case_id"] for r in rows} == {CASE}
    lines = auditor.get("/audit/ekspor/jsonl").text.splitlines()
    assert len(lines) == n_events


def test_bad_export_requests_are_clear_4xx_pages(rt: Runtime) -> None:  # noqa: F811
    auditor, _ = signed_in(rt, "fitri.hakim")
    unknown = auditor.get("/audit/ekspor/pdf")
    assert unknown.status_code == 404 and "csv, jsonl, xes" in unknown.text
    assert unknown.headers["content-type"].startswith("text/html")
    assert auditor.get("/audit/ekspor/csv?perkara=SNN-2026-99999").status_code == 404


def test_the_period_report_renders_as_its_own_document(rt: Runtime) -> None:  # noqa: F811
    auditor, _ = signed_in(rt, "fitri.hakim")
    report = auditor.get("/audit/laporan?dari=2026-11-01&sampai=2026-11-30")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "style-src 'unsafe-inline'" in report.headers["content-security-policy"]
    assert "Pengadilan Negeri Sanana" in report.text and "<script" not in report.text
    one = auditor.get("/audit/laporan?dari=2026-11-01&sampai=2026-11-30&sop=taksiran-panjar-skum")
    assert one.status_code == 200 and one.text != report.text


def test_bad_report_requests_say_what_is_wrong(rt: Runtime) -> None:  # noqa: F811
    auditor, _ = signed_in(rt, "fitri.hakim")
    impossible = auditor.get("/audit/laporan?dari=2026-02-30&sampai=2026-03-31")
    assert impossible.status_code == 422 and "2026-02-30" in impossible.text
    assert "YYYY-MM-DD" in impossible.text
    backwards = auditor.get("/audit/laporan?dari=2026-11-30&sampai=2026-11-01")
    assert backwards.status_code == 422 and "sebelum" in backwards.text
    missing = auditor.get("/audit/laporan?sampai=2026-11-01")
    assert missing.status_code == 422 and "wajib" in missing.text
    assert auditor.get("/audit/laporan?dari=2026-11-01&sampai=2026-11-30&sop=tidak-ada"
                       ).status_code == 404
    odd = auditor.get("/audit/laporan?dari=2026-11-01&sampai=2026-11-30&format=docx")
    assert odd.status_code == 422 and "html, pdf" in odd.text
    for dari, sampai in (("0001-01-01", "2026-11-30"), ("2026-11-01", "9999-12-31")):
        far = auditor.get(f"/audit/laporan?dari={dari}&sampai={sampai}")
        assert far.status_code == 422 and "di luar 2000-2100" in far.text, far.text


def test_the_case_report_and_its_pdf(rt: Runtime) -> None:  # noqa: F811
    auditor, _ = signed_in(rt, "fitri.hakim")
    page = auditor.get(f"/audit/perkara/{CASE}")
    assert page.status_code == 200 and CASE in page.text
    assert auditor.get("/audit/perkara/SNN-2026-99999").status_code == 404
    found = auditor.get(f"/audit/perkara?perkara={CASE}", follow_redirects=False)
    assert found.headers["location"] == f"/audit/perkara/{CASE}"
    pdf = auditor.get(f"/audit/perkara/{CASE}?format=pdf")
    if pdf.status_code == 503:  # no pango on this machine: said, not a traceback
        assert "pango" in pdf.text
    else:
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-disposition"].startswith("attachment;")


def test_the_deviations_list_and_its_filters(rt: Runtime) -> None:  # noqa: F811
    auditor, _ = signed_in(rt, "fitri.hakim")
    everything = views.deviations(rt, reader=operator())
    page = auditor.get("/audit/penyimpangan")
    assert page.status_code == 200
    assert page.text.count('<tr class="deviation"') == len(everything)
    kind = everything[0].kind
    only = auditor.get(f"/audit/penyimpangan?jenis={kind}")
    kinds = set(re.findall(r'<tr class="deviation" data-kind="([a-z_]+)"', only.text))
    assert kinds == {kind}
    assert only.text.count('<tr class="deviation"') == sum(d.kind == kind for d in everything)
    case = everything[0].case_id
    of_case = auditor.get(f"/audit/penyimpangan?perkara={case}")
    assert set(re.findall(r'data-case="([^"]+)"', of_case.text)) == {case}
    bad = auditor.get("/audit/penyimpangan?jenis=bukan-jenis")
    assert bad.status_code == 422 and "wrong_actor" in bad.text


def test_the_deviations_list_pages_through_older_ones(
        rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from html import unescape

    from sop_runtime.web.pages import audit as audit_pages

    monkeypatch.setattr(audit_pages, "DEVIATIONS_SHOWN", 2)
    auditor, _ = signed_in(rt, "fitri.hakim")
    everything = views.deviations(rt, reader=operator())
    assert len(everything) > 2
    seen: list[tuple[str, str]] = []
    url: str | None = "/audit/penyimpangan"
    while url is not None:
        page = auditor.get(url)
        assert page.status_code == 200
        rows = re.findall(r'<tr class="deviation" data-kind="([a-z_]+)" data-case="([^"]+)"',
                          page.text)
        assert 1 <= len(rows) <= 2
        seen += rows
        older = re.search(r'<a href="([^"]+)" rel="next">', page.text)
        url = None if older is None else unescape(older[1])
        if url is not None:
            assert "lanjut=" in url
    assert seen == [(d.kind, d.case_id) for d in everything]  # each once, newest first
    bad = auditor.get("/audit/penyimpangan?lanjut=kemarin")
    assert bad.status_code == 422 and "Kode halaman" in bad.text
