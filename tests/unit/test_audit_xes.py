"""The XES writer on hand-made log rows (no database)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sop_runtime.audit.rows import LogRow
from sop_runtime.audit.tabular import write_csv, write_jsonl
from sop_runtime.audit.xes import write_xes

NS = "{http://www.xes-standard.org/}"
T0 = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Jayapura")


class Log:
    def __init__(self) -> None:
        self.rows: list[LogRow] = []
        self.seq: dict[str, int] = {}

    def add(self, case: str, type_: str, minute: int, actor: str | None = None,
            recorded: int | None = None, **payload: Any) -> None:
        seq = self.seq.get(case, 0) + 1
        self.seq[case] = seq
        self.rows.append(LogRow(
            case, seq, type_, 1, T0 + timedelta(minutes=minute),
            T0 + timedelta(minutes=minute if recorded is None else recorded), actor,
            json.dumps(payload, sort_keys=True), "0" * 64, f"{seq:064d}", "sop-a", "v" * 64,
            "aktif"))


def _attrs(el: ET.Element) -> dict[str, str]:
    return {a.get("key", ""): a.get("value", "") for a in el if a.tag != f"{NS}event"}


def _xes(rows: list[LogRow]) -> tuple[ET.Element, int]:
    out = io.StringIO()
    n = write_xes(iter(rows), out, tz=TZ, workflow=lambda v: None,
                  roles={"rina": frozenset({"petugas_ptsp"})})
    return ET.fromstring(out.getvalue()), n


def test_deviations_ride_on_the_event_of_their_command() -> None:
    log = Log()
    log.add("C1", "case_started", 0, "rina", recorded=2000, sop_id="sop-a", version="v",
            fields={"nomor": "1/Pdt"})
    log.add("C1", "deviation_flagged", 0, "rina", recorded=2000, kind="late_entry",
            rule="batas_pencatatan", reason="dari buku register")
    log.add("C1", "step_activated", 0, None, recorded=2000, node="1", attempt=1)
    log.add("C1", "deviation_flagged", 2100, None, kind="overdue", rule="mutu_baku.waktu",
            node="1", attempt=1)  # the sweep: no event of its own to ride on
    log.add("C1", "deviation_flagged", 2200, "bambang", kind="override", rule="lewati",
            node="1", attempt=1, reason="alasan <&>")
    log.add("C1", "step_skipped", 2200, "bambang", node="1", attempt=1, reason="alasan <&>")
    log.add("C1", "case_cancelled", 2300, "bambang", reason="dicabut")
    root, n = _xes(log.rows)
    trace = root.find(f"{NS}trace")
    assert trace is not None
    head = _attrs(trace)
    assert head["concept:name"] == "C1" and head["sop:field:nomor"] == "1/Pdt"
    events = [_attrs(e) for e in trace.findall(f"{NS}event")]
    assert n == len(events) == 5
    assert [(e["sop:event"], e["lifecycle:transition"]) for e in events] == [
        ("case_started", "complete"), ("step_activated", "schedule"),
        ("deviation_flagged", "complete"), ("step_skipped", "manualskip"),
        ("case_cancelled", "pi_abort")]
    assert events[0]["sop:deviation"] == "late_entry"
    assert events[0]["sop:deviation_reason"] == "dari buku register"
    assert events[0]["time:timestamp"] == "2026-11-24T09:00:00.000+09:00"
    assert events[0]["sop:recorded"].startswith("2026-11-25T18:20")
    assert events[2]["sop:deviation"] == "overdue" and "org:resource" not in events[2]
    assert events[3]["sop:deviation_reason"] == "alasan <&>"
    assert events[3]["concept:name"] == "1"  # no workflow: the step by its number


def test_a_skip_when_the_case_ends_is_an_autoskip_and_traces_split_by_case() -> None:
    log = Log()
    for case in ("C1", "C2"):
        log.add(case, "case_started", 0, "rina", sop_id="sop-a", version="v")
        log.add(case, "step_activated", 0, None, node="1", attempt=1)
    log.add("C2", "deviation_flagged", 5, "rina", kind="skipped", rule="alur", node="1",
            attempt=1)
    log.add("C2", "step_skipped", 5, "rina", node="1", attempt=1, reason="perkara selesai")
    log.add("C2", "case_completed", 5, "rina", end_node="2")
    root, _ = _xes(log.rows)
    traces = root.findall(f"{NS}trace")
    assert [_attrs(t)["concept:name"] for t in traces] == ["C1", "C2"]
    c2 = [_attrs(e) for e in traces[1].findall(f"{NS}event")]
    skip = next(e for e in c2 if e["sop:event"] == "step_skipped")
    assert skip["lifecycle:transition"] == "autoskip" and skip["sop:deviation"] == "skipped"


def test_writers_consume_a_stream_once() -> None:
    log = Log()
    log.add("C1", "case_started", 0, "rina", sop_id="sop-a", version="v")
    log.add("C1", "step_claimed", 1, "rina", node="1", attempt=1)

    def stream() -> Iterator[LogRow]:
        yield from log.rows

    root, n = _xes(list(stream()))
    assert n == 2
    ev = [_attrs(e) for e in root.iter(f"{NS}event")]
    assert ev[1]["lifecycle:transition"] == "start" and ev[1]["org:resource"] == "rina"
    out = io.StringIO()
    assert write_csv(stream(), out) == 2
    assert out.getvalue().splitlines()[0].startswith("case_id,seq,type")
    out = io.StringIO()
    assert write_jsonl(stream(), out) == 2
    assert json.loads(out.getvalue().splitlines()[1])["payload"] == {"attempt": 1, "node": "1"}


def test_a_moved_case_names_each_step_by_the_version_it_happened_under() -> None:
    from tests.unit.test_engine_migrate import _v1, _v2

    old, new = _v1(), _v2()
    log = Log()
    log.add("C1", "case_started", 0, "rina", sop_id="uji", version=old.version)
    log.add("C1", "step_activated", 1, None, node="3", attempt=1)
    log.add("C1", "case_migrated", 2, "bambang", from_version=old.version,
            to_version=new.version, mapping={"3": "4"}, reason="revisi",
            steps=[{"langkah": "3", "percobaan": "1", "ke": "4", "percobaan_baru": "1",
                    "batas": "", "batas_tunggu": ""}])
    log.add("C1", "step_completed", 3, "rina", node="4", attempt=1)
    out = io.StringIO()
    write_xes(iter(log.rows), out, tz=TZ, workflow={old.version: old, new.version: new}.get,
              roles={})
    trace = ET.fromstring(out.getvalue()).find(f"{NS}trace")
    assert trace is not None
    events = [_attrs(e) for e in trace.findall(f"{NS}event")]
    assert [e["concept:name"] for e in events] == [
        "case_started", "3. Mencatat panjar", "case_migrated", "4. Mencatat panjar"]
    assert (events[2]["sop:from_version"], events[2]["sop:to_version"]) == (
        old.version, new.version)
