"""The projections are views of the log: rebuilding them from the log gives them back."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_runtime.service.rebuild import rebuild
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.schema import deviations, open_steps
from tests.crash.checks import snapshot


@pytest.fixture
def demo_court(demo_copy: Path) -> Runtime:
    """A copy of the demo court after its working day."""
    return Runtime.open(f"sqlite:///{demo_copy}")


def test_rebuilt_projections_equal_the_live_ones(demo_court: Runtime) -> None:
    before = snapshot(demo_court.engine)
    assert len(before["cases"]) == 12 and before["open_steps"] and before["deviations"]
    report = rebuild(demo_court)
    assert report.cases == 12
    assert snapshot(demo_court.engine) == before


def test_rebuild_repairs_a_damaged_projection(demo_court: Runtime) -> None:
    before = snapshot(demo_court.engine)
    with demo_court.engine.begin() as conn:
        conn.execute(open_steps.delete())
        conn.execute(deviations.delete().where(deviations.c.kind == "wrong_actor"))
    assert snapshot(demo_court.engine) != before
    rebuild(demo_court)
    assert snapshot(demo_court.engine) == before
