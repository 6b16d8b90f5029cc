"""Projections and their queries, the directory, workflows and settings, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from sop_runtime.engine.actors import DelegationKind
from sop_runtime.errors import NotFoundError
from sop_runtime.service.views import deviation_cursor, read_deviation_cursor
from sop_runtime.store import (
    CaseRow,
    DeviationRow,
    OpenStepRow,
    RoleRow,
    UserRow,
    add_delegation,
    add_deviations,
    case_row,
    cases,
    clear_projections,
    current_version,
    delegations,
    deviations,
    list_sops,
    list_users,
    load_directory,
    overdue,
    roles,
    save_case,
    save_roles,
    save_users,
    save_workflow,
    set_current,
    sweep_candidates,
    user,
    workflow_source,
    worklist,
)
from sop_runtime.store import settings as store_settings
from sop_runtime.store.queries import deviation_page, sweep_queries

T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def _case(case_id: str, *, sop: str = "sop-a", status: str = "aktif", seq: int = 1,
          service_due: datetime | None = None, ended: datetime | None = None) -> CaseRow:
    return CaseRow(case_id=case_id, sop_id=sop, version="v" * 64, status=status,
                   started_at=T0, started_by="budi", last_seq=seq, head_hash=str(seq) * 64,
                   updated_at=T0, ended_at=ended, service_due=service_due,
                   fields={"nomor": case_id})


def _step(case_id: str, node: str, role: str, *, due: int | None = None, activated: int = 0,
          assignee: str | None = None, sop: str = "sop-a", attempt: int = 1,
          timer: int | None = None, flagged: bool = False) -> OpenStepRow:
    return OpenStepRow(case_id=case_id, node=node, attempt=attempt, role=role, sop_id=sop,
                       kegiatan=f"Kegiatan {node}", activated_at=T0 + timedelta(hours=activated),
                       due_at=None if due is None else T0 + timedelta(hours=due),
                       assignee=assignee,
                       timer_due=None if timer is None else T0 + timedelta(hours=timer),
                       overdue_flagged=flagged)


@pytest.fixture
def steps(store_engine: Engine) -> Engine:
    """C1: s1 (kasir or panmud, due +2h), s2 (kasir, no deadline); C2: s1 (ptsp, due +1h,
    assigned to ani), s3 (kasir, due +5h, activated later); C3 (sop-b): s1 (kasir, due
    +3h)."""
    with store_engine.begin() as conn:
        save_case(conn, _case("C1"), [_step("C1", "s1", "kasir", due=2),
                                      _step("C1", "s1", "panmud", due=2),
                                      _step("C1", "s2", "kasir")])
        save_case(conn, _case("C2"), [_step("C2", "s1", "ptsp", due=1, assignee="ani"),
                                      _step("C2", "s3", "kasir", due=5, activated=1)])
        save_case(conn, _case("C3", sop="sop-b"), [_step("C3", "s1", "kasir", due=3,
                                                         sop="sop-b")])
    return store_engine


def _keys(rows: list[object]) -> list[tuple[str, str]]:
    return [(r.case_id, r.node) for r in rows]  # type: ignore[attr-defined]


class TestCases:
    def test_save_case_inserts_then_replaces(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            save_case(conn, _case("C1"), [_step("C1", "s1", "kasir", due=2)])
            save_case(conn, _case("C1", status="selesai", seq=7, ended=T0),
                      [_step("C1", "s9", "panmud")])
            row = case_row(conn, "C1")
            assert overdue(conn, T0 + timedelta(days=1)) == []
            assert _keys(worklist(conn, {"panmud"}, "x")) == [("C1", "s9")]
        assert row == _case("C1", status="selesai", seq=7, ended=T0)
        assert row is not None and row.fields == {"nomor": "C1"}

    def test_unknown_case(self, store_engine: Engine) -> None:
        with store_engine.connect() as conn:
            assert case_row(conn, "nope") is None

    def test_open_steps_of_another_case_are_refused(self, store_engine: Engine) -> None:
        with pytest.raises(ValueError), store_engine.begin() as conn:
            save_case(conn, _case("C1"), [_step("C2", "s1", "kasir")])

    def test_list_cases(self, steps: Engine) -> None:
        with steps.connect() as conn:
            assert [c.case_id for c in cases(conn)] == ["C1", "C2", "C3"]
            assert [c.case_id for c in cases(conn, sop="sop-b")] == ["C3"]
            assert [c.case_id for c in cases(conn, status="selesai")] == []

    def test_clear_projections(self, steps: Engine) -> None:
        with steps.begin() as conn:
            add_deviations(conn, [_deviation("C1", 1)])
            clear_projections(conn)
            assert cases(conn) == []
            assert worklist(conn, {"kasir", "ptsp", "panmud"}, "ani") == []
            assert deviations(conn) == []


class TestWorklist:
    def test_by_role_soonest_first_no_deadline_last(self, steps: Engine) -> None:
        with steps.connect() as conn:
            rows = worklist(conn, {"kasir"}, "budi")
        assert _keys(rows) == [("C1", "s1"), ("C3", "s1"), ("C2", "s3"), ("C1", "s2")]
        assert rows[0].roles == ("kasir",)
        assert rows[0].due_at == T0 + timedelta(hours=2)
        assert rows[0].kegiatan == "Kegiatan s1"

    def test_a_step_with_two_of_my_roles_is_listed_once(self, steps: Engine) -> None:
        with steps.connect() as conn:
            rows = worklist(conn, {"kasir", "panmud"}, "budi", limit=1)
        assert _keys(rows) == [("C1", "s1")]
        assert rows[0].roles == ("kasir", "panmud")

    def test_assigned_steps_go_to_their_assignee_only(self, steps: Engine) -> None:
        with steps.connect() as conn:
            assert _keys(worklist(conn, {"ptsp"}, "budi")) == []
            assert _keys(worklist(conn, set(), "ani")) == [("C2", "s1")]
            assert _keys(worklist(conn, {"ptsp"}, "ani")) == [("C2", "s1")]

    def test_limit_counts_steps(self, steps: Engine) -> None:
        with steps.connect() as conn:
            assert len(worklist(conn, {"kasir", "panmud"}, "budi", limit=3)) == 3

    def test_roles_read_apart_merge_into_one_order(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            save_case(conn, _case("K"), [_step("K", f"k{h}", "kasir", due=h) for h in (1, 3, 5)]
                      + [_step("K", "kx", "kasir")])
            save_case(conn, _case("P"), [_step("P", f"p{h}", "panmud", due=h) for h in (2, 4)]
                      + [_step("P", "px", "panmud", activated=-1)])
            save_case(conn, _case("A"), [_step("A", "a9", "ptsp", due=9, assignee="budi")])
        with store_engine.connect() as conn:
            page = worklist(conn, {"kasir", "panmud"}, "budi", limit=4)
            whole = worklist(conn, {"kasir", "panmud"}, "budi")
        assert _keys(page) == [("K", "k1"), ("P", "p2"), ("K", "k3"), ("P", "p4")]
        assert _keys(whole) == [("K", "k1"), ("P", "p2"), ("K", "k3"), ("P", "p4"),
                                ("K", "k5"), ("A", "a9"), ("P", "px"), ("K", "kx")]
        # a page at a time, each after the place of the last step of the page before:
        # across the roles and past the last deadline into the steps without one
        seen: list[tuple[str, str]] = []
        after = None
        with store_engine.connect() as conn:
            for _ in range(len(whole)):
                got = worklist(conn, {"kasir", "panmud"}, "budi", limit=3, after=after)
                seen += _keys(got[:1])
                last = got[0]
                after = (last.due_at, last.activated_at, last.case_id, last.node, last.attempt)
            assert worklist(conn, {"kasir", "panmud"}, "budi", after=after) == []
        assert seen == _keys(whole)


class TestOverdue:
    @pytest.mark.parametrize("role", [None, "kasir"])
    def test_pages_continue_after_the_last_step_shown(self, steps: Engine,
                                                      role: str | None) -> None:
        now = T0 + timedelta(hours=9)
        with steps.connect() as conn:
            whole = overdue(conn, now, role=role)
            seen: list[tuple[str, str]] = []
            after = None
            while True:
                page = overdue(conn, now, role=role, limit=1, after=after)
                if not page:
                    break
                seen += _keys(page)
                assert page[0].roles == next(s.roles for s in whole
                                             if _keys([s]) == _keys(page))
                last = page[0]
                assert last.due_at is not None
                after = (last.due_at, last.case_id, last.node, last.attempt)
        assert seen == _keys(whole) and len(seen) >= 3

    def test_past_deadline_most_overdue_first(self, steps: Engine) -> None:
        with steps.connect() as conn:
            rows = overdue(conn, T0 + timedelta(hours=4))
        assert _keys(rows) == [("C2", "s1"), ("C1", "s1"), ("C3", "s1")]
        assert rows[1].roles == ("kasir", "panmud")
        assert rows[0].assignee == "ani"

    def test_deadline_not_yet_passed(self, steps: Engine) -> None:
        with steps.connect() as conn:
            assert overdue(conn, T0 + timedelta(hours=1)) == []

    def test_by_role_keeps_all_the_step_roles(self, steps: Engine) -> None:
        with steps.connect() as conn:
            rows = overdue(conn, T0 + timedelta(hours=9), role="panmud")
        assert _keys(rows) == [("C1", "s1")]
        assert rows[0].roles == ("kasir", "panmud")

    def test_by_sop_and_limit(self, steps: Engine) -> None:
        now = T0 + timedelta(hours=9)
        with steps.connect() as conn:
            assert _keys(overdue(conn, now, sop="sop-b")) == [("C3", "s1")]
            assert _keys(overdue(conn, now, limit=2)) == [("C2", "s1"), ("C1", "s1")]
            assert _keys(overdue(conn, now, role="kasir", sop="sop-a")) == \
                [("C1", "s1"), ("C2", "s3")]


def test_case_sops_asks_the_cases_a_few_at_a_time(steps: Engine,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """However many cases a list names, each IN list stays within the backends' limits."""
    from sop_runtime.store import queries

    monkeypatch.setattr(queries, "IN_CHUNK", 2)
    with steps.connect() as conn:
        assert queries.case_sops(conn, ["C3", "C1", "nope", "C2"]) == {
            "C1": "sop-a", "C2": "sop-a", "C3": "sop-b"}
        assert queries.case_sops(conn, []) == {}


class TestSweepCandidates:
    def test_cases_with_something_to_record(self, store_engine: Engine) -> None:
        now = T0 + timedelta(hours=10)
        with store_engine.begin() as conn:
            save_case(conn, _case("due"), [_step("due", "s1", "kasir", due=2)])
            save_case(conn, _case("flagged"), [_step("flagged", "s1", "kasir", due=2,
                                                     flagged=True)])
            save_case(conn, _case("timer"), [_step("timer", "s1", "kasir", timer=9)])
            save_case(conn, _case("later"), [_step("later", "s1", "kasir", due=11,
                                                   timer=12)])
            save_case(conn, _case("service", service_due=T0), [])
            save_case(conn, _case("done", service_due=T0, ended=T0), [])
            assert sweep_candidates(conn, now) == ["due", "service", "timer"]

    def test_each_range_is_read_on_its_partial_index(self, store_engine: Engine) -> None:
        """The plan of each query names its partial index, over a court where most steps
        are recorded overdue already and most cases are finished (PostgreSQL's planner told
        that a table scan is dear, as it would find on a big table)."""
        now = T0 + timedelta(hours=10)
        wanted = ("ix_open_steps_unflagged_due", "ix_open_steps_timer", "ix_cases_service_due")
        with store_engine.begin() as conn:
            for i in range(300):
                save_case(conn, _case(f"C{i}", service_due=T0, ended=T0), [
                    _step(f"C{i}", "s1", "kasir", due=2, flagged=True)])
            save_case(conn, _case("due", service_due=T0), [
                _step("due", "s1", "kasir", due=2, timer=3)])
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("ANALYZE")
        with store_engine.connect() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                conn.exec_driver_sql("SET enable_seqscan = off")
            for query, index in zip(sweep_queries(now), wanted, strict=True):
                sql = query.compile(conn, compile_kwargs={"literal_binds": True})
                explain = "EXPLAIN" if postgres else "EXPLAIN QUERY PLAN"
                plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"{explain} {sql}"))
                assert index in plan, plan
                assert "SCAN" not in plan.replace(f"SCAN {index}", "") if not postgres \
                    else "Seq Scan" not in plan


def _deviation(case_id: str, seq: int, *, kind: str = "overdue", hours: int = 0,
               outcome: str = "dicatat") -> DeviationRow:
    at = T0 + timedelta(hours=hours)
    return DeviationRow(case_id=case_id, seq=seq, kind=kind, outcome=outcome,  # type: ignore[arg-type]
                        occurred_at=at, recorded_at=at, rule="batas waktu langkah",
                        node="s1", attempt=1, actor=None, reason=None,
                        evidence={"due_at": at.isoformat()})


class TestDeviations:
    def test_filters_newest_first(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            add_deviations(conn, [_deviation("C1", 3, hours=1),
                                  _deviation("C1", 5, kind="wrong_actor", hours=2,
                                             outcome="ditolak"),
                                  _deviation("C2", 2, hours=3)])
            add_deviations(conn, [])
            every = deviations(conn)
            assert [(d.case_id, d.seq) for d in every] == [("C2", 2), ("C1", 5), ("C1", 3)]
            assert [d.seq for d in deviations(conn, case="C1")] == [5, 3]
            assert [d.case_id for d in deviations(conn, kind="overdue")] == ["C2", "C1"]
            assert len(deviations(conn, limit=1)) == 1
        assert every[1] == _deviation("C1", 5, kind="wrong_actor", hours=2, outcome="ditolak")

    def test_paging_gives_every_row_once_in_order(self, store_engine: Engine) -> None:
        # ties on the instant (several at one hour) and instants with microseconds: the
        # cursor carries the id that breaks the tie, and the instant to the microsecond
        rows = [_deviation(f"C{i % 4}", i, kind="overdue" if i % 3 else "wrong_actor",
                           hours=i // 3) for i in range(23)]
        rows.append(replace(_deviation("C9", 1),
                            occurred_at=T0 + timedelta(hours=2, microseconds=7)))
        with store_engine.begin() as conn:
            add_deviations(conn, rows)
        with store_engine.connect() as conn:
            whole = [(d.case_id, d.seq) for d in deviations(conn)]
            assert len(whole) == 24
            for per_page, kind in ((1, None), (4, None), (5, "overdue"), (30, None)):
                seen: list[tuple[str, int]] = []
                after, pages = None, 0
                while True:
                    page = deviation_page(conn, limit=per_page, after=after, kind=kind)
                    assert len(page) <= per_page
                    seen.extend((d.case_id, d.seq) for _, d in page)
                    pages += 1
                    if len(page) < per_page:
                        break
                    last_id, last = page[-1]
                    # through the printed cursor, as a user hands it back
                    after = read_deviation_cursor(deviation_cursor(last.occurred_at, last_id))
                    assert after == (last.occurred_at, last_id)
                expected = [(d.case_id, d.seq) for d in deviations(conn, kind=kind)]
                assert seen == expected, (per_page, kind)
                assert pages == len(expected) // per_page + 1
            assert deviation_page(conn, limit=3, case="C9") == [
                (deviation_page(conn, limit=1, case="C9")[0][0], rows[-1])]


class TestDirectory:
    def test_roles_users_delegations(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            save_roles(conn, [RoleRow("kasir", "Kasir"), RoleRow("panitera", "Panitera",
                                                                  pengawas=True)])
            save_roles(conn, [RoleRow("kasir", "Kasir PTSP")])
            save_users(conn, [UserRow("ani", "Ani", frozenset({"kasir"}), nip="1987"),
                              UserRow("budi", "Budi", frozenset({"panitera"}))])
            save_users(conn, [UserRow("ani", "Ani S.", frozenset({"kasir", "panitera"}),
                                      nip="1987"),
                              UserRow("cici", "Cici", active=False)])
            did = add_delegation(conn, "ani", "panitera", T0, T0 + timedelta(days=3),
                                 kind="plh", reason="cuti", created_by="budi",
                                 created_at=T0, holder="budi", reference="SP-1/2025")
            assert roles(conn) == [RoleRow("kasir", "Kasir PTSP"),
                                   RoleRow("panitera", "Panitera", pengawas=True)]
            assert user(conn, "ani") == UserRow("ani", "Ani S.",
                                                frozenset({"kasir", "panitera"}), "1987")
            assert user(conn, "nobody") is None
            assert [u.username for u in list_users(conn)] == ["ani", "budi", "cici"]
            assert [d.id for d in delegations(conn)] == [did]
            assert delegations(conn, at=T0 + timedelta(days=3)) == []
            held = delegations(conn, at=T0 + timedelta(days=1))
            directory = load_directory(conn)
        assert held[0].kind is DelegationKind.PLH and held[0].reference == "SP-1/2025"
        assert held[0].start == T0
        assert "cici" not in directory.roles
        assert directory.supervisor_roles == frozenset({"panitera"})
        grant = directory.grant("ani", "panitera", T0 + timedelta(hours=1))
        assert grant is not None and grant.delegation is None  # she holds it herself now

    def test_delegation_must_end_after_it_starts(self, store_engine: Engine) -> None:
        with pytest.raises(ValueError), store_engine.begin() as conn:
            add_delegation(conn, "ani", "kasir", T0, T0, kind="plt", reason="x",
                           created_by="budi", created_at=T0)


class TestWorkflowsAndSettings:
    def test_versions_and_current(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            assert save_workflow(conn, "1" * 64, "sop-a", "SOP A", "nama: A\n", "a.yaml",
                                 loaded_at=T0)
            assert not save_workflow(conn, "1" * 64, "sop-a", "SOP A", "nama: A\n", "a.yaml")
            assert save_workflow(conn, "2" * 64, "sop-a", "SOP A v2", "nama: A2\n", "a.yaml",
                                 loaded_at=T0)
            assert current_version(conn, "sop-a") is None
            set_current(conn, "sop-a", "1" * 64)
            set_current(conn, "sop-a", "2" * 64)
            with pytest.raises(NotFoundError):
                set_current(conn, "sop-b", "1" * 64)
            assert current_version(conn, "sop-a") == "2" * 64
            assert workflow_source(conn, "1" * 64) == "nama: A\n"
            assert workflow_source(conn, "3" * 64) is None
            sops = list_sops(conn)
        assert [(s.sop_id, s.nama, s.current_version) for s in sops] == \
            [("sop-a", "SOP A v2", "2" * 64)]

    def test_settings(self, store_engine: Engine) -> None:
        with store_engine.begin() as conn:
            assert store_settings.get(conn, "court_file") is None
            store_settings.put(conn, "court_file", "a")
            store_settings.put(conn, "court_file", "b")
            assert store_settings.get(conn, "court_file") == "b"
