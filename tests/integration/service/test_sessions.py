"""Who stays signed in, on SQLite and PostgreSQL: a new password ends every session of the
old one; a user left out of the court file is switched off by ``sop init`` (sessions ended,
API tokens revoked, no new sign-in); a session or token of an inactive user lets no one in,
however the user was switched off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from sop_runtime.service import auth, setup, signin
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import users
from tests.conftest import DEFINITIONS
from tests.integration.service.conftest import definitions_without

PASSWORD = "kata-sandi-uji-123"
NEW_PASSWORD = "kata-sandi-baru-456"
RINA = "rina.ptsp"
FADLI = "fadli.ptsp"


@pytest.fixture
def court(store_url: str) -> Iterator[Runtime]:
    rt = Runtime(make_engine(store_url), lambda: datetime(2026, 12, 1, 1, tzinfo=UTC))
    setup.init(rt, DEFINITIONS)
    for user in (RINA, FADLI):
        auth.set_password(rt, user, PASSWORD)
    yield rt
    rt.engine.dispose()


def cookie(rt: Runtime, username: str, password: str = PASSWORD,
           address: str = "10.0.0.7") -> str:
    started = signin.sign_in(rt, address, username, password)
    assert started is not None
    return started[0]


def test_a_new_password_ends_every_session_of_the_user(court: Runtime) -> None:
    desk, phone = cookie(court, RINA), cookie(court, RINA, address="10.0.0.8")
    colleague = cookie(court, FADLI)
    token = auth.issue_token(court, RINA, "e-Court")
    found = auth.session(court, desk)
    assert found is not None and found.username == RINA
    auth.set_password(court, RINA, NEW_PASSWORD)
    assert auth.session(court, desk) is None and auth.session(court, phone) is None
    assert auth.session(court, colleague) is not None
    assert auth.token_user(court, token) == RINA  # an integration's token is its own
    assert signin.sign_in(court, "10.0.0.7", RINA, PASSWORD) is None
    assert auth.session(court, cookie(court, RINA, NEW_PASSWORD)) is not None


def test_a_user_left_out_of_the_court_file_is_switched_off(court: Runtime,
                                                           tmp_path: Path) -> None:
    session, colleague = cookie(court, RINA), cookie(court, FADLI)
    token, colleagues_token = (auth.issue_token(court, RINA, "uji"),
                               auth.issue_token(court, FADLI, "uji"))
    report = setup.init(court, definitions_without(RINA, tmp_path / "definitions"))
    assert report.switched_off == [RINA]
    assert auth.session(court, session) is None and auth.token_user(court, token) is None
    assert signin.sign_in(court, "10.0.0.7", RINA, PASSWORD) is None  # right, but off
    assert auth.session(court, colleague) is not None
    assert auth.token_user(court, colleagues_token) == FADLI
    # back in the court file: she signs in afresh; what was ended stays ended
    assert setup.init(court, DEFINITIONS).switched_off == []
    assert auth.session(court, session) is None and auth.token_user(court, token) is None
    assert auth.session(court, cookie(court, RINA)) is not None


def test_an_inactive_users_session_and_token_let_no_one_in(court: Runtime) -> None:
    session, token = cookie(court, RINA), auth.issue_token(court, RINA, "uji")

    def active(value: bool) -> None:
        with court.engine.begin() as conn:
            conn.execute(update(users).where(users.c.username == RINA).values(active=value))

    active(False)  # switched off by any other means than `sop init`
    assert auth.session(court, session) is None and auth.token_user(court, token) is None
    active(True)
    assert auth.session(court, session) is not None and auth.token_user(court, token) == RINA
