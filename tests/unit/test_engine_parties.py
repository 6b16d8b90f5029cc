"""Who a case is for and its register number: the shapes checked before anything is
recorded, and the fold that makes them the case's."""

from __future__ import annotations

import pytest

from sop_runtime.engine import CommandRejected, CompleteStep, DeviationKind, StartCase
from sop_runtime.engine.commands import RecordParties, RecordRegisterNumber
from sop_runtime.engine.events import (
    PartiesRecorded,
    RegisterNumberRecorded,
    from_record,
    to_record,
)
from sop_runtime.engine.parties import (
    applicant,
    check_parties,
    name_words,
    register_number,
)
from sop_runtime.engine.state import CaseStatus
from tests.unit.enginekit import T0, Case, chain, needed, refused, workflow

GUGATAN = workflow("pendaftaran-gugatan-ptsp")
BUDI = {"sebutan": "Penggugat", "nama": "Budi Santoso", "nik": "8202 0112 3456 0001",
        "telepon": "0812-4000-1111"}
PT = {"sebutan": "tergugat", "nama": "PT Maju Jaya"}


def test_the_parties_are_tidied_as_the_sop_names_them() -> None:
    parties = check_parties(GUGATAN.parties, [BUDI, PT])
    assert parties == ({"sebutan": "Penggugat", "nama": "Budi Santoso",
                        "nik": "8202011234560001", "telepon": "081240001111"},
                       {"sebutan": "Tergugat", "nama": "PT Maju Jaya"})


@pytest.mark.parametrize(("given", "code", "words"), [
    ([{**BUDI, "nik": "1234"}, PT], "party_nik", "NIK harus 16 angka"),
    ([{**BUDI, "telepon": "telp kantor"}, PT], "party_phone", "8-15 angka"),
    ([{**BUDI, "email": "budi@contoh.id"}, PT], "party_detail_unasked", "tidak meminta e-mail"),
    ([{**BUDI, "nama": "  "}, PT], "party_name", "nama wajib diisi"),
    ([BUDI], "party_missing", "Tergugat belum disebut"),
    ([BUDI, {"sebutan": "Pelapor", "nama": "X"}], "party_unknown", "tidak menyebut pihak"),
    ([{**BUDI, "umur": "40"}, PT], "party_field", "'umur' bukan rincian pihak"),
])
def test_bad_parties_are_refused_naming_the_party_and_why(
        given: list[dict[str, str]], code: str, words: str) -> None:
    with pytest.raises(CommandRejected) as exc:
        check_parties(GUGATAN.parties, given)
    assert exc.value.code == code
    assert words in str(exc.value)


def test_an_email_the_sop_requires_must_be_an_email() -> None:
    ecourt = workflow("pendaftaran-ecourt").parties
    with pytest.raises(CommandRejected, match="e-mail wajib diisi"):
        check_parties(ecourt, [{"sebutan": "Penggugat", "nama": "Budi"}])
    with pytest.raises(CommandRejected, match="bukan alamat e-mail"):
        check_parties(ecourt, [{"sebutan": "Penggugat", "nama": "Budi", "email": "budi@"}])


def test_an_sop_that_names_no_parties_asks_for_one_pemohon_by_name() -> None:
    wf = chain({"kegiatan": "Memeriksa", "pelaksana": "petugas_ptsp"})
    assert [p.sebutan for p in wf.parties] == ["Pemohon"]
    assert check_parties(wf.parties, [{"sebutan": "pemohon", "nama": "Siti"}]) == (
        {"sebutan": "Pemohon", "nama": "Siti"},)
    with pytest.raises(CommandRejected, match="Pemohon disebut 2 kali"):
        check_parties(wf.parties, [{"sebutan": "Pemohon", "nama": "A"},
                                   {"sebutan": "Pemohon", "nama": "B"}])


@pytest.mark.parametrize("number", ["14/Pdt.G/2026/PN Snn", "45/Pid.B/2026/PN Snn",
                                    "3/Pdt.G.S/2026/PN  Snn", "12/PDT/2026/PT Amb",
                                    "1234 K/Pdt/2026"])
def test_register_numbers_as_sipp_writes_them(number: str) -> None:
    assert register_number(number) == " ".join(number.split())


@pytest.mark.parametrize("number", ["", "SNN-2026-00001", "14/Pdt.G", "0/Pdt.G/2026/PN Snn",
                                    "14/Pdt.G/26/PN Snn", "14-Pdt.G-2026-PN Snn"])
def test_other_text_is_no_register_number(number: str) -> None:
    with pytest.raises(CommandRejected, match="bukan nomor perkara"):
        register_number(number)


def test_a_case_started_with_its_parties_is_known_by_the_first() -> None:
    c = Case(GUGATAN, now=T0)
    started = c.do(StartCase(actor="rina.ptsp", parties=(BUDI, {**BUDI, "nama": "Ani"}, PT)))
    assert applicant(c.state.parties) == "Budi Santoso dkk."
    assert name_words(c.state.parties) == ("budi", "santoso", "ani", "pt", "maju", "jaya")
    # stored and read back as it was decided
    record = to_record(started[0])
    back = from_record(*record, occurred_at=T0, recorded_at=T0, actor="rina.ptsp")
    assert back == started[0]


def test_a_start_without_parties_stores_the_event_as_before() -> None:
    c = Case(GUGATAN, now=T0)
    started = c.do(StartCase(actor="rina.ptsp"))
    assert "parties" not in to_record(started[0])[2]
    assert c.state.parties == () and applicant(()) is None


def test_parties_recorded_later_and_corrected_only_with_a_reason() -> None:
    c = Case(GUGATAN, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=5)
    first = c.do(RecordParties(actor="rina.ptsp", parties=(BUDI, PT)))
    assert isinstance(first[0], PartiesRecorded) and first[0].reason is None
    with pytest.raises(CommandRejected, match="wajib disertai alasan"):
        c.decide(RecordParties(actor="rina.ptsp", parties=({**BUDI, "nama": "Budi S."}, PT)))
    with pytest.raises(CommandRejected, match="sudah tercatat demikian"):
        c.decide(RecordParties(actor="rina.ptsp", reason="sama", parties=(BUDI, PT)))
    c.do(RecordParties(actor="rina.ptsp", reason="salah ketik",
                       parties=({**BUDI, "nama": "Budi Santosa"}, PT)))
    assert c.state.parties[0]["nama"] == "Budi Santosa"


def test_only_the_sops_staff_or_a_supervisor_record_them() -> None:
    c = Case(GUGATAN, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    tried = refused(c.decide(RecordRegisterNumber(actor="fitri.hakim",
                                                  number="14/Pdt.G/2026/PN Snn")))
    assert tried.kind is DeviationKind.WRONG_ACTOR and tried.detail["pengguna"] == "fitri.hakim"
    assert c.decide(RecordRegisterNumber(actor="bambang.panitera",
                                         number="14/Pdt.G/2026/PN Snn"))


def test_the_register_number_comes_from_the_step_that_issues_it_and_corrections() -> None:
    c = Case(GUGATAN, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    for node, actor, decision in (("1", "rina.ptsp", None), ("2", "ahmad.panmudpdt", "Lengkap"),
                                  ("3", "siti.kasir", None), ("4", "siti.kasir", None)):
        c.later(minutes=1)
        c.do(CompleteStep(actor=actor, node=node, decision=decision,
                          values=needed(c.wf, c.state, node)))
    numbered = [s for s in c.wf.nodes if any(o.id == "nomor_perkara" for o in s.outputs)]
    assert numbered
    while c.state.register_number is None and c.state.open_steps:
        step = c.state.open_steps[0]
        actor = {"petugas_ptsp": "rina.ptsp", "kasir": "siti.kasir",
                 "panmud_perdata": "ahmad.panmudpdt", "panitera": "bambang.panitera",
                 }.get(c.wf.node(step.node).role or "", "rina.ptsp")
        c.later(minutes=1)
        node = c.wf.node(step.node)
        c.do(CompleteStep(actor=actor, node=step.node,
                          decision=node.branch_labels[0] if node.branch_labels else None,
                          values=needed(c.wf, c.state, step.node)))
    assert c.state.register_number == "12/Pdt.G/2026/PN Snn"
    c.later(minutes=1)
    fixed = c.do(RecordRegisterNumber(actor="bambang.panitera", number="14/Pdt.G/2026/PN Snn",
                                      reason="SIPP memberi nomor 14"))
    assert isinstance(fixed[0], RegisterNumberRecorded)
    assert c.state.register_number == "14/Pdt.G/2026/PN Snn"


def test_a_register_number_may_be_recorded_after_the_case_ended() -> None:
    wf = chain({"kegiatan": "Memeriksa", "pelaksana": "petugas_ptsp"})
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    for node in ("1", "2", "3"):
        c.later(minutes=1)
        c.do(CompleteStep(actor="rina.ptsp", node=node, values=needed(wf, c.state, node)))
    assert c.state.status is CaseStatus.COMPLETED
    c.later(minutes=1)
    c.do(RecordRegisterNumber(actor="rina.ptsp", number="2/Pdt.P/2026/PN Snn"))
    assert c.state.register_number == "2/Pdt.P/2026/PN Snn"
