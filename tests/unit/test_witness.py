"""The witness's own parts, without a court: its mirror gives the RFC 9162 roots; bisection
over prefix roots finds the first divergent position wherever it is, in O(log n) questions,
and refuses answers not bound to one seal; its folder refuses what it cannot use."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_runtime.audit.logtree import Tree
from sop_runtime.audit.merkle import leaf_hash, root
from sop_runtime.audit.signing import SigningKeyError, new_key, public_text
from sop_runtime.audit.witness import (
    Folder,
    Mirror,
    Served,
    Unreachable,
    WitnessError,
    first_divergence,
)


def _leaves(n: int, salt: bytes = b"") -> list[bytes]:
    return [hashlib.sha256(salt + i.to_bytes(8, "big")).digest() for i in range(n)]


def _mirror(leaves: list[bytes]) -> Mirror:
    m = Mirror()
    m.append(leaves)
    return m


def _served(m: Mirror, asked: list[int] | None = None):  # type: ignore[no-untyped-def]
    size = len(m.leaves)

    def answer(k: int) -> Served | None:
        if asked is not None:
            asked.append(k)
        if k > size:
            return None
        return Served(m.root(k), size, m.root(size).hex())

    return answer


@pytest.mark.parametrize("n", [1, 2, 15, 16, 17, 100, 1000])
def test_the_mirror_gives_the_trees_roots_grown_in_any_steps(n: int) -> None:
    raw = [i.to_bytes(4, "big") for i in range(n)]
    m = Mirror()
    for lo in range(0, n, 7):  # grown a few at a time, as polls add what is new
        m.append([leaf_hash(x) for x in raw[lo:lo + 7]])
    for size in {1, n // 2 or 1, n}:
        assert m.root(size) == root(raw[:size])
    assert Tree(m).root(n) == _mirror([leaf_hash(x) for x in raw]).root(n)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=1, max_value=600), data=st.data())
def test_bisection_names_the_first_divergent_position(n: int, data: st.DataObject) -> None:
    held = _leaves(n)
    first = data.draw(st.integers(min_value=0, max_value=n - 1))
    later = data.draw(st.lists(st.integers(min_value=first, max_value=n - 1), max_size=3))
    served_leaves = list(held) + _leaves(data.draw(st.integers(0, 40)), b"new")
    for p in [first, *later]:  # the first rewrite, and perhaps more after it
        served_leaves[p] = hashlib.sha256(b"ditulis ulang" + held[p]).digest()
    asked: list[int] = []
    found, _ = first_divergence(_mirror(held), n, _served(_mirror(served_leaves), asked))
    assert found == first
    assert len(asked) <= n.bit_length() + 2  # O(log n) questions


def test_a_log_served_shorter_is_named_where_it_ends() -> None:
    held = _leaves(300)
    found, why = first_divergence(_mirror(held), 300, _served(_mirror(held[:120])))
    assert found == 120 and "berakhir pada 120" in why[0]
    found, _ = first_divergence(_mirror(held), 300, lambda k: None)  # nothing sealed at all
    assert found == 0


def test_a_log_served_as_held_has_no_divergence() -> None:
    held = _leaves(77)
    assert first_divergence(_mirror(held), 77, _served(_mirror(held + _leaves(5, b"x")))) == \
        (None, [])


def test_answers_bound_to_two_different_seals_are_refused() -> None:
    held = _leaves(64)
    changed = list(held)
    changed[10] = b"\x00" * 32
    honest, other = _mirror(changed), _mirror(changed + _leaves(3, b"y"))
    flip: list[int] = []

    def two_faced(k: int) -> Served:
        flip.append(k)
        m = honest if len(flip) % 2 else other
        return Served(m.root(k), len(m.leaves), m.root(len(m.leaves)).hex())

    with pytest.raises(Unreachable, match="berganti segel"):
        first_divergence(_mirror(held), 64, two_faced)


def test_the_folder_refuses_what_it_cannot_use(tmp_path: Path) -> None:
    folder = Folder(tmp_path / "saksi")
    key = public_text(new_key(tmp_path / "k.pem").public)
    with pytest.raises(WitnessError, match="huruf kecil"):
        folder.follow("PN Sanana", "https://pn-sanana.go.id", key)
    with pytest.raises(WitnessError, match="bukan alamat http"):
        folder.follow("pn-sanana", "ftp://pn-sanana.go.id", key)
    with pytest.raises(WitnessError, match="zona waktu"):
        folder.follow("pn-sanana", "https://pn-sanana.go.id", key, "Maluku/Sanana")
    with pytest.raises(SigningKeyError):
        folder.follow("pn-sanana", "https://pn-sanana.go.id", "bukan-kunci")
    court = folder.follow("pn-sanana", "https://pn-sanana.go.id/", key, "Asia/Jayapura")
    assert court.url == "https://pn-sanana.go.id" and folder.courts() == [court]
    with pytest.raises(WitnessError, match="sudah diikuti"):
        folder.follow("pn-sanana", "https://pn-sanana.go.id", key)
    with pytest.raises(WitnessError, match="tidak diikuti"):
        folder.court("pn-ternate")
    with pytest.raises(WitnessError, match="tidak diikuti"):
        folder.court("../etc")
    # a head file edited by hand, or leaves missing under the newest head, is said so
    (tmp_path / "saksi/pn-sanana/kepala.jsonl").write_text(json.dumps({"format": "x"}) + "\n")
    with pytest.raises(WitnessError, match=r"kepala\.jsonl:1 rusak"):
        folder.heads(court)
    with pytest.raises(WitnessError, match="rusak"):
        folder.mirror(court, 3)
