"""decide: a step's mutu baku. Required inputs (kelengkapan) known from the case's fields,
earlier outputs or the values given; required outputs given at completion; values checked
by kind; case fields set along the way."""

from __future__ import annotations

import pytest

from sop_runtime.definition.models import Penegakan
from sop_runtime.engine import (
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    DeviationKind,
    StartCase,
    StepCompleted,
)
from tests.unit.enginekit import (
    T0,
    Case,
    chain,
    gugatan,
    needed,
    refused,
    summary,
    without_counters,
    workflow,
)

CATAT, TOLAK = Penegakan.CATAT, Penegakan.TOLAK

STEP_1 = {"surat_gugatan_asli": "ada", "fotokopi_ktp_penggugat": "ada",
          "softcopy_surat_gugatan": "gugatan.docx",
          "ceklist_kelengkapan_yang_ditandatangani": "CK-01"}




def test_all_required_values_given_no_deviation() -> None:
    c = gugatan(TOLAK)
    events = c.do(CompleteStep(actor="rina.ptsp", node="1", values=STEP_1))
    assert summary(events) == [("step_completed", "1", 1), ("step_activated", "2", 1)]
    assert isinstance(events[0], StepCompleted) and events[0].outputs == STEP_1


def test_an_optional_input_may_be_given() -> None:
    c = gugatan(TOLAK)
    events = c.do(CompleteStep(actor="rina.ptsp", node="1",
                               values={**STEP_1, "surat_kuasa_khusus": "SK-3/2026"}))
    assert isinstance(events[0], StepCompleted)
    assert events[0].outputs["surat_kuasa_khusus"] == "SK-3/2026"


def test_missing_input_is_flagged_under_catat() -> None:
    c = gugatan()
    values = {k: v for k, v in STEP_1.items()
              if k not in ("surat_gugatan_asli", "softcopy_surat_gugatan")}
    events = c.do(CompleteStep(actor="rina.ptsp", node="1", values=values))
    assert summary(events) == [("deviation_flagged", "missing_input", "1", 1),
                               ("step_completed", "1", 1), ("step_activated", "2", 1)]
    flag = events[0]
    assert isinstance(flag, DeviationFlagged) and flag.rule == "mutu_baku.kelengkapan"
    assert flag.evidence == {"kurang": "Surat gugatan asli; Softcopy surat gugatan"}


def test_missing_input_is_refused_under_tolak() -> None:
    c = gugatan(TOLAK)
    before = c.state
    r = refused(c.do(CompleteStep(actor="rina.ptsp", node="1",
                                  values={k: v for k, v in STEP_1.items()
                                          if k != "fotokopi_ktp_penggugat"})))
    assert (r.code, r.kind) == ("missing_input", DeviationKind.MISSING_INPUT)
    assert r.detail == {"kurang": "Fotokopi KTP penggugat", "pelanggaran": "missing_input",
                        "aturan": "mutu_baku.kelengkapan"}
    assert without_counters(c.state) == without_counters(before)


def test_missing_output_in_both_modes() -> None:
    values = {k: v for k, v in STEP_1.items() if k != "ceklist_kelengkapan_yang_ditandatangani"}
    c = gugatan()
    events = c.do(CompleteStep(actor="rina.ptsp", node="1", values=values))
    assert summary(events)[0] == ("deviation_flagged", "missing_output", "1", 1)
    assert isinstance(events[0], DeviationFlagged)
    assert events[0].rule == "mutu_baku.output"
    assert events[0].evidence == {"kurang": "Ceklist kelengkapan yang ditandatangani"}
    r = refused(gugatan(TOLAK).do(CompleteStep(actor="rina.ptsp", node="1", values=values)))
    assert r.code == "missing_output"


def test_missing_input_and_output_are_both_flagged_in_order() -> None:
    c = gugatan()
    events = c.do(CompleteStep(actor="rina.ptsp", node="1"))
    assert summary(events) == [("deviation_flagged", "missing_input", "1", 1),
                               ("deviation_flagged", "missing_output", "1", 1),
                               ("step_completed", "1", 1), ("step_activated", "2", 1)]


def test_an_input_produced_by_an_earlier_step_is_known() -> None:
    c = gugatan(TOLAK)
    c.do(CompleteStep(actor="rina.ptsp", node="1", values=STEP_1))
    # step 2 needs the ceklist made in step 1: only its own output is given
    events = c.do(CompleteStep(actor="ahmad.panmudpdt", node="2", decision="Lengkap",
                               values={"berkas_dinyatakan_lengkap_atau_tidak_lengkap": "lengkap"}))
    assert summary(events)[0] == ("step_completed", "2", 1)


def test_an_output_of_a_step_skipped_is_not_known() -> None:
    from sop_runtime.engine import SkipStep
    c = gugatan(TOLAK)
    c.do(SkipStep(actor="bambang.panitera", node="1", reason="berkas diterima di luar PTSP"))
    r = refused(c.do(CompleteStep(actor="ahmad.panmudpdt", node="2", decision="Lengkap",
                                  values={"berkas_dinyatakan_lengkap_atau_tidak_lengkap": "x"})))
    assert r.detail["kurang"] == "Ceklist kelengkapan yang ditandatangani"


FIELD_STEP = chain(
    {"kegiatan": "Mengirim pemberitahuan", "pelaksana": "panitera",
     "mutu_baku": {"kelengkapan": [{"id": "tanggal_minutasi", "nama": "Tanggal minutasi",
                                    "jenis": "tanggal"}, "Surat pengantar"],
                   "output": ["Surat pemberitahuan"]}},
    isian=[{"id": "tanggal_minutasi", "nama": "Tanggal minutasi", "jenis": "tanggal"}],
    penegakan="tolak")


def test_a_case_field_counts_as_a_known_input() -> None:
    c = Case(FIELD_STEP, now=T0)
    c.do(StartCase(actor="rina.ptsp", fields={"tanggal_minutasi": "2026-11-30"}))
    c.do(CompleteStep(actor="rina.ptsp", node="1"))
    events = c.do(CompleteStep(actor="bambang.panitera", node="2",
                               values={"surat_pemberitahuan": "SPB-1", "surat_pengantar": "SP-1"}))
    assert summary(events)[0] == ("step_completed", "2", 1)
    assert isinstance(events[0], StepCompleted) and events[0].fields == {}


def test_a_case_field_given_at_a_step_is_set_on_the_case() -> None:
    c = Case(FIELD_STEP, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.do(CompleteStep(actor="rina.ptsp", node="1"))
    r = refused(c.do(CompleteStep(actor="bambang.panitera", node="2",
                                  values={"surat_pemberitahuan": "SPB-1",
                                          "surat_pengantar": "SP-1"})))
    assert r.detail["kurang"] == "Tanggal minutasi"
    events = c.do(CompleteStep(actor="bambang.panitera", node="2",
                               values={"surat_pemberitahuan": "SPB-1",
                                       "surat_pengantar": "SP-1",
                                       "tanggal_minutasi": " 2026-11-30 "}))
    done = events[0]
    assert isinstance(done, StepCompleted) and done.fields == {"tanggal_minutasi": "2026-11-30"}
    assert c.state.fields == {"tanggal_minutasi": "2026-11-30"}


def test_a_later_attempt_s_output_wins() -> None:
    from sop_runtime.engine import ReopenStep
    c = gugatan(TOLAK)
    c.do(CompleteStep(actor="rina.ptsp", node="1", values=STEP_1))
    c.do(ReopenStep(actor="bambang.panitera", node="1", reason="ceklist salah"))
    c.do(CompleteStep(actor="rina.ptsp", node="1",
                      values={**STEP_1, "ceklist_kelengkapan_yang_ditandatangani": "CK-02"}))
    assert c.state.values()["ceklist_kelengkapan_yang_ditandatangani"] == "CK-02"


# -- values that are not allowed -----------------------------------------------------------

def test_a_value_the_step_does_not_know_is_rejected() -> None:
    c = gugatan()
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="rina.ptsp", node="1", values={**STEP_1, "nomor_perkara": "1"}))
    assert exc.value.code == "unknown_value"
    assert exc.value.params["key"] == "nomor_perkara"
    assert exc.value.params["where"] == "langkah 1"
    assert "surat_gugatan_asli" in str(exc.value.params["known"])


def test_a_case_field_the_sop_does_not_declare_is_rejected_at_start() -> None:
    c = Case(workflow("pendaftaran-gugatan-ptsp", CATAT), now=T0)
    with pytest.raises(CommandRejected) as exc:
        c.do(StartCase(actor="rina.ptsp", fields={"penggugat": "Budi"}))
    assert exc.value.code == "unknown_value"
    assert exc.value.params == {"key": "penggugat", "where": "pendaftaran-gugatan-ptsp",
                                "known": "-"}


@pytest.mark.parametrize(("key", "value", "says"), [
    ("taksiran_panjar", "seratus ribu", "jumlah uang"),
    ("taksiran_panjar", "Rp 1.50.000", "jumlah uang"),
    ("taksiran_panjar", "-5000", "jumlah uang"),
    ("taksiran_panjar", "Rp 150.000,50", "jumlah uang"),
    ("slip_setoran", "   ", "kosong"),
])
def test_a_value_of_the_wrong_kind_is_rejected(key: str, value: str, says: str) -> None:
    c = Case(workflow("pendaftaran-gugatan-ptsp", CATAT), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.do(CompleteStep(actor="rina.ptsp", node="1", values=STEP_1))
    c.do(CompleteStep(actor="ahmad.panmudpdt", node="2", decision="Lengkap",
                      values=needed(c.wf, c.state, "2")))
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="siti.kasir", node="3",
                          values={**needed(c.wf, c.state, "3"), key: value}))
    assert exc.value.code == "bad_value" and says in str(exc.value)


@pytest.mark.parametrize(("money", "stored"), [
    ("150000", "150000"), ("Rp 150.000", "150000"), ("Rp150.000", "150000"),
    ("rp. 1.250.000,00", "1250000"), ("0", "0"), ("1.000", "1000")])
def test_money_as_clerks_write_it(money: str, stored: str) -> None:
    c = Case(workflow("pengembalian-sisa-panjar", CATAT), now=T0)
    c.do(StartCase(actor="andi.hakim"))
    for node, actor in [("1", "andi.hakim"), ("2", "arif.pp")]:
        c.do(CompleteStep(actor=actor, node=node, values=needed(c.wf, c.state, node)))
    events = c.do(CompleteStep(actor="siti.kasir", node="3", values={"sisa_panjar": money}))
    assert isinstance(events[0], StepCompleted)
    assert events[0].outputs == {"sisa_panjar": stored}


@pytest.mark.parametrize(("value", "ok"), [("2026-11-30", True), ("2026-02-29", False),
                                          ("30-11-2026", False), ("besok", False),
                                          ("1900-01-01", True), ("2100-12-31", True),
                                          ("1899-12-31", False), ("2101-01-01", False),
                                          ("0001-01-01", False), ("9999-12-31", False)])
def test_dates_must_be_real_dates(value: str, ok: bool) -> None:
    c = Case(FIELD_STEP, now=T0)
    if ok:
        c.do(StartCase(actor="rina.ptsp", fields={"tanggal_minutasi": value}))
        assert c.state.fields == {"tanggal_minutasi": value}
        return
    with pytest.raises(CommandRejected) as exc:
        c.do(StartCase(actor="rina.ptsp", fields={"tanggal_minutasi": value}))
    assert exc.value.code == "bad_value" and "tanggal" in str(exc.value).lower()


@pytest.mark.parametrize(("value", "ok"), [("3", True), ("-2", True), ("2,5", True),
                                          ("tiga", False), ("1.000.000", False)])
def test_numbers(value: str, ok: bool) -> None:
    wf = chain({"kegiatan": "Menghitung saksi", "pelaksana": "panitera",
                "mutu_baku": {"output": [{"id": "jumlah_saksi", "nama": "Jumlah saksi",
                                          "jenis": "angka"}]}})
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.do(CompleteStep(actor="rina.ptsp", node="1"))
    cmd = CompleteStep(actor="bambang.panitera", node="2", values={"jumlah_saksi": value})
    if ok:
        assert isinstance(c.do(cmd)[0], StepCompleted)
    else:
        with pytest.raises(CommandRejected) as exc:
            c.do(cmd)
        assert exc.value.code == "bad_value" and "angka" in str(exc.value)
