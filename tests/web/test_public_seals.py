"""``/transparansi``: the court's signed log heads for anyone to keep. The newest in words
and as a QR code holding its exact JSON (a head the witnesses' check takes), the signed
heads before it, newest first; an unsigned seal is not shown as a head; nothing names who
sealed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sop_runtime.audit import signing
from sop_runtime.audit.heads import parse
from sop_runtime.service import seals
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.qrread import read_svg

NOW = datetime(2026, 12, 1, 1, tzinfo=UTC)


@pytest.fixture
def court(demo_copy: Path) -> Runtime:
    return Runtime(make_engine(f"sqlite:///{demo_copy}"), lambda: NOW)


def test_the_newest_signed_head_and_those_before_it(
        court: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web = TestClient(create_app(court))
    assert "Belum ada segel yang ditandatangani" in web.get("/transparansi").text
    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "kunci.pem"))
    key = signing.new_key(tmp_path / "kunci.pem")
    first = seals.seal(court, "bambang.panitera")
    later = Runtime(court.engine, lambda: NOW + timedelta(hours=1))
    second = seals.seal(later, "hendra.kpn")
    monkeypatch.delenv(signing.KEY_ENV)
    unsigned = seals.seal(later, "hendra.kpn")
    page = TestClient(create_app(later)).get("/transparansi")
    assert page.status_code == 200
    text = page.text
    assert f"segel #{second.id}, {second.size} entri log, 1 Desember 2026 pukul 11.00 WIT" \
        in text
    assert key.id in text and second.root in text
    assert f"#{first.id}</td>" in text and f"#{unsigned.id}</td>" not in text
    assert text.index(f"segel #{second.id}") < text.index(f"#{first.id}</td>")
    svg = re.search(r'<div class="qr">(<svg.*?</svg>)</div>', text, re.S)
    assert svg is not None
    scanned = read_svg(svg.group(1))
    assert parse(json.loads(scanned[0]), "transparansi") == seals.export(later, second.id)
    for who in ("bambang", "hendra", "Bambang", "Hendra", "T01:", "UTC"):
        assert who not in text


def test_older_heads_beyond_the_list_are_counted(
        court: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sop_runtime.web.public import seals as page

    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "kunci.pem"))
    signing.new_key(tmp_path / "kunci.pem")
    made = [seals.seal(court, "bambang.panitera") for _ in range(3)]
    monkeypatch.setattr(page, "SHOWN", 1)
    text = TestClient(create_app(court)).get("/transparansi").text
    assert f"segel #{made[2].id}," in text and f"#{made[1].id}</td>" in text
    assert f"#{made[0].id}</td>" not in text and "Dan 1 kepala yang lebih lama." in text
