"""The applicant's consent and notices in the pure core: consent recorded after the start
(only for an SOP that tells the applicant), withdrawn once, each step attempt's notice
recorded once, sent or failed, by the system; the log keeps no address."""

from __future__ import annotations

import pytest

from sop_runtime.engine import StartCase
from sop_runtime.engine.commands import CompleteStep, RecordNotice, WithdrawConsent
from sop_runtime.engine.events import ApplicantNotified, ConsentGiven, NoticeFailed
from sop_runtime.engine.parties import contact_address
from sop_runtime.engine.rejections import CommandRejected, StaleAction
from tests.unit.enginekit import Case, inline_sop, wit

SENTENCE = "Saya setuju diberi tahu."


def _told() -> Case:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp",
         "mutu_baku": {"waktu": "1 hari kerja", "output": ["Berkas diterima"]},
         "beri_tahu_pemohon": {"pesan": "Berkas Anda diterima.", "saat": "selesai"}},
        {"no": 2, "jenis": "selesai", "kegiatan": "Menyerahkan", "pelaksana": "petugas_ptsp"},
    ])
    return Case(wf, wit(2026, 12, 1))


def _started(c: Case) -> Case:
    c.do(StartCase(actor="rina.ptsp", notify_channel="whatsapp", consent=SENTENCE))
    return c


def test_consent_is_recorded_with_its_channel_and_sentence_only() -> None:
    c = _started(_told())
    given = [e for e in c.log if isinstance(e, ConsentGiven)]
    assert [(e.channel, e.consent) for e in given] == [("whatsapp", SENTENCE)]
    assert [e.TYPE for e in c.log][:2] == ["case_started", "consent_given"]
    assert c.state.notify_channel == "whatsapp"


@pytest.mark.parametrize(("channel", "consent"), [("surat", SENTENCE), ("email", " ")])
def test_a_consent_without_a_known_channel_or_its_sentence_is_rejected(
        channel: str, consent: str) -> None:
    with pytest.raises(CommandRejected):
        _told().do(StartCase(actor="rina.ptsp", notify_channel=channel, consent=consent))


def test_no_consent_is_taken_for_an_sop_that_tells_nobody() -> None:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "jenis": "selesai", "kegiatan": "Menyerahkan", "pelaksana": "petugas_ptsp"},
    ])
    with pytest.raises(CommandRejected, match="tidak memberi tahu"):
        Case(wf, wit(2026, 12, 1)).do(StartCase(actor="rina.ptsp", notify_channel="email",
                                                consent=SENTENCE))


def test_a_notice_is_recorded_once_and_only_for_a_marked_attempt() -> None:
    c = _started(_told()).later(minutes=5)
    c.do(CompleteStep(actor="rina.ptsp", node="1", values={"berkas_diterima": "ada"}))
    sent = c.do(RecordNotice(node="1", attempt=1, channel="whatsapp", message="Berkas ..."))
    assert [type(e) for e in sent] == [ApplicantNotified] and sent[0].actor is None
    assert c.state.notified == frozenset({"1#1"})
    with pytest.raises(StaleAction):  # recorded already: a second sender records nothing
        c.do(RecordNotice(node="1", attempt=1, channel="whatsapp", message="Berkas ...",
                          delivered=False, error="x"))
    with pytest.raises(CommandRejected):
        c.do(RecordNotice(node="2", attempt=1, channel="whatsapp", message="-"))
    with pytest.raises(CommandRejected):
        c.do(RecordNotice(node="1", attempt=2, channel="whatsapp", message="-"))


def test_a_failed_notice_and_a_withdrawal() -> None:
    c = _started(_told())
    failed = c.do(RecordNotice(node="1", attempt=1, channel="whatsapp", message="-",
                               delivered=False, error="gerbang diam", tries=4))
    assert [(type(e), e.tries) for e in failed] == [(NoticeFailed, 4)]  # type: ignore[attr-defined]
    c.do(WithdrawConsent(actor="rina.ptsp", reason="diminta pemohon"))
    assert c.state.notify_channel is None
    with pytest.raises(CommandRejected):
        c.do(WithdrawConsent(actor="rina.ptsp"))


@pytest.mark.parametrize(("channel", "given", "kept"), [
    ("whatsapp", "0812-4000 1111", "6281240001111"), ("telegram", "+62 812 4000 1111",
                                                      "6281240001111"),
    ("email", " budi@contoh.id ", "budi@contoh.id")])
def test_addresses_are_tidied(channel: str, given: str, kept: str) -> None:
    assert contact_address(channel, given) == kept


@pytest.mark.parametrize(("channel", "given"), [("email", "budi"), ("whatsapp", "12"),
                                                ("fax", "0812")])
def test_bad_addresses_are_rejected(channel: str, given: str) -> None:
    with pytest.raises(CommandRejected):
        contact_address(channel, given)
