"""The monev figures checked against a plain reference computation over the log, on a small
messy court (SQLite and PostgreSQL): cases interleaved, steps claimed before they are done,
rework, a case left unfinished past its deadline, one cancelled, deviations, and a revision
of the SOP half way (two versions, a limit in working days turned into calendar days). The
reference folds each case's events with plain loops, measures with the court calendar and
takes percentiles by nearest rank; every figure of the report must equal it.

Also: the ``step_attempts`` rows are the same after ``sop rebuild`` and after the
migration's fill from the log."""

from __future__ import annotations

import math
import shutil
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import delete, select

from sop_runtime.compiler.library import compile_source
from sop_runtime.engine import from_record
from sop_runtime.engine.attempts import CALENDAR_DAYS, limit_unit
from sop_runtime.engine.events import (
    ActionRefused,
    CaseCancelled,
    CaseCompleted,
    CaseMigrated,
    CaseStarted,
    DeviationFlagged,
    DeviationWithdrawn,
    StepActivated,
    StepClaimed,
    StepCompleted,
    StepExtended,
)
from sop_runtime.service import cases, catalog, migration, revisions, setup
from sop_runtime.service.cases import Refused
from sop_runtime.service.monev import monev_figures, monev_pages
from sop_runtime.service.rebuild import rebuild
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import events as store_events
from sop_runtime.store.migrate import migrate
from sop_runtime.store.scan import case_ids
from sop_runtime.store.schema import settings, step_attempts
from sop_runtime.store.step_attempts import COLUMNS, fill_from_log
from tests.clock import Clock
from tests.conftest import DEFINITIONS, ROOT
from tests.revisions import as_revision

SOP = "penerimaan-perkara-pidana"
WIT = ZoneInfo("Asia/Jayapura")
ROUTE = yaml.safe_load((ROOT / "tests" / "golden" / "routes.yaml").read_text("utf-8"))["rute"][SOP]
STEP = {str(s["langkah"]): s for s in ROUTE}


def done(rt: Runtime, case_id: str, node: str, *, by: str | None = None) -> None:
    s = STEP[node]
    cases.complete(rt, case_id, node, by or s["oleh"], values=s["nilai"],
                   decision=s.get("keputusan"))


def revise(rt: Runtime, clock: Clock, folder: Path) -> str:
    """Step 6's limit turned from 1 hari kerja into 2 hari (calendar days): the revision
    loaded and approved by the Ketua, in force from today."""
    shutil.copytree(DEFINITIONS, folder)
    path = folder / f"{SOP}.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      waktu: 1 hari kerja\n      output: [Berkas perkara diterima Majelis Hakim]"
    assert old in text
    text = text.replace(old, old.replace("1 hari kerja", "2 hari"), 1)
    today = clock.now.astimezone(WIT).date().isoformat()
    path.write_text(as_revision(text, revisi=today), encoding="utf-8")
    setup.init(rt, folder)
    new = compile_source(path.read_text(encoding="utf-8"), path.name).workflow
    assert new is not None
    revisions.approve(rt, SOP, new.version[:12], by="hendra.kpn")
    return new.version


def messy_court(rt: Runtime, clock: Clock, folder: Path) -> dict[str, str]:
    """The cases, by what they are for; the clock ends a week after the start. One running
    case is moved to the revision, its open step 6 with it."""
    made: dict[str, str] = {}

    def start(name: str) -> str:
        made[name] = cases.start_case(rt, SOP, "yuliana.panmudpid").case_id
        return made[name]

    a, b, c = start("whole"), start("rework"), start("unfinished")
    for node in ("1", "2"):  # interleaved
        for case_id in (a, b, c):
            clock.tick(minutes=7)
            if node == "2":
                cases.claim(rt, case_id, node, "yuliana.panmudpid")
                clock.tick(minutes=11)
            done(rt, case_id, node)
    for case_id in (a, b, c):
        clock.tick(minutes=20)
        done(rt, case_id, "3")
    try:  # the clerk signs the Ketua's act: recorded or refused, either way a deviation
        done(rt, a, "4", by="yuliana.panmudpid")
    except Refused:
        done(rt, a, "4")
    clock.tick(hours=2)
    done(rt, b, "4")
    cases.reopen(rt, b, "3", "bambang.panitera", reason="nomor register salah ketik")
    clock.tick(minutes=30)
    done(rt, b, "3")  # the same step again: rework
    for case_id in (a, b, c):
        clock.tick(minutes=15)
        if case_id == c:
            done(rt, c, "4")
        cases.claim(rt, case_id, "5", "bambang.panitera")
        clock.tick(minutes=5)
        done(rt, case_id, "5")
    d = start("cancelled")
    clock.tick(minutes=3)
    done(rt, d, "1")
    cases.cancel(rt, d, "bambang.panitera", reason="berkas ditarik Penuntut Umum")
    clock.tick(days=3)  # a, b and c's step 6 (1 hari kerja) run late
    done(rt, a, "6")
    clock.tick(minutes=40)
    done(rt, a, "7")
    cases.sweep(rt)
    new = made["revision"] = revise(rt, clock, folder)
    clock.tick(minutes=10)
    migration.migrate(rt, c, new[:12], by="bambang.panitera", reason="SOP direvisi")
    e, f = start("after"), start("after, late")
    for node in ("1", "2", "3", "4", "5"):
        for case_id in (e, f):
            clock.tick(minutes=9)
            done(rt, case_id, node)
    clock.tick(hours=1)
    done(rt, e, "6")
    clock.tick(minutes=5)
    done(rt, e, "7")
    clock.tick(days=3)  # f's step 6 (2 hari) late, done; b's still open
    done(rt, f, "6")
    done(rt, c, "6")  # the moved case's step, done late under the new limit
    cases.sweep(rt)
    return made


# -- the reference: the log folded with plain loops ------------------------------------------

def rank(values: list[int], p: int) -> int | None:
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered) / 100) - 1] if ordered else None


def reference(rt: Runtime, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Per version: per node the attempts' figures, the service standard, the loads and the
    deviations by kind, from the events alone."""
    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        ids = list(case_ids(conn))
        logs = {i: store_events.load(conn, i) for i in ids}
        flows = {}
    out: dict[str, Any] = {}
    for case_id in ids:
        evs = [from_record(s.type, s.version, s.payload, occurred_at=s.occurred_at,
                           recorded_at=s.recorded_at, actor=s.actor) for s in logs[case_id]]
        first = evs[0]
        if not isinstance(first, CaseStarted) or first.sop_id != SOP:
            continue

        def of(version: str) -> dict[str, Any]:
            if version not in flows:
                with rt.engine.connect() as conn:
                    flows[version] = catalog.workflow(rt, conn, version)
            return out.setdefault(version, {  # type: ignore[no-any-return]
                "steps": defaultdict(lambda: defaultdict(list)), "service": Counter(),
                "roles": Counter(), "people": Counter(), "late_people": Counter(),
                "deviations": Counter(), "node_deviations": defaultdict(Counter)})

        attempts: dict[tuple[str, int], dict[str, Any]] = {}
        service_due, ended, cancelled = first.service_due, None, False
        running = first.version  # the version the case runs on, as it moves
        withdrawn = {e.seq for e in evs if isinstance(e, DeviationWithdrawn)}
        flagged: list[tuple[str | None, str]] = []
        for seq, e in enumerate(evs, start=1):
            if isinstance(e, StepActivated):
                attempts[(e.node, e.attempt)] = {"at": e.occurred_at, "due": e.due_at,
                                                 "claim": None, "done": None, "by": None,
                                                 "closed": False, "version": None}
            elif isinstance(e, CaseMigrated):
                running = e.to_version
                service_due = e.service_due
                for move in e.steps:
                    a = attempts.pop((move["langkah"], int(move["percobaan"])))
                    a["due"] = datetime.fromisoformat(move["batas"]) if move.get("batas") \
                        else None
                    attempts[(move["ke"], int(move["percobaan_baru"]))] = a
            elif isinstance(e, StepClaimed):
                a = attempts[(e.node, e.attempt)]
                a["claim"] = a["claim"] or e.occurred_at
            elif isinstance(e, StepCompleted):
                a = attempts[(e.node, e.attempt)]
                a.update(done=e.occurred_at, by=e.actor, closed=True, version=running)
            elif isinstance(e, StepExtended):
                if e.attempt and e.due_at is not None:
                    attempts[(e.node, e.attempt)]["due"] = e.due_at
                service_due = e.service_due or service_due
            elif isinstance(e, CaseCompleted):
                ended = e.occurred_at
            elif isinstance(e, CaseCancelled):
                cancelled = True
                for a in attempts.values():
                    if not a["closed"]:
                        a.update(closed=True, version=running)
            elif isinstance(e, DeviationFlagged | ActionRefused) and start <= e.occurred_at < end:
                if isinstance(e, DeviationFlagged) and seq in withdrawn:
                    continue
                if e.kind is None:
                    continue
                flagged.append((e.node, str(e.kind)))
        v = of(running)  # deviations and the service standard: the case's version now
        for node, kind in flagged:
            v["deviations"][kind] += 1
            if node is not None:
                v["node_deviations"][node][kind] += 1
        if start <= first.occurred_at < end:
            s = v["service"]
            s["cases"] += 1
            if cancelled:
                s["cancelled"] += 1
            elif service_due is None:
                s["no_standard"] += 1
            elif ended is not None:
                s["met" if ended <= service_due else "missed"] += 1
            elif service_due < now:
                s["missed"] += 1
            else:
                s["running"] += 1
        for (node, attempt), a in attempts.items():
            if not start <= a["at"] < end:
                continue
            version = a["version"] or running
            v = of(version)
            n = flows[version].node(node)
            unit = limit_unit(n.limit)

            def measure(x: datetime, y: datetime, unit: str | None = unit) -> int:
                if y <= x:
                    return 0
                if unit == CALENDAR_DAYS:
                    return int((y - x).total_seconds())
                return calendar.working_seconds_between(x, y)

            f = v["steps"][node]
            f["attempts"].append(1)
            if attempt > 1:
                f["rework"].append(1)
            if a["claim"] is not None:
                f["wait"].append(measure(a["at"], a["claim"]))
            if a["done"] is not None:
                work = measure(a["at"], a["done"])
                f["work"].append(work)
                if a["claim"] is not None:
                    f["handle"].append(measure(a["claim"], a["done"]))
                late = a["due"] is not None and a["done"] > a["due"]
                if a["due"] is not None:
                    f["late" if late else "on_time"].append(1)
                v["roles"][n.role] += 1
                v["people"][a["by"]] += 1
                v["late_people"][a["by"]] += late
            elif not a["closed"]:
                f["open"].append(1)
                if a["due"] is not None and a["due"] < now:
                    f["late"].append(1)
                    f["open_late"].append(1)
            else:
                f["other"].append(1)
    return out


def test_the_figures_equal_a_plain_fold_of_the_log(court: Runtime, clock: Clock,
                                                   tmp_path: Path) -> None:
    rt = court
    begun = clock.now
    made = messy_court(rt, clock, tmp_path / "library")
    start, end = begun - timedelta(days=1), clock.now + timedelta(days=1)
    found = monev_figures(rt, SOP, start, end)
    expected = reference(rt, start, end, clock.now)
    assert len(found.versions) == 2 and set(found.versions) == set(expected)
    assert found.version == list(found.versions)[-1]  # the newest carried out
    checked = 0
    for version, want in expected.items():
        got = found.versions[version]
        assert dict(got.deviations) == dict(want["deviations"]), version
        s = got.service
        assert {k: getattr(s, k) for k in ("cases", "met", "missed", "running", "no_standard",
                                           "cancelled") if getattr(s, k)} == \
            dict(want["service"]), version
        assert {r: x.done for r, x in got.roles.items()} == dict(want["roles"])
        assert {p: x.done for p, x in got.people.items()} == dict(want["people"])
        assert {p: x.late for p, x in got.people.items()} == dict(want["late_people"])
        for node, step in got.steps.items():
            w = want["steps"].get(node, {})
            count = {k: len(w.get(k, [])) for k in ("attempts", "rework", "on_time", "late",
                                                    "open", "open_late", "other")}
            assert {k: getattr(step, k) for k in count} == count, (version, node)
            assert step.done == len(w.get("work", [])), (version, node)
            for name in ("work", "wait", "handle"):
                values = w.get(name, [])
                d = getattr(step, name)
                assert d.count == len(values), (version, node, name)
                assert (d.median, d.p80, d.p90) == tuple(rank(values, p) for p in (50, 80, 90))
            assert dict(step.deviations) == dict(want["node_deviations"].get(node, {}))
            checked += step.attempts
        late = max((s for s in got.steps.values() if s.attempts),
                   key=lambda s: (s.late, (s.work.median or 0) * s.work.count, -s.no))
        assert got.bottleneck is late
    assert checked == sum(len(w["attempts"]) for v in expected.values()
                          for w in v["steps"].values())
    # what the court did shows in the figures as it should
    old, new = found.versions.values()
    assert old.steps["3"].rework == 1 and old.service.cancelled == 1
    assert old.steps["6"].late == 2 and old.steps["6"].open_late == 1  # b still open
    # e on time, f late, and c's step moved to the revision with its case, done late there
    assert new.steps["6"].limit_unit == CALENDAR_DAYS and new.steps["6"].late == 2
    assert new.steps["6"].done == 3 and "5" not in {n for n, x in new.steps.items()
                                                    if x.attempts > 2}
    assert old.steps["2"].wait.count == 3 and old.steps["2"].handle.median == 11 * 60
    assert old.deviations["override"] >= 1 and old.bottleneck is old.steps["6"]
    assert made["cancelled"] not in set(old.people)
    pages = monev_pages(rt, found)
    assert "Sebelum dan sesudah revisi" in pages.report
    assert pages.monitoring.count("Berjalan dengan baik") >= len(new.steps)


def stored_rows(rt: Runtime) -> list[tuple[Any, ...]]:
    with rt.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(*(
            step_attempts.c[n] for n in COLUMNS))))


def test_step_attempt_rows_come_back_the_same_from_the_log(court: Runtime, clock: Clock,
                                                           tmp_path: Path) -> None:
    rt = court
    made = messy_court(rt, clock, tmp_path / "library")
    clock.tick(minutes=5)  # the case left open moves too: its open step 6 with it
    migration.migrate(rt, made["rework"], made["revision"][:12], by="bambang.panitera",
                      reason="SOP direvisi")

    kept = stored_rows(rt)
    assert len(kept) > 30
    rebuild(rt)
    assert stored_rows(rt) == kept
    with rt.engine.begin() as conn:  # as the migration that adds the table fills it
        conn.execute(delete(step_attempts))
        court_file = conn.execute(select(settings.c.value).where(
            settings.c.key == "court_file")).scalar()
        fill_from_log(conn, court_file)
    assert stored_rows(rt) == kept


@pytest.mark.parametrize("asked", ["0000", "tidak-ada"])
def test_an_unknown_version_or_sop_is_named(court: Runtime, asked: str) -> None:
    from sop_runtime.errors import NotFoundError

    start = datetime(2026, 1, 1).astimezone()
    with pytest.raises(NotFoundError):
        if asked == "0000":
            monev_figures(court, SOP, start, start + timedelta(days=365), version=asked)
        else:
            monev_figures(court, asked, start, start + timedelta(days=365))


def test_an_old_database_gets_its_step_attempts_from_its_log(tmp_path: Path) -> None:
    """The release fixture of 2026-12, brought to this schema: the migration writes every
    attempt from the log, as ``sop rebuild`` writes them."""
    from tests.fixtures.releases.make import HERE, restore

    db = tmp_path / "sop.db"
    restore(HERE / "2026-12" / "sop.sql", db)
    rt = Runtime.open(f"sqlite:///{db}")
    try:
        migrate(rt.engine)
        filled = stored_rows(rt)
        assert len(filled) > 20
        rebuild(rt)
        assert stored_rows(rt) == filled
    finally:
        rt.engine.dispose()
