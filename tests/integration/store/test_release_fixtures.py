"""Pinned means pinned, across upgrades: a database made by an earlier release, kept as a
fixture (tests/fixtures/releases/RELEASE/sop.sql), is restored, brought to the current
schema by the migrations as a user upgrading would, and read by the current code exactly as
its release read it (reading.json: every case's log, folded state, open steps with their
deadlines, deviations); ``verify`` finds its chains, seals, projections and documents whole.
How to make a fixture and add an upcaster: docs/testing.md, "Old databases stay readable"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sop_runtime.service import integrity
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.migrate import current_revision, migrate
from tests.fixtures.releases.make import HERE, restore
from tests.fixtures.releases.reading import read_all

RELEASES = sorted(p.parent for p in HERE.glob("*/sop.sql"))


def test_there_is_a_release_fixture() -> None:
    assert RELEASES, HERE


@pytest.fixture(params=RELEASES, ids=[p.name for p in RELEASES])
def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, Runtime]]:
    release: Path = request.param
    db = tmp_path / "sop.db"
    restore(release / "sop.sql", db)
    rt = Runtime.open(f"sqlite:///{db}")
    migrate(rt.engine)
    assert current_revision(rt.engine) is not None
    yield release, rt
    rt.engine.dispose()


def test_the_current_code_reads_an_old_database_as_its_release_did(
        upgraded: tuple[Path, Runtime]) -> None:
    release, rt = upgraded
    expected = json.loads((release / "reading.json").read_text(encoding="utf-8"))
    found = json.loads(json.dumps(read_all(rt), sort_keys=True, ensure_ascii=False))
    assert sorted(found) == sorted(expected)
    for case_id, reading in expected.items():
        for part in ("events", "decoded", "state", "open_steps", "deviations"):
            assert found[case_id][part] == reading[part], (case_id, part)


def test_an_old_database_verifies_after_the_upgrade(upgraded: tuple[Path, Runtime]) -> None:
    _, rt = upgraded
    found = integrity.verify(rt, workers=1)
    assert found.ok, integrity.as_json(found)


def test_its_seals_stay_checkable_and_the_log_tree_starts_from_it(
        upgraded: tuple[Path, Runtime]) -> None:
    """The seals an older release made (every case's head) are kept as they were and still
    checked; the first seal after the upgrade positions the whole log once; a case deleted
    is then named by the oldest seal that held it."""
    import sqlite3

    from sop_runtime.service import seals

    _, rt = upgraded
    before = seals.seals_list(rt)
    assert before and {s.kind for s in before} == {"heads"}
    assert seals.check(rt).ok
    made = seals.seal(rt, "bambang.panitera")
    with rt.engine.connect() as conn:
        entries = conn.exec_driver_sql("SELECT (SELECT count(*) FROM events) "
                                       "+ (SELECT count(*) FROM journal)").scalar()
    assert (made.kind, made.size) == ("log", entries)
    assert seals.check(rt).ok and seals.check(rt, full=False).ok
    db = rt.engine.url.database
    assert db is not None
    with sqlite3.connect(db) as conn:
        victim = conn.execute("SELECT case_id FROM seal_leaves WHERE seal_id = ? "
                              "AND case_id NOT LIKE '@%' LIMIT 1", (before[0].id,)).fetchone()[0]
        proof = seals.proof(rt, victim)
        assert proof["seal_id"] == made.id and seals.proof_holds(proof, made.root)
        old = seals.proof(rt, victim, before[0].id)
        assert old["format"] == seals.PROOF_FORMAT and seals.proof_holds(old, before[0].root)
        conn.execute("DELETE FROM events WHERE case_id = ?", (victim,))
    b = seals.check(rt).first_break
    assert b is not None and (b.what, b.case_id, b.seal_id) == (
        "case_removed", victim, before[0].id)
