from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_runtime.cli.app import run
from sop_runtime.service import setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.clock import Clock
from tests.conftest import DEFINITIONS
from tests.storefixtures import postgres_schema_url, store_url

__all__ = ["copy_database", "definitions_without", "demo_copy", "demo_day",
           "postgres_schema_url", "store_url"]


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a SQLite database file at ``target`` (with its WAL file: one left open
    would hold the newest commits), and of the documents kept beside it (the demo's scanned
    KTP: a copy without them fails ``sop verify``, as a backup without them would)."""
    for suffix in ("", "-wal"):
        found = source.with_name(source.name + suffix)
        if found.exists():
            shutil.copy(found, target.with_name(target.name + suffix))
    kept = source.parent / "dokumen"
    if kept.is_dir() and not (target.parent / "dokumen").exists():
        shutil.copytree(kept, target.parent / "dokumen")
    return target


def definitions_without(username: str, folder: Path) -> Path:
    """A copy of the definitions at ``folder`` whose court file leaves ``username`` out."""
    shutil.copytree(DEFINITIONS, folder)
    court_file = folder / "court.yaml"
    lines = court_file.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if f"username: {username}," not in line]
    assert len(kept) == len(lines) - 1, username
    court_file.write_text("".join(kept), encoding="utf-8")
    return folder


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
    return copy_database(demo_day, tmp_path / "sop.db")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # a Tuesday, 10:00 WIT


@pytest.fixture
def court(store_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    """The court of definitions/ set up on this test's backend (the CLI pointed at it too),
    on a clock the test moves."""
    monkeypatch.setenv("SOP_DATABASE_URL", store_url)
    rt = Runtime(make_engine(store_url), clock)
    setup.init(rt, DEFINITIONS)
    yield rt
    rt.engine.dispose()
