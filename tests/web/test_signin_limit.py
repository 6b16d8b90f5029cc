"""The limit on failed sign-ins, through the sign-in page, on SQLite and PostgreSQL: tries
sent all at once from many clients of two app instances over one database (as two web
processes would be) never get more checks than the limit allows; a locked user does not
lock out the other people behind the same address (a court office behind one NAT).

Each test holds every password check open until all the tries have either reached a check or
been answered, so a limit that reads its count before a check and writes it after (a
check-then-act race) lets all of them through, however fast the hashing is."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, select

from sop_runtime.service import auth, setup, signin
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import sign_in_limits
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS

PASSWORD = "kata-sandi-uji-123"
USERS = ("rina.ptsp", "fadli.ptsp", "siti.kasir")
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def move(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Court:
    clock: Clock
    apps: tuple[FastAPI, FastAPI]  # two instances over one database, as two web processes


@pytest.fixture
def court(store_url: str) -> Iterator[Court]:
    clock = Clock()
    first = Runtime(make_engine(store_url), clock)
    setup.init(first, DEFINITIONS)
    for user in USERS:
        auth.set_password(first, user, PASSWORD)
    second = Runtime(make_engine(store_url), clock)
    yield Court(clock, (create_app(first), create_app(second)))
    for rt in (first, second):
        rt.engine.dispose()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


class Form:
    """A browser with the sign-in form open."""

    def __init__(self, app: FastAPI) -> None:
        self.web = TestClient(app, base_url="https://testserver")
        self.token = csrf_of(self.web.get("/masuk").text)

    def send(self, username: str, password: str) -> int:
        return self.answer(username, password).status_code

    def answer(self, username: str, password: str) -> Response:
        answer = self.web.post("/masuk", data={"username": username, "password": password,
                                               "csrf": self.token}, follow_redirects=False)
        if answer.status_code == 429:
            assert int(answer.headers["Retry-After"]) >= 1
            assert "Terlalu banyak percobaan gagal" in answer.text
        return answer

    def wait(self, username: str) -> int:
        """The seconds a refused try is told to wait."""
        refused = self.answer(username, PASSWORD)
        assert refused.status_code == 429, refused.text[:300]
        return int(refused.headers["Retry-After"])


@pytest.fixture
def held_checks(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Callable[[], None]]:
    """Hold every password check until ``total`` tries have reached a check or been answered;
    gives the function each try calls when it has been answered."""

    def hold(total: int) -> Callable[[], None]:
        check = auth.check_password
        settled = threading.Condition()
        count = [0]

        def one_more() -> None:
            with settled:
                count[0] += 1
                settled.notify_all()

        def held(rt: Runtime, username: str, password: str) -> bool:
            one_more()
            with settled:
                if not settled.wait_for(lambda: count[0] >= total, timeout=60):
                    raise AssertionError("the tries never all settled")
            return check(rt, username, password)

        monkeypatch.setattr(auth, "check_password", held)
        return one_more

    return hold


def all_at_once(court: Court, tries: list[tuple[str, str]],
                hold: Callable[[int], Callable[[], None]]) -> list[tuple[str, int]]:
    """Send ``tries`` (username, password) at once, half through each app instance; each
    try's username and answer, in the order given."""
    forms = [Form(court.apps[i % 2]) for i in range(len(tries))]
    answered = hold(len(tries))
    start = threading.Barrier(len(tries))
    codes: list[int] = [0] * len(tries)

    def one(i: int) -> None:
        start.wait()
        try:
            codes[i] = forms[i].send(*tries[i])
        finally:
            if codes[i] not in (401, 303):  # a checked try counted itself at the check
                answered()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(tries))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return [(username, code) for (username, _), code in zip(tries, codes, strict=True)]


def test_forty_wrong_passwords_at_once_get_five_checks(
        court: Court, held_checks: Callable[[int], Callable[[], None]]) -> None:
    tries = [("rina.ptsp", f"salah-{i}-xxxxxx") for i in range(40)]
    codes = Counter(code for _, code in all_at_once(court, tries, held_checks))
    assert codes == {401: 5, 429: 35}
    form = Form(court.apps[0])
    assert form.send("rina.ptsp", PASSWORD) == 429  # even the right password waits
    court.clock.move(29)
    assert form.send("rina.ptsp", PASSWORD) == 429
    court.clock.move(1)
    assert form.send("rina.ptsp", PASSWORD) == 303
    assert form.web.get("/tugas").status_code == 200


def test_a_hundred_and_twenty_tries_mixing_users_from_one_address(
        court: Court, held_checks: Callable[[int], Callable[[], None]]) -> None:
    # three real users, ten tries each (5 may be checked), and 90 names guessed once: 105
    # tries the per-user limits allow, of which the address's ceiling lets 100 be checked
    tries = [(user, f"salah-{i}-xxxxxx") for user in USERS for i in range(10)]
    tries += [(f"tebakan.{i}", "salah-sekali-xxxx") for i in range(90)]
    answers = all_at_once(court, tries, held_checks)
    checked = Counter(username for username, code in answers if code == 401)
    assert all(checked[user] <= 5 for user in USERS), checked
    assert sum(checked.values()) == 100
    assert Counter(code for _, code in answers) == {401: 100, 429: 20}


def test_another_user_behind_the_same_address_still_signs_in(court: Court) -> None:
    attacker = Form(court.apps[0])
    codes = [attacker.send("rina.ptsp", f"salah-{i}-xxxxxx") for i in range(7)]
    assert codes == [401] * 5 + [429] * 2
    colleague = Form(court.apps[0])
    assert colleague.send("fadli.ptsp", PASSWORD) == 303
    assert colleague.web.get("/tugas").status_code == 200
    assert Form(court.apps[1]).send("rina.ptsp", PASSWORD) == 429  # the other process knows


def test_the_wait_doubles_up_to_fifteen_minutes(court: Court) -> None:
    form = Form(court.apps[0])
    assert [form.send("rina.ptsp", f"salah-{i}-xxxxxx") for i in range(5)] == [401] * 5
    waits = []
    for i in range(8):
        waits.append(form.wait("rina.ptsp"))
        court.clock.move(10)  # a refused try is not counted: the wait runs on, not longer
        assert form.wait("rina.ptsp") == waits[-1] - 10
        court.clock.move(waits[-1] - 10)
        assert form.send("rina.ptsp", f"lagi-{i}-xxxxxx") == 401
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]
    assert form.wait("rina.ptsp") == 900
    court.clock.move(900)
    assert form.send("rina.ptsp", PASSWORD) == 303  # a right password clears the count
    assert Form(court.apps[1]).send("rina.ptsp", "salah-lagi-xxxxxx") == 401


def test_free_failures_count_within_fifteen_minutes(court: Court) -> None:
    form = Form(court.apps[0])
    assert [form.send("rina.ptsp", f"salah-{i}-xxxxxx") for i in range(4)] == [401] * 4
    court.clock.move(15 * 60)  # the window closed with one free try left
    assert [form.send("rina.ptsp", f"baru-{i}-xxxxxx") for i in range(5)] == [401] * 5
    assert form.wait("rina.ptsp") == 30


def test_a_count_is_forgotten_fifteen_minutes_after_its_wait(court: Court) -> None:
    form = Form(court.apps[0])
    for i in range(6):
        form.send("rina.ptsp", f"salah-{i}-xxxxxx")
        court.clock.move(30)
    assert form.wait("rina.ptsp") == 30  # after the sixth failure the wait was 60 s
    court.clock.move(30 + 15 * 60)
    assert [form.send("rina.ptsp", f"baru-{i}-xxxxxx") for i in range(5)] == [401] * 5
    assert form.wait("rina.ptsp") == 30


def counters(app: FastAPI) -> list[tuple[str, int]]:
    engine: Engine = app.state.runtime.engine
    with engine.connect() as conn:
        return [(r.key, r.failures) for r in conn.execute(
            select(sign_in_limits.c.key, sign_in_limits.c.failures))]


def test_expired_counts_are_removed_and_no_name_is_stored(court: Court) -> None:
    form = Form(court.apps[0])
    for i in range(5):
        form.send("rina.ptsp", f"salah-{i}-xxxxxx")
    assert sorted(n for _, n in counters(court.apps[0])) == [5, 5, 5]
    court.clock.move(30 + 15 * 60)
    assert form.send("kata-sandi-di-kolom-nama", "salah-xxxxxxxx") == 401
    kept = dict(counters(court.apps[1]))
    rina = signin.keys("testclient", "rina.ptsp")
    assert rina[signin.PAIR] not in kept and rina[signin.USER] not in kept  # expired, gone
    assert sorted(kept.values()) == [1, 1, 1]  # the new name's, and the address's afresh
    assert all(re.fullmatch("[0-9a-f]{64}", key) for key in kept)


def test_a_right_password_gives_its_try_back_to_the_address(court: Court) -> None:
    for _ in range(3):
        assert Form(court.apps[0]).send("fadli.ptsp", PASSWORD) == 303
    assert Form(court.apps[0]).send("rina.ptsp", "salah-sekali-xxxx") == 401
    assert sorted(n for _, n in counters(court.apps[0])) == [1, 1, 1]
