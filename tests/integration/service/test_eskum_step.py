"""e-Court's e-SKUM step (pendaftaran-ecourt step 4) run through the service, on SQLite and
PostgreSQL: once the filing's documents are uploaded the step waits for the system; a try
records the panjar, the virtual account and the e-SKUM on the case, once, and the payment
step that follows has what it needs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from sop_runtime.engine import StepStatus
from sop_runtime.service import automation, cases, setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.conftest import DEFINITIONS, ROOT
from tests.flows.kit import SteppingClock

ECOURT = "pendaftaran-ecourt"
ROUTE = {str(s["langkah"]): s for s in yaml.safe_load(
    (ROOT / "tests" / "golden" / "routes.yaml").read_text(encoding="utf-8"))["rute"][ECOURT]}


@pytest.fixture
def court(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("SOP_DEFINITIONS", str(DEFINITIONS))
    rt = Runtime(make_engine(store_url), SteppingClock())
    setup.init(rt, DEFINITIONS)
    return rt


def uploaded(rt: Runtime, **parties: str) -> str:
    """An e-Court filing with its documents uploaded (steps 1-3 of the golden route)."""
    case = cases.start_case(rt, ECOURT, ROUTE["1"]["oleh"]).case_id
    for node in ("1", "2", "3"):
        values = {**ROUTE[node]["nilai"], **(parties if node == "3" else {})}
        cases.complete(rt, case, node, ROUTE[node]["oleh"], values=values)
    return case


def test_the_e_skum_step_records_the_panjar_the_account_and_the_document(
        court: Runtime, tmp_path: Path) -> None:
    documents = tmp_path / "dokumen"
    first = uploaded(court)
    second = uploaded(court, jumlah_tergugat="3", radius_tergugat="Wilayah sulit")
    waiting = automation.pending(court)
    assert [(w.case_id, w.node, w.attempt, w.action) for w in waiting] == [
        (first, "4", 1, "sop_runtime.actions:e_skum"),
        (second, "4", 1, "sop_runtime.actions:e_skum")]
    done = automation.execute(court, waiting[0], documents=documents)
    assert done.recorded
    assert done.outputs["taksiran_panjar"] == "631000"  # the route's 2 tergugat (I, II)
    assert done.outputs["kode_virtual_account"] == "8808000000000001"
    assert done.outputs["e_skum"].startswith(f"SKUM-{first}-4-1.pdf sha256:")
    # a retry, a duplicate delivery, a replay: nothing recorded again, no second number
    again = automation.execute(court, waiting[0], documents=documents)
    assert not again.recorded and again.outputs == done.outputs
    other = automation.execute(court, waiting[1], documents=documents).outputs
    assert other["taksiran_panjar"] == "1091000"  # 41.000 + 3 x 50.000 + 3 x 4 x 75.000
    assert other["kode_virtual_account"] == "8808000000000002"
    assert sorted(p.name for p in documents.iterdir() if p.is_file()) == [
        f"SKUM-{first}-4-1.pdf", f"SKUM-{second}-4-1.pdf"]

    with court.engine.connect() as conn:
        stored, state = cases.load_case(conn, first)
    step = state.current("4")
    assert step is not None and step.status is StepStatus.DONE
    assert step.completed_by == automation.SYSTEM
    assert dict(step.outputs) == dict(done.outputs)
    assert sum(1 for s in stored if s.type == "step_completed"
               and s.payload["node"] == "4") == 1
    name, _, digest = step.outputs["e_skum"].partition(" sha256:")
    pdf = (documents / name).read_bytes()
    assert hashlib.sha256(pdf).hexdigest()[:16] == digest
    # the e-SKUM is the step's recorded document too: in the event, kept by its hash
    recorded = next(s.payload["documents"]["e_skum"] for s in stored
                    if s.type == "step_completed" and s.payload["node"] == "4")
    assert recorded == {"nama": name, "jenis": "application/pdf", "ukuran": len(pdf),
                        "sha256": hashlib.sha256(pdf).hexdigest()}
    assert court.documents.path(recorded["sha256"]).read_bytes() == pdf
    assert state.deviations == 0
    payment = state.current("5")
    assert payment is not None and payment.is_open
    assert automation.pending(court) == []
    # the litigant pays: the e-SKUM's amount and account are the payment step's kelengkapan
    cases.complete(court, first, "5", ROUTE["5"]["oleh"], values=ROUTE["5"]["nilai"])
    with court.engine.connect() as conn:
        _, state = cases.load_case(conn, first)
    assert state.deviations == 0 and state.current("6").is_open  # type: ignore[union-attr]


def test_a_filing_with_an_unknown_radius_waits_with_the_reason(court: Runtime,
                                                              tmp_path: Path) -> None:
    documents = tmp_path / "dokumen"
    case = uploaded(court, radius_tergugat="III")
    work = automation.pending(court)[0]
    with pytest.raises(automation.ActionError, match="'III'"):
        automation.execute(court, work, documents=documents)
    assert automation.report_failure(court, work, "Radius 'III' tidak dikenal", tries=1,
                                     run="run-1")
    with court.engine.connect() as conn:
        _, state = cases.load_case(conn, case)
    assert state.incidents == 1 and state.current("4").is_open  # type: ignore[union-attr]
    assert not documents.exists()
