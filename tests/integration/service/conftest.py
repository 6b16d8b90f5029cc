from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sop_runtime.cli.app import run
from tests.conftest import DEFINITIONS
from tests.storefixtures import postgres_schema_url, store_url

__all__ = ["demo_copy", "demo_day", "postgres_schema_url", "store_url"]


@pytest.fixture(scope="session")
def demo_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo court after its working day, played once (read it, or take a copy)."""
    db = tmp_path_factory.mktemp("demo") / "sop.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOP_DATABASE_URL", f"sqlite:///{db}")
        assert run(["demo", "--definitions", str(DEFINITIONS)]) == 0
    return db


@pytest.fixture
def demo_copy(demo_day: Path, tmp_path: Path) -> Path:
    """A copy of the demo court's database of this test's own."""
    db = tmp_path / "sop.db"
    for suffix in ("", "-wal"):  # a WAL file left open would hold the newest commits
        source = demo_day.with_name(demo_day.name + suffix)
        if source.exists():
            shutil.copy(source, db.with_name(db.name + suffix))
    return db
