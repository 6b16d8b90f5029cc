"""Store fixtures shared by every test that needs a database: import them into a
``conftest.py`` (``from tests.storefixtures import store_engine, store_url``).

``store_url`` is parametrised over the backends: SQLite in ``tmp_path``, and PostgreSQL at
``SOP_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``),
where each test gets a database of its own, dropped at the end, so tests can run in
parallel (``postgres_schema_url`` gives a schema of its own instead, on the URL's
``search_path``, for the tests of courts kept in schemas). Without a reachable PostgreSQL
the PostgreSQL tests are skipped, or fail when ``SOP_REQUIRE_POSTGRES=1`` (CI).

A store that many tests start from (migrated, or the court of ``definitions/`` set up at a
given moment) is made once per test process as a template and copied for each test
(:func:`fill_from_template`): a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL. The copy holds the same rows as making it again would; the tests of migrating
and setting up make their stores themselves.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url

from sop_runtime.service import setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import make_engine, masked, migrate
from tests.clock import Clock

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"

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


def require_postgres_tools() -> None:
    """Skip (fail under ``SOP_REQUIRE_POSTGRES=1``) unless PostgreSQL's client programs that
    ``sop backup`` and ``sop restore`` run are on PATH (``make test`` installs them)."""
    missing = [t for t in ("pg_dump", "pg_restore") if shutil.which(t) is None]
    if missing:
        message = (f"{', '.join(missing)} tidak ada di PATH (paket postgresql-client): uji "
                   "cadangan PostgreSQL dilewati")
        if os.environ.get("SOP_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (SOP_REQUIRE_POSTGRES=1)")
        pytest.skip(message)


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
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend (not migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sop.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def store_engine(store_url: str) -> Iterator[Engine]:
    """A migrated database of each backend."""
    fill_from_template(store_url, ("migrated",), _migrated)
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def _migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def init_court(rt: Runtime) -> None:
    """``setup.init(rt, DEFINITIONS)`` into ``rt``'s empty store: from a copy of the court
    set up once per process at the same moment, when ``rt`` runs on a :class:`Clock` that
    only moves when told (any other clock moves on its own: set up directly)."""
    if not isinstance(rt.clock, Clock):
        setup.init(rt, DEFINITIONS)
        return
    at = rt.clock.now

    def make(url: str) -> None:
        made = Runtime(make_engine(url), Clock(at))
        try:
            setup.init(made, DEFINITIONS)
        finally:
            made.engine.dispose()

    rt.engine.dispose()
    fill_from_template(rt.engine.url.render_as_string(hide_password=False),
                       ("court", _fingerprint(DEFINITIONS), at), make)


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


_TEMPLATE_PREFIX = "sopt_"
_templates: dict[tuple[object, ...], str] = {}


def fill_from_template(url: str, key: tuple[object, ...],
                       make: Callable[[str], None]) -> None:
    """Makes the empty database at ``url`` (nobody connected to it) hold what ``make(url)``
    leaves in an empty database of its backend: ``make`` runs once per process and ``key``,
    into a template, and each call copies it."""
    backend = make_url(url).get_backend_name()
    full_key = (backend, *key)
    template = _templates.get(full_key)
    if backend == "sqlite":
        if template is None:
            folder = Path(tempfile.mkdtemp(prefix="sop-template-"))
            atexit.register(shutil.rmtree, folder, True)
            template = f"sqlite:///{folder / 'sop.db'}"
            make(template)
            _templates[full_key] = template
        target = Path(str(make_url(url).database))
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        source = Path(str(make_url(template).database))
        for suffix in ("", "-wal"):
            found = source.with_name(source.name + suffix)
            if found.exists():
                shutil.copyfile(found, target.with_name(target.name + suffix))
        return
    admin = _postgres_admin()
    if template is None:
        name = _postgres_name()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        atexit.register(_drop_database, name)
        template = make_url(url).set(database=name).render_as_string(hide_password=False)
        make(template)
        _templates[full_key] = template
    name = str(make_url(url).database)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(
            f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')


@cache
def _postgres_admin() -> Engine:
    """Connections to the server's database named by the test URL, for making and dropping
    the tests' own databases (in autocommit: CREATE DATABASE cannot run in a transaction);
    first drops what a test process that died left behind."""
    engine = create_engine(require_postgres(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        names = conn.exec_driver_sql(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            (_TEMPLATE_PREFIX + "%",)).scalars().all()
        for name in names:
            pid = name.removeprefix(_TEMPLATE_PREFIX).split("_")[0]
            if pid.isdigit() and not _alive(int(pid)):
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return engine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _postgres_name() -> str:
    """A database name of this process (its pid first, so that a later run can tell that the
    process is gone and drop what it left)."""
    return f"{_TEMPLATE_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:12]}"


def _drop_database(name: str) -> None:
    with _postgres_admin().connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A PostgreSQL URL of a fresh, empty database of its own, dropped on leaving."""
    base = require_postgres()
    name = _postgres_name()
    with _postgres_admin().connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(name)
