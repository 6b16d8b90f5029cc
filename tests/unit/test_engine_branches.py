"""Decisions the case's data decides (``cabang[].jika``): the finding, a choice against it,
and when the clerk decides as before."""

from __future__ import annotations

from typing import Any

import pytest

from sop_runtime.definition.models import Penegakan
from sop_runtime.engine import (
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    DeviationKind,
    ExtendStep,
    StartCase,
    StepCompleted,
)
from tests.unit.enginekit import T0, Case, inline_sop, refused, summary

TERM = [{"label": "Diterima", "ke": 4, "jika": {"tepat_waktu": 2}},
        {"label": "Tidak dapat diterima", "ke": 5, "jika": {"terlambat": 2}}]


def appeal(cabang: list[dict[str, Any]] = TERM, **top: Any) -> Any:
    return inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima permohonan", "pelaksana": "petugas_ptsp"},
        {"no": 2, "kegiatan": "Menerima memori banding", "pelaksana": "petugas_ptsp",
         "mutu_baku": {"waktu": "14 hari"}, "perpanjangan": {"batas": "7 hari", "oleh": ["ketua"]}},
        {"no": 3, "jenis": "keputusan", "kegiatan": "Memeriksa tenggang waktu",
         "pelaksana": "panmud_perdata", "cabang": cabang},
        {"no": 4, "kegiatan": "Meneruskan berkas", "pelaksana": "panmud_perdata", "lanjut": 6},
        {"no": 5, "kegiatan": "Membuat akta tidak dapat diterima", "pelaksana": "panmud_perdata",
         "lanjut": 6},
        {"no": 6, "jenis": "selesai", "kegiatan": "Selesai", "pelaksana": "petugas_ptsp"},
    ], **top)


def at_decision(days: float, **top: Any) -> Case:
    """Step 2 done ``days`` after it opened; the decision (step 3) open."""
    c = Case(appeal(**top), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    c.later(days=days).do(CompleteStep(actor="rina.ptsp", node="2"))
    return c


def completed(events: list[Any], node: str) -> StepCompleted:
    return next(e for e in events if isinstance(e, StepCompleted) and e.node == node)


def test_a_late_filing_decides_the_branch_without_the_clerk() -> None:
    c = at_decision(20)
    events = c.later(hours=1).do(CompleteStep(actor="ahmad.panmudpdt", node="3"))
    done = completed(events, "3")
    assert done.decision == "Tidak dapat diterima" and done.next == ("5",)
    assert done.finding["syarat"] == "terlambat" and done.finding["langkah_syarat"] == "2"
    assert done.finding["satuan"] == "hari" and int(done.finding["terlambat"]) >= 5
    assert not [e for e in events if isinstance(e, DeviationFlagged)]


def test_a_filing_in_time_decides_the_other_branch() -> None:
    c = at_decision(3)
    done = completed(c.later(hours=1).do(CompleteStep(actor="ahmad.panmudpdt", node="3")), "3")
    assert done.decision == "Diterima" and done.finding["syarat"] == "tepat_waktu"


def test_a_choice_equal_to_the_finding_is_fine() -> None:
    c = at_decision(3)
    events = c.later(hours=1).do(CompleteStep(actor="ahmad.panmudpdt", node="3",
                                              decision="diterima"))
    assert completed(events, "3").decision == "Diterima"
    assert not [e for e in events if isinstance(e, DeviationFlagged)]


def test_a_choice_against_the_finding_is_flagged_and_stands_under_catat() -> None:
    c = at_decision(20)
    events = c.later(hours=1).do(CompleteStep(actor="ahmad.panmudpdt", node="3",
                                              decision="Diterima"))
    flags = [e for e in events if isinstance(e, DeviationFlagged)]
    assert [(f.kind, f.rule) for f in flags] == [(DeviationKind.WRONG_BRANCH, "cabang.jika")]
    assert flags[0].evidence["temuan"] == "Tidak dapat diterima"
    assert flags[0].evidence["pilihan"] == "Diterima"
    assert flags[0].evidence["syarat"] == "terlambat"
    done = completed(events, "3")
    assert done.decision == "Diterima" and done.next == ("4",)  # the clerk's choice stands


def test_a_choice_against_the_finding_is_refused_under_tolak() -> None:
    c = at_decision(20, penegakan=Penegakan.TOLAK.value)
    refusal = refused(c.later(hours=1).do(CompleteStep(actor="ahmad.panmudpdt", node="3",
                                                       decision="Diterima")))
    assert refusal.kind is DeviationKind.WRONG_BRANCH
    assert refusal.detail["temuan"] == "Tidak dapat diterima"
    step = c.state.current("3")
    assert step is not None and step.is_open


def test_an_extension_counts_the_finding_uses_the_extended_due_time() -> None:
    c = Case(appeal(), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    c.later(days=10).do(ExtendStep(actor="hendra.kpn", node="2", reason="berkas tebal"))
    c.later(days=8).do(CompleteStep(actor="rina.ptsp", node="2"))  # day 18 of 14 + 7
    done = completed(c.later(hours=1).do(CompleteStep(actor="ahmad.panmudpdt", node="3")), "3")
    assert done.decision == "Diterima"


def test_the_finding_is_judged_by_when_acts_happened_not_when_entered() -> None:
    # step 2 was done on paper in time, entered a month later; the decision likewise
    c = Case(appeal(), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    done_on_paper = c.now.replace(day=c.now.day + 3)
    c.later(days=30).do(CompleteStep(actor="rina.ptsp", node="2", at=done_on_paper,
                                     reason="dicatat dari buku register"))
    events = c.later(hours=1).do(CompleteStep(
        actor="ahmad.panmudpdt", node="3", at=done_on_paper.replace(hour=14),
        reason="dicatat dari buku register"))
    done = completed(events, "3")
    assert done.decision == "Diterima" and done.finding["syarat"] == "tepat_waktu"
    # the same acts entered when they happened decide the same
    live = at_decision(3)
    assert completed(live.later(hours=1).do(
        CompleteStep(actor="ahmad.panmudpdt", node="3")), "3").decision == "Diterima"


def test_without_the_data_the_clerk_decides_as_before() -> None:
    cabang = [{"label": "Lunas", "ke": 4, "jika": {"isian": "status_bayar",
                                                    "sama_dengan": "lunas"}},
              {"label": "Belum", "ke": 5}]
    wf = appeal(cabang, isian=[{"id": "status_bayar", "nama": "Status bayar", "jenis": "teks"}])
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="2"))
    with pytest.raises(CommandRejected) as exc:
        c.later(minutes=1).do(CompleteStep(actor="ahmad.panmudpdt", node="3"))
    assert exc.value.code == "bad_decision"
    events = c.do(CompleteStep(actor="ahmad.panmudpdt", node="3", decision="Belum"))
    assert completed(events, "3").finding == {}


def test_a_field_value_decides_and_the_otherwise_branch_takes_the_rest() -> None:
    cabang = [{"label": "Lunas", "ke": 4, "jika": {"isian": "status_bayar",
                                                    "sama_dengan": "lunas"}},
              {"label": "Belum", "ke": 5}]
    wf = appeal(cabang, isian=[{"id": "status_bayar", "nama": "Status bayar", "jenis": "teks"}])
    for value, branch, why in (("  LUNAS ", "Lunas", "isian"), ("sebagian", "Belum",
                                                                  "selain_itu")):
        c = Case(wf, now=T0)
        c.do(StartCase(actor="rina.ptsp", fields={"status_bayar": value}))
        c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
        c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="2"))
        done = completed(c.later(minutes=1).do(
            CompleteStep(actor="ahmad.panmudpdt", node="3")), "3")
        assert (done.decision, done.finding["syarat"]) == (branch, why)


def test_summary_of_a_decided_case_reaches_its_end() -> None:
    c = at_decision(20)
    c.later(hours=1).do(CompleteStep(actor="ahmad.panmudpdt", node="3"))
    events = c.later(hours=1).do(CompleteStep(actor="ahmad.panmudpdt", node="5"))
    assert ("step_activated", "6", 1) in summary(events)
