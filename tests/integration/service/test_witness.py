"""A witness against a court (issue 20): it follows the court's signed heads through the
witness API and mirrors its tree; a later head that extends what it holds is kept; after a
sealed entry is rewritten and every seal recomputed and re-signed with the court's own key
(an insider holding both the database and the key), the witness's check fails and names the
first divergent position; a log cut back to an older copy is named where it ends; a head
signed by another key is refused. A failed check keeps the heads held as they were."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.audit import signing
from sop_runtime.audit.logtree import Tree
from sop_runtime.audit.merkle import leaf_hash
from sop_runtime.audit.witness import Court, Folder, Mirror, NotServed, Unreachable, poll
from sop_runtime.service import cases, seals, witness
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.e2e.court import GUGATAN_1

NOW = datetime(2026, 12, 1, 1, tzinfo=UTC)


@pytest.fixture
def court(demo_copy: Path, key: signing.SigningKey) -> Iterator[Runtime]:
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"), lambda: NOW)
    yield rt
    rt.engine.dispose()


def app_fetch(rt: Runtime) -> Any:
    """The witness API of the court's app, as the witness reaches it."""
    client = TestClient(create_app(rt))

    def fetch(path: str, params: dict[str, int]) -> dict[str, Any]:
        answer = client.get(path, params=params)
        if answer.status_code == 404:
            raise NotServed(answer.json()["detail"])
        if answer.status_code != 200:
            raise Unreachable(f"{answer.status_code}: {answer.text}")
        data: dict[str, Any] = answer.json()
        return data

    return fetch


def follow(tmp_path: Path, key: signing.SigningKey) -> tuple[Folder, Court]:
    folder = Folder(tmp_path / "saksi")
    return folder, folder.follow("pn-sanana", "http://pn-sanana.test",
                                 signing.public_text(key.public), "Asia/Jayapura")


def more_work(rt: Runtime) -> None:
    case_id = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    cases.complete(rt, case_id, "1", "rina.ptsp", values=GUGATAN_1)


def rewrite_and_reseal(db: Path, position: int, key: signing.SigningKey, *,
                       delete: bool = False) -> None:
    """An insider rewrites the sealed entry at ``position`` (the event and the tree's copy of
    it), or deletes it (and the positions after it close up), and recomputes every node and
    every seal, signing each again with the court's key: nothing inside the database
    tells."""
    with sqlite3.connect(db) as conn:
        case_id, seq, old = conn.execute("SELECT case_id, seq, hash FROM log_leaves "
                                         "WHERE position = ?", (position,)).fetchone()
        if delete:
            conn.execute("DELETE FROM events WHERE case_id = ? AND seq = ?", (case_id, seq))
            conn.execute("DELETE FROM log_leaves WHERE position = ?", (position,))
            conn.execute("UPDATE log_leaves SET position = position - 1 WHERE position > ?",
                         (position,))
            conn.execute("UPDATE seals SET size = size - 1 WHERE kind = 'log' AND size > ?",
                         (position,))
        else:
            forged = hashlib.sha256(b"ditulis ulang" + old.encode()).hexdigest()
            conn.execute("UPDATE events SET hash = ? WHERE case_id = ? AND seq = ?",
                         (forged, case_id, seq))
            conn.execute("UPDATE log_leaves SET hash = ? WHERE position = ?",
                         (forged, position))
        leaves = [seals.leaf((c, s, h)) for c, s, h in conn.execute(
            "SELECT case_id, seq, hash FROM log_leaves ORDER BY position")]
        mirror = Mirror()
        mirror.append([leaf_hash(x) for x in leaves])
        conn.execute("DELETE FROM log_nodes")
        conn.executemany("INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)",
                         [(lv, i, h.hex()) for (lv, i), h in mirror.made.items()])
        for seal_id, size, court, sealed_at in conn.execute(
                "SELECT id, size, court, sealed_at FROM seals WHERE kind = 'log'").fetchall():
            top = Tree(mirror).root(size).hex()
            when = datetime.fromisoformat(sealed_at).replace(tzinfo=UTC)
            conn.execute("UPDATE seals SET root = ?, signature = ? WHERE id = ?",
                         (top, key.sign(signing.TreeHead(court, size, top, when)), seal_id))


def test_the_witness_keeps_heads_that_extend_and_names_a_rewritten_entry(
        court: Runtime, key: signing.SigningKey, demo_copy: Path, tmp_path: Path) -> None:
    folder, pn = follow(tmp_path, key)
    first = seals.seal(court, "bambang.panitera")
    fetch = app_fetch(court)
    got = poll(folder, pn, fetch, NOW)
    assert got.ok and got.held is not None and got.held.seal_id == first.id
    assert got.added == first.size and (tmp_path / "saksi/pn-sanana/daun.bin").stat().st_size \
        == 32 * first.size
    more_work(court)
    second = seals.seal(court, "hendra.kpn")
    got = poll(folder, pn, fetch, NOW)
    assert got.ok and got.held is not None and got.held.seal_id == second.id
    assert got.added == second.size - first.size
    assert poll(folder, pn, fetch, NOW).added == 0  # nothing new: nothing added
    assert len(folder.heads(pn)) == 2
    # the court's own check cannot tell once the insider recomputed and re-signed the seals
    position = first.size // 3
    rewrite_and_reseal(demo_copy, position, key)
    assert seals.check(court, full=False).ok
    got = poll(folder, pn, fetch, NOW)
    assert not got.ok and got.divergence is not None
    assert got.divergence.position == position
    assert got.divergence.covered_by.seal_id == first.id
    assert got.divergence.served_leaf is not None and \
        got.divergence.served_leaf != got.divergence.held_leaf
    assert any("TIDAK memperluas" in p or "akar berbeda" in p for p in got.problems)
    assert len(folder.heads(pn)) == 2  # what was held stays held
    assert f"\"position\": {position}" in (tmp_path / "saksi/pn-sanana/temuan.jsonl") \
        .read_text()
    assert not poll(folder, pn, fetch, NOW).ok  # and the next check fails again


@pytest.mark.parametrize("position", [0, "last of the first seal", "first of the second"])
def test_the_first_divergent_position_is_named_wherever_it_is(
        court: Runtime, key: signing.SigningKey, demo_copy: Path, tmp_path: Path,
        position: int | str) -> None:
    folder, pn = follow(tmp_path, key)
    first = seals.seal(court, "bambang.panitera")
    assert poll(folder, pn, app_fetch(court), NOW).ok
    more_work(court)
    second = seals.seal(court, "bambang.panitera")
    assert poll(folder, pn, app_fetch(court), NOW).ok
    at = {"last of the first seal": first.size - 1,
          "first of the second": first.size}.get(str(position), 0)
    rewrite_and_reseal(demo_copy, at, key)
    got = poll(folder, pn, app_fetch(court), NOW)
    assert not got.ok and got.divergence is not None and got.divergence.position == at
    assert got.divergence.covered_by.seal_id == (first.id if at < first.size else second.id)


def test_a_sealed_entry_deleted_and_the_seals_recomputed_is_named(
        court: Runtime, key: signing.SigningKey, demo_copy: Path, tmp_path: Path) -> None:
    folder, pn = follow(tmp_path, key)
    first = seals.seal(court, "bambang.panitera")
    assert poll(folder, pn, app_fetch(court), NOW).ok
    position = first.size // 2
    rewrite_and_reseal(demo_copy, position, key, delete=True)
    assert seals.check(court, full=False).ok  # the court's own check cannot tell
    got = poll(folder, pn, app_fetch(court), NOW)
    assert not got.ok and any("dipotong" in p for p in got.problems)
    assert got.divergence is not None and got.divergence.position == position
    assert got.divergence.served_leaf is not None


def test_a_log_put_back_to_an_older_copy_is_named_where_it_ends(
        court: Runtime, key: signing.SigningKey, demo_copy: Path, tmp_path: Path) -> None:
    folder, pn = follow(tmp_path, key)
    first = seals.seal(court, "bambang.panitera")
    older = tmp_path / "older.db"
    with sqlite3.connect(demo_copy) as live, sqlite3.connect(older) as copy:
        live.backup(copy)
    more_work(court)
    seals.seal(court, "bambang.panitera")
    assert poll(folder, pn, app_fetch(court), NOW).ok
    back = Runtime(make_engine(f"sqlite:///{older}"), lambda: NOW)
    got = poll(folder, pn, app_fetch(back), NOW)
    assert not got.ok and any("dipotong" in p for p in got.problems), got.problems
    assert got.divergence is not None and got.divergence.position == first.size
    assert got.divergence.served_leaf is None
    back.engine.dispose()


def test_a_head_signed_by_another_key_is_refused(
        court: Runtime, key: signing.SigningKey, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder, pn = follow(tmp_path, key)
    seals.seal(court, "bambang.panitera")
    assert poll(folder, pn, app_fetch(court), NOW).ok
    signing.new_key(tmp_path / "lain.pem")
    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "lain.pem"))
    more_work(court)
    seals.seal(court, "bambang.panitera")
    got = poll(folder, pn, app_fetch(court), NOW)
    assert not got.ok and any("tidak ditandatangani kunci" in p for p in got.problems)
    assert got.divergence is None  # what the witness holds is still served as it was


def test_the_api_serves_prefix_roots_bound_to_the_newest_seal(
        court: Runtime, key: signing.SigningKey) -> None:
    from sop_runtime.audit.merkle import verify_consistency

    made = seals.seal(court, "bambang.panitera")
    client = TestClient(create_app(court))
    for size in (1, made.size // 2, made.size):
        got = client.get("/api/saksi/akar", params={"ukuran": size}).json()
        assert got["sealed_root"] == made.root and got["sealed_size"] == made.size
        assert verify_consistency(size, made.size, bytes.fromhex(got["root"]),
                                  bytes.fromhex(made.root),
                                  [bytes.fromhex(p) for p in got["consistency"]])
    beyond = client.get("/api/saksi/akar", params={"ukuran": made.size + 1})
    assert beyond.status_code == 404 and "mencakup" in beyond.json()["detail"]
    page = client.get("/api/saksi/daun", params={"dari": made.size - 2}).json()
    assert len(page["hashes"]) == 2 and page["sealed_size"] == made.size
    assert client.get("/api/saksi/daun", params={"dari": 0, "jumlah": 5000}).status_code == 422
    assert len(witness.leaf_hashes(court, 0, 10**6)[1]) == min(made.size, witness.MAX_LEAVES)
    head = client.get("/api/saksi/kepala", params={"dari": 3}).json()
    assert head["size"] == made.size and head["consistency"]["from_size"] == 3


def test_the_api_says_plainly_when_nothing_is_sealed(court: Runtime) -> None:
    client = TestClient(create_app(court))
    for path, params in (("/api/saksi/kepala", {}), ("/api/saksi/akar", {"ukuran": 0}),
                         ("/api/saksi/daun", {"dari": 0})):
        got = client.get(path, params=params)
        assert got.status_code == 404 and "segel" in got.json()["detail"].lower()
