"""The projections are views of the log: rebuilding them from the log gives them back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sop_runtime.service.rebuild import rebuild
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.schema import cases, deviations, open_steps


def snapshot(rt: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with rt.engine.connect() as conn:
        for table, skip in ((cases, {"updated_at"}), (open_steps, set()), (deviations, {"id"})):
            cols = [c for c in table.c if c.name not in skip]
            out[table.name] = sorted(tuple(r) for r in conn.execute(select(*cols)))
    return out


@pytest.fixture
def demo_court(demo_copy: Path) -> Runtime:
    """A copy of the demo court after its working day."""
    return Runtime.open(f"sqlite:///{demo_copy}")


def test_rebuilt_projections_equal_the_live_ones(demo_court: Runtime) -> None:
    before = snapshot(demo_court)
    assert len(before["cases"]) == 6 and before["open_steps"] and before["deviations"]
    report = rebuild(demo_court)
    assert report.cases == 6
    assert snapshot(demo_court) == before


def test_rebuild_repairs_a_damaged_projection(demo_court: Runtime) -> None:
    before = snapshot(demo_court)
    with demo_court.engine.begin() as conn:
        conn.execute(open_steps.delete())
        conn.execute(deviations.delete().where(deviations.c.kind == "wrong_actor"))
    assert snapshot(demo_court) != before
    rebuild(demo_court)
    assert snapshot(demo_court) == before
