"""Moving running cases to a revised SOP, on SQLite and PostgreSQL: the plan writes nothing,
the bulk move writes each case in its own transaction, the projections it leaves are what a
rebuild from the log gives, and the chain verifies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_runtime.compiler.library import load_library
from sop_runtime.service import cases, migration, setup
from sop_runtime.service.rebuild import rebuild
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.chain import verify
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import open_steps
from tests.clock import Clock
from tests.crash.checks import snapshot
from tests.e2e.court import library_with
from tests.e2e.test_cli_migrate import SOP, V1, V2, _revise

BOSS = "bambang.panitera"


@pytest.fixture
def revised(store_url: str, tmp_path: Path) -> Iterator[tuple[Runtime, Clock, str, str, str, str]]:
    """A court running ``uji-waktu`` v1 with case a at step 2 and case b at step 4 (its
    end), then the revision v2 loaded: (runtime, clock, v1, v2, a, b)."""
    clock = Clock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # Tuesday 10:00 WIT
    folder = library_with(tmp_path, V1)
    rt = Runtime(make_engine(store_url), clock)
    setup.init(rt, folder)
    old = load_library([folder]).workflow(SOP).version
    a = cases.start_case(rt, SOP, "rina.ptsp").case_id
    clock.tick()
    cases.complete(rt, a, "1", "rina.ptsp")
    b = cases.start_case(rt, SOP, "rina.ptsp").case_id
    for step in ("1", "2", "3"):
        clock.tick()
        cases.complete(rt, b, step, "rina.ptsp")
    new = _revise(folder, V2)
    setup.init(rt, folder)
    clock.tick(days=1)
    yield rt, clock, old, new, a, b
    rt.engine.dispose()


def test_plan_then_bulk_move_then_rebuild(
        revised: tuple[Runtime, Clock, str, str, str, str]) -> None:
    rt, clock, old, new, a, b = revised
    before = snapshot(rt.engine)
    plan = migration.migrate_plan(rt, SOP, old[:8], new[:8], by=BOSS, reason="SOP direvisi")
    assert snapshot(rt.engine) == before  # nothing written
    assert [(c.case_id, c.moved) for c in plan.cases] == [(a, True), (b, False)]
    (step,) = plan.cases[0].steps
    assert (step.node, step.to_node, step.kegiatan) == ("2", "2", "Memeriksa berkas")
    assert step.due_at is not None and step.was_due is not None and step.due_at > step.was_due
    assert "Menyerahkan hasil" in (plan.cases[1].refused or "")

    report = migration.migrate_all(rt, plan, by=BOSS, reason="SOP direvisi")
    assert report.moved == [a] and [c for c, _ in report.refused] == [b]
    with rt.engine.connect() as conn:
        versions = dict(conn.execute(cases_table.select().with_only_columns(
            cases_table.c.case_id, cases_table.c.version)).all())
        listed = conn.execute(open_steps.select().where(open_steps.c.case_id == a)).all()
    assert versions == {a: new, b: old}
    assert [r.due_at.astimezone(UTC) for r in listed] == [step.due_at.astimezone(UTC)]

    clock.tick()
    moved = migration.migrate(rt, b, new[:10], by=BOSS, reason="SOP direvisi",
                              mapping={"4": "3"})
    assert [s.node for s in moved.state.open_steps] == ["3"]
    clock.tick()
    after = cases.complete(rt, a, "2", "rina.ptsp")  # the new graph: step 2 -> end (3)
    assert [s.node for s in after.state.open_steps] == ["3"]

    live = snapshot(rt.engine)
    rebuild(rt)
    assert snapshot(rt.engine) == live
    with rt.engine.connect() as conn:
        assert verify(conn).ok


def test_a_non_supervisor_is_refused_and_recorded_case_by_case(
        revised: tuple[Runtime, Clock, str, str, str, str]) -> None:
    rt, _clock, old, new, a, _b = revised
    plan = migration.migrate_plan(rt, SOP, old, new, by="rina.ptsp", reason="x")
    assert plan.moved == 0 and all("Ditolak" in (c.refused or "") for c in plan.cases)
    with pytest.raises(cases.Refused):
        migration.migrate(rt, a, new, by="rina.ptsp", reason="x")
    with rt.engine.connect() as conn:
        version = conn.execute(cases_table.select().with_only_columns(
            cases_table.c.version).where(cases_table.c.case_id == a)).scalar()
    assert version == old
