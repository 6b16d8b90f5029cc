"""verify() on both backends: a good log passes; every kind of tampering is caught, with
the place and kind of the first break."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, delete, insert, select, update

from sop_runtime.store import GENESIS, StoredEvent, event_hash, verify
from sop_runtime.store.chain import VerifyReport
from sop_runtime.store.schema import events
from tests.integration.store.helpers import extend, new_case


@pytest.fixture
def log(store_engine: Engine) -> dict[str, list[StoredEvent]]:
    """Three cases: A (4 events), B (5 events, appended in two transactions), C (3)."""
    with store_engine.begin() as conn:
        a = new_case(conn, "A", 4)
        b = new_case(conn, "B", 2)
        c = new_case(conn, "C", 3)
    with store_engine.begin() as conn:
        b += extend(conn, "B", b[-1], 3)
    return {"A": a, "B": b, "C": c}


def _verify(engine: Engine, **kwargs: object) -> VerifyReport:
    with engine.begin() as conn:
        return verify(conn, **kwargs)  # type: ignore[arg-type]


def _tamper(engine: Engine, *statements: object) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[call-overload]


def _where(case: str, seq: int) -> object:
    return (events.c.case_id == case) & (events.c.seq == seq)


def _break(engine: Engine) -> tuple[str, int | None, str]:
    report = _verify(engine)
    assert not report.ok
    assert report.first_break is not None
    b = report.first_break
    assert b.message_id and b.message_en and b.message_id != b.message_en
    return b.case_id, b.seq, b.what


class TestVerify:
    def test_good_log(self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        report = _verify(store_engine)
        assert report.ok and report.first_break is None
        assert (report.events, report.cases) == (12, 3)

    def test_small_batches_give_the_same_answer(self, store_engine: Engine,
                                                log: dict[str, list[StoredEvent]]) -> None:
        assert _verify(store_engine, batch=1) == _verify(store_engine)

    def test_one_case(self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        report = _verify(store_engine, case="B")
        assert report.ok and (report.events, report.cases) == (5, 1)

    def test_empty_database(self, store_engine: Engine) -> None:
        assert _verify(store_engine) == VerifyReport(True, 0, 0, None)

    def test_changed_payload_byte(self, store_engine: Engine,
                                  log: dict[str, list[StoredEvent]]) -> None:
        with store_engine.connect() as conn:
            payload = conn.execute(select(events.c.payload).where(_where("B", 3))).scalar_one()
        assert "W-" in payload
        _tamper(store_engine, update(events).where(_where("B", 3))
                .values(payload=payload.replace("W-", "X-", 1)))
        assert _break(store_engine) == ("B", 3, "hash")

    def test_payload_rewritten_in_other_json_form_is_still_the_same_event(
            self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        with store_engine.connect() as conn:
            payload = conn.execute(select(events.c.payload).where(_where("A", 2))).scalar_one()
        spaced = payload.replace(",", ", ").replace(":", ": ")
        _tamper(store_engine, update(events).where(_where("A", 2)).values(payload=spaced))
        assert _verify(store_engine).ok

    def test_payload_no_longer_json(self, store_engine: Engine,
                                    log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine, update(events).where(_where("C", 1)).values(payload="{oops"))
        assert _break(store_engine) == ("C", 1, "hash")

    def test_changed_occurred_at(self, store_engine: Engine,
                                 log: dict[str, list[StoredEvent]]) -> None:
        moved = log["A"][1].occurred_at - timedelta(days=1)
        _tamper(store_engine, update(events).where(_where("A", 2)).values(occurred_at=moved))
        assert _break(store_engine) == ("A", 2, "hash")

    def test_changed_actor(self, store_engine: Engine,
                           log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine, update(events).where(_where("C", 3)).values(actor="mallory"))
        assert _break(store_engine) == ("C", 3, "hash")

    def test_actor_erased(self, store_engine: Engine,
                          log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine, update(events).where(_where("C", 2)).values(actor=None))
        assert _break(store_engine) == ("C", 2, "hash")

    def test_deleted_middle_event(self, store_engine: Engine,
                                  log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine, delete(events).where(_where("B", 3)))
        assert _break(store_engine) == ("B", 4, "seq_gap")

    def test_deleted_first_event(self, store_engine: Engine,
                                 log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine, delete(events).where(_where("C", 1)))
        assert _break(store_engine) == ("C", 2, "seq_gap")

    def test_deleted_newest_event(self, store_engine: Engine,
                                  log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine, delete(events).where(_where("A", 4)))
        assert _break(store_engine) == ("A", 3, "head_mismatch")

    def test_forged_event_appended_with_a_valid_chain(
            self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        last = log["A"][-1]
        _tamper(store_engine, insert(events).values(**_forged(last, last.hash)))
        assert _break(store_engine) == ("A", 5, "head_mismatch")

    def test_forged_event_inserted_in_the_middle(
            self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        # renumber B 3..5 to 4..6, then put a forged event, chained to seq 2, at seq 3
        with store_engine.begin() as conn:
            for seq in (5, 4, 3):
                conn.execute(update(events).where(_where("B", seq)).values(seq=seq + 1))
            conn.execute(insert(events).values(**_forged(log["B"][1], log["B"][1].hash)))
        assert _break(store_engine) == ("B", 4, "prev_hash")

    def test_swapped_events(self, store_engine: Engine,
                            log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine,
                update(events).where(_where("B", 2)).values(seq=-2),
                update(events).where(_where("B", 3)).values(seq=2),
                update(events).where(_where("B", -2)).values(seq=3))
        assert _break(store_engine) == ("B", 2, "prev_hash")

    def test_rehashed_event_breaks_the_next_link(
            self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        # a forger who recomputes the changed event's own hash still breaks the chain
        e = log["A"][1]
        values = _forged(e, e.prev_hash, seq=e.seq, actor="mallory")
        _tamper(store_engine, update(events).where(_where("A", 2)).values(**values))
        assert _break(store_engine) == ("A", 3, "prev_hash")

    def test_case_events_gone_but_case_row_left(
            self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine, delete(events).where(events.c.case_id == "B"))
        assert _break(store_engine) == ("B", None, "missing_events")

    def test_break_in_an_earlier_case_is_reported_first(
            self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        _tamper(store_engine,
                delete(events).where(_where("A", 4)),
                update(events).where(_where("C", 1)).values(actor="x"))
        assert _break(store_engine) == ("A", 3, "head_mismatch")

    def test_log_grown_during_the_scan_is_not_a_break(
            self, store_engine: Engine, log: dict[str, list[StoredEvent]]) -> None:
        # as at READ COMMITTED: the cases row (read later) is ahead of what the scan read
        with store_engine.begin() as conn:
            extend(conn, "A", log["A"][-1], 2)
        with store_engine.begin() as conn:
            from sop_runtime.store.chain import _check_heads

            assert _check_heads(conn, [("A", 4, log["A"][-1].hash)]) is None
            bad = _check_heads(conn, [("A", 4, "f" * 64)])
        assert bad is None  # the newer head exists and every event in between is there
        _tamper(store_engine, delete(events).where(_where("A", 5)))
        with store_engine.begin() as conn:
            broken = _check_heads(conn, [("A", 4, log["A"][-1].hash)])
        assert broken is not None and broken.what == "head_mismatch"


def _forged(after: StoredEvent, prev_hash: str, *, seq: int | None = None,
            actor: str | None = "mallory") -> dict[str, object]:
    from sop_runtime.compiler.canonical import canonical_json

    seq = after.seq + 1 if seq is None else seq
    payload = canonical_json({"node": "palsu", "attempt": 1}).decode()
    at = after.occurred_at + timedelta(minutes=1)
    return {"case_id": after.case_id, "seq": seq, "type": "step_completed", "version": 1,
            "occurred_at": at, "recorded_at": at, "actor": actor, "payload": payload,
            "prev_hash": prev_hash,
            "hash": event_hash(after.case_id, seq, "step_completed", 1, at, at, actor,
                               payload, prev_hash)}


def test_genesis_is_64_zeros() -> None:
    assert GENESIS == "0" * 64


class TestVerifyInParallel:
    """Ranges of case ids checked by separate processes give the answer of one pass."""

    def test_ranges_cover_every_case_once(self, store_url: str, store_engine: Engine,
                                          log: dict[str, list[StoredEvent]]) -> None:
        from sop_runtime.store.parallel import spans

        ranges = spans(store_url, 3, min_events=1)
        assert ranges[0].first is None and ranges[-1].stop is None
        assert sum(_verify(store_engine, span=r).cases for r in ranges) == 3

    def test_a_short_log_gets_two_ranges_however_many_are_asked(
            self, store_url: str, log: dict[str, list[StoredEvent]]) -> None:
        """``sop verify --workers 64`` on a small court started 64 interpreters (over ten
        seconds on two cores): no more ranges than the log repays, but two, so the
        parallel path is still taken."""
        from sop_runtime.store.parallel import spans

        assert len(spans(store_url, 64)) == 2
        assert len(spans(store_url, 1)) == 1

    def test_good_log(self, store_url: str, log: dict[str, list[StoredEvent]]) -> None:
        from sop_runtime.store.parallel import verify_parallel

        report = verify_parallel(store_url, 3)
        assert report.ok and (report.events, report.cases) == (12, 3)

    def test_the_first_break_in_case_order_is_named(
            self, store_url: str, store_engine: Engine,
            log: dict[str, list[StoredEvent]]) -> None:
        from sop_runtime.store.parallel import verify_parallel

        _tamper(store_engine, update(events).where(_where("C", 2)).values(actor="x"),
                delete(events).where(_where("B", 5)))
        single = _break(store_engine)
        report = verify_parallel(store_url, 3)
        assert not report.ok and report.first_break is not None
        b = report.first_break
        assert (b.case_id, b.seq, b.what) == single == ("B", 4, "head_mismatch")
