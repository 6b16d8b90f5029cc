"""Copying a SQLite store while it is in use, and putting a copy in place of one.

**The online copy** (:func:`online_copy`) is SQLite's backup API (``sqlite3_backup_step``,
through Python's ``Connection.backup``) with the source's read snapshot held open for the
whole copy. SQLite restarts a stepped backup from its first page whenever another
connection commits between two steps; under writers that commit every few milliseconds it
would never finish. Holding one read transaction on the source connection across the steps
fixes the snapshot instead: every step reads the same committed state (the one of the
first read, so every commit acknowledged before the copy began, and none after), and in WAL
mode a reader blocks no writer (only the checkpoint waits for it, and the WAL grows for
the copy's duration). The copy goes in steps of ``pages`` pages, the GIL released during
each, so a progress bar moves and threads of the same process go on; every
:data:`SYNC_PAGES` pages what was written is flushed to the disk, so that the copy never
piles up hundreds of MB of dirty pages whose flush would stall the writers' own ``fsync``
(measured on a 700 MB database with a writer committing at ``synchronous=FULL``: its
longest commit during the copy 230-250 ms flushed at the end, 35-44 ms flushed this way).

The copy is written in rollback-journal mode (``journal_mode=DELETE``): one file, readable
from read-only media, with no ``-wal`` beside it that could be lost on the way.

**Putting a copy in place** (:func:`install`) of a database that may be open elsewhere: a
database in WAL mode is only switched to rollback mode when no other connection has it
open (SQLite needs an exclusive lock on the file for that, and every open WAL connection
holds a shared one), so a court's database still used by ``sop serve`` or a worker is
refused rather than swapped under it. The switch also folds the ``-wal`` into the file and
removes it: an old ``-wal`` left beside a new file would be read as the new file's.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path
from urllib.parse import quote

from sop_runtime.files import sync_folder
from sop_runtime.i18n import tr
from sop_runtime.store.errors import CopyFailed

MAGIC = b"SQLite format 3\x00"
STEP_PAGES = 256  # pages per backup step (1 MB at SQLite's default 4 KB page)
SYNC_PAGES = 8192  # the copy is flushed to the disk every so many pages (32 MB at 4 KB)
IN_USE_WAIT_S = 2.0  # how long to wait for other connections to let go of a database


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` is a regular file that starts as a SQLite database does."""
    try:
        with path.open("rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database file ``path`` (never creates it)."""
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True,
                           isolation_level=None, timeout=10)


def online_copy(source: Path, target: Path, *, pages: int = STEP_PAGES,
                progress: Callable[[int, int], None] | None = None) -> None:
    """Copy the database ``source`` into the new file ``target`` from one read snapshot,
    ``pages`` pages a step; ``progress(copied, total)`` after each step."""
    with closing(read_only(source)) as src:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fixes the snapshot
        with closing(sqlite3.connect(target, isolation_level=None)) as dst:
            fd = os.open(target, os.O_RDONLY)
            synced = 0

            def step(_status: int, remaining: int, total: int) -> None:
                nonlocal synced
                done = total - remaining
                if done - synced >= SYNC_PAGES:  # a little at a time, not all at the end
                    os.fsync(fd)
                    synced = done
                if progress is not None:
                    progress(done, total)

            try:
                src.backup(dst, pages=pages, progress=step)
            finally:
                os.close(fd)
            dst.execute("PRAGMA journal_mode=DELETE").fetchone()
        src.execute("COMMIT")


def quick_check(path: Path) -> str | None:
    """What SQLite's ``PRAGMA quick_check`` finds wrong with the pages of ``path`` (None:
    nothing)."""
    with closing(read_only(path)) as db:
        rows = [r[0] for r in db.execute("PRAGMA quick_check(5)")]
    return None if rows == ["ok"] else "; ".join(str(r) for r in rows)


def to_rollback_mode(path: Path) -> None:
    """Fold ``path``'s WAL into the file and leave it in rollback-journal mode (one file)."""
    with closing(sqlite3.connect(path, isolation_level=None, timeout=IN_USE_WAIT_S)) as db:
        mode = db.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    if str(mode).lower() != "delete":
        raise CopyFailed(tr("{p} masih dipakai proses lain", "{p} is still in use by another "
                            "process", p=path))


def place(made: Path, path: Path, *, overwrite: bool) -> None:
    """Give the finished file ``made`` the name ``path`` in one step (same folder): over an
    existing file only when ``overwrite``; otherwise a file that appeared at ``path``
    meanwhile is kept, and :class:`FileExistsError` raised."""
    if overwrite:
        os.replace(made, path)
    else:
        try:
            os.link(made, path)  # fails if the name is taken, whoever took it
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links (a FAT memory stick)
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(made, path)
        else:
            made.unlink()
    sync_folder(path.parent)


def remove(path: Path) -> None:
    """Remove a database file and the ``-wal``, ``-shm`` and ``-journal`` beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(OSError):
            path.with_name(path.name + suffix).unlink()


def holds_cases(path: Path) -> bool | None:
    """Whether the database ``path`` holds a case event (None: it is no SQLite database
    this can read; False also for a file without the store's tables)."""
    try:
        with closing(read_only(path)) as db:
            tables = {r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "events" not in tables:
                return False
            return db.execute("SELECT 1 FROM events LIMIT 1").fetchone() is not None
    except sqlite3.DatabaseError:
        return None


def install(made: Path, target: Path, *, keep_as: Path | None) -> None:
    """Put the database file ``made`` (closed, synced, in the same folder) at ``target``.

    An existing ``target`` must be open nowhere else: it is switched to rollback mode first
    (its WAL folded in and removed; refused while another connection holds it), then kept
    as ``keep_as`` or removed. A ``target`` that is not a SQLite database is simply
    replaced (or kept as ``keep_as``)."""
    if not target.exists():
        place(made, target, overwrite=False)
        return
    holder: sqlite3.Connection | None = None
    try:
        holder = sqlite3.connect(target, isolation_level=None, timeout=IN_USE_WAIT_S)
        try:
            mode = holder.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            holder.execute("BEGIN EXCLUSIVE")  # nobody else reads or writes it now
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise CopyFailed(tr(
                    "basis data {p} sedang dipakai proses lain (sop serve, pekerja "
                    "otomatisasi, sop lain): hentikan dahulu, lalu pulihkan lagi",
                    "the database {p} is in use by another process (sop serve, an "
                    "automation worker, another sop): stop it first, then restore again",
                    p=target)) from None
            mode = "delete"  # not a database SQLite can lock: replaced as a plain file
        except sqlite3.DatabaseError:
            mode = "delete"
        if str(mode).lower() != "delete":
            raise CopyFailed(tr("{p} masih dipakai proses lain", "{p} is still in use by "
                                "another process", p=target))
        if keep_as is not None:
            os.link(target, keep_as)
        for suffix in ("-wal", "-shm"):  # none after the switch; never a stale one kept
            with suppress(FileNotFoundError):
                target.with_name(target.name + suffix).unlink()
        os.replace(made, target)
        sync_folder(target.parent)
    finally:
        if holder is not None:
            holder.close()
