from __future__ import annotations

from pathlib import Path

import pytest

from sop_runtime.i18n import set_lang

ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = ROOT / "definitions"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _indonesian_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOP_LANG", raising=False)
    set_lang(None)
