"""``sop backup`` and ``sop restore`` through the service (issue 20, part 4): a backup is
refused while the live log does not verify; a restore puts a backup in place only once its
whole log verifies, its signed seals hold with the key at hand, and a witness's head agrees
(a head of another log is refused; a head larger than the backup's tree says how many
sealed entries the backup lacks); a refused restore leaves the target as it was. SQLite and
PostgreSQL where the backend matters; the witness's arithmetic on SQLite alone."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from sop_runtime.audit import signing
from sop_runtime.audit.heads import SignedHead
from sop_runtime.service import cases, seals
from sop_runtime.service.backup import BackupInputError, BackupRefused, backup
from sop_runtime.service.restore import RestoreRefused, restore
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import pg_copy
from sop_runtime.store.db import make_engine
from sop_runtime.store.errors import CopyFailed
from sop_runtime.store.schema import events
from tests.clock import Clock
from tests.storefixtures import fresh_postgres_database, init_court, require_postgres_tools


@pytest.fixture(autouse=True)
def _postgres_tools(request: pytest.FixtureRequest) -> None:
    """On PostgreSQL, pg_dump and pg_restore (skipped, with the reason, without them)."""
    if "store_url" in request.fixturenames and \
            request.getfixturevalue("store_url").startswith("postgresql"):
        require_postgres_tools()


SUPERVISOR = "bambang.panitera"


def _url(rt: Runtime) -> str:
    return rt.engine.url.render_as_string(hide_password=False)


def _sqlite(rt: Runtime) -> bool:
    return rt.engine.dialect.name == "sqlite"


def _start(rt: Runtime, n: int = 1) -> list[str]:
    return [cases.start_case(rt, "legalisasi-waarmerking", "rina.ptsp").case_id
            for _ in range(n)]


def _copy_name(rt: Runtime, tmp_path: Path) -> Path:
    return tmp_path / ("cadangan.db" if _sqlite(rt) else "cadangan.dump")


@pytest.fixture
def target(court: Runtime, tmp_path: Path) -> Iterator[str]:
    """An empty place to restore into, on the court's backend: a file not there yet, or a
    new empty database."""
    if _sqlite(court):
        (tmp_path / "pulih").mkdir()
        yield f"sqlite:///{tmp_path / 'pulih' / 'sop.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


def _tamper(url: str) -> None:
    """Change the payload of the log's first event, leaving its hash as stored."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            first = conn.execute(select(func.min(events.c.id))).scalar_one()
            conn.execute(update(events).where(events.c.id == first)
                         .values(payload='{"diubah": "di luar produk"}'))
    finally:
        engine.dispose()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _events(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(events)).scalar_one())
    finally:
        engine.dispose()


def test_a_backup_restores_to_the_same_log_and_says_what_it_holds(
        court: Runtime, key: signing.SigningKey, target: str, tmp_path: Path) -> None:
    _start(court, 2)
    sealed = seals.seal(court, SUPERVISOR)
    _start(court)
    made = backup(court, _copy_name(court, tmp_path))
    assert made.path.is_file() and made.size == made.path.stat().st_size > 0
    assert made.mode == "changed" and made.backend == court.engine.dialect.name
    held = made.held
    assert held.newest_seal is not None and held.newest_seal.id == sealed.id
    assert held.newest_signed == held.newest_seal and held.newest_seal.signed_with == key.id
    assert held.cases == 3 and held.events == _events(_url(court))
    assert held.unsealed == 2  # the case started after the seal: its two events
    assert _leftovers(tmp_path) == []
    if _sqlite(court):  # one file, no -wal to carry along
        assert not Path(f"{made.path}-wal").exists()
        with sqlite3.connect(made.path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    done = restore(made.path, url=target, public=key.public)
    assert done.held == held and done.key == key.id
    assert (done.signatures_held, done.not_checked, done.kept_old) == (1, 0, None)
    assert _events(target) == held.events


def test_a_backup_is_refused_while_the_live_log_does_not_verify(
        court: Runtime, tmp_path: Path) -> None:
    _start(court)
    _tamper(_url(court))
    path = _copy_name(court, tmp_path)
    with pytest.raises(BackupRefused, match=r"tidak lolos pemeriksaan \(rantai hash perkara "
                                            r"SNN-2026-00001 urutan 1"):
        backup(court, path)
    assert not path.exists() and _leftovers(tmp_path) == []


def test_a_restore_of_a_tampered_backup_is_refused_and_changes_nothing(
        court: Runtime, target: str, tmp_path: Path) -> None:
    _start(court, 2)
    path = _copy_name(court, tmp_path)
    if _sqlite(court):
        backup(court, path)
        _tamper(f"sqlite:///{path}")
    else:  # a dump made behind the product's back, of a log tampered with
        _tamper(_url(court))
        pg_copy.dump(_url(court), path)
    with pytest.raises(RestoreRefused, match=r"tidak diubah: log pulihan tidak lolos "
                                             r"pemeriksaan \(rantai hash perkara"):
        restore(path, url=target)
    if _sqlite(court):
        folder = Path(target.removeprefix("sqlite:///")).parent
        assert not folder.exists() or list(folder.iterdir()) == []
    else:
        assert pg_copy.state(target) == "empty"
        assert _restoring_databases(target) == []


def _restoring_databases(url: str) -> list[str]:
    """The databases a restore into ``url`` made beside it and left."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.exec_driver_sql(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %(n)s)",
                {"n": f"{engine.url.database}_pulih_"}).scalars())
    finally:
        engine.dispose()


def test_a_restore_matches_the_head_a_witness_holds(
        court: Runtime, key: signing.SigningKey, target: str, tmp_path: Path) -> None:
    _start(court, 2)
    seals.seal(court, SUPERVISOR)
    held = seals.export(court)  # what the High Court keeps
    _start(court)
    seals.seal(court, SUPERVISOR)  # the backup holds a later seal: the head is a prefix
    made = backup(court, _copy_name(court, tmp_path))
    assert made.held.newest_seal is not None and made.held.newest_seal.size > held.head.size
    done = restore(made.path, url=target, witness=held, public=key.public)
    assert done.witness is not None and done.witness.matches
    assert (done.witness.seal_id, done.witness.size) == (held.seal_id, held.head.size)
    assert done.signatures_held == 2


def _fork(db: Path, to: Path) -> Runtime:
    """Another copy of the court's SQLite file, as a second log of the same court."""
    shutil.copy(db, to)
    return Runtime(make_engine(f"sqlite:///{to}"))


@pytest.fixture
def sqlite_court(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
                 ) -> Iterator[Runtime]:
    """The court on SQLite alone: what does not depend on the backend (the witness's
    arithmetic, the paths handed in)."""
    url = f"sqlite:///{tmp_path / 'sop.db'}"
    monkeypatch.setenv("SOP_DATABASE_URL", url)
    rt = Runtime(make_engine(url), clock)
    init_court(rt)
    yield rt
    rt.engine.dispose()


def test_a_head_of_another_log_of_the_court_is_refused(
        sqlite_court: Runtime, key: signing.SigningKey, tmp_path: Path) -> None:
    """The court's key signed both logs (a stolen key, a rewritten history): the witness's
    head is genuine, yet the restored log is not the one it saw."""
    court = sqlite_court
    _start(court)
    court.engine.dispose()
    other = _fork(Path(str(court.engine.url.database)), tmp_path / "lain.db")
    cases.start_case(other, "pendaftaran-gugatan-ptsp", "rina.ptsp")
    seals.seal(other, SUPERVISOR)
    witness = seals.export(other)
    other.engine.dispose()
    _start(court, 2)
    seals.seal(court, SUPERVISOR)
    made = backup(court, tmp_path / "cadangan.db")
    assert made.held.newest_seal is not None
    assert made.held.newest_seal.size >= witness.head.size  # compared at the head's size
    target = tmp_path / "pulih.db"
    with pytest.raises(RestoreRefused, match=r"BUKAN log yang dilihat saksi: pada "
                                             rf"{witness.head.size} entri"):
        restore(made.path, url=f"sqlite:///{target}", witness=witness, public=key.public)
    assert not target.exists() and _leftovers(tmp_path) == []


def test_a_backup_older_than_the_witness_head_says_what_it_lacks(
        sqlite_court: Runtime, key: signing.SigningKey, tmp_path: Path) -> None:
    court = sqlite_court
    _start(court)
    seals.seal(court, SUPERVISOR)
    _start(court)  # in the backup, not under its seal
    made = backup(court, tmp_path / "cadangan.db")
    _start(court, 3)  # the court works on; a later head goes to the witness
    seals.seal(court, SUPERVISOR)
    witness = seals.export(court)
    assert made.held.newest_seal is not None and made.held.unsealed == 2
    lacking = witness.head.size - made.held.newest_seal.size
    assert lacking == 8  # four cases of two events each, two of them in the backup
    target = tmp_path / "pulih.db"
    with pytest.raises(RestoreRefused, match=r"lebih lama dari yang dilihat saksi: kepala "
                                             rf"saksi \(segel #2\) mencakup {witness.head.size} "
                                             r"entri yang disegel.* Sedikitnya 6 entri "
                                             r"tersegel yang dilihat saksi tidak ada di "
                                             r"cadangan\. 2 entri sesudah segel cadangan "
                                             r"belum disegel.* --terima-kehilangan"):
        restore(made.path, url=f"sqlite:///{target}", witness=witness, public=key.public)
    assert not target.exists()
    done = restore(made.path, url=f"sqlite:///{target}", witness=witness, public=key.public,
                   accept_loss=True)
    assert done.witness is not None and not done.witness.matches
    assert (done.witness.lacking, done.witness.missing, done.witness.tree_size) == (
        lacking, 6, made.held.newest_seal.size)


def test_a_witness_head_needs_the_courts_key_and_its_signature(
        sqlite_court: Runtime, key: signing.SigningKey, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    court = sqlite_court
    _start(court)
    seals.seal(court, SUPERVISOR)
    witness = seals.export(court)
    made = backup(court, tmp_path / "cadangan.db")
    target = f"sqlite:///{tmp_path / 'pulih.db'}"
    with pytest.raises(BackupInputError, match="--public-key"):
        restore(made.path, url=target, witness=witness, public=None)
    forged = SignedHead(witness.seal_id, witness.head, witness.key_id,
                        signing.new_key(tmp_path / "lain.pem").sign(witness.head))
    with pytest.raises(RestoreRefused, match=rf"kepala saksi \(segel #1\) tidak "
                                             rf"ditandatangani kunci {key.id}"):
        restore(made.path, url=target, witness=forged, public=key.public)
    assert not (tmp_path / "pulih.db").exists()


def test_the_newest_signed_seal_must_be_the_key_at_hands(
        sqlite_court: Runtime, key: signing.SigningKey, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    court = sqlite_court
    _start(court)
    seals.seal(court, SUPERVISOR)
    made = backup(court, tmp_path / "cadangan.db")
    monkeypatch.delenv(signing.KEY_ENV)
    other = signing.new_key(tmp_path / "lain.pem")
    target = f"sqlite:///{tmp_path / 'pulih.db'}"
    with pytest.raises(RestoreRefused, match=rf"\(#1\) ditandatangani kunci {key.id}, bukan "
                                             rf"kunci {other.id}"):
        restore(made.path, url=target, public=other.public)
    with sqlite3.connect(made.path) as db:  # a seal's head edited in its row
        db.execute("UPDATE seals SET court = 'Pengadilan Negeri Ternate'")
    with pytest.raises(RestoreRefused, match=rf"segel #1: tanda tangan kunci {key.id} tidak "
                                             r"cocok"):
        restore(made.path, url=target, public=key.public)
    done = restore(tmp_path / "cadangan.db", url=target, public=None, replace=True)
    assert (done.signatures_held, done.not_checked) == (0, 1)  # no key: said, not checked


def test_a_database_holding_cases_is_replaced_only_when_asked_and_kept(
        court: Runtime, target: str, tmp_path: Path) -> None:
    _start(court)
    made = backup(court, _copy_name(court, tmp_path))
    restore(made.path, url=target)  # an empty place: no question asked
    other = Runtime(make_engine(target))
    _start(other, 3)  # the restored court works on
    other.engine.dispose()
    with pytest.raises(BackupInputError, match="sudah memuat perkara: pakai --ganti"):
        restore(made.path, url=target)
    assert _events(target) == 2 + 3 * 2
    done = restore(made.path, url=target, replace=True)
    assert done.kept_old is not None and _events(target) == 2
    if _sqlite(court):
        assert done.kept_old.endswith("sop.db.sebelum-pemulihan")
        assert _events(f"sqlite:///{done.kept_old}") == 8
    else:
        kept = make_engine(target).url.set(database=done.kept_old)
        try:
            assert _events(kept.render_as_string(hide_password=False)) == 8
        finally:
            pg_copy.drop(kept.render_as_string(hide_password=False))


def test_a_database_open_elsewhere_is_not_replaced(sqlite_court: Runtime,
                                                   tmp_path: Path) -> None:
    court = sqlite_court
    _start(court)
    made = backup(court, tmp_path / "cadangan.db")
    live = Path(str(court.engine.url.database))
    before = _events(f"sqlite:///{live}")
    with court.engine.connect() as conn:  # sop serve, say, holding the database open
        conn.execute(select(func.count()).select_from(events)).scalar_one()
        with pytest.raises(CopyFailed, match="sedang dipakai proses lain"):
            restore(made.path, url=f"sqlite:///{live}", replace=True)
    assert _events(f"sqlite:///{live}") == before
    assert not list(live.parent.glob("*.sebelum-pemulihan*"))
    assert _leftovers(live.parent) == []


def test_bad_paths_are_refused_before_any_work(sqlite_court: Runtime, tmp_path: Path) -> None:
    court = sqlite_court
    live = Path(str(court.engine.url.database))
    (tmp_path / "ada.db").write_text("sudah ada")
    with pytest.raises(BackupInputError, match="sudah ada: cadangan tidak menimpanya"):
        backup(court, tmp_path / "ada.db")
    assert (tmp_path / "ada.db").read_text() == "sudah ada"
    with pytest.raises(BackupInputError, match="basis data yang sedang dicadangkan"):
        backup(court, live, overwrite=True)
    with pytest.raises(BackupInputError, match="adalah folder"):
        backup(court, tmp_path)
    with pytest.raises(BackupInputError, match="tidak ada"):
        backup(court, tmp_path / "tidak" / "ada.db")
    target = f"sqlite:///{tmp_path / 'pulih.db'}"
    with pytest.raises(BackupInputError, match="tidak ada"):
        restore(tmp_path / "hilang.db", url=target)
    with pytest.raises(BackupInputError, match="bukan cadangan: bukan basis data SQLite"):
        restore(tmp_path / "ada.db", url=target)
    with pytest.raises(BackupInputError, match="bukan berkas biasa"):
        restore(tmp_path, url=target)
    with sqlite3.connect(tmp_path / "asing.db") as db:  # SQLite, but no store of ours
        db.execute("CREATE TABLE catatan (isi TEXT)")
    with pytest.raises(BackupInputError, match="tidak memuat basis data sop-runtime"):
        restore(tmp_path / "asing.db", url=target)
    assert not (tmp_path / "pulih.db").exists() and _leftovers(tmp_path) == []


def test_a_store_without_cases_is_replaced_without_asking_but_kept(
        sqlite_court: Runtime, tmp_path: Path, clock: Clock) -> None:
    court = sqlite_court
    _start(court)
    made = backup(court, tmp_path / "cadangan.db")
    (tmp_path / "baru").mkdir()
    fresh = Runtime(make_engine(f"sqlite:///{tmp_path / 'baru' / 'sop.db'}"), clock)
    init_court(fresh)  # a new server set up, its accounts and journals but no case yet
    fresh.engine.dispose()
    done = restore(made.path, url=f"sqlite:///{tmp_path / 'baru' / 'sop.db'}")
    assert done.kept_old == str(tmp_path / "baru" / "sop.db.sebelum-pemulihan")
    assert _events(f"sqlite:///{done.kept_old}") == 0 and _events(
        f"sqlite:///{tmp_path / 'baru' / 'sop.db'}") == 2


def test_the_documents_folder_is_restored_first(demo_copy: Path, tmp_path: Path) -> None:
    """The demo court's day attached a scanned KTP: a restore where its file is not found is
    refused, naming the folder to restore first."""
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"))
    made = backup(rt, tmp_path / "cadangan.db")
    rt.engine.dispose()
    (tmp_path / "server-baru").mkdir()
    target = tmp_path / "server-baru" / "sop.db"
    with pytest.raises(RestoreRefused, match=r"dokumen tercatat hilang atau diubah \(1\) — "
                                             r"pulihkan folder dokumen .*server-baru/dokumen "
                                             r"lebih dahulu"):
        restore(made.path, url=f"sqlite:///{target}")
    assert not target.exists()
    shutil.copytree(demo_copy.parent / "dokumen", tmp_path / "server-baru" / "dokumen")
    assert restore(made.path, url=f"sqlite:///{target}").held.cases == 12
