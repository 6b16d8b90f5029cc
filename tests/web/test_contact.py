"""The applicant's contact on the new-service page and the API: taken with the consent box
ticked (the court's sentence shown beside it), refused without it and no case started;
the case page tells the consent and the kind of channel, never the address."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sop_runtime.service import auth, contacts, tracking
from sop_runtime.service.contacts import ContactGiven
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import cases
from sop_runtime.web.app import create_app
from tests.web.test_pages import PASSWORD, signed_in

SOP = "pendaftaran-ecourt"  # tells the applicant at steps 4 and 8


@pytest.fixture
def rt(demo_copy: Path) -> Runtime:
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"))
    auth.set_password(rt, "rina.ptsp", PASSWORD)
    return rt


def _cases(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return len(conn.execute(select(cases.c.case_id)).all())


def test_the_form_takes_a_contact_only_with_consent(rt: Runtime) -> None:
    web, token = signed_in(rt, "rina.ptsp")
    untold = web.get("/perkara/baru?sop=legalisasi-waarmerking")  # no step tells anyone
    assert untold.status_code == 200 and 'name="kontak.saluran"' not in untold.text
    form = web.get(f"/perkara/baru?sop={SOP}")
    assert 'name="kontak.saluran"' in form.text and 'name="kontak.setuju"' in form.text
    assert contacts.sentence(rt) in form.text
    before = _cases(rt)
    refused = web.post("/perkara/baru", data={
        "sop": SOP, "csrf": token, "kontak.saluran": "whatsapp",
        "kontak.alamat": "0812 4000 1111"})
    assert refused.status_code == 422 and "persetujuan" in refused.text
    assert _cases(rt) == before
    started = web.post("/perkara/baru", data={
        "sop": SOP, "csrf": token, "kontak.saluran": "whatsapp",
        "kontak.alamat": "0812 4000 1111", "kontak.setuju": "ya"})
    assert started.status_code == 200 and started.url.path.startswith("/perkara/")
    case = started.url.path.rsplit("/", 1)[1]
    assert contacts.has_contact(rt, case) == "whatsapp"
    page = web.get(f"/perkara/{case}").text
    assert "setuju diberi tahu melalui WhatsApp" in page
    assert "4000" not in page and "1111" not in page


def test_the_api_takes_a_contact_only_with_consent(rt: Runtime) -> None:
    api = _api(rt)
    refused = api.post("/api/cases", json={"sop": SOP, "contact": {
        "channel": "email", "address": "budi@contoh.id", "consent": False}})
    assert refused.status_code == 422 and "persetujuan" in refused.json()["detail"]
    bad = api.post("/api/cases", json={"sop": SOP, "contact": {
        "channel": "surat", "address": "Jl. Merdeka 1", "consent": True}})
    assert bad.status_code == 422
    untold = api.post("/api/cases", json={"sop": "legalisasi-waarmerking", "contact": {
        "channel": "email", "address": "budi@contoh.id", "consent": True}})
    assert untold.status_code == 422 and "tidak memberi tahu" in untold.json()["detail"]
    started = api.post("/api/cases", json={"sop": SOP, "contact": {
        "channel": "email", "address": "budi@contoh.id", "consent": True}})
    assert started.status_code == 201, started.text
    case = started.json()["case_id"]
    assert "consent_given" in started.json()["events"]
    assert contacts.has_contact(rt, case) == "email"
    assert "budi@contoh.id" not in api.get(f"/api/cases/{case}").text


def _api(rt: Runtime) -> TestClient:
    token = auth.issue_token(rt, "rina.ptsp", "uji")
    return TestClient(create_app(rt), headers={"Authorization": f"Bearer {token}"})


def test_the_public_tracking_answer_shows_no_contact(rt: Runtime, tmp_path: Path) -> None:
    """The applicant tracks a request whose notice went out: neither the page nor the API
    shows the number it went to."""
    from sop_runtime.service import notices
    from tests.flows.kit import verified_filing

    case, _ = verified_filing(rt, tmp_path, ContactGiven("whatsapp", "0812 4000 1111", True))
    code = tracking.reissue(rt, case, "nurul.ecourt").tracking_code
    assert code is not None
    (key,) = [k for k in notices.pending(rt) if k.case_id == case]
    out = notices.take(rt, key)
    assert out is not None and notices.delivered(rt, out)
    web = TestClient(create_app(rt), base_url="https://testserver")
    page = web.post("/lacak", data={"nomor": case, "kode": code})
    api = web.post("/api/lacak", json={"nomor": case, "kode": code})
    assert page.status_code == 200 and api.status_code == 200, (page.text[:300], api.text)
    for answer in (page.text, api.text):
        assert case in answer
        for trace in ("6281240001111", "81240001111", "0812 4000 1111", "4000 1111"):
            assert trace not in answer


def test_the_applicant_stops_the_notices_from_the_tracking_page(rt: Runtime,
                                                                tmp_path: Path) -> None:
    """UU 27/2022 Pasal 9: the applicant withdraws the consent with the receipt's number and
    code; the withdrawal is on the log as the system's on the applicant's word, the contact is
    erased, the page no longer offers it; a wrong code withdraws nothing."""
    from sop_runtime.engine.events import ConsentWithdrawn
    from sop_runtime.service import cases, contacts
    from tests.flows.kit import verified_filing

    case, _ = verified_filing(rt, tmp_path, ContactGiven("email", "pemohon@example.id", True))
    code = tracking.reissue(rt, case, "nurul.ecourt").tracking_code
    assert code is not None
    web = TestClient(create_app(rt), base_url="https://testserver")
    page = web.post("/lacak", data={"nomor": case, "kode": code})
    assert "Berhenti menerima pemberitahuan" in page.text and "melalui e-mail" in page.text
    wrong = web.post("/lacak/berhenti-diberitahu", data={"nomor": case, "kode": "0" * 16})
    assert wrong.status_code == 404 and contacts.has_contact(rt, case) == "email"
    stopped = web.post("/lacak/berhenti-diberitahu", data={"nomor": case, "kode": code})
    assert stopped.status_code == 200 and "data-stopped" in stopped.text, stopped.text[-1500:]
    assert "Berhenti menerima pemberitahuan" not in stopped.text
    assert contacts.has_contact(rt, case) is None

    def withdrawn() -> list[tuple[str | None, str | None]]:
        with rt.engine.connect() as conn:
            return [(e.actor, e.reason) for e in cases.decode(cases.load_case(conn, case)[0])
                    if isinstance(e, ConsentWithdrawn)]

    assert withdrawn() == [(None, contacts.APPLICANT_WITHDREW)]
    again = web.post("/lacak/berhenti-diberitahu", data={"nomor": case, "kode": code})
    assert again.status_code == 200 and len(withdrawn()) == 1  # nothing more to withdraw
    page = web.post("/lacak", data={"nomor": case, "kode": code})
    assert "Berhenti menerima pemberitahuan" not in page.text
    assert "pemohon@example.id" not in page.text
