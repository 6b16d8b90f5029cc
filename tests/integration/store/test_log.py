"""The event log on both backends: schema, append/load, optimistic concurrency, counters,
instants. One contract, run against SQLite and PostgreSQL (fixture ``store_engine``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, event, exc, func, insert, inspect, select

from sop_runtime.store import (
    GENESIS,
    ConcurrencyConflict,
    append,
    begin_write,
    current_revision,
    event_hash,
    head,
    load,
    migrate,
    next_case_number,
    verify,
)
from sop_runtime.store.schema import events, metadata, workflows
from tests.integration.store.helpers import T0, new_case, record

WIB = timezone(timedelta(hours=7))
HEAD = "0018"  # the newest migration (and store.migrate.HEAD, which the service checks)


class TestSchema:
    def test_migrate_creates_every_table(self, store_engine: Engine) -> None:
        assert set(inspect(store_engine).get_table_names()) == \
            set(metadata.tables) | {"alembic_version"}
        assert current_revision(store_engine) == HEAD

    def test_migrated_schema_equals_the_metadata(self, store_engine: Engine) -> None:
        with store_engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []

    def test_migrate_again_changes_nothing(self, store_engine: Engine) -> None:
        from sop_runtime.store.migrate import HEAD as CHECKED
        from sop_runtime.store.migrate import stored_revision

        migrate(store_engine)
        assert current_revision(store_engine) == HEAD == CHECKED
        with store_engine.connect() as conn:
            assert stored_revision(conn) == HEAD

    def test_a_database_at_the_first_revision_is_brought_up(self, store_url: str) -> None:
        from sop_runtime.store.db import make_engine

        engine = make_engine(store_url)
        try:
            migrate(engine, "0001")
            assert current_revision(engine) == "0001"
            assert "seals" not in inspect(engine).get_table_names()
            migrate(engine)
            assert current_revision(engine) == HEAD
            assert {"seals", "seal_leaves"} <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()


class TestAppendLoad:
    def test_round_trip_with_hash_chain(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            first = append(conn, "C-1", 0, GENESIS, [record(0), record(1, actor=None)])
            more = append(conn, "C-1", 2, first[-1].hash, [record(2)])
        with store_engine.connect() as conn:
            loaded = load(conn, "C-1")
            assert head(conn, "C-1") == (3, more[0].hash)
            assert head(conn, "C-2") is None
            assert load(conn, "C-2") == []
        assert loaded == first + more
        assert [e.seq for e in loaded] == [1, 2, 3]
        assert loaded[0].prev_hash == GENESIS
        assert [e.prev_hash for e in loaded[1:]] == [e.hash for e in loaded[:-1]]
        assert loaded[1].actor is None
        assert loaded[0].payload["outputs"] == {"nomor": "W-0"}
        for e in loaded:
            assert e.occurred_at.tzinfo is not None
            assert e.hash == event_hash(e.case_id, e.seq, e.type, e.version, e.occurred_at,
                                        e.recorded_at, e.actor, _canonical(e.payload),
                                        e.prev_hash)

    def test_strings_that_need_escaping_hash_and_verify(self, store_engine: Engine) -> None:
        tricky = {"catatan": 'kata "kutip"\n\\ tab\t é ✓', "n": 3, "kosong": None}
        with store_engine.begin() as conn:
            stored = append(conn, 'C-"1"', 0, GENESIS,
                            [record(0, actor='o"brien\\', payload=tricky)])
        with store_engine.connect() as conn:
            assert load(conn, 'C-"1"')[0].payload == tricky
        assert stored[0].actor == 'o"brien\\'
        with store_engine.begin() as conn:
            # no cases row: verify reports it, but every hash matched before that
            report = verify(conn)
        assert report.events == 1
        assert report.first_break is not None and report.first_break.what == "head_mismatch"

    def test_naive_instants_are_refused(self, store_engine: Engine) -> None:
        type_, version, payload, at, _, actor = record(0)
        with store_engine.begin() as conn, pytest.raises(ValueError, match="naive"):
            append(conn, "C-1", 0, GENESIS,
                   [(type_, version, payload, at, at.replace(tzinfo=None), actor)])

    def test_stale_seq_conflicts_and_writes_nothing(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            stored = new_case(conn, "C-1", 2)
        with pytest.raises(ConcurrencyConflict) as caught, store_engine.begin() as conn:
            append(conn, "C-1", 1, stored[0].hash, [record(5), record(6)])
        assert caught.value.case_id == "C-1"
        assert "Perkara C-1 telah diubah oleh orang lain" in str(caught.value)
        with store_engine.connect() as conn:
            assert len(load(conn, "C-1")) == 2
            assert conn.execute(select(func.count()).select_from(events)).scalar() == 2

    def test_several_events_are_one_insert_not_an_executemany(self, store_engine: Engine
                                                                ) -> None:
        """psycopg runs an executemany in pipeline mode, where a conflict can leave the
        pipeline aborted and log "error ignored terminating ..." on stderr beside the clear
        "case changed, reload" answer: the events go as one multi-row INSERT."""
        executemany: list[str] = []
        inserts: list[str] = []

        def many(cursor: object, statement: str, parameters: object, context: object) -> None:
            executemany.append(statement)

        def each(conn: object, cursor: object, statement: str, *_: object) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO EVENTS"):
                inserts.append(statement)

        event.listen(store_engine, "do_executemany", many)
        event.listen(store_engine, "before_cursor_execute", each)
        try:
            with store_engine.begin() as conn:
                stored = new_case(conn, "C-1", 1)
            with pytest.raises(ConcurrencyConflict), store_engine.begin() as conn:
                append(conn, "C-1", 0, GENESIS, [record(5), record(6), record(7)],
                       savepoint=False)
            with store_engine.begin() as conn:
                append(conn, "C-1", 1, stored[0].hash, [record(5), record(6)])
        finally:
            event.remove(store_engine, "do_executemany", many)
            event.remove(store_engine, "before_cursor_execute", each)
        assert not [s for s in executemany if "INSERT INTO events" in s], executemany
        assert len(inserts) == 3
        with store_engine.connect() as conn:
            assert [e.seq for e in load(conn, "C-1")] == [1, 2, 3]

    def test_conflict_leaves_the_transaction_usable(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            stored = new_case(conn, "C-1", 1)
        with store_engine.begin() as conn:
            with pytest.raises(ConcurrencyConflict):
                append(conn, "C-1", 0, GENESIS, [record(9)])
            append(conn, "C-1", 1, stored[0].hash, [record(1)])
        with store_engine.connect() as conn:
            assert head(conn, "C-1") is not None
            assert [e.seq for e in load(conn, "C-1")] == [1, 2]

    def test_interleaved_connections_one_wins(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            new_case(conn, "C-1", 1)
        a, b = store_engine.connect(), store_engine.connect()
        try:
            a.begin()
            b.begin()
            seq_a, hash_a = head(a, "C-1") or (0, GENESIS)
            seq_b, hash_b = head(b, "C-1") or (0, GENESIS)
            append(a, "C-1", seq_a, hash_a, [record(1, actor="ani")])
            a.commit()
            with pytest.raises(ConcurrencyConflict):
                append(b, "C-1", seq_b, hash_b, [record(1, actor="budi")])
            b.rollback()
        finally:
            a.close()
            b.close()
        with store_engine.begin() as conn:
            log = load(conn, "C-1")
            assert [(e.seq, e.actor) for e in log] == [(1, "budi"), (2, "ani")]

    def test_begin_write_sees_the_newest_head(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            new_case(conn, "C-1", 1)
        for i in range(3):
            with begin_write(store_engine) as conn:
                seq, hash_ = head(conn, "C-1") or (0, GENESIS)
                append(conn, "C-1", seq, hash_, [record(10 + i)])
        with store_engine.connect() as conn:
            assert head(conn, "C-1") is not None
            assert [e.seq for e in load(conn, "C-1")] == [1, 2, 3, 4]

    def test_rolled_back_append_leaves_nothing(self, store_engine: Engine) -> None:
        with pytest.raises(RuntimeError), store_engine.begin() as conn:
            new_case(conn, "C-1", 3)
            raise RuntimeError("the service failed after appending")
        with store_engine.connect() as conn:
            assert load(conn, "C-1") == []


class TestCaseCounter:
    def test_counts_per_prefix(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            assert [next_case_number(conn, "PTSP/2025") for _ in range(3)] == [1, 2, 3]
            assert next_case_number(conn, "PDT/2025") == 1
        with store_engine.begin() as conn:
            assert next_case_number(conn, "PTSP/2025") == 4

    def test_rolled_back_number_is_given_again(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            next_case_number(conn, "P")
        with pytest.raises(RuntimeError), store_engine.begin() as conn:
            assert next_case_number(conn, "P") == 2
            raise RuntimeError
        with store_engine.begin() as conn:
            assert next_case_number(conn, "P") == 2


@pytest.mark.postgres
class TestCaseCounterConcurrentPostgres:
    @pytest.fixture
    def pg_engine(self, postgres_schema_url: str) -> Engine:
        from sop_runtime.store import make_engine

        engine = make_engine(postgres_schema_url)
        migrate(engine)
        return engine

    def test_second_transaction_waits_for_the_first(self, pg_engine: Engine) -> None:
        import threading

        with pg_engine.begin() as conn:
            assert next_case_number(conn, "PTSP") == 1
        results: list[int] = []
        a = pg_engine.connect()
        a.begin()
        assert next_case_number(a, "PTSP") == 2  # holds the counter row's lock
        holder = a.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()

        def take() -> None:
            with pg_engine.begin() as conn:
                results.append(next_case_number(conn, "PTSP"))

        b = threading.Thread(target=take)
        b.start()
        try:
            _wait_until_blocked(pg_engine, holder)
        finally:
            a.commit()
            a.close()
        b.join(timeout=60)
        assert results == [3]
        pg_engine.dispose()

    def test_first_insert_race_retries_the_update(self, pg_engine: Engine) -> None:
        import threading

        results: list[int] = []
        barrier = threading.Barrier(4)

        def take() -> None:
            barrier.wait(timeout=30)
            with pg_engine.begin() as conn:
                results.append(next_case_number(conn, "RACE"))

        threads = [threading.Thread(target=take) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(results) == [1, 2, 3, 4]
        pg_engine.dispose()


class TestInstants:
    def test_aware_round_trip_comes_back_in_utc(self, store_engine: Engine) -> None:
        at = datetime(2025, 8, 17, 10, 0, 0, 123456, tzinfo=WIB)
        with store_engine.begin() as conn:
            conn.execute(insert(workflows).values(version="v" * 64, sop_id="s", nama="n",
                                                  source="", file="f", loaded_at=at))
            back = conn.execute(select(workflows.c.loaded_at)).scalar_one()
        assert back == at
        assert back.tzinfo == UTC
        assert back.hour == 3 and back.microsecond == 123456

    def test_naive_is_rejected(self, store_engine: Engine) -> None:
        with pytest.raises(exc.StatementError, match="naive"), store_engine.begin() as conn:
            conn.execute(insert(workflows).values(version="v" * 64, sop_id="s", nama="n",
                                                  source="", file="f",
                                                  loaded_at=datetime(2025, 1, 1, 8)))

    def test_comparisons_use_utc(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            for i, at in enumerate((T0, T0 + timedelta(hours=1))):
                conn.execute(insert(workflows).values(version=str(i) * 64, sop_id="s",
                                                      nama="n", source="", file="f",
                                                      loaded_at=at))
            # 09:00 WIB = 02:00 UTC: between the two
            cut = datetime(2025, 3, 3, 9, 0, tzinfo=WIB)
            later = conn.execute(select(workflows.c.version)
                                 .where(workflows.c.loaded_at > cut)).scalars().all()
        assert later == ["1" * 64]


def _wait_until_blocked(engine: Engine, holder: int) -> None:
    """Until another backend waits for a lock the backend ``holder`` holds (polls
    pg_stat_activity; gives up after 30 s)."""
    import time

    deadline = time.monotonic() + 30
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE %(holder)s = ANY(pg_blocking_pids(pid))", {"holder": holder}).scalar()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.005)
    raise AssertionError("the second transaction never waited for the row lock")


def _canonical(payload: object) -> str:
    from sop_runtime.compiler.canonical import canonical_json

    return canonical_json(payload).decode()
