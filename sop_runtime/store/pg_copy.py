"""Copying a PostgreSQL store with PostgreSQL's own tools, and restoring a copy beside the
database it is to become.

- :func:`dump`: ``pg_dump --format=custom`` of the store's database, from a snapshot the
  caller exported (``pg_export_snapshot()`` in a REPEATABLE READ transaction it keeps open
  until the dump is done), so the figures the caller reads in that transaction describe
  exactly what the file holds, and every commit acknowledged before the snapshot is in it.
- :func:`restore_new`: a new database beside the target (``<target>_pulih_<hex>``, from
  ``template0`` with the target's encoding and locale), ``pg_restore`` into it in one
  transaction (all of it or nothing); the caller checks it there, then :func:`swap` gives it
  the target's name (the old database renamed aside, or dropped), or :func:`drop` removes it.
  Renaming a database needs the role to own it (or be superuser) and nobody connected to it:
  a court still serving is refused with a message, not interrupted.

The tools are the PostgreSQL client programs (``pg_dump``, ``pg_restore``) of the server's
major version or newer, found on ``PATH``; the password, if the URL holds one, goes to them
in ``PGPASSWORD``, never on a command line others can read.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine, make_url
from sqlalchemy.engine import URL

from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.store.db import make_engine, masked
from sop_runtime.store.errors import CopyFailed

MAGIC = b"PGDMP"  # the first bytes of a pg_dump custom-format archive
MAINTENANCE_DB = "postgres"
DOCS = "docs/operations.md, 'Backups and restore'"


def is_archive(path: Path) -> bool:
    """Whether ``path`` starts as a ``pg_dump --format=custom`` archive does."""
    try:
        with path.open("rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise CopyFailed(tr(
            "{t} tidak ditemukan di PATH: pasang program klien PostgreSQL (Debian/Ubuntu: "
            "paket postgresql-client, versi utama yang sama dengan server atau lebih baru); "
            "lihat {d}",
            "{t} is not on PATH: install the PostgreSQL client programs (Debian/Ubuntu: the "
            "postgresql-client package, the server's major version or newer); see {d}",
            t=name, d=DOCS))
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI for ``url`` without its password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.query)  # URL.set keeps a password
    return bare.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> str:
    """Run a client program; :class:`CopyFailed` with what it said when it fails."""
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise CopyFailed(tr("{t} tidak dapat dijalankan: {e}", "cannot run {t}: {e}",
                            t=Path(args[0]).name, e=exc.strerror or exc)) from None
    if done.returncode != 0:
        said = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise CopyFailed(tr("{t} gagal (kode {c}): {e}", "{t} failed (code {c}): {e}",
                            t=Path(args[0]).name, c=done.returncode,
                            e=" / ".join(said[-3:]) or "-"))
    return done.stdout


def dump(url: str, target: Path, *, snapshot: str | None = None) -> None:
    """``pg_dump`` the database of ``url`` into the new file ``target`` (custom format),
    from the exported ``snapshot`` when given."""
    uri, env = _libpq(make_url(url))
    _run([_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}",
          *([f"--snapshot={snapshot}"] if snapshot else []), f"--dbname={uri}"], env)


def check_archive(path: Path) -> int:
    """How many entries the archive's table of contents lists (``pg_restore --list``);
    :class:`CopyFailed` when it cannot be read."""
    listed = _run([_tool("pg_restore"), "--list", str(path)], dict(os.environ))
    return sum(1 for line in listed.splitlines() if line and not line.startswith(";"))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _admin(url: URL) -> Engine:
    """Autocommit connections to the server's maintenance database (CREATE, ALTER and DROP
    DATABASE cannot run inside a transaction, nor on the database they name)."""
    return make_engine(url.set(database=MAINTENANCE_DB).render_as_string(hide_password=False),
                       isolation_level="AUTOCOMMIT")


def _exists(admin: Engine, name: str) -> bool:
    with admin.connect() as conn:
        return conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s",
                                    {"n": name}).first() is not None


def state(url: str) -> str:
    """What the database of ``url`` holds: ``absent`` (no such database), ``empty`` (no
    table), ``no_cases`` (a store without a case event), ``cases``, or ``other`` (tables,
    none of them a store's)."""
    parsed = make_url(url)
    admin = _admin(parsed)
    try:
        if not _exists(admin, str(parsed.database)):
            return "absent"
    finally:
        admin.dispose()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                "('pg_catalog', 'information_schema')").scalar_one()
            if not tables:
                return "empty"
            if conn.exec_driver_sql("SELECT to_regclass('events')").scalar() is None:
                return "other"
            held = conn.exec_driver_sql("SELECT 1 FROM events LIMIT 1").first()
            return "cases" if held is not None else "no_cases"
    finally:
        engine.dispose()


def restore_new(url: str, archive: Path) -> str:
    """A new database beside the one ``url`` names, holding ``archive`` restored (all of it
    or nothing): its URL. Dropped again if the restore fails."""
    parsed = make_url(url)
    target = str(parsed.database)
    name = f"{target[:40]}_pulih_{secrets.token_hex(4)}"
    admin = _admin(parsed)
    try:
        with admin.connect() as conn:
            like = target if _exists(admin, target) else MAINTENANCE_DB
            encoding, collate, ctype = conn.exec_driver_sql(
                "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
                "WHERE datname = %(n)s", {"n": like}).one()
            conn.exec_driver_sql(
                f"CREATE DATABASE {_quoted(name)} TEMPLATE template0 ENCODING "
                f"{_literal(encoding)} LC_COLLATE {_literal(collate)} LC_CTYPE "
                f"{_literal(ctype)}")
    except SopRuntimeError:
        raise
    except Exception as exc:
        raise CopyFailed(tr("basis data sementara tidak dapat dibuat di {s}: {e}",
                            "cannot create a temporary database on {s}: {e}",
                            s=masked(url), e=_first_line(exc))) from None
    finally:
        admin.dispose()
    made = parsed.set(database=name).render_as_string(hide_password=False)
    uri, env = _libpq(make_url(made))
    try:
        _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", "--no-password", f"--dbname={uri}", str(archive)], env)
    except BaseException:
        drop(made)
        raise
    return made


def drop(url: str) -> None:
    """Drop the database ``url`` names (what :func:`restore_new` made)."""
    parsed = make_url(url)
    admin = _admin(parsed)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quoted(str(parsed.database))} "
                                 "WITH (FORCE)")
    finally:
        admin.dispose()


def swap(made: str, url: str, *, keep_old: bool) -> str | None:
    """Give the database ``made`` the name of the one ``url`` names. An existing one is
    renamed aside first: kept under that name when ``keep_old`` (the name is returned),
    else dropped. Refused, with nothing changed, while anyone is connected to it."""
    parsed = make_url(url)
    target, new = str(parsed.database), str(make_url(made).database)
    aside = f"{target[:40]}_sebelum_pulih_{secrets.token_hex(3)}"
    admin = _admin(parsed)
    try:
        with admin.connect() as conn:
            moved = _exists(admin, target)
            if moved:
                try:
                    conn.exec_driver_sql(
                        f"ALTER DATABASE {_quoted(target)} RENAME TO {_quoted(aside)}")
                except Exception as exc:
                    raise CopyFailed(tr(
                        "basis data {d} tidak dapat diganti: {e} (hentikan sop serve, pekerja "
                        "dan sambungan lain ke basis data itu; peran ini harus pemiliknya)",
                        "the database {d} cannot be replaced: {e} (stop sop serve, the workers "
                        "and any other connection to it; this role must own it)",
                        d=target, e=_first_line(exc))) from None
            try:
                conn.exec_driver_sql(f"ALTER DATABASE {_quoted(new)} RENAME TO "
                                     f"{_quoted(target)}")
            except Exception as exc:
                if moved:
                    conn.exec_driver_sql(
                        f"ALTER DATABASE {_quoted(aside)} RENAME TO {_quoted(target)}")
                raise CopyFailed(tr("basis data pulihan tidak dapat diberi nama {d}: {e}",
                                    "the restored database cannot be named {d}: {e}",
                                    d=target, e=_first_line(exc))) from None
            if moved and not keep_old:
                conn.exec_driver_sql(f"DROP DATABASE {_quoted(aside)}")
            return aside if moved and keep_old else None
    finally:
        admin.dispose()


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
