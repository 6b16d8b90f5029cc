"""The applicants' notices flow, called directly against the store (no Prefect server): a
notice due goes once through the court's gateway (a file:// target here), is recorded on
the case, and a channel without a gateway ends in a recorded failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sop_runtime.flows import applicant, common
from sop_runtime.service import cases
from sop_runtime.service.contacts import ContactGiven
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.flows.kit import new_court, verified_filing


@pytest.fixture
def court(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("SOP_DATABASE_URL", store_url)
    monkeypatch.setenv("SOP_DOCUMENTS", str(tmp_path / "dokumen"))
    for setting in applicant.GATEWAYS.values():
        monkeypatch.delenv(setting, raising=False)
    common.runtime.cache_clear()
    rt = new_court(Runtime(make_engine(store_url)), tmp_path / "definitions")
    yield rt
    common.runtime().engine.dispose()
    common.runtime.cache_clear()


def _types(rt: Runtime, case: str) -> list[str]:
    with rt.engine.connect() as conn:
        stored, _ = cases.load_case(conn, case)
    return [s.type for s in stored]


def test_a_notice_goes_once_through_the_gateway(court: Runtime, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    gateway = tmp_path / "wa.jsonl"
    monkeypatch.setenv("SOP_NOTIFY_WHATSAPP", f"file://{gateway}")
    case, _ = verified_filing(court, tmp_path, ContactGiven("whatsapp", "0812 4000 1111",
                                                             agreed=True))
    assert applicant.send_due(one=applicant.send_notice.fn) == {
        "sent": 1, "failed": 0, "stalled": 0}
    assert applicant.send_due(one=applicant.send_notice.fn)["sent"] == 0  # a rerun
    (line,) = [json.loads(x) for x in gateway.read_text(encoding="utf-8").splitlines()]
    assert line["kepada"] == "6281240001111" and line["case_id"] == case
    assert line["title"] == applicant.TITLE and "virtual account" in line["message"]
    assert _types(court, case).count("applicant_notified") == 1
    assert not applicant.send_notice.fn(case, "4", 1)  # a retried task: nothing sent


def test_a_channel_without_a_gateway_ends_in_a_recorded_failure(
        court: Runtime, tmp_path: Path) -> None:
    case, _ = verified_filing(court, tmp_path, ContactGiven("email", "budi@contoh.id", True))
    with pytest.raises(applicant.NoGateway, match="SOP_NOTIFY_EMAIL"):
        applicant.send_notice.fn(case, "4", 1)  # one try; the notice is due again
    assert applicant.send_due(one=applicant.send_notice.fn) == {
        "sent": 0, "failed": 1, "stalled": 0}
    with court.engine.connect() as conn:
        stored, _ = cases.load_case(conn, case)
    (failed,) = [s.payload for s in stored if s.type == "notice_failed"]
    assert failed["tries"] == 2 and "SOP_NOTIFY_EMAIL" in str(failed["error"])
    assert "budi@contoh.id" not in json.dumps([s.payload for s in stored])
