"""Bring a database's schema to the newest revision (``alembic upgrade head``).

The Alembic environment ships inside the package (``migrations/``); the configuration is
built here in code, so no ``alembic.ini`` is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).resolve().parent / "migrations"
HEAD = "0018"  # the newest revision in migrations/versions (a test holds them equal)


def stored_revision(conn: Connection) -> str | None:
    """The revision the database on ``conn`` says it is at (read without Alembic, which
    the commands that only read do not import)."""
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("path_separator", "os")
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade ``engine``'s database to ``revision``, in one transaction."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
