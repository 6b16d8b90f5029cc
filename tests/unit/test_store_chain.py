"""The hash chain's encoding (no database): the fast path of verify writes exactly the
canonical JSON of event_hash whenever it can, and the database settings."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_runtime.compiler.canonical import canonical_json
from sop_runtime.engine.events import utc_iso
from sop_runtime.store import DatabaseUnavailable, database_url, event_hash, make_engine, masked
from sop_runtime.store.chain import GENESIS, _doc, chain_hashes

SAFE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\',
                             min_codepoint=0x20), max_size=20)
JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
INSTANTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                        timezones=st.just(UTC))


@given(case=SAFE, seq=st.integers(1, 10**6), type_=SAFE, actor=st.none() | SAFE,
       payload=JSON, occurred=INSTANTS, recorded=INSTANTS)
def test_fast_document_is_the_canonical_one(case: str, seq: int, type_: str, actor: str | None,
                                            payload: object, occurred: datetime,
                                            recorded: datetime) -> None:
    payload_json = canonical_json(payload).decode()
    naive = [utc_iso(t).removesuffix("+00:00") for t in (occurred, recorded)]
    fast = _doc(case, seq, type_, 1, naive[0], naive[1], actor, payload_json, GENESIS)
    assert hashlib.sha256(fast.encode()).hexdigest() == event_hash(
        case, seq, type_, 1, occurred, recorded, actor, payload_json, GENESIS)
    assert chain_hashes(case, GENESIS, [(seq, type_, 1, utc_iso(occurred), utc_iso(recorded),
                                         actor, payload_json)]) == \
        [event_hash(case, seq, type_, 1, occurred, recorded, actor, payload_json, GENESIS)]


@given(text=st.text(max_size=20), payload=JSON)
def test_chain_hashes_match_event_hash_for_any_strings(text: str, payload: object) -> None:
    at = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    payload_json = canonical_json(payload).decode()
    assert chain_hashes(text, GENESIS, [(1, text, 1, utc_iso(at), utc_iso(at), text,
                                         payload_json)]) == \
        [event_hash(text, 1, text, 1, at, at, text, payload_json, GENESIS)]


def test_hash_covers_every_field() -> None:
    at = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    base = ("C", 1, "step_completed", 1, at, at, "ani", '{"a":1}', GENESIS)
    variants = [
        ("D", *base[1:]), (base[0], 2, *base[2:]), (*base[:2], "x", *base[3:]),
        (*base[:3], 2, *base[4:]), (*base[:4], at + timedelta(microseconds=1), *base[5:]),
        (*base[:5], at + timedelta(microseconds=1), *base[6:]), (*base[:6], None, *base[7:]),
        (*base[:7], '{"a":2}', base[8]), (*base[:8], "1" * 64)]
    hashes = {event_hash(*v) for v in variants}  # type: ignore[arg-type]
    assert len(hashes) == len(variants)
    assert event_hash(*base) not in hashes  # type: ignore[arg-type]


def test_instants_hash_as_the_same_moment_in_any_zone() -> None:
    utc = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    wib = utc.astimezone(timezone(timedelta(hours=7)))
    assert event_hash("C", 1, "t", 1, utc, utc, None, "{}", GENESIS) == \
        event_hash("C", 1, "t", 1, wib, wib, None, "{}", GENESIS)
    assert event_hash("C", 1, "t", 1, utc, utc, None, '{"b":1,"a":2}', GENESIS) == \
        event_hash("C", 1, "t", 1, utc, utc, None, '{"a": 2, "b": 1}', GENESIS)


def test_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOP_DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///sop.db"
    monkeypatch.setenv("SOP_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"


def test_masked_hides_the_password() -> None:
    assert masked("postgresql+psycopg://sop:rahasia@db:5432/sop") == \
        "postgresql+psycopg://sop:***@db:5432/sop"


def test_unreachable_database_names_the_url_without_password() -> None:
    engine = make_engine("postgresql+psycopg://sop:rahasia@127.0.0.1:1/sop",
                         connect_args={"connect_timeout": 2})
    with pytest.raises(DatabaseUnavailable) as caught, engine.connect():
        pass
    message = str(caught.value)
    assert "127.0.0.1:1/sop" in message and "rahasia" not in message
    assert message.startswith("Basis data")


def test_unopenable_sqlite_file(tmp_path: object) -> None:
    engine = make_engine("sqlite:////nonexistent-dir/sop.db")
    with pytest.raises(DatabaseUnavailable, match="nonexistent-dir"), engine.connect():
        pass


@given(case=SAFE, type_=SAFE, actor=st.none() | SAFE, payloads=st.lists(JSON, min_size=1,
                                                                        max_size=4),
       occurred=INSTANTS)
def test_verify_fast_path_accepts_what_append_writes(case: str, type_: str, actor: str | None,
                                                     payloads: list[object],
                                                     occurred: datetime) -> None:
    """Rows as the database returns them, for events written by append: the inline fast
    path of verify accepts every one (the exact fallback is never needed)."""
    from sop_runtime.store import chain

    iso = utc_iso(occurred)
    jsons = [canonical_json(p).decode() for p in payloads]
    hashes = chain_hashes(case, GENESIS, [(i + 1, type_, 1, iso, iso, actor, j)
                                          for i, j in enumerate(jsons)])
    naive = iso.removesuffix("+00:00")
    rows = [(case, i + 1, type_, 1, naive, naive, actor, j, ([GENESIS, *hashes])[i], h)
            for i, (j, h) in enumerate(zip(jsons, hashes, strict=True))]
    scan = chain._Scan()
    original = chain._exact_hash
    chain._exact_hash = _no_fallback  # type: ignore[assignment]
    try:
        assert scan.run(rows) is None
    finally:
        chain._exact_hash = original
    assert scan.events == len(rows)


def _no_fallback(row: object) -> str:
    raise AssertionError(f"the fast path refused {row!r}")


def test_opening_a_database_imports_no_alembic_engine_or_compiler() -> None:
    import subprocess
    import sys

    code = ("import sys, sop_runtime.store.db; "
            "print(sorted(m for m in ('alembic', 'sop_runtime.engine', 'sop_runtime.compiler',"
            " 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
