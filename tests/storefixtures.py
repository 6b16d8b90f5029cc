"""Store fixtures shared by every test that needs a database: import them into a
``conftest.py`` (``from tests.storefixtures import store_engine, store_url``).

``store_url`` is parametrised over the backends: SQLite in ``tmp_path``, and PostgreSQL at
``SOP_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``),
where each test gets a schema of its own (on the URL's ``search_path``) dropped at the end,
so tests can run in parallel. Without a reachable PostgreSQL the PostgreSQL tests are
skipped, or fail when ``SOP_REQUIRE_POSTGRES=1`` (CI).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url

from sop_runtime.store import make_engine, masked, migrate

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("SOP_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


@cache
def _postgres_problem(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used (None if it can)."""
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    finally:
        engine.dispose()
    return None


def require_postgres() -> str:
    """The PostgreSQL URL, or skip (fail under ``SOP_REQUIRE_POSTGRES=1``) if unreachable."""
    url = postgres_url()
    problem = _postgres_problem(url)
    if problem is not None:
        message = f"PostgreSQL tidak tersedia di {masked(url)} : {problem}"
        if os.environ.get("SOP_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (SOP_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    return url


def with_search_path(url: str, schema: str) -> str:
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}) \
        .render_as_string(hide_password=False)


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose ``search_path`` is a fresh, empty schema of this test."""
    with fresh_postgres_schema() as url:
        yield url


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A PostgreSQL URL whose ``search_path`` is a fresh, empty schema, dropped on leaving
    (for a fixture of a wider scope than a test)."""
    base = require_postgres()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    schema = f"t_{worker}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        yield with_search_path(base, schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend (not migrated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sop.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
def store_engine(store_url: str) -> Iterator[Engine]:
    """A migrated database of each backend."""
    engine = make_engine(store_url)
    migrate(engine)
    yield engine
    engine.dispose()
