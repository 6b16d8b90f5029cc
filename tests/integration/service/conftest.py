from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_runtime.audit import signing
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.clock import Clock
from tests.conftest import DEFINITIONS, copy_database
from tests.storefixtures import init_court, postgres_schema_url, store_url

__all__ = ["copy_database", "definitions_without", "postgres_schema_url", "store_url"]


def definitions_without(username: str, folder: Path) -> Path:
    """A copy of the definitions at ``folder`` whose court file leaves ``username`` out."""
    shutil.copytree(DEFINITIONS, folder)
    court_file = folder / "court.yaml"
    lines = court_file.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if f"username: {username}," not in line]
    assert len(kept) == len(lines) - 1, username
    court_file.write_text("".join(kept), encoding="utf-8")
    return folder


@pytest.fixture
def key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> signing.SigningKey:
    """The court's signing key, made for the test and set as ``SOP_SIGNING_KEY``."""
    made = signing.new_key(tmp_path / "kunci.pem")
    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "kunci.pem"))
    return made


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # a Tuesday, 10:00 WIT


@pytest.fixture
def court(store_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    """The court of definitions/ set up on this test's backend (the CLI pointed at it too),
    on a clock the test moves."""
    monkeypatch.setenv("SOP_DATABASE_URL", store_url)
    rt = Runtime(make_engine(store_url), clock)
    init_court(rt)
    yield rt
    rt.engine.dispose()
