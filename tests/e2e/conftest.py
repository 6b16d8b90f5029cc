from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEFINITIONS
from tests.e2e.court import Court, new_court
from tests.storefixtures import postgres_schema_url  # noqa: F401  (a fixture)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def make_court(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[Path], Court]:
    """A court set up from a definitions folder, on each backend: SQLite, and PostgreSQL in a
    schema of its own."""

    def make(folder: Path = DEFINITIONS) -> Court:
        if request.param == "sqlite":
            return new_court(tmp_path, folder)
        court = Court(tmp_path, request.getfixturevalue("postgres_schema_url"))
        court.ok("init", "--definitions", folder)
        return court

    return make
