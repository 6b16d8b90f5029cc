from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from sop_runtime.i18n import set_lang

# the suite hashes hundreds of passwords: the cheapest argon2id profile (also for the CLI and
# web servers it starts as subprocesses); test_auth checks the production profile
os.environ["SOP_TEST_CHEAP_PASSWORD_HASHES"] = "1"

ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = ROOT / "definitions"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _indonesian_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOP_LANG", raising=False)
    set_lang(None)


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a SQLite database file at ``target`` (with its WAL file: one left open
    would hold the newest commits), and of the documents kept beside it (the demo's scanned
    KTP: a copy without them fails ``sop verify``, as a backup without them would)."""
    for suffix in ("", "-wal"):
        found = source.with_name(source.name + suffix)
        if found.exists():
            shutil.copy(found, target.with_name(target.name + suffix))
    kept = source.parent / "dokumen"
    if kept.is_dir() and not (target.parent / "dokumen").exists():
        shutil.copytree(kept, target.parent / "dokumen")
    return target


# Defined here once for the whole session: a fixture imported into a module is that module's
# own, and each would play the demo day again.
@pytest.fixture(scope="session")
def demo_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo court after its working day, played once for the whole run (read it, or take
    a copy); what the demo printed is kept beside it (``DEMO_OUT``, ``DEMO_ERR``).

    Under pytest-xdist the workers share one play: the first to arrive plays it under a file
    lock in the run's common temporary folder, the others wait for the lock and read it."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "demo-day"
    db = folder / "sop.db"
    with (shared / "demo-day.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / DEMO_DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)  # a play that broke off half-way
            folder.mkdir()
            _play_demo(db)
    code = (folder / DEMO_DONE).read_text(encoding="utf-8")
    assert code == "0", (folder / DEMO_ERR).read_text(encoding="utf-8")[-2000:]
    return db


def _play_demo(db: Path) -> None:
    from contextlib import redirect_stderr, redirect_stdout

    from sop_runtime.cli.app import run

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        mp.setenv("SOP_DATABASE_URL", f"sqlite:///{db}")
        mp.setenv("COLUMNS", "200")
        code = run(["demo", "--definitions", str(DEFINITIONS), "--out", str(db.parent)])
    (db.parent / DEMO_OUT).write_text(out.getvalue(), encoding="utf-8")
    (db.parent / DEMO_ERR).write_text(err.getvalue(), encoding="utf-8")
    (db.parent / DEMO_DONE).write_text(str(code), encoding="utf-8")


DEMO_OUT, DEMO_ERR, DEMO_DONE = "demo.out", "demo.err", "demo.exit"


@pytest.fixture
def demo_copy(demo_day: Path, tmp_path: Path) -> Path:
    """A copy of the demo court's database of this test's own."""
    return copy_database(demo_day, tmp_path / "sop.db")
