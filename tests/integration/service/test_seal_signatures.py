"""Signed tree heads (issue 20): with the court's key set (SOP_SIGNING_KEY), each seal's head
is signed and the signature holds with the public key alone; a seal's court, size, root or
time edited in its row breaks it; a seal re-signed with another key is not taken for the
court's; without a key a seal is made unsigned and said so; an unusable key refuses the seal
before anything is written."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_runtime.audit import signing
from sop_runtime.service import integrity, seals
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine

NOW = datetime(2026, 11, 30, 8, tzinfo=UTC)


@pytest.fixture
def court(demo_copy: Path) -> Runtime:
    return Runtime(make_engine(f"sqlite:///{demo_copy}"), lambda: NOW)


def _db(rt: Runtime) -> str:
    return str(rt.engine.url.database)


def test_a_seal_is_signed_and_holds_with_the_public_key_alone(
        court: Runtime, key: signing.SigningKey) -> None:
    made = seals.seal(court, "bambang.panitera", note="Laporan November 2026")
    assert made.signed and made.signed_with == key.id and made.court == "Pengadilan Negeri Sanana"
    stored = seals.seals_list(court)[-1]
    head = seals.head_of(stored)
    assert head == signing.TreeHead("Pengadilan Negeri Sanana", made.size, made.root, NOW)
    assert stored.signature is not None
    assert signing.verify(head, stored.signature, key.public)  # what a witness does
    found = seals.check(court)
    assert found.ok and (found.signed, found.not_checked, found.unsigned) == (1, 0, 0)
    assert integrity.verify(court).ok


def test_without_the_key_at_hand_a_signed_seal_is_counted_as_not_checked(
        court: Runtime, key: signing.SigningKey, monkeypatch: pytest.MonkeyPatch) -> None:
    seals.seal(court, "bambang.panitera")
    monkeypatch.delenv(signing.KEY_ENV)
    found = seals.check(court)
    assert found.ok and (found.signed, found.not_checked, found.unsigned) == (0, 1, 0)
    # an auditor whose account cannot use the server's key file still checks the log
    monkeypatch.setenv(signing.KEY_ENV, "/nonexistent/kunci.pem")
    found = seals.check(court)
    assert found.ok and (found.signed, found.not_checked) == (0, 1)
    assert integrity.verify(court).ok


@pytest.mark.parametrize("edit", [
    "UPDATE seals SET court = 'Pengadilan Negeri Ternate'",
    "UPDATE seals SET sealed_at = '2026-11-30 08:00:01.000000'",
])
def test_a_head_edited_in_its_row_breaks_the_signature(court: Runtime, key: signing.SigningKey,
                                                       edit: str) -> None:
    seals.seal(court, "bambang.panitera")
    with sqlite3.connect(_db(court)) as db:
        db.execute(edit)
    found = seals.check(court)
    assert not found.ok and found.first_break is not None
    assert found.first_break.what == "signature" and f"kunci {key.id}" in \
        found.first_break.message
    assert not integrity.verify(court).ok


def test_a_seal_re_signed_with_another_key_is_not_the_courts(
        court: Runtime, key: signing.SigningKey, tmp_path: Path) -> None:
    made = seals.seal(court, "bambang.panitera")
    forger = signing.new_key(tmp_path / "lain.pem")
    head = seals.head_of(made)
    assert head is not None
    with sqlite3.connect(_db(court)) as db:
        db.execute("UPDATE seals SET signature = ?, signed_with = ?",
                   (forger.sign(head), forger.id))
    found = seals.check(court)
    assert (found.signed, found.not_checked) == (0, 1)  # not checked here, not held either
    stored = seals.seals_list(court)[-1]
    assert stored.signature is not None
    assert not signing.verify(head, stored.signature, key.public)  # the witness refuses it


def test_without_a_key_a_seal_is_unsigned(court: Runtime,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    made = seals.seal(court, "bambang.panitera")
    assert not made.signed and made.signature is None and seals.head_of(made) is None
    found = seals.check(court)
    assert found.ok and (found.signed, found.unsigned) == (0, 1)


def test_an_unusable_key_refuses_the_seal_and_writes_nothing(
        court: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loose = tmp_path / "longgar.pem"
    signing.new_key(loose)
    loose.chmod(0o644)
    monkeypatch.setenv(signing.KEY_ENV, str(loose))
    with pytest.raises(signing.SigningKeyError, match="dapat dibaca orang lain"):
        seals.seal(court, "bambang.panitera")
    assert seals.seals_list(court) == []


def test_a_database_left_at_an_older_schema_says_to_run_init(demo_copy: Path) -> None:
    """After an upgrade of the package, a command on the old schema is told what to do (here
    the seal's new columns are missing), and ``sop init`` brings the schema along."""
    from alembic import command

    from sop_runtime.service import setup
    from sop_runtime.service.ready import NotInitialised
    from sop_runtime.store.migrate import HEAD, alembic_config
    from tests.conftest import DEFINITIONS

    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"), lambda: NOW)
    previous = f"{int(HEAD) - 1:04d}"
    config = alembic_config()
    with rt.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, previous)
    rt.engine.dispose()
    old = Runtime(make_engine(f"sqlite:///{demo_copy}"), lambda: NOW)
    with pytest.raises(NotInitialised, match=f"pada skema {previous}.*'sop init'"):
        seals.seal(old, "bambang.panitera")
    setup.init(old, DEFINITIONS)
    fresh = Runtime(make_engine(f"sqlite:///{demo_copy}"), lambda: NOW)
    assert seals.seal(fresh, "bambang.panitera").size > 0


def test_the_period_report_prints_the_signed_head_it_covers(
        court: Runtime, key: signing.SigningKey, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import re
    from datetime import timedelta

    from sop_runtime.audit.heads import parse
    from sop_runtime.service.period import period_html
    from tests.qrread import read_svg

    start = NOW - timedelta(days=30)
    html = period_html(court, start, NOW)
    assert "Log belum disegel" in html
    monkeypatch.delenv(signing.KEY_ENV)
    seals.seal(court, "bambang.panitera")
    html = period_html(court, start, NOW)
    assert "tidak ditandatangani kunci pengadilan" in html and "entri log" in html
    monkeypatch.setenv(signing.KEY_ENV, str(Path(_db(court)).parent / "kunci.pem"))
    made = seals.seal(court, "bambang.panitera")
    html = period_html(court, start, NOW)
    exported = seals.export(court)
    assert f"segel #{made.id}, {made.size} entri log" in html and made.root in html
    assert key.id in html and exported.signature in html
    assert "sop seal" not in html and "sop saksi" not in html  # no report says to type a command
    svg = re.search(r'<div class="qr">(<svg.*?</svg>)</div>', html, re.S)
    assert svg is not None
    scanned = read_svg(svg.group(1))
    assert scanned == [exported.compact()]
    assert parse(json.loads(scanned[0]), "laporan") == exported
    # a seal made before the period ended does not cover all of it, and the report says so
    later = Runtime(court.engine, lambda: NOW + timedelta(hours=1))
    assert "dibuat sebelum akhir periode" in period_html(later, start,
                                                          NOW + timedelta(minutes=1))
    assert "dibuat sebelum akhir periode" not in period_html(later, start, NOW)
