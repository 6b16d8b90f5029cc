"""Notices to the applicant through the service layer, on SQLite and PostgreSQL: a marked
step makes one notice due per step attempt, taken once and recorded once on the case's log
(the message and the kind of channel, never the address), a failure retried then recorded,
consent withdrawn or expired erasing the contact; the address in no log, export or
report."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.service import automation, cases, contacts, export, journals, notices, setup
from sop_runtime.service.casereport import case_report
from sop_runtime.service.confidential import operator
from sop_runtime.service.contacts import ContactGiven
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import cases as cases_table
from tests.conftest import DEFINITIONS
from tests.flows.kit import SteppingClock, verified_filing

WHATSAPP = ContactGiven("whatsapp", "0812-3456-7890", agreed=True)
NUMBER = "6281234567890"


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def court(store_url: str, clock: SteppingClock) -> Runtime:
    rt = Runtime(make_engine(store_url), clock)
    setup.init(rt, DEFINITIONS)
    return rt


def _log(rt: Runtime, case: str) -> list[tuple[str, dict[str, object]]]:
    with rt.engine.connect() as conn:
        stored, _ = cases.load_case(conn, case)
    return [(s.type, dict(s.payload)) for s in stored]


def test_a_marked_step_is_told_once_and_recorded_without_the_address(
        court: Runtime, tmp_path: Path) -> None:
    case, numbering = verified_filing(court, tmp_path, WHATSAPP)
    consent = [p for t, p in _log(court, case) if t == "consent_given"]
    assert consent == [{"channel": "whatsapp",
                        "consent": contacts.sentence(court)}]
    assert "Pengadilan Negeri Sanana" in str(consent[0]["consent"])
    due = notices.pending(court)
    assert due == [notices.Key(case, "4", 1)]  # the e-SKUM step, done on the way
    out = notices.take(court, due[0])
    assert out is not None and out.address == NUMBER and out.channel == "whatsapp"
    assert out.message.startswith(f"Permohonan {case} (Pendaftaran Perkara Perdata")
    assert "sebesar Rp" in out.message and "virtual account 8808" in out.message
    assert notices.take(court, due[0]) is None  # taken: a second sender sends nothing
    assert notices.delivered(court, out)
    assert not notices.delivered(court, out)  # recorded once
    told = [p for t, p in _log(court, case) if t == "applicant_notified"]
    assert told == [{"node": "4", "attempt": 1, "channel": "whatsapp",
                     "message": out.message}]
    # the numbering step tells the nomor perkara
    automation.execute(court, automation.work_for(court, case, numbering, 1),
                       documents=tmp_path)
    (key,) = notices.pending(court)
    second = notices.take(court, key)
    assert second is not None and key.node == numbering
    assert "nomor perkara 1/Pdt.G/2026/PN Snn." in second.message
    assert notices.delivered(court, second)
    _nowhere(court, case)


def _nowhere(rt: Runtime, case: str) -> None:
    """The applicant's number is in no event, export or case report."""
    found = json.dumps(_log(rt, case))
    for fmt in export.Format:
        out = io.StringIO()
        export.export(rt, fmt, out, reader=operator("uji"), case=case)
        found += out.getvalue()
    found += repr(case_report(rt, case, reader=operator("uji")))
    assert "applicant_notified" in found and "whatsapp" in found
    for trace in (NUMBER, "81234567890", "0812-3456"):
        assert trace not in found


def test_a_contact_needs_consent_and_a_valid_address(court: Runtime) -> None:
    with court.engine.connect() as conn:
        before = conn.execute(cases_table.select()).all()
    for bad in (ContactGiven("whatsapp", "0812 3456 7890", agreed=False),
                ContactGiven("email", "bukan-alamat", agreed=True),
                ContactGiven("surat", "Jl. Merdeka 1", agreed=True),
                ContactGiven("telegram", "12", agreed=True)):
        with pytest.raises(CommandRejected):
            cases.start_case(court, "pendaftaran-ecourt", "rina.ptsp", contact=bad)
    with court.engine.connect() as conn:
        assert conn.execute(cases_table.select()).all() == before  # no half-written case
    plain = cases.start_case(court, "pendaftaran-ecourt", "rina.ptsp")
    assert contacts.has_contact(court, plain.case_id) is None
    assert not [t for t, _ in _log(court, plain.case_id) if t == "consent_given"]


def test_a_failed_send_is_tried_again_then_recorded_as_failed(
        court: Runtime, tmp_path: Path) -> None:
    case, _ = verified_filing(court, tmp_path, ContactGiven("email", "budi@contoh.id", True))
    (key,) = notices.pending(court)
    first = notices.take(court, key)
    assert first is not None and first.address == "budi@contoh.id"
    notices.release(court, first)  # the gateway did not answer
    again = notices.take(court, key)
    assert again is not None
    assert notices.give_up(court, key, "gerbang e-mail tidak menjawab")
    assert not notices.give_up(court, key, "sekali lagi")
    failed = [p for t, p in _log(court, case) if t == "notice_failed"]
    assert failed == [{"node": "4", "attempt": 1, "channel": "email",
                       "message": again.message, "error": "gerbang e-mail tidak menjawab",
                       "tries": 2}]
    assert notices.pending(court) == [] and notices.take(court, key) is None


def test_a_sender_lost_while_sending_never_sends_again(
        court: Runtime, clock: SteppingClock, tmp_path: Path) -> None:
    verified_filing(court, tmp_path, WHATSAPP)
    (key,) = notices.pending(court)
    assert notices.take(court, key) is not None  # and the sender died
    assert notices.stalled(court) == []
    clock.now += notices.STALE_AFTER
    assert notices.stalled(court) == [key]
    assert notices.pending(court) == [] and notices.take(court, key) is None
    assert notices.give_up(court, key, "pengirim terhenti")


def test_withdrawn_consent_erases_the_contact_and_stops_the_notices(
        court: Runtime, tmp_path: Path) -> None:
    case, numbering = verified_filing(court, tmp_path, WHATSAPP)
    (key,) = notices.pending(court)
    contacts.withdraw(court, case, "nurul.ecourt", reason="pemohon meminta lewat telepon")
    assert contacts.has_contact(court, case) is None
    assert notices.take(court, key) is None and notices.pending(court) == []
    automation.execute(court, automation.work_for(court, case, numbering, 1),
                       documents=tmp_path)
    assert notices.pending(court) == []  # no consent: nothing more is due
    assert [t for t, _ in _log(court, case) if t == "consent_withdrawn"] == [
        "consent_withdrawn"]
    with pytest.raises(CommandRejected):
        contacts.withdraw(court, case, "nurul.ecourt")  # no consent left to withdraw


def test_contacts_are_erased_when_the_retention_after_the_end_has_passed(
        court: Runtime, clock: SteppingClock) -> None:
    ended = cases.start_case(court, "pendaftaran-ecourt", "rina.ptsp", contact=WHATSAPP)
    running = cases.start_case(court, "pendaftaran-ecourt", "rina.ptsp", contact=WHATSAPP)
    cases.cancel(court, ended.case_id, "bambang.panitera", reason="pemohon mencabut")
    clock.now += timedelta(days=29)
    assert contacts.erase_expired(court) == 0
    clock.now += timedelta(days=2)  # 30 hari after the end, to the end of that day
    assert contacts.erase_expired(court) == 1
    assert contacts.erase_expired(court) == 0
    assert contacts.has_contact(court, ended.case_id) is None
    assert contacts.has_contact(court, running.case_id) == "whatsapp"
    (entry,) = journals.entries(court, "data_pribadi")
    assert entry.type == "contacts_erased"
    assert entry.payload == {"jumlah": 1, "retensi": "30 hari"}
    assert journals.describe(entry, str) == (
        "1 kontak pemohon dihapus: masa simpan 30 hari setelah permohonan selesai sudah lewat")
