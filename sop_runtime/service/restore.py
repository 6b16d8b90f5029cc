"""``sop restore``: a backup put back as the court's store, only once it is shown to be the
court's log.

The backup is restored beside the target first (a temporary file in the target's folder;
on PostgreSQL a new database on the same server) and checked there; only a copy that passes
takes the target's place, so a refused restore leaves the target as it was. The checks:

1. everything ``sop verify --full`` checks: every hash chain, journal and seal, every sealed
   entry against the log, the projections, the SOP versions, the documents (the documents'
   folder is restored separately, before, from the same time);
2. the signed seals against the key at hand (``SOP_SIGNING_KEY``, or the public key given):
   every seal that key signed must hold, and the newest signed seal must be that key's;
3. a witness's head (``sop seal export``, as the High Court or the Ketua's report keeps it),
   when given: its signature by the key at hand; the same court; and, if it covers no more
   entries than the backup's tree, the backup's root at the head's size must be the head's
   root (else the restored log is not the one the witness saw). A head larger than the
   backup's newest seal says the backup is older than what the witness saw; how many sealed
   entries it lacks is said, and the restore goes on only if that loss is accepted.

A target that already holds cases is replaced only when asked. A replaced database is kept
aside under another name, never deleted (a store without cases too: it holds accounts and
journals); only an empty one (no table) is dropped.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from sqlalchemy import make_url
from sqlalchemy.exc import DBAPIError

from sop_runtime.audit import signing
from sop_runtime.audit.heads import SignedHead
from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.files import sync_file
from sop_runtime.i18n import tr
from sop_runtime.service.backup import BackupInputError, Held, failures, held_in
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import pg_copy, sqlite_copy
from sop_runtime.store.seals import SealRow


class RestoreRefused(SopRuntimeError):
    """The restored copy is not shown to be the court's log (it does not verify, or a
    witness's head says otherwise): the target was left as it was."""

    kind: ClassVar[Kind] = "problem"


@dataclass(frozen=True)
class WitnessCheck:
    """A witness's head against the restored tree."""

    seal_id: int
    size: int
    sealed_at: datetime
    tree_size: int      # the restored tree's size (its newest seal)
    lacking: int        # sealed entries the witness saw that the backup's tree lacks
    missing: int = 0    # of those, how many the backup lacks at the least (it holds fewer
                        # entries in all than the witness saw sealed)

    @property
    def matches(self) -> bool:
        return self.lacking == 0


@dataclass(frozen=True)
class Restored:
    target: str                 # the file, or the database (its password masked)
    backend: str
    held: Held
    key: str | None             # the id of the key at hand
    signatures_held: int        # seals whose signature held with it
    not_checked: int            # signed seals it could not check (another key's; no key)
    witness: WitnessCheck | None
    kept_old: str | None        # where the database it replaced was kept
    documents: Path


def restore(backup: Path, *, url: str | None = None, replace: bool = False,
            witness: SignedHead | None = None, public: bytes | None = None,
            accept_loss: bool = False) -> Restored:
    """Restore ``backup`` into the database ``url`` (default ``SOP_DATABASE_URL``); see the
    module. ``public``: the court's public key to check signatures with."""
    from sop_runtime.store.db import database_url, masked
    from sop_runtime.store.documents import documents_root

    url = url or database_url()
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise BackupInputError(tr("SOP_DATABASE_URL tidak dapat dibaca: {e}",
                                  "SOP_DATABASE_URL cannot be read: {e}", e=exc)) from None
    backend = parsed.get_backend_name()
    _check_file(backup, backend)
    if witness is not None and public is None:
        raise BackupInputError(tr(
            "Tanda tangan kepala saksi hanya dapat diperiksa dengan kunci publik pengadilan: "
            "--public-key, atau SOP_SIGNING_KEY",
            "The witness's head can only be checked with the court's public key: "
            "--public-key, or SOP_SIGNING_KEY"))
    documents = documents_root(url).absolute()
    if backend == "sqlite":
        return _restore_sqlite(backup, url, replace=replace, witness=witness, public=public,
                               accept_loss=accept_loss, documents=documents)
    if backend != "postgresql":
        raise BackupInputError(tr("basis data {u} bukan SQLite atau PostgreSQL",
                                  "the database {u} is neither SQLite nor PostgreSQL",
                                  u=masked(url)))
    return _restore_postgres(backup, url, replace=replace, witness=witness, public=public,
                             accept_loss=accept_loss, documents=documents)


def _check_file(backup: Path, backend: str) -> None:
    if not backup.exists():
        raise BackupInputError(tr("berkas cadangan {p} tidak ada",
                                  "the backup file {p} does not exist", p=backup))
    if not backup.is_file():
        raise BackupInputError(tr("{p} bukan berkas biasa", "{p} is not a regular file",
                                  p=backup))
    if sqlite_copy.is_sqlite_file(backup):
        kind = "sqlite"
    elif pg_copy.is_archive(backup):
        kind = "postgresql"
    else:
        raise BackupInputError(tr(
            "{p} bukan cadangan: bukan basis data SQLite maupun arsip pg_dump",
            "{p} is not a backup: neither a SQLite database nor a pg_dump archive",
            p=backup))
    if kind != backend:
        raise BackupInputError(tr(
            "{p} adalah cadangan {k}, sedangkan SOP_DATABASE_URL menunjuk {b}: pulihkan ke "
            "jenis basis data yang sama",
            "{p} is a {k} backup while SOP_DATABASE_URL names {b}: restore it into the same "
            "kind of database", p=backup, k=_name(kind), b=_name(backend)))


def _name(backend: str) -> str:
    return "PostgreSQL" if backend == "postgresql" else "SQLite"


def _restore_sqlite(backup: Path, url: str, *, replace: bool, witness: SignedHead | None,
                    public: bytes | None, accept_loss: bool, documents: Path) -> Restored:
    import sqlite3

    from sop_runtime.store.db import make_engine

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupInputError(tr("SOP_DATABASE_URL harus menunjuk berkas SQLite",
                                  "SOP_DATABASE_URL must name a SQLite file"))
    target = Path(database)
    if not target.parent.is_dir():
        raise BackupInputError(tr("folder {f} tidak ada", "the folder {f} does not exist",
                                  f=target.parent))
    if target.exists() and target.resolve() == backup.resolve():
        raise BackupInputError(tr("cadangan {p} adalah basis data tujuan itu sendiri",
                                  "the backup {p} is the target database itself", p=backup))
    keep, kept = False, None
    if target.exists():
        holds = sqlite_copy.holds_cases(target)
        if holds is not False and not replace:
            raise BackupInputError(_occupied(str(target.absolute()), holds is None))
        keep = target.stat().st_size > 0  # a store without cases is kept too: its accounts
    made = target.with_name(f".{target.name}.pulih-{secrets.token_hex(4)}")
    try:
        try:
            sqlite_copy.online_copy(backup, made)
        except sqlite3.Error as exc:
            raise BackupInputError(tr("cadangan {p} rusak atau tidak dapat dibaca: {e}",
                                      "the backup {p} is damaged or cannot be read: {e}",
                                      p=backup, e=exc)) from None
        damage = sqlite_copy.quick_check(made)
        if damage is not None:
            raise RestoreRefused(_refused(tr("halaman basis datanya rusak ({e})",
                                             "its database pages are damaged ({e})",
                                             e=damage)))
        copy = Runtime(make_engine(f"sqlite:///{made}"), documents_root=documents)
        try:
            found = _checked(copy, witness, public, accept_loss)
        finally:
            copy.engine.dispose()
        sqlite_copy.to_rollback_mode(made)
        sync_file(made)
        kept = _free(target.with_name(target.name + ".sebelum-pemulihan")) if keep else None
        sqlite_copy.install(made, target, keep_as=kept)
    except OSError as exc:
        raise BackupInputError(tr("tidak dapat memulihkan ke {p}: {e}",
                                  "cannot restore into {p}: {e}", p=target,
                                  e=exc.strerror or exc)) from None
    finally:
        sqlite_copy.remove(made)
    held, key, signatures, not_checked, seen = found
    return Restored(str(target.absolute()), "sqlite", held, key, signatures, not_checked, seen,
                    None if kept is None else str(kept), documents)


def _restore_postgres(backup: Path, url: str, *, replace: bool, witness: SignedHead | None,
                      public: bytes | None, accept_loss: bool, documents: Path) -> Restored:
    from sop_runtime.store.db import make_engine, masked

    held_now = pg_copy.state(url)
    if held_now in ("cases", "other") and not replace:
        raise BackupInputError(_occupied(masked(url), held_now == "other"))
    made = pg_copy.restore_new(url, backup)
    try:
        copy = Runtime(make_engine(made), documents_root=documents)
        try:
            found = _checked(copy, witness, public, accept_loss)
        finally:
            copy.engine.dispose()
        kept = pg_copy.swap(made, url, keep_old=held_now != "empty")
    except BaseException:
        pg_copy.drop(made)
        raise
    held, key, signatures, not_checked, seen = found
    return Restored(masked(url), "postgresql", held, key, signatures, not_checked, seen,
                    kept, documents)


def _occupied(target: str, unknown: bool) -> str:
    if unknown:
        return tr("{t} sudah ada dan bukan basis data sop-runtime yang dapat dibaca: pakai "
                  "--ganti untuk menggantinya (yang lama disimpan dengan nama lain)",
                  "{t} exists and is not a sop-runtime database this can read: use --ganti "
                  "to replace it (the old one is kept under another name)", t=target)
    return tr("{t} sudah memuat perkara: pakai --ganti untuk menggantinya (yang lama disimpan "
              "dengan nama lain)",
              "{t} already holds cases: use --ganti to replace it (the old one is kept under "
              "another name)", t=target)


def _free(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3``... whichever is not taken."""
    found, n = path, 1
    while found.exists():
        n += 1
        found = path.with_name(f"{path.name}-{n}")
    return found


def _refused(why: str) -> str:
    return tr("Pemulihan ditolak, basis data tujuan tidak diubah: {w}",
              "Restore refused, the target database was not changed: {w}", w=why)


Checked = tuple[Held, str | None, int, int, WitnessCheck | None]


def _checked(rt: Runtime, witness: SignedHead | None, public: bytes | None,
             accept_loss: bool) -> Checked:
    """The restored copy on ``rt`` checked as the module says; RestoreRefused if it is not
    shown to be the court's log."""
    from sop_runtime.service import catalog, integrity
    from sop_runtime.service.ready import NotInitialised
    from sop_runtime.store.migrate import HEAD, stored_revision

    try:
        with rt.engine.connect() as conn:
            have = stored_revision(conn)
    except DBAPIError:  # no alembic_version table: no store at all
        have = None
    if have is None:
        raise BackupInputError(tr("cadangan ini tidak memuat basis data sop-runtime",
                                  "this backup holds no sop-runtime database"))
    if have != HEAD:
        raise BackupInputError(tr(
            "cadangan ini pada skema {h}, versi sop-runtime ini memakai skema {n}: pulihkan "
            "dengan versi yang membuatnya, lalu jalankan 'sop init' dengan versi ini",
            "this backup is at schema {h} and this version of sop-runtime uses schema {n}: "
            "restore it with the version that made it, then run 'sop init' with this one",
            h=have or "-", n=HEAD))
    try:
        found = integrity.verify(rt, full=True)
    except NotInitialised:
        raise BackupInputError(tr("cadangan ini tidak memuat pengadilan yang disiapkan "
                                  "'sop init'", "this backup holds no court set up by "
                                  "'sop init'")) from None
    if not found.ok:
        why = "; ".join(failures(found))
        if not found.documents.ok:
            why += tr(" — pulihkan folder dokumen {d} lebih dahulu, dari waktu yang sama",
                      " — restore the documents' folder {d} first, from the same time",
                      d=rt.documents.root.absolute())
        raise RestoreRefused(_refused(tr("log pulihan tidak lolos pemeriksaan ({w})",
                                         "the restored log does not verify ({w})", w=why)))
    with rt.engine.connect() as conn:
        held = held_in(conn)
        court = catalog.court(rt, conn)[0].pengadilan.nama
        from sop_runtime.store import seals as store_seals

        logged = [s for s in store_seals.list_seals(conn) if s.kind == "log"]
        key = signing.key_id(public) if public is not None else None
        held_signatures = _signatures(logged, public)
        seen = None if witness is None else _witness(rt, witness, public, court, logged,
                                                     held.entries, accept_loss)
    not_checked = sum(s.signed for s in logged) - held_signatures
    return held, key, held_signatures, not_checked, seen


def _signatures(logged: list[SealRow], public: bytes | None) -> int:
    """How many seals the key at hand signed, all holding; the newest signed seal must be
    one of them."""
    from sop_runtime.service.seals import signature_break

    if public is None:
        return 0
    brk = signature_break(logged, public)
    if brk is not None:
        raise RestoreRefused(_refused(brk.message))
    key = signing.key_id(public)
    newest = next((s for s in reversed(logged) if s.signed), None)
    if newest is not None and newest.signed_with != key:
        raise RestoreRefused(_refused(tr(
            "segel bertanda tangan terbaru (#{n}) ditandatangani kunci {o}, bukan kunci {k} "
            "yang dipakai memeriksa; bila pengadilan telah mengganti kuncinya, berikan kunci "
            "publik yang lama dengan --public-key",
            "the newest signed seal (#{n}) was signed by the key {o}, not the key {k} it is "
            "checked with; if the court changed its key, give the old public key with "
            "--public-key", n=newest.id, o=newest.signed_with, k=key)))
    return sum(s.signed_with == key for s in logged)


def _witness(rt: Runtime, head: SignedHead, public: bytes | None, court: str,
             logged: list[SealRow], entries: int, accept_loss: bool) -> WitnessCheck:
    """The witness's head against the restored tree."""
    from sop_runtime.service.witness import prefix_root

    assert public is not None
    h = head.head
    if not signing.verify(h, head.signature, public):
        raise RestoreRefused(_refused(tr(
            "kepala saksi (segel #{n}) tidak ditandatangani kunci {k}",
            "the witness's head (seal #{n}) is not signed by the key {k}", n=head.seal_id,
            k=signing.key_id(public))))
    if h.court != court:
        raise RestoreRefused(_refused(tr(
            "kepala saksi milik {a}, sedangkan cadangan ini milik {b}",
            "the witness's head is {a}'s, while this backup is {b}'s", a=h.court, b=court)))
    size = logged[-1].size if logged else 0
    if h.size > size:
        check = WitnessCheck(head.seal_id, h.size, h.sealed_at, size, h.size - size,
                             max(0, h.size - entries))
        if not accept_loss:
            raise RestoreRefused(_refused(tr(
                "cadangan ini lebih lama dari yang dilihat saksi: kepala saksi (segel #{n}) "
                "mencakup {w} entri yang disegel, cadangan ini memuat {e} entri, {b} di antaranya "
                "di bawah segelnya. {lost} Pakai --terima-kehilangan untuk tetap "
                "memulihkannya",
                "this backup is older than what the witness saw: the witness's head (seal "
                "#{n}) covers {w} sealed entries, this backup holds {e}, {b} of them under "
                "its seals. {lost} Use --terima-kehilangan to restore it anyway",
                n=head.seal_id, w=h.size, e=entries, b=size, lost=loss_text(check))))
        return check
    top = prefix_root(rt, h.size).root
    if top != h.root:
        raise RestoreRefused(_refused(tr(
            "log pulihan BUKAN log yang dilihat saksi: pada {s} entri akarnya {a}, kepala saksi "
            "(segel #{n}) menyatakan {b}; entri yang sudah disegel telah diubah, dihapus atau "
            "disisipi",
            "the restored log is NOT the one the witness saw: at {s} entries its root is {a}, "
            "the witness's head (seal #{n}) states {b}; sealed entries were altered, removed "
            "or slipped in", s=h.size, a=top, n=head.seal_id, b=h.root)))
    return WitnessCheck(head.seal_id, h.size, h.sealed_at, size, 0)


def loss_text(check: WitnessCheck) -> str:
    """What a backup older than a witness's head lacks, in a sentence."""
    unsealed = check.lacking - check.missing
    said = tr("Sedikitnya {m} entri tersegel yang dilihat saksi tidak ada di cadangan.",
              "At least {m} entries the witness saw sealed are not in the backup.",
              m=check.missing) if check.missing else ""
    if unsealed:
        said += (" " if said else "") + tr(
            "{u} entri sesudah segel cadangan belum disegel di dalamnya, jadi tidak dapat "
            "dicocokkan dengan kepala itu.",
            "{u} entries after the backup's seal are unsealed in it, so they cannot be "
            "matched with that head.", u=unsealed)
    return said
