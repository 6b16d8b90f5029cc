"""The per-action writes sent through the DB-API cursor (store.rawexec), on both backends:
what they store and the errors they raise are those of ``Connection.execute``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, event, exc, select

from sop_runtime.engine.attempts import StepAttempt
from sop_runtime.store import GENESIS, ConcurrencyConflict, append, load, save_case, verify
from sop_runtime.store.errors import is_conflict
from sop_runtime.store.projections import DeviationRow, OpenStepRow, add_deviations, stored_for
from sop_runtime.store.schema import open_steps
from sop_runtime.store.step_attempts import attempts_of, save_attempts
from sop_runtime.store.tallies import DEVIATION_KIND, OPEN_HOLDER, kept
from tests.integration.store.helpers import case_row, record

WIT = timezone(timedelta(hours=9))
AT = datetime(2025, 8, 17, 10, 0, 0, 123456, tzinfo=WIT)


def _step(case_id: str, role: str, **changes: object) -> OpenStepRow:
    return OpenStepRow(**{"case_id": case_id, "node": "verifikasi", "attempt": 1, "role": role,
                          "sop_id": "sop-ptsp", "kegiatan": "Verifikasi", "activated_at": AT,
                          "due_at": AT + timedelta(hours=8), **changes})  # type: ignore[arg-type]


class TestInstants:
    def test_zoned_instants_come_back_as_the_same_instants_in_utc(
            self, store_engine: Engine) -> None:
        type_, version, payload, _, _, actor = record(1)
        with store_engine.begin() as conn:
            stored = append(conn, "C-1", 0, GENESIS,
                            [(type_, version, payload, AT, AT + timedelta(seconds=1), actor)])
            save_case(conn, case_row("C-1", stored[-1]), [_step("C-1", "petugas_ptsp")])
            add_deviations(conn, [DeviationRow("C-1", 1, "terlambat", "dicatat", AT, AT,
                                               "R1", evidence={"menit": 5})])
        with store_engine.connect() as conn:
            event_back = load(conn, "C-1")[0]
            found = stored_for(conn, ["C-1"])
            assert verify(conn, case="C-1").ok  # the hash chain reads the stored instants
        assert (event_back.occurred_at, event_back.recorded_at) == (AT, AT + timedelta(seconds=1))
        assert event_back.occurred_at.tzinfo == UTC and event_back.occurred_at.hour == 1
        step = found.open_steps["C-1"][0]
        assert (step.activated_at, step.due_at) == (AT, AT + timedelta(hours=8))
        assert step.activated_at.tzinfo == UTC
        deviation = found.deviations["C-1"][0]
        assert deviation.occurred_at == AT and deviation.evidence == {"menit": 5}
        assert found.cases["C-1"].updated_at == stored[-1].recorded_at

    def test_step_attempts_keep_their_instants_and_are_replaced(
            self, store_engine: Engine) -> None:
        first = StepAttempt("C-1", "verifikasi", 1, "sop-ptsp", "v" * 64, "petugas_ptsp",
                            "aktif", AT, due_at=AT + timedelta(hours=8), late=None)
        done = replace(first, status="selesai", completed_at=AT + timedelta(hours=9),
                       completed_by="budi", late=True, work_seconds=32400)
        with store_engine.begin() as conn:
            save_attempts(conn, [first])
        with store_engine.begin() as conn:
            save_attempts(conn, [done])
        with store_engine.connect() as conn:
            back = attempts_of(conn, ["C-1"])["C-1"]
        assert back == [done]
        assert back[0].activated_at.tzinfo == UTC and back[0].late is True

    def test_a_naive_instant_is_refused_and_nothing_is_written(
            self, store_engine: Engine) -> None:
        with pytest.raises(exc.StatementError, match="naive"), store_engine.begin() as conn:
            stored = append(conn, "C-1", 0, GENESIS, [record(1)])
            save_case(conn, case_row("C-1", stored[-1]),
                      [_step("C-1", "petugas_ptsp", activated_at=datetime(2025, 1, 1, 8))])
        with store_engine.connect() as conn:
            assert load(conn, "C-1") == []


class TestErrors:
    def test_a_moved_log_is_a_concurrency_conflict(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            first = append(conn, "C-1", 0, GENESIS, [record(1)])
        with pytest.raises(ConcurrencyConflict), store_engine.begin() as conn:
            append(conn, "C-1", 0, GENESIS, [record(2)], savepoint=False)
        with store_engine.begin() as conn:  # the case row holds another head: refused too
            save_case(conn, case_row("C-1", first[-1]), [])
        with pytest.raises(ConcurrencyConflict), store_engine.begin() as conn:
            save_case(conn, case_row("C-1", first[-1]), [], after="f" * 64)

    def test_another_integrity_error_is_raised_as_sqlalchemy_raises_it(
            self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            stored = append(conn, "C-1", 0, GENESIS, [record(1)])
        with pytest.raises(exc.IntegrityError) as raised, store_engine.begin() as conn:
            # the same step and role twice: the open_steps key refuses it
            save_case(conn, case_row("C-1", stored[-1]),
                      [_step("C-1", "petugas_ptsp"), _step("C-1", "petugas_ptsp")])
        assert raised.value.orig is not None
        assert not is_conflict(raised.value)
        with store_engine.connect() as conn:
            assert conn.execute(select(open_steps)).all() == []


def test_listeners_see_each_statement_sent(store_engine: Engine) -> None:
    sent: list[str] = []

    def each(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement.split("(")[0].strip())

    event.listen(store_engine, "before_cursor_execute", each)
    try:
        with store_engine.begin() as conn:
            stored = append(conn, "C-1", 0, GENESIS, [record(1), record(2)], savepoint=False)
            save_case(conn, case_row("C-1", stored[-1]),
                      [_step("C-1", "petugas_ptsp"), _step("C-1", "kasir")])
    finally:
        event.remove(store_engine, "before_cursor_execute", each)
    assert "INSERT INTO events" in sent
    assert "INSERT INTO open_steps" in sent
    assert "INSERT INTO tallies" in sent
    with store_engine.connect() as conn:
        counts = kept(conn)
        assert {k: n for k, n in counts.items() if k[0] != "open_age"} == {(OPEN_HOLDER, ""): 1}
        # one step of two role rows, once by its activation hour and deadline too
        assert sum(n for (what, _), n in counts.items() if what == "open_age") == 1
        assert (DEVIATION_KIND, "terlambat") not in counts
