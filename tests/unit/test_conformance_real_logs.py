"""Replaying logs as real offices write them: other work between a case's rows, decisions
whose outcome is not written, cases cut off by the log's end, rows that name nobody, exact
duplicates, dates written the office's way and times known only to the day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.conformance.mapping import Kolom, LogMapping, Target
from sop_runtime.conformance.readers import LogRow
from sop_runtime.conformance.replay import NO_ACTOR, CaseResult, Replayer, _date
from sop_runtime.conformance.synthetic_log import Row
from tests.unit.enginekit import T0, WIT, calendar, inline_sop

# 1 receive, 2 check (a decision: complete -> 3, incomplete -> 5), 3 register, 4 pay, 5 end
DECISION = inline_sop([
    {"no": 1, "jenis": "mulai", "kegiatan": "Menerima berkas", "pelaksana": "petugas_ptsp",
     "mutu_baku": {"waktu": "30 menit"}},
    {"no": 2, "jenis": "keputusan", "kegiatan": "Memeriksa kelengkapan",
     "pelaksana": "panmud_perdata", "mutu_baku": {"waktu": "1 jam"},
     "cabang": [{"label": "Lengkap", "ke": 3}, {"label": "Tidak lengkap", "ke": 5}]},
    {"no": 3, "kegiatan": "Mendaftar perkara", "pelaksana": "petugas_ptsp",
     "mutu_baku": {"waktu": "30 menit"}},
    {"no": 4, "kegiatan": "Menerima panjar", "pelaksana": "kasir",
     "mutu_baku": {"waktu": "30 menit"}},
    {"no": 5, "jenis": "selesai", "kegiatan": "Menyerahkan", "pelaksana": "petugas_ptsp"},
])
NAMES = {"Terima": "1", "Periksa": "2", "Daftar": "3", "Bayar": "4", "Serah": "5"}
PEOPLE = {"rina": "petugas_ptsp", "yusuf": "panmud_perdata", "siti": "kasir"}


def mapping(**extra: Any) -> LogMapping:
    activities: dict[str, Target | None] = {a: Target(n) for a, n in NAMES.items()}
    activities["Cetak ulang"] = None  # abaikan
    base: dict[str, Any] = {
        "file": "uji.yaml", "format": "csv", "columns_given": Kolom(), "time_format": None,
        "zone": None, "delimiter": ",", "activities": activities,
        "resources": {p: frozenset({r}) for p, r in PEOPLE.items()}, "roles": {},
        "values": {}}
    return LogMapping(**{**base, **extra})


def replay(rows: list[tuple[str, str] | tuple[str, str, int]], *, wf: Workflow = DECISION,
           m: LogMapping | None = None, **row_extra: Any) -> CaseResult:
    """Rows of case P1: (activity, person[, minutes after T0]); ten minutes apart by
    default."""
    log = []
    for i, spec in enumerate(rows):
        activity, person = spec[0], spec[1]
        minutes = spec[2] if len(spec) > 2 else 10 * i
        log.append(LogRow(place=i + 2, case="P1", activity=activity, resource=person,
                          at=T0 + timedelta(minutes=minutes), **row_extra))
    m = m or mapping()
    replayer = Replayer.build(wf, m, calendar(), {(r.resource, r.role) for r in log},
                              frozenset())
    return replayer.replay("P1", log)


def kinds(result: CaseResult) -> list[tuple[str, str | None]]:
    return [(f.kind, f.node) for f in result.findings]


# -- decisions under interleaving --------------------------------------------------------

def test_a_decision_takes_the_branch_of_its_first_later_target_across_other_work() -> None:
    # between the check and registration: a reprint (ignored) and a row of an unmapped activity
    result = replay([("Terima", "rina"), ("Periksa", "yusuf"), ("Cetak ulang", "rina"),
                     ("Telepon pihak", "rina"), ("Daftar", "rina"), ("Bayar", "siti"),
                     ("Serah", "rina")])
    assert result.completed and kinds(result) == []


def test_the_branch_is_the_first_target_that_comes_not_the_next_row() -> None:
    # the next mapped row (payment, done early) is no target; registration comes after it
    result = replay([("Terima", "rina"), ("Periksa", "yusuf"), ("Bayar", "siti"),
                     ("Daftar", "rina"), ("Serah", "rina")])
    assert result.completed
    assert kinds(result) == [("out_of_order", "4")]  # paid before registering: a finding
    assert ("skipped", "2") not in kinds(result)


def test_a_decision_no_later_row_explains_stays_open_and_its_actor_is_still_checked() -> None:
    result = replay([("Terima", "rina"), ("Periksa", "siti")])
    assert result.unfinished and not result.completed
    assert [(o.node, o.undecided) for o in result.open_at_end] == [("2", True)]
    assert kinds(result) == [("wrong_actor", "2")]  # the cashier checked the file


def test_a_refused_row_is_still_checked_for_its_actor() -> None:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "kegiatan": "Menaksir", "pelaksana": "kasir", "mutu_baku": {
            "output": [{"id": "taksiran", "nama": "Taksiran", "jenis": "uang"}]}},
        {"no": 3, "jenis": "selesai", "kegiatan": "Selesai", "pelaksana": "petugas_ptsp"},
    ])
    m = replace(mapping(activities={"Terima": Target("1"), "Taksir": Target("2"),
                                    "Serah": Target("3")}), values={"taksiran": "taksiran"})
    log = [LogRow(2, "P1", "Terima", "rina", T0),
           LogRow(3, "P1", "Taksir", "rina", T0 + timedelta(minutes=5),
                  values={"taksiran": "banyak"}),
           LogRow(4, "P1", "Serah", "rina", T0 + timedelta(minutes=9))]
    replayer = Replayer.build(wf, m, calendar(), {("rina", "")}, frozenset())
    result = replayer.replay("P1", log)
    assert ("data", "2") in kinds(result) and ("wrong_actor", "2") in kinds(result)


# -- unfinished cases ---------------------------------------------------------------------

def test_a_case_cut_by_the_logs_end_is_unfinished_not_skipped_nor_late() -> None:
    # registered, then nothing for three days: payment open, long past its 30 minutes
    result = replay([("Terima", "rina"), ("Periksa", "yusuf", 20), ("Daftar", "rina", 40)])
    assert result.unfinished and kinds(result) == []
    (open_step,) = result.open_at_end
    assert open_step.node == "4" and open_step.since == T0 + timedelta(minutes=40)
    assert open_step.due == T0 + timedelta(minutes=70) and not open_step.undecided


def test_findings_before_the_cut_are_reported_in_an_unfinished_case() -> None:
    result = replay([("Terima", "rina"), ("Periksa", "yusuf", 120), ("Daftar", "siti", 130)])
    assert result.unfinished
    assert kinds(result) == [("overdue", "2"), ("wrong_actor", "3")]


# -- people -------------------------------------------------------------------------------

def test_rows_naming_nobody_are_the_mappings_default_actor() -> None:
    m = mapping(default_roles=frozenset({"petugas_ptsp"}))
    result = replay([("Terima", ""), ("Periksa", "yusuf"), ("Daftar", ""), ("Bayar", "siti"),
                     ("Serah", "")], m=m)
    assert result.completed and kinds(result) == [] and result.unnamed == 3


def test_a_row_naming_nobody_without_a_default_is_a_gap_of_the_log() -> None:
    result = replay([("Terima", "rina"), ("Periksa", ""), ("Daftar", "rina"), ("Bayar", "siti"),
                     ("Serah", "rina")])
    assert kinds(result) == [(NO_ACTOR, "2")] and result.unnamed == 0


def test_an_unnamed_row_at_anothers_step_is_a_wrong_actor() -> None:
    m = mapping(default_roles=frozenset({"petugas_ptsp"}))
    result = replay([("Terima", ""), ("Periksa", ""), ("Daftar", ""), ("Bayar", "siti"),
                     ("Serah", "")], m=m)
    assert kinds(result) == [("wrong_actor", "2")]
    assert result.findings[0].detail["pengguna"] == ""


def test_two_unnamed_rows_are_not_taken_for_one_person() -> None:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "kegiatan": "Memverifikasi", "pelaksana": "petugas_ptsp"},
        {"no": 3, "jenis": "selesai", "kegiatan": "Selesai", "pelaksana": "kasir"},
    ], pemisahan_tugas=[{"langkah": [1, 2], "alasan": "empat mata"}])
    m = mapping(activities={"Terima": Target("1"), "Periksa": Target("2"),
                            "Serah": Target("3")}, default_roles=frozenset({"petugas_ptsp"}))
    result = replay([("Terima", ""), ("Periksa", ""), ("Serah", "siti")], wf=wf, m=m)
    assert kinds(result) == []
    named = replay([("Terima", "rina"), ("Periksa", "rina"), ("Serah", "siti")], wf=wf, m=m)
    assert kinds(named) == [("separation_of_duties", "2")]


# -- duplicates ----------------------------------------------------------------------------

def test_an_exact_duplicate_row_is_replayed_once_and_counted() -> None:
    result = replay([("Terima", "rina", 0), ("Periksa", "yusuf", 10), ("Periksa", "yusuf", 10),
                     ("Daftar", "rina", 20), ("Bayar", "siti", 30), ("Serah", "rina", 40)])
    assert result.completed and kinds(result) == [] and result.duplicates == 1
    again = replay([("Terima", "rina", 0), ("Periksa", "yusuf", 10), ("Periksa", "yusuf", 15),
                    ("Daftar", "rina", 20), ("Bayar", "siti", 30), ("Serah", "rina", 40)])
    assert ("rework", "2") in kinds(again)  # the same act at another time: done again


# -- case fields and dates -----------------------------------------------------------------

ANCHORED = inline_sop([
    {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
    {"no": 2, "kegiatan": "Memberitahukan", "pelaksana": "petugas_ptsp", "mutu_baku": {
        "waktu": {"batas": "2 hari kerja", "sejak": {"isian": "tanggal_putusan"}}}},
    {"no": 3, "jenis": "selesai", "kegiatan": "Selesai", "pelaksana": "petugas_ptsp"},
], isian=[{"id": "tanggal_putusan", "nama": "Tanggal putusan", "jenis": "tanggal"}])


def _anchored(decided: str, date_format: str | None = None) -> CaseResult:
    m = mapping(activities={"Terima": Target("1"), "Beritahu": Target("2"),
                            "Serah": Target("3")},
                values={"tanggal_putusan": "tgl_putus"}, date_format=date_format)
    start = datetime(2026, 12, 7, 9, tzinfo=T0.tzinfo)  # a Monday
    log = [LogRow(2, "P1", "Terima", "rina", start, values={"tanggal_putusan": decided}),
           LogRow(3, "P1", "Beritahu", "rina", start + timedelta(hours=1)),
           LogRow(4, "P1", "Serah", "rina", start + timedelta(hours=2))]
    replayer = Replayer.build(ANCHORED, m, calendar(), {("rina", "")}, frozenset())
    return replayer.replay("P1", log)


def test_a_case_field_column_anchors_a_limit_as_the_log_writes_the_date() -> None:
    # decided the Monday before: two working days ran out on Wednesday, notified Monday next
    assert kinds(_anchored("2026-11-30")) == [("overdue", "2")]
    assert kinds(_anchored("30/11/2026", "%d/%m/%Y")) == [("overdue", "2")]
    assert kinds(_anchored("2026-11-30T14:00:00+09:00")) == [("overdue", "2")]
    assert kinds(_anchored("2026-12-04")) == []  # decided Friday: in time


def test_a_moment_with_a_zone_is_the_courts_day() -> None:
    assert _date("2026-11-30 23:30:00+00:00", None, WIT) == date(2026, 12, 1)
    assert _date("2026-11-30T23:30", None, WIT) == date(2026, 11, 30)
    assert _date("30-11-2026", "%d-%m-%Y", WIT) == date(2026, 11, 30)
    assert _date("30-11-2026", None, WIT) is None


def test_a_date_the_log_writes_otherwise_is_a_finding_of_its_row_and_the_step_is_done() -> None:
    result = _anchored("kemarin")
    assert result.completed and [(f.kind, f.node) for f in result.findings] == [("data", "1")]
    assert "kemarin" in result.findings[0].detail["pesan"]


# -- times known only to the day -------------------------------------------------------------

def day_only(rows: list[tuple[str, str, date]]) -> CaseResult:
    from sop_runtime.conformance.check import _day_close

    cal = calendar()
    log = [LogRow(i + 2, "P1", a, p, _day_close(cal, d), day_only=True)
           for i, (a, p, d) in enumerate(rows)]
    replayer = Replayer.build(DECISION, mapping(), cal, {(r.resource, "") for r in log},
                              frozenset())
    return replayer.replay("P1", log)


def test_a_day_only_row_is_late_only_when_certainly_late() -> None:
    tue, wed, thu = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
    same_day = day_only([("Terima", "rina", tue), ("Periksa", "yusuf", tue),
                         ("Daftar", "rina", tue), ("Bayar", "siti", tue), ("Serah", "rina", tue)])
    assert same_day.completed and kinds(same_day) == []
    # received Tuesday (by the close at the latest): the one-hour check could be Wednesday
    # morning; Thursday is late whenever on Tuesday it came in
    next_day = day_only([("Terima", "rina", tue), ("Periksa", "yusuf", wed),
                         ("Daftar", "rina", wed), ("Bayar", "siti", wed), ("Serah", "rina", wed)])
    assert kinds(next_day) == []
    late = day_only([("Terima", "rina", tue), ("Periksa", "yusuf", thu),
                     ("Daftar", "rina", thu), ("Bayar", "siti", thu), ("Serah", "rina", thu)])
    assert kinds(late) == [("overdue", "2")]


def test_a_log_of_dates_reads_each_row_at_its_days_close(tmp_path: Path) -> None:
    from sop_runtime.conformance.check import _day_close
    from sop_runtime.conformance.readers import read_log

    cal = calendar()
    log = tmp_path / "log.csv"
    log.write_text("perkara,aktivitas,pelaksana,waktu\n"
                   "P1,Terima,rina,2026-12-01\n"            # a Tuesday
                   "P1,Periksa,yusuf,2026-12-01T10:15\n"    # a time of day
                   "P1,Daftar,rina,2026-12-05\n",           # a Saturday: the office is shut
                   encoding="utf-8")
    rows = read_log(log, mapping(), WIT, day_close=lambda d: _day_close(cal, d)).cases["P1"]
    assert [(r.at, r.day_only) for r in rows] == [
        (cal.office_intervals(date(2026, 12, 1))[-1][1], True),
        (datetime(2026, 12, 1, 10, 15, tzinfo=WIT), False),
        (datetime(2026, 12, 5, 23, 59, 59, tzinfo=WIT), True)]
    dated = replace(mapping(), time_format="%d/%m/%Y")
    log.write_text("perkara,aktivitas,pelaksana,waktu\nP1,Terima,rina,01/12/2026\n",
                   encoding="utf-8")
    (row,) = read_log(log, dated, WIT).cases["P1"]
    assert row.day_only and row.at == datetime(2026, 12, 1, 23, 59, 59, tzinfo=WIT)


# -- one answer per deviation at joins and joint steps ---------------------------------------

def _library_case(sop: str, change: Callable[[list[Row]], list[Row]]) -> CaseResult:
    from sop_runtime.conformance.synthetic_log import Generator, load_routes
    from tests.conftest import ROOT
    from tests.unit.enginekit import court, library

    gen = Generator.for_court(library().workflow(sop),
                              load_routes(ROOT / "tests" / "golden" / "routes.yaml")[sop], court())
    rows = change(gen.clean("K-1", datetime(2026, 3, 2, 9, tzinfo=WIT)))
    people = {name: frozenset(gen.directory.roles.get(user, ())) for user, name in
              gen.names.items()}
    m = replace(mapping(), activities={r.activity: Target(r.node) for r in rows},
                resources=people, values={i: i for i in gen.items})
    log = [LogRow(i + 2, "K-1", r.activity, r.person, r.at, decision=r.decision,
                  values=dict(r.values)) for i, r in enumerate(rows)]
    replayer = Replayer.build(gen.wf, m, gen.calendar, {(r.resource, "") for r in log},
                              frozenset())
    return replayer.replay("K-1", log)


def test_a_branch_step_done_twice_before_the_join_is_rework_and_nothing_more() -> None:
    def again(rows: list[Row]) -> list[Row]:  # step 8: one branch of the split at 7
        i = [r.node for r in rows].index("8")
        return [*rows[:i + 1], replace(rows[i], at=rows[i].at + timedelta(seconds=30)),
                *rows[i + 1:]]

    result = _library_case("kasasi-perdata", again)
    assert result.completed and kinds(result) == [("rework", "8")]


def test_a_stranger_in_place_of_a_joint_steps_officer_is_a_wrong_actor_and_nothing_more(
        ) -> None:
    def stranger(rows: list[Row]) -> list[Row]:  # step 17: the Ketua and the Panitera sign
        j = [k for k, r in enumerate(rows) if r.node == "17"][1]
        return [*rows[:j], replace(rows[j], person="Andi Pratama Nugroho"), *rows[j + 1:]]

    result = _library_case("permohonan-eksekusi", stranger)
    assert result.completed and kinds(result) == [("wrong_actor", "17")]
    assert result.findings[0].detail["pengguna"] == "Andi Pratama Nugroho"
