from __future__ import annotations

import os
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
