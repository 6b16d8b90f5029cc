"""Who may act is a hash-chained record of its own: every directory and definitions change
is an entry of a court journal, decisions follow the journal (not its tables), ``sop
verify`` names every table row the journal does not say, and seals take the journals'
newest entries. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, insert, select, update

from sop_runtime.cli.app import run
from sop_runtime.engine import DeviationKind
from sop_runtime.errors import Damaged
from sop_runtime.service import auth, cases, integrity, journals, people, seals, setup, views
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import journal, passwords, settings, user_roles
from tests.clock import Clock
from tests.conftest import DEFINITIONS
from tests.e2e.court import GUGATAN_1


def fresh(rt: Runtime) -> Runtime:
    """Another process's view of the same database (no cached directory)."""
    return Runtime(make_engine(rt.engine.url.render_as_string(hide_password=False)), rt.clock)


def test_init_journals_the_directory_and_the_definitions(court: Runtime) -> None:
    staff = journals.entries(court, "direktori")
    kinds = {e.type for e in staff}
    assert {"role_defined", "user_recorded", "role_granted"} <= kinds
    assert all(e.actor is None for e in staff)  # sop init acts for the court, not a person
    rules = journals.entries(court, "definisi")
    assert rules[0].type == "court_file_loaded"
    assert sum(e.type == "sop_version_current" for e in rules) == 15
    assert integrity.verify(court).ok
    # a second init with nothing changed writes nothing
    setup.init(court, DEFINITIONS)
    assert len(journals.entries(court, "direktori")) == len(staff)
    assert len(journals.entries(court, "definisi")) == len(rules)


def test_an_edited_role_assignment_changes_no_decision_and_is_named(
        court: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    case = cases.start_case(court, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    cases.complete(court, case, "1", "rina.ptsp", values=GUGATAN_1)
    with court.engine.begin() as conn:  # the forger gives a PTSP clerk the Panmud's role
        conn.execute(insert(user_roles).values(username="rina.ptsp", role="panmud_perdata"))
    other = fresh(court)
    try:
        out = cases.complete(other, case, "2", "rina.ptsp",
                             values={"berkas_dinyatakan_lengkap_atau_tidak_lengkap": "Lengkap"},
                             decision="Lengkap")
    finally:
        other.engine.dispose()
    flagged = [e.kind for e in out.events if e.TYPE == "deviation_flagged"]
    assert DeviationKind.WRONG_ACTOR in flagged  # decided by the journal, not the table
    capsys.readouterr()
    assert run(["verify", "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert found["journals"]["ok"]  # the journal itself is intact ...
    assert [(d["table"], d["what"], d["subject"]) for d in found["journals"]["differences"]] \
        == [("user_roles", "extra", "rina.ptsp / panmud_perdata")]  # ... its table is not


def test_who_held_which_role_when(court: Runtime, clock: Clock,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = clock.now
    clock.tick(days=1)
    people.delegate(court, "bambang.panitera", "fadli.ptsp", "kasir", start=clock.now,
                    end=clock.now + timedelta(days=2), reason="Kasir sedang diklat")
    entries = journals.entries(court, "direktori")
    held = journals.held_at(entries, before)
    assert held["siti.kasir"] == frozenset({"kasir"})
    named = [e for e in entries if e.type == "delegation_named"]
    assert len(named) == 1 and named[0].actor == "bambang.panitera"
    capsys.readouterr()
    said = journals.describe(named[0], lambda m: m.strftime("%d-%m-%Y"))
    assert said == "fadli.ptsp ditunjuk Plh kasir 02-12-2026 s.d. 04-12-2026 (Kasir sedang diklat)"
    assert run(["journal", "direktori", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[-1]["type"] == "delegation_named" and listed[-1]["actor"] == "bambang.panitera"
    assert run(["users", "--at", "2026-12-01 11:00", "--json"]) == 0
    then = {u["username"]: u["roles"] for u in json.loads(capsys.readouterr().out)}
    assert then["siti.kasir"] == ["kasir"]
    assert run(["journal", "buku"]) == 2  # no such journal: a usage error


def test_staff_taken_out_of_the_court_file_are_switched_off_on_the_record(
        court: Runtime, clock: Clock, tmp_path: Path) -> None:
    token = auth.issue_token(court, "yusuf.kasir", "e-Court")
    folder = tmp_path / "definitions"
    folder.mkdir()
    for f in DEFINITIONS.iterdir():
        if f.suffix == ".yaml":
            text_ = f.read_text(encoding="utf-8")
            if f.name == "court.yaml":
                text_ = "\n".join(line for line in text_.splitlines()
                                  if "username: yusuf.kasir" not in line)
            (folder / f.name).write_text(text_, encoding="utf-8")
    (folder / "tarif").mkdir()
    for f in (DEFINITIONS / "tarif").iterdir():
        (folder / "tarif" / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    clock.tick(days=30)
    report = setup.init(court, folder)
    assert report.switched_off == ["yusuf.kasir"]
    assert auth.token_user(court, token) is None
    entries = journals.entries(court, "direktori")
    tail = [(e.type, e.payload.get("username")) for e in entries[-3:]]
    assert tail == [("user_recorded", "yusuf.kasir"), ("role_revoked", "yusuf.kasir"),
                    ("token_revoked", "yusuf.kasir")]
    assert journals.held_at(entries, clock.now - timedelta(days=1))["yusuf.kasir"] == {"kasir"}
    assert "yusuf.kasir" not in journals.held_at(entries, clock.now)
    assert integrity.verify(court).ok


def test_a_swapped_password_hash_is_named(court: Runtime) -> None:
    auth.set_password(court, "rina.ptsp", "kata-sandi-rina-1")
    auth.set_password(court, "bambang.panitera", "kata-sandi-bambang")
    assert integrity.verify(court).ok
    with court.engine.begin() as conn:  # the forger copies his own hash onto the Panitera
        mine = conn.execute(select(passwords.c.hash)
                            .where(passwords.c.username == "rina.ptsp")).scalar_one()
        conn.execute(update(passwords).where(passwords.c.username == "bambang.panitera")
                     .values(hash=mine))
    found = integrity.verify(court)
    assert [(d.table, d.what, d.subject) for d in found.directory] == [
        ("passwords", "changed", "bambang.panitera")]


def test_an_edited_court_file_is_named(court: Runtime) -> None:
    with court.engine.begin() as conn:
        conn.execute(update(settings).where(settings.c.key == "court_file").values(
            value=settings.c.value + "\n# jam kerja diubah"))
    assert [(d.table, d.what) for d in integrity.verify(court).directory] == [
        ("settings", "changed")]


def test_an_altered_or_cut_journal_is_found(court: Runtime) -> None:
    with court.engine.begin() as conn:
        conn.execute(update(journal).where(journal.c.log == "direktori", journal.c.seq == 3)
                     .values(payload='{"id": "x"}'))
    found = integrity.verify(court)
    brk = found.journals.first_break
    assert brk is not None and (brk.case_id, brk.seq, brk.what) == ("@direktori", 3, "hash")
    assert brk.message.startswith("jurnal @direktori")
    assert [d.what for d in found.directory] == ["unreadable"]  # named, not crashed on
    other = fresh(court)
    try:  # nothing is decided on a directory that cannot be read
        with pytest.raises(Damaged, match="direktori urutan 3"):
            cases.start_case(other, "pendaftaran-gugatan-ptsp", "rina.ptsp")
    finally:
        other.engine.dispose()


def test_seals_hold_the_journals_newest_entries(court: Runtime, clock: Clock) -> None:
    auth.set_password(court, "rina.ptsp", "kata-sandi-rina-1")
    made = seals.seal(court, "bambang.panitera")
    with court.engine.connect() as conn:  # every entry of both journals is a leaf
        entries = conn.execute(select(func.count()).select_from(journal)).scalar()
    assert made.kind == "log" and made.size == entries and seals.check(court).ok
    with court.engine.begin() as conn:  # the newest entry (the password) is cut off
        newest = conn.execute(select(journal.c.seq).where(journal.c.log == "direktori")
                              .order_by(journal.c.seq.desc())).scalars().first()
        conn.execute(delete(journal).where(journal.c.log == "direktori",
                                           journal.c.seq == newest))
    assert integrity.verify(court).journals.ok  # a cut chain still links ...
    brk = seals.check(court).first_break  # ... but the seal holds its head
    assert brk is not None and (brk.what, brk.case_id) == ("truncated", "@direktori")
    assert "jurnal @direktori" in brk.message


def test_an_older_database_is_journaled_by_init(court: Runtime) -> None:
    """A database set up before the journals: its tables become their first entries."""
    people.delegate(court, "bambang.panitera", "fadli.ptsp", "kasir", start=court.now(),
                    end=court.now() + timedelta(days=2), reason="diklat")
    auth.issue_token(court, "rina.ptsp", "SIPP")
    before = views.users(court)
    with court.engine.begin() as conn:
        conn.execute(delete(journal))
    assert not integrity.verify(court).ok  # tables the (empty) journals do not explain
    setup.init(court, DEFINITIONS)
    assert integrity.verify(court).ok
    assert views.users(court) == before
    assert journals.entries(court, "direktori")[0].type == "role_defined"
