"""The scheduled seals' flow without a server: the deployments carry both schedules in the
court's time zone, one run at a time, on ``serve`` and on a work pool alike; the flow's body
seals through the service layer and says what it sealed, and an unsigned seal (no key in
the worker's environment) is a warning."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_runtime.audit import signing
from sop_runtime.flows.deployments import ENTRYPOINTS, FLOWS, deployments, plans
from sop_runtime.flows.seals import seal_and_say, seal_log
from sop_runtime.service import cases, seals
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.seal_schedule import Reason, SealTimes
from sop_runtime.store.db import make_engine
from tests.clock import Clock
from tests.flows.kit import new_court

TIMES = SealTimes("Asia/Jayapura", "0 * * * *", ("0 11 * * 5", "30 16 * * 1-4"), True)


def _schedules(d: object) -> list[tuple[str, str | None]]:
    return [(s.schedule.cron, s.schedule.timezone) for s in d.schedules]  # type: ignore[attr-defined]


def test_both_seal_deployments_run_on_their_schedules_one_at_a_time() -> None:
    found = {d.name: d for d in deployments(TIMES, sweep_cron="*/10 * * * *")}
    assert set(found) == set(ENTRYPOINTS) == set(FLOWS)
    hourly, close = found["segel-tiap-jam"], found["segel-tutup-hari"]
    assert _schedules(hourly) == [("0 * * * *", "Asia/Jayapura")]
    assert _schedules(close) == [("0 11 * * 5", "Asia/Jayapura"),
                                 ("30 16 * * 1-4", "Asia/Jayapura")]
    for d, reason in ((hourly, Reason.HOURLY), (close, Reason.CLOSE)):
        assert d.flow_name == "sop-segel-log" and d.concurrency_limit == 1
        assert seal_log.validate_parameters(d.parameters) == {"reason": reason}
    assert _schedules(found["sapu-tenggat"]) == [("*/10 * * * *", None)]  # as it was


def test_a_work_pool_gets_the_same_schedules_from_the_same_sources() -> None:
    made = plans(TIMES)
    assert set(made) == set(ENTRYPOINTS)
    for name, entrypoint in ENTRYPOINTS.items():
        path, _, attr = entrypoint.partition(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert getattr(module, attr) is FLOWS[name], name
    assert made["segel-tutup-hari"]["parameters"] == {"reason": "tutup-hari"}
    # every scheduled deployment keeps its schedule on a pool (the applicants' notices too)
    assert made["beri-tahu-pemohon"]["interval"] == 60


@pytest.fixture
def court(store_url: str, tmp_path: Path) -> Iterator[tuple[Runtime, Clock]]:
    clock = Clock(datetime(2026, 12, 1, 7, 30, tzinfo=UTC))  # Tuesday, 16:30 WIT
    rt = new_court(Runtime(make_engine(store_url), clock), tmp_path / "definitions")
    yield rt, clock
    rt.engine.dispose()


def _said(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    found = [(r.levelno, r.getMessage()) for r in caplog.records]
    caplog.clear()
    return found


def test_the_flow_says_what_it_sealed_and_warns_of_an_unsigned_seal(
        court: tuple[Runtime, Clock], caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rt, clock = court
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    logger = logging.getLogger("test.segel")
    caplog.set_level(logging.INFO, logger="test.segel")
    first = seal_and_say(rt, Reason.HOURLY, logger)
    size = first["size"]
    assert first == {"reason": "tiap-jam", "day": "2026-12-01", "working_day": True,
                     "seal": 1, "added": size, "size": size, "signed": False}
    assert _said(caplog) == [(logging.WARNING, (
        f"segel tiap jam: segel #1, {size} entri baru ({size} seluruhnya), TIDAK "
        "ditandatangani: SOP_SIGNING_KEY tidak diisi di lingkungan pekerja ini, maka saksi "
        "tidak dapat memegang kepalanya"))]
    clock.tick(hours=1)
    idle = seal_and_say(rt, Reason.CLOSE, logger)
    assert (idle["seal"], idle["added"], idle["size"]) == (None, 0, size)
    assert _said(caplog) == [(logging.INFO, f"segel penutupan hari kerja: tidak ada entri baru "
                                            f"sejak segel #1 ({size} entri); tidak ada segel "
                                            "dibuat")]
    key = signing.new_key(tmp_path / "kunci-segel.pem")  # set in the worker's environment
    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "kunci-segel.pem"))
    case = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    signed = seal_and_say(rt, Reason.CLOSE, logger)
    assert signed["seal"] == 2 and signed["signed"] and signed["added"] > 0
    added = signed["added"]
    assert _said(caplog) == [(logging.INFO, (
        f"segel penutupan hari kerja: segel #2, {added} entri baru ({size + added} "
        f"seluruhnya), ditandatangani kunci {key.id}"))]
    made = seals.seals_list(rt)[-1]
    assert (made.sealed_by, made.note) == ("sistem", "segel penutupan hari kerja 1 Desember 2026")
    assert seals.proof(rt, case)["seal_id"] == 2 and seals.check(rt).ok


def test_on_a_day_off_the_close_of_day_seals_nothing(
        court: tuple[Runtime, Clock], caplog: pytest.LogCaptureFixture) -> None:
    rt, clock = court
    clock.now = datetime(2026, 12, 5, 7, 30, tzinfo=UTC)  # a Saturday
    logger = logging.getLogger("test.segel")
    caplog.set_level(logging.INFO, logger="test.segel")
    done = seal_and_say(rt, Reason.CLOSE, logger)
    assert (done["working_day"], done["seal"]) == (False, None)
    assert _said(caplog) == [(logging.INFO, "segel penutupan hari kerja: 2026-12-05 bukan hari "
                                            "kerja pengadilan; tidak ada segel dibuat (segel "
                                            "tiap jam tetap berjalan)")]
    assert seals.seals_list(rt) == []
