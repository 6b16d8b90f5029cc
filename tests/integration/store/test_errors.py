"""What counts as a concurrency conflict, and how an unreachable PostgreSQL is handled by
the shared fixtures."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, exc, insert

from sop_runtime.store import ConcurrencyConflict, is_conflict, next_case_number
from sop_runtime.store.schema import case_counters
from tests import storefixtures


def test_other_integrity_errors_are_not_conflicts(store_engine: Engine) -> None:
    with store_engine.begin() as conn:
        next_case_number(conn, "P")
    with pytest.raises(exc.IntegrityError) as caught, store_engine.begin() as conn:
        conn.execute(insert(case_counters).values(prefix="P", last=9))
    assert not is_conflict(caught.value)
    assert not is_conflict(ValueError("x"))


def test_conflict_message_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    error = ConcurrencyConflict("PTSP/2025/7")
    assert str(error).startswith("Perkara PTSP/2025/7 telah diubah oleh orang lain")
    monkeypatch.setenv("SOP_LANG", "en")
    assert str(error) == "Case PTSP/2025/7 changed while you were acting; reload and try again"


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOP_TEST_POSTGRES_URL",
                       "postgresql+psycopg://postgres:rahasia@127.0.0.1:1/test")


def test_unreachable_postgres_skips(unreachable: None,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOP_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL tidak tersedia di") as caught:
        storefixtures.require_postgres()
    assert "rahasia" not in str(caught.value)


def test_unreachable_postgres_fails_when_required(unreachable: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOP_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="SOP_REQUIRE_POSTGRES=1"):
        storefixtures.require_postgres()
