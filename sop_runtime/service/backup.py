"""``sop backup``: a copy of the court's store that ``sop verify`` accepts, made while the
court works.

A backup is refused, with nothing written, while the live log does not verify (a copy of a
damaged record would only spread the damage): the checks of ``sop verify`` (by default what
changed since the newest seal; ``full``: everything), and the failed ones are named.

- **SQLite**: SQLite's online backup API from one read snapshot
  (:mod:`sop_runtime.store.sqlite_copy`): writers go on meanwhile, and the copy holds
  every action whose commit returned before the copy began. It is written to a temporary
  file beside ``PATH``, checked there (SQLite's ``quick_check``, then the same checks as
  the live log on the copy itself), flushed to the disk and only then given its name, in one
  step; a copy that does not verify never takes ``PATH``.
- **PostgreSQL**: ``pg_dump`` in custom format (:mod:`sop_runtime.store.pg_copy`) from a
  snapshot exported by a transaction that reads the figures reported, so they describe
  exactly what the file holds; the archive's table of contents is read back before it
  takes ``PATH``. Point-in-time recovery (a base backup with WAL archiving) is the
  database administrator's, outside the product (docs/operations.md).

The documents' folder is not in the backup: it is said where it is, to be copied with it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sqlalchemy import Connection, func, select

from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.files import sync_file
from sop_runtime.i18n import tr
from sop_runtime.service.integrity import Verification
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import sqlite_copy
from sop_runtime.store.seals import SealRow


class BackupRefused(SopRuntimeError):
    """The backup was refused (the live log, or the copy, does not verify); nothing was
    left at the path asked for."""


class BackupInputError(SopRuntimeError):
    """A path or file handed to ``sop backup`` or ``sop restore`` cannot be used as it is
    (the target exists, the file is missing or is no backup, a database already holds
    cases): the user's to fix."""

    kind: ClassVar[Kind] = "bad_input"


@dataclass(frozen=True)
class Held:
    """What a store holds: its log's entries and its newest seals."""

    events: int
    journal_entries: int
    cases: int
    newest_seal: SealRow | None
    newest_signed: SealRow | None
    unsealed: int  # entries appended after the newest seal of the log tree

    @property
    def entries(self) -> int:
        return self.events + self.journal_entries


def held_in(conn: Connection) -> Held:
    """What the store on ``conn`` holds (read in the caller's snapshot)."""
    from sop_runtime.store import seals as store_seals
    from sop_runtime.store.schema import cases, events, journal

    found = store_seals.list_seals(conn)
    logged = [s for s in found if s.kind == "log"]
    signed = [s for s in logged if s.signed]
    newest = logged[-1] if logged else None
    count_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
    count_journal = conn.execute(select(func.count()).select_from(journal)).scalar_one()
    if newest is None:
        unsealed = count_events + count_journal
    else:
        unsealed = (conn.execute(select(func.count()).select_from(events)
                                 .where(events.c.id > newest.events_through)).scalar_one()
                    + conn.execute(select(func.count()).select_from(journal)
                                   .where(journal.c.id > newest.journal_through)).scalar_one())
    return Held(count_events, count_journal,
                conn.execute(select(func.count()).select_from(cases)).scalar_one(),
                found[-1] if found else None, signed[-1] if signed else None, unsealed)


def failures(found: Verification) -> list[str]:
    """Each check of ``sop verify`` that failed, in a phrase naming what it found first."""
    out = []
    brk = found.chain.first_break
    if brk is not None:
        out.append(tr("rantai hash perkara {c} urutan {s} ({w}): {m}",
                      "the hash chain of case {c} at seq {s} ({w}): {m}",
                      c=brk.case_id, s="-" if brk.seq is None else brk.seq, w=brk.what,
                      m=brk.message))
    jbrk = found.journals.first_break
    if jbrk is not None:
        out.append(tr("jurnal pengadilan: {m}", "a court journal: {m}", m=jbrk.message))
    sbrk = found.seals.first_break
    if sbrk is not None:
        out.append(tr("segel ({w}): {m}", "the seals ({w}): {m}", w=sbrk.what,
                      m=sbrk.message))
    if not found.projections.ok:
        out.append(tr("proyeksi berbeda dari log ({n} perbedaan)",
                      "the projections differ from the log ({n} differences)",
                      n=found.projections.findings.total))
    if found.directory:
        out.append(tr("tabel berbeda dari jurnal pengadilan ({n})",
                      "tables differ from the court journals ({n})", n=len(found.directory)))
    if found.versions:
        out.append(tr("versi SOP tersimpan telah diubah ({n})",
                      "stored SOP versions were altered ({n})", n=len(found.versions)))
    if not found.documents.ok:
        out.append(tr("dokumen tercatat hilang atau diubah ({n})",
                      "recorded documents missing or altered ({n})",
                      n=len(found.documents.differences)))
    return out


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int             # bytes
    backend: str          # sqlite | postgresql
    held: Held
    mode: str             # what was verified, before and after: changed | full
    seconds: float
    documents: Path       # the documents' folder, not in the backup


def backup(rt: Runtime, path: Path, *, overwrite: bool = False, full: bool = False,
           pages: int = sqlite_copy.STEP_PAGES,
           progress: Callable[[int, int], None] | None = None) -> BackupMade:
    """Copy the store of ``rt`` to the file ``path`` once its log verifies (see the
    module); ``overwrite`` lets it replace a file there. ``progress(done, total)`` follows a
    SQLite copy page by page (first called once the copy's snapshot is fixed), a PostgreSQL
    dump from its snapshot (0 of 1) to its end (1 of 1)."""
    began = time.monotonic()
    backend = rt.engine.dialect.name
    path = _target(rt, path, overwrite=overwrite)
    from sop_runtime.service import integrity

    found = integrity.verify(rt, full=full)
    if not found.ok:
        raise BackupRefused(tr(
            "Cadangan tidak dibuat: log yang berjalan tidak lolos pemeriksaan ({w}). "
            "Jalankan 'sop verify' untuk rinciannya.",
            "No backup made: the live log does not verify ({w}). Run 'sop verify' for the "
            "details.", w="; ".join(failures(found))))
    documents = rt.documents.root.absolute()
    made = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        if backend == "sqlite":
            held = _copy_sqlite(rt, made, full=full, pages=pages, progress=progress)
        else:
            held = _dump_postgres(rt, made, progress)
        sync_file(made)
        size = made.stat().st_size
        sqlite_copy.place(made, path, overwrite=overwrite)
    except FileExistsError:
        raise BackupInputError(_exists(path)) from None
    except OSError as exc:
        raise BackupInputError(tr("tidak dapat menulis {p}: {e}", "cannot write {p}: {e}",
                                  p=path, e=exc.strerror or exc)) from None
    finally:
        sqlite_copy.remove(made)
    return BackupMade(path, size, backend, held, "full" if full else "changed",
                      time.monotonic() - began, documents)


def _exists(path: Path) -> str:
    return tr("{p} sudah ada: cadangan tidak menimpanya (pakai --timpa untuk menimpa)",
              "{p} already exists: the backup does not overwrite it (use --timpa to "
              "overwrite)", p=path)


def _target(rt: Runtime, path: Path, *, overwrite: bool) -> Path:
    """``path`` checked before any work: a file name in a folder that exists, not the live
    database, and free unless ``overwrite``."""
    path = path.expanduser().absolute()
    if not path.name or path.is_dir():
        raise BackupInputError(tr("{p} adalah folder; sebutkan nama berkas cadangan",
                                  "{p} is a folder; name the backup file", p=path or "''"))
    if not path.parent.is_dir():
        raise BackupInputError(tr("folder {f} tidak ada", "the folder {f} does not exist",
                                  f=path.parent))
    if path.exists() and not overwrite:
        raise BackupInputError(_exists(path))
    if path.exists() and not path.is_file():
        raise BackupInputError(tr("{p} bukan berkas biasa", "{p} is not a regular file",
                                  p=path))
    live = rt.engine.url.database if rt.engine.dialect.name == "sqlite" else None
    if live and path.exists():
        resolved = Path(live).resolve()
        if path.resolve() in {resolved.with_name(resolved.name + s) for s in
                              ("", "-wal", "-shm", "-journal")}:
            raise BackupInputError(tr("{p} adalah basis data yang sedang dicadangkan",
                                      "{p} is the database being backed up", p=path))
    return path


def _copy_sqlite(rt: Runtime, made: Path, *, full: bool, pages: int,
                 progress: Callable[[int, int], None] | None) -> Held:
    """The online copy into ``made``, checked as the live log was; what it holds."""
    import sqlite3

    from sop_runtime.service import integrity
    from sop_runtime.store.db import make_engine

    live = Path(str(rt.engine.url.database))
    try:
        sqlite_copy.online_copy(live, made, pages=pages, progress=progress)
    except sqlite3.Error as exc:
        from sop_runtime.store.errors import CopyFailed

        raise CopyFailed(tr("salinan {p} gagal: {e}", "copying {p} failed: {e}", p=live,
                            e=exc)) from None
    damage = sqlite_copy.quick_check(made)
    if damage is not None:
        raise BackupRefused(tr("Cadangan tidak dibuat: halaman salinan rusak ({e})",
                               "No backup made: the copy's pages are damaged ({e})",
                               e=damage))
    copy = Runtime(make_engine(f"sqlite:///{made}"), rt.clock,
                   documents_root=rt.documents.root)
    try:
        found = integrity.verify(copy, full=full)
        if not found.ok:
            raise BackupRefused(tr(
                "Cadangan tidak dibuat: salinannya tidak lolos pemeriksaan ({w})",
                "No backup made: the copy does not verify ({w})", w="; ".join(failures(found))))
        with copy.engine.connect() as conn:
            held = held_in(conn)
    finally:
        copy.engine.dispose()
    sqlite_copy.to_rollback_mode(made)  # checking it opened it in WAL mode: one file again
    return held


def _dump_postgres(rt: Runtime, made: Path,
                   progress: Callable[[int, int], None] | None) -> Held:
    """``pg_dump`` into ``made`` from a snapshot whose figures are read meanwhile;
    ``progress(0, 1)`` once the snapshot is fixed, ``progress(1, 1)`` once it is dumped."""
    from sop_runtime.store import pg_copy

    url = rt.engine.url.render_as_string(hide_password=False)
    with rt.engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            held = held_in(conn)
            if progress is not None:
                progress(0, 1)
            pg_copy.dump(url, made, snapshot=str(snapshot))
            if progress is not None:
                progress(1, 1)
    pg_copy.check_archive(made)
    return held
