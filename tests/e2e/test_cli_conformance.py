"""``sop conformance``: imported logs replayed through the SOP's rules.

The centre is the mutation test: clean cases of every SOP in the library, walked along its
golden route by the engine, then one known mutation injected per case (a swap, a deletion,
an actor substitution, a delay past the limit, a repeated row, an empty required output) at a
known position. The checker must report exactly the injected deviations and nothing else:
precision and recall both 100%, clean cases with no finding at all.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest
import yaml

from sop_runtime.conformance.synthetic_log import MUTATIONS, Generator, Row, load_routes
from tests.conftest import ROOT
from tests.e2e.court import Court, new_court
from tests.unit.enginekit import court as court_file
from tests.unit.enginekit import library

ROUTES = load_routes(ROOT / "tests" / "golden" / "routes.yaml")
START = datetime.fromisoformat("2026-03-02T00:00:00+09:00")


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory) -> Court:
    return new_court(tmp_path_factory.mktemp("conformance"))


def generator(sop: str, seed: int = 1) -> Generator:
    return Generator.for_court(library().workflow(sop), ROUTES[sop], court_file(), seed)


def write_log(folder: Path, gen: Generator, rows: list[Row]) -> tuple[Path, Path]:
    log, mapping = folder / f"{gen.wf.sop_id}.csv", folder / f"{gen.wf.sop_id}.map.yaml"
    with log.open("w", encoding="utf-8", newline="") as f:
        gen.write_rows(f, rows, header=True)
    gen.write_mapping(mapping)
    return log, mapping


def mutated_log(gen: Generator, cases: int) -> tuple[list[Row], set[tuple[str, str, str]],
                                                     set[str]]:
    """``cases`` cases: a clean one after every six mutated ones, one of each mutation in
    turn. Returns the rows, the injected (case, kind, step) and the clean cases."""
    rows: list[Row] = []
    injected: set[tuple[str, str, str]] = set()
    clean: set[str] = set()
    for k, start in enumerate(gen.start_times(cases, START)):
        case_rows = gen.clean(f"{gen.wf.sop_id}-{k:03d}", start)
        mutation = MUTATIONS[k % (len(MUTATIONS) + 1)] if k % (len(MUTATIONS) + 1) < len(
            MUTATIONS) else None
        done = gen.mutate(case_rows, mutation) if mutation else None
        if done is None:
            clean.add(case_rows[0].case)
        else:
            case_rows, inj = done
            injected.add((inj.case, inj.kind, inj.node))
        rows.extend(case_rows)
    return rows, injected, clean


def found(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(c["case"], f["kind"], f["step"]) for c in report["case_results"]
            for f in c["findings"]}


def test_every_injected_deviation_and_nothing_else(court: Court, tmp_path: Path) -> None:
    true_pos = false_pos = false_neg = 0
    by_kind: Counter[str] = Counter()
    for sop in sorted(ROUTES):
        gen = generator(sop, seed=len(sop))
        rows, injected, clean = mutated_log(gen, 42)
        log, mapping = write_log(tmp_path, gen, rows)
        report = court.json("conformance", log, "--sop", sop, "--map", mapping)
        got = found(report)
        assert got == injected, (sop, sorted(injected - got), sorted(got - injected))
        true_pos += len(got & injected)
        false_pos += len(got - injected)
        false_neg += len(injected - got)
        by_kind.update(kind for _, kind, _ in injected)
        results = {c["case"]: c for c in report["case_results"]}
        assert all(not results[c]["findings"] for c in clean), sop
        assert all(results[c]["completed"] for c in results), sop
        assert report["replayed"] == len(rows) and report["cases"] == 42
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    assert precision == recall == 1.0
    # every mutation was injected, in many SOPs
    assert set(by_kind) == {"out_of_order", "skipped", "wrong_actor", "overdue", "rework",
                            "missing_output"}
    assert min(by_kind.values()) >= 20, by_kind


def test_the_terminal_report_names_cases_steps_and_kinds(court: Court, tmp_path: Path) -> None:
    gen = generator("taksiran-panjar-skum")
    rows, injected, _ = mutated_log(gen, 14)
    log, mapping = write_log(tmp_path, gen, rows)
    out = court.ok("conformance", log, "--sop", "taksiran-panjar-skum", "--map", mapping).stdout
    assert "14 perkara" in out and "Temuan per jenis" in out and "Temuan per langkah" in out
    for case, _, _ in injected:
        assert case in out
    assert "langkah dilewati" in out and "pelaksana tidak berwenang" in out
    en = court.run("conformance", log, "--sop", "taksiran-panjar-skum", "--map", mapping,
                   lang="en").stdout
    assert "Findings by kind" in en and "step skipped" in en


def test_more_processes_give_the_same_report(court: Court, tmp_path: Path) -> None:
    gen = generator("legalisasi-waarmerking")
    rows, injected, _ = mutated_log(gen, 1200)  # more than two chunks of cases
    log, mapping = write_log(tmp_path, gen, rows)
    one = court.json("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping,
                     "--workers", "1")
    two = court.json("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping,
                     "--workers", "2")
    assert two["workers"] == 2 and one["workers"] == 1
    assert one["case_results"] == two["case_results"]
    assert found(one) == injected


def _xes(rows: list[Row], values: list[str]) -> str:
    """``rows`` as an XES log, with a start event before every completion (lifecycle
    transitions other than complete are not the step being done)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016" '
           'xmlns="http://www.xes-standard.org/">']
    by_case: dict[str, list[Row]] = {}
    for r in rows:
        by_case.setdefault(r.case, []).append(r)
    for case, trace in by_case.items():
        out.append(f'<trace><string key="concept:name" value={quoteattr(case)}/>')
        for r in trace:
            for transition in ("start", "complete"):
                attrs = [f'<string key="concept:name" value={quoteattr(r.activity)}/>',
                         f'<string key="org:resource" value={quoteattr(r.person)}/>',
                         f'<date key="time:timestamp" value="{r.at.isoformat()}"/>',
                         f'<string key="lifecycle:transition" value="{transition}"/>']
                if r.decision:
                    attrs.append(f'<string key="keputusan" value={quoteattr(r.decision)}/>')
                attrs += [f'<string key="{k}" value={quoteattr(r.values[k])}/>'
                          for k in values if k in r.values]
                out.append("<event>" + "".join(attrs) + "</event>")
        out.append("</trace>")
    out.append("</log>\n")
    return "\n".join(out)


def xes_mapping(folder: Path, gen: Generator) -> Path:
    """The generator's mapping for its log written as XES (the XES defaults but for the
    decision)."""
    path = folder / "xes.map.yaml"
    data = gen.mapping()
    data["kolom"] = {"keputusan": "keputusan"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_xes_log_reads_like_the_csv(court: Court, tmp_path: Path) -> None:
    gen = generator("pendaftaran-gugatan-ptsp")
    rows, injected, _ = mutated_log(gen, 21)
    csv_log, mapping = write_log(tmp_path, gen, rows)
    xes_log = tmp_path / "log.xes"
    xes_log.write_text(_xes(rows, gen.items), encoding="utf-8")
    xes_map = xes_mapping(tmp_path, gen)
    from_csv = court.json("conformance", csv_log, "--sop", gen.wf.sop_id, "--map", mapping)
    from_xes = court.json("conformance", xes_log, "--sop", gen.wf.sop_id, "--map", xes_map)
    assert found(from_xes) == found(from_csv) == injected
    assert from_xes["rows"] == 2 * len(rows) and from_xes["other_lifecycle_rows"] == len(rows)
    assert from_xes["replayed"] == len(rows)


def test_what_the_log_lacks_is_said_once(court: Court, tmp_path: Path) -> None:
    """Unmapped activities, people the mapping does not know, rows that cannot be read, and
    required outputs with no column."""
    gen = generator("taksiran-panjar-skum")
    rows, _, _ = mutated_log(gen, 7)
    log, mapping = write_log(tmp_path, gen, rows)
    with log.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    first = table[1]
    nobody_case = table[-7][0]
    table[-7][2] = ""                            # a row that names nobody
    extra = [first.copy(), first.copy()]
    extra[0][1] = "Cetak ulang SKUM"            # an activity the mapping does not know
    extra[1][3] = "kemarin sore"                 # a time that is not a time
    with log.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([*table, *extra])
    lines = table  # the header and the rows before the two extra ones
    data = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    del data["nilai"]["skum_lunas"]              # the log has no column for this output
    stranger = rows[3].person
    del data["pelaksana"][stranger]              # nor a role for this person
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = court.json("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping)
    assert report["unmapped_activities"] == {"Cetak ulang SKUM": 1}
    assert report["unreadable_rows"] == [
        {"row": len(lines) + 2, "case": first[0], "message": "waktu 'kemarin sore' tidak "
                                                             "dapat dibaca"}]
    assert stranger in report["unknown_people"]
    assert {"step": "6", "output": "SKUM lunas"} in report["unchecked_outputs"] or any(
        u["output"].lower().startswith("skum") for u in report["unchecked_outputs"])
    kinds = {(f["kind"], f["detail"].get("pengguna")) for c in report["case_results"]
             for f in c["findings"]}
    assert ("wrong_actor", stranger) in kinds
    nobody = [f for c in report["case_results"] if c["case"] == nobody_case
              for f in c["findings"]]
    # the row is replayed (nothing after it looks skipped or early), and said for what it is
    assert [(f["kind"], f["detail"]) for f in nobody if f["kind"] != "wrong_actor"] == [
        ("no_actor", {"pelaksana": "petugas_ptsp", "pengguna": ""})], nobody
    assert all(f["detail"].get("pengguna") == stranger for f in nobody
               if f["kind"] == "wrong_actor")
    assert "" not in report["unknown_people"]
    assert not any(f["kind"] == "missing_output" and "lunas" in f["detail"].get("kurang", "")
                   for c in report["case_results"] for f in c["findings"])
    out = court.ok("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping).stdout
    assert "Cetak ulang SKUM" in out and "tidak dapat diperiksa" in out
    assert f"baris {len(lines) + 2}" in out


FAR_TIMES = ["0001-01-01 08:00", "9999-12-31T23:00:00+09:00", "1999-12-31T23:59:00+09:00",
             "2101-01-01 08:00"]


def _far_times_log(gen: Generator) -> tuple[list[Row], dict[str, tuple[str, str]]]:
    """Clean cases with one row of each of the first four dated outside 2000-2100 (never
    the case's first row); the case and time of each such row, by (case, activity)."""
    rows: list[Row] = []
    far: dict[str, tuple[str, str]] = {}
    for k, start in enumerate(gen.start_times(len(FAR_TIMES) + 1, START)):
        case_rows = gen.clean(f"JAUH-{k}", start)
        if k < len(FAR_TIMES):
            moved = case_rows[1 + k % (len(case_rows) - 1)]
            far[moved.case] = (moved.activity, FAR_TIMES[k])
        rows.extend(case_rows)
    return rows, far


def test_rows_dated_outside_2000_2100_are_rows_the_rules_cannot_take(
        court: Court, tmp_path: Path) -> None:
    """Year 1 used to end the check with an internal error (exit 70, HTTP 500 through the
    API), year 9999 with minutes of working-time arithmetic; in a CSV log and in an XES one,
    such a row is listed with its place and the rest is replayed."""
    gen = generator("taksiran-panjar-skum")
    rows, far = _far_times_log(gen)
    log, mapping = write_log(tmp_path, gen, rows)
    with log.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    lines = {}
    for line, cells in enumerate(table[1:], start=2):
        if cells[0] in far and cells[1] == far[cells[0]][0]:
            cells[3] = far[cells[0]][1]
            lines[line] = cells[0]
    with log.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(table)
    report = court.json("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping)
    assert {(u["row"], u["case"]) for u in report["unreadable_rows"]} == set(lines.items())
    assert all("di luar 2000-2100" in u["message"] for u in report["unreadable_rows"])
    assert report["replayed"] == len(rows) - len(far)
    assert report["cases"] == len(FAR_TIMES) + 1

    years = {case: int(at[:4]) for case, (_, at) in far.items()}
    xes_rows = [replace(r, at=r.at.replace(year=years[r.case]))
                if far.get(r.case, ("", ""))[0] == r.activity else r for r in rows]
    xes_log = tmp_path / "jauh.xes"
    xes_log.write_text(_xes(xes_rows, gen.items), encoding="utf-8")
    xes_map = xes_mapping(tmp_path, gen)
    from_xes = court.json("conformance", xes_log, "--sop", gen.wf.sop_id, "--map", xes_map)
    assert {u["case"] for u in from_xes["unreadable_rows"]} == set(far)
    assert from_xes["replayed"] == len(rows) - len(far)


def test_a_date_value_outside_1900_2100_is_a_row_the_rules_cannot_take(
        court: Court, tmp_path: Path) -> None:
    gen = generator("pengembalian-sisa-panjar")
    rows: list[Row] = []
    for k, start in enumerate(gen.start_times(3, START)):
        rows.extend(gen.clean(f"TGL-{k}", start))
    log, mapping = write_log(tmp_path, gen, rows)
    with log.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    column = table[0].index("tanggal_minutasi")
    odd = {"TGL-0": "0001-01-01", "TGL-1": "9999-12-31"}
    for cells in table[1:]:
        if cells[0] in odd and cells[column]:
            cells[column] = odd[cells[0]]
    with log.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(table)
    report = court.json("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping)
    data = {c["case"]: [f["detail"]["pesan"] for f in c["findings"] if f["kind"] == "data"]
            for c in report["case_results"]}
    assert data["TGL-0"] == ["'Tanggal minutasi': tahun 1 di luar 1900-2100"], data
    assert data["TGL-1"] == ["'Tanggal minutasi': tahun 9999 di luar 1900-2100"], data
    assert data["TGL-2"] == []


@pytest.mark.parametrize(("change", "message"), [
    ({"aktivitas": {"Pendaftaran": 99}}, "E301: langkah '99' tidak ada di SOP"),
    ({"pelaksana": {"Rina": "juru_masak"}}, "E302: peran 'juru_masak' tidak dikenal"),
    ({"nilai": {"nomor_rekening": "rek"}}, "E303: 'nomor_rekening' bukan kelengkapan"),
    ({"aktivitas": {"Setuju": {"langkah": 3, "keputusan": "Mungkin"}}},
     "E304: keputusan langkah 3 harus salah satu dari"),
    ({"sop": "tambah-panjar"}, "E305: pemetaan ini untuk SOP tambah-panjar"),
    ({"kolumn": {}}, "E010: kunci tidak dikenal 'kolumn'"),
])
def test_a_bad_mapping_names_file_line_and_why(court: Court, tmp_path: Path,
                                               change: dict[str, Any], message: str) -> None:
    gen = generator("taksiran-panjar-skum")
    log, mapping = write_log(tmp_path, gen, gen.clean("P-1", START.replace(hour=9)))
    data = gen.mapping()
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                       encoding="utf-8")
    result = court.fails(1, "conformance", log, "--sop", gen.wf.sop_id, "--map", mapping)
    assert message in result.stdout + result.stderr
    assert f"{mapping}:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_broken_files_get_a_clear_error(court: Court, tmp_path: Path) -> None:
    gen = generator("taksiran-panjar-skum")
    log, mapping = write_log(tmp_path, gen, gen.clean("P-1", START.replace(hour=9)))
    sop = gen.wf.sop_id
    broken = tmp_path / "broken.yaml"
    broken.write_text("aktivitas: [unclosed\n", encoding="utf-8")
    r = court.fails(1, "conformance", log, "--sop", sop, "--map", broken)
    assert "E001" in r.stdout
    no_column = tmp_path / "no_column.csv"
    no_column.write_text("perkara,aktivitas,waktu\nP-1,x,2026-03-02T09:00:00+09:00\n",
                         encoding="utf-8")
    r = court.fails(2, "conformance", no_column, "--sop", sop, "--map", mapping)
    assert "kolom 'pelaksana'" in r.stderr and "no_column.csv:1" in r.stderr
    bad_xes = tmp_path / "bad.xes"
    bad_xes.write_text("<log><trace><event></trace></log>", encoding="utf-8")
    r = court.fails(2, "conformance", bad_xes, "--sop", sop, "--map", mapping)
    assert "XES tidak sah" in r.stderr
    r = court.fails(2, "conformance", tmp_path / "nothing.csv", "--sop", sop, "--map", mapping)
    assert "tidak ada" in r.stderr
    r = court.fails(2, "conformance", log, "--sop", "tidak-ada", "--map", mapping)
    assert "tidak-ada" in r.stderr
    for result in (r,):
        assert "Traceback" not in result.stdout + result.stderr


def test_packed_logs_are_read_and_a_log_with_nothing_usable_is_refused(
        court: Court, tmp_path: Path) -> None:
    import gzip

    gen = generator("pendaftaran-gugatan-ptsp")
    rows, injected, _ = mutated_log(gen, 14)
    log, mapping = write_log(tmp_path, gen, rows)
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(log.read_bytes()))
    xes = tmp_path / "log.xes.gz"
    xes.write_bytes(gzip.compress(_xes(rows, gen.items).encode("utf-8")))
    xes_map = xes_mapping(tmp_path, gen)
    assert found(court.json("conformance", packed, "--sop", gen.wf.sop_id, "--map",
                            mapping)) == injected
    assert found(court.json("conformance", xes, "--sop", gen.wf.sop_id, "--map",
                            xes_map)) == injected
    broken = tmp_path / "putus.csv.gz"
    broken.write_bytes(packed.read_bytes()[:200])
    r = court.fails(2, "conformance", broken, "--sop", gen.wf.sop_id, "--map", mapping)
    assert "gzip rusak atau terpotong" in r.stderr
    # a time column the default reading cannot take: refused, not an empty clean report
    times = tmp_path / "waktu.csv"
    with log.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    for cells in table[1:]:
        cells[3] = datetime.fromisoformat(cells[3]).strftime("%d/%m/%Y %H.%M")
    with times.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(table)
    r = court.fails(2, "conformance", times, "--sop", gen.wf.sop_id, "--map", mapping)
    assert "tidak satu baris pun dapat dipakai" in r.stderr and "format_waktu" in r.stderr
    empty = tmp_path / "kosong.csv"
    with empty.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(table[0])
    r = court.fails(2, "conformance", empty, "--sop", gen.wf.sop_id, "--map", mapping)
    assert "tidak berisi baris" in r.stderr
    for result in (r,):
        assert "Traceback" not in result.stdout + result.stderr


def test_names_the_mapping_gives_but_the_log_never_uses_are_warned(
        court: Court, tmp_path: Path) -> None:
    gen = generator("taksiran-panjar-skum")
    rows, _, _ = mutated_log(gen, 7)
    log, mapping = write_log(tmp_path, gen, rows)
    data = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    first = rows[0].activity
    data["aktivitas"][first.upper() + " "] = data["aktivitas"].pop(first)  # a typo's twin
    data["aktivitas"]["Rapat koordinasi"] = "abaikan"                      # never in the log
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = court.json("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping)
    assert {"activity": first.upper() + " ", "did_you_mean": first} in report[
        "unused_activities"]
    assert {"activity": "Rapat koordinasi", "did_you_mean": None} in report["unused_activities"]
    out = court.ok("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping).stdout
    assert "Peringatan" in out and f"maksudnya '{first}'?" in " ".join(out.split())


def test_json_is_complete_and_machine_readable(court: Court, tmp_path: Path) -> None:
    gen = generator("surat-keterangan-eraterang")
    rows, injected, _ = mutated_log(gen, 14)
    log, mapping = write_log(tmp_path, gen, rows)
    report = json.loads(court.ok("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping,
                                 "--json").stdout)
    assert report["sop_id"] == gen.wf.sop_id and report["cases"] == 14
    assert sum(report["totals"].values()) == len(injected)
    assert report["conforming"] == 14 - len({c for c, _, _ in injected})
    finding = next(f for c in report["case_results"] for f in c["findings"])
    assert set(finding) == {"kind", "step", "at", "row", "detail", "reason"}
    assert datetime.fromisoformat(finding["at"]).utcoffset() is not None


def test_the_printable_report_and_its_pdf(court: Court, tmp_path: Path) -> None:
    """The same report as a page that prints (and as a PDF read back by an independent
    reader): the findings, the files examined by their SHA-256, the place to sign."""
    import hashlib

    from pypdf import PdfReader

    gen = generator("taksiran-panjar-skum")
    rows, injected, _ = mutated_log(gen, 14)
    log, mapping = write_log(tmp_path, gen, rows)
    page, pdf = tmp_path / "laporan.html", tmp_path / "laporan.pdf"
    court.ok("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping, "--html", page,
             "--pdf", pdf)
    html = page.read_text(encoding="utf-8")
    assert "Laporan Kesesuaian Log dengan SOP" in html
    assert "Temuan per jenis" in html and "<svg" in html
    assert hashlib.sha256(log.read_bytes()).hexdigest() in html
    assert hashlib.sha256(mapping.read_bytes()).hexdigest() in html
    for case, _, _ in injected:
        assert case in html
    assert "Ketua Pengadilan Negeri Sanana" in html
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    flat = " ".join(text.split())
    assert "Laporan Kesesuaian Log dengan SOP" in flat
    packed = "".join(text.split())  # long ids wrap inside their table cells
    assert sum(case in packed for case, _, _ in injected) == len(injected)
    assert hashlib.sha256(log.read_bytes()).hexdigest() in packed


def test_cases_the_logs_end_cuts_short_are_reported_apart(court: Court,
                                                          tmp_path: Path) -> None:
    """A log cut at a date: the cases begun but not finished are unfinished (where each
    waits and for how long), never conforming, and their open steps are not findings."""
    gen = generator("taksiran-panjar-skum")
    rows: list[Row] = []
    cut: dict[str, str] = {}
    for k, start in enumerate(gen.start_times(6, START)):
        case_rows = gen.clean(f"CUT-{k}", start)
        if k % 2:  # the log ends before these cases do: their last rows are not in it
            keep = 2 + k % 3
            cut[case_rows[0].case] = case_rows[keep].node
            case_rows = case_rows[:keep]
        rows.extend(case_rows)
    log, mapping = write_log(tmp_path, gen, rows)
    page = tmp_path / "laporan.html"
    report = court.json("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping,
                        "--html", page)
    assert report["unfinished"] == 3 and report["conforming"] == 3
    assert report["with_findings"] == 0 and report["totals"] == {}
    waiting = {c["case"]: c["open_steps"] for c in report["case_results"] if c["unfinished"]}
    assert waiting == {case: [node] for case, node in cut.items()}
    assert datetime.fromisoformat(report["log_end"]) == max(r.at for r in rows).replace(
        microsecond=0)
    html = page.read_text(encoding="utf-8")
    assert "Perkara belum selesai pada akhir log" in html and "3 belum selesai" in html
    out = court.ok("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping).stdout
    assert "3 selesai sesuai SOP, 0 dengan temuan, 3 belum selesai pada akhir log" in out
    assert "Menunggu di langkah" in out


def test_log_text_is_escaped_in_the_page(court: Court, tmp_path: Path) -> None:
    gen = generator("taksiran-panjar-skum")
    rows = gen.clean("<script>alert(1)</script>", START.replace(hour=9))
    rows[2:3] = []  # a deletion, so the case is listed
    log, mapping = write_log(tmp_path, gen, rows)
    page = tmp_path / "laporan.html"
    court.ok("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping, "--html", page)
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_long_log_shows_its_progress_on_a_terminal(court: Court, tmp_path: Path) -> None:
    """On a terminal (a pseudo-terminal here, in a real process) the reading and the replay
    show progress bars on stderr; piped, nothing but the report."""
    import os
    import pty
    import subprocess
    import sys

    gen = generator("legalisasi-waarmerking")
    rows, _, _ = mutated_log(gen, 2100)  # > 20k rows: the reading reports too
    log, mapping = write_log(tmp_path, gen, rows)
    args = [sys.executable, "-m", "sop_runtime", "conformance", str(log), "--sop",
            gen.wf.sop_id, "--map", str(mapping)]
    env = {**os.environ, **court.env, "TERM": "xterm", "COLUMNS": "120", "SOP_LANG": "id"}
    main, other = pty.openpty()
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=other, env=env) as proc:
        os.close(other)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the process closed its end
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=120) == 0
    os.close(main)
    text = seen.decode("utf-8", "replace")
    assert "Membaca log" in text and "Memutar ulang perkara" in text
    assert f"{len(rows) // 10}/{len(rows) // 10}" in text  # every case, counted
    piped = court.ok("conformance", log, "--sop", gen.wf.sop_id, "--map", mapping)
    assert "Memutar ulang perkara" not in piped.stderr


def test_the_example_log_is_reproducible_and_shows_each_kind_once(court: Court,
                                                                   tmp_path: Path) -> None:
    """examples/ holds the log `make demo` checks; examples/generate.py writes it again,
    byte for byte, and it carries one deviation of each kind."""
    import shutil
    import subprocess
    import sys

    examples = ROOT / "examples"
    copy = tmp_path / "repo"
    (copy / "examples").mkdir(parents=True)
    shutil.copy(examples / "generate.py", copy / "examples" / "generate.py")
    (copy / "definitions").symlink_to(ROOT / "definitions")
    (copy / "tests").symlink_to(ROOT / "tests")
    subprocess.run([sys.executable, str(copy / "examples" / "generate.py")], check=True,
                   timeout=120)
    for name in ("skum-januari-2026.csv", "skum-januari-2026.map.yaml"):
        assert (copy / "examples" / name).read_bytes() == (examples / name).read_bytes(), name
    report = court.json("conformance", examples / "skum-januari-2026.csv", "--sop",
                        "taksiran-panjar-skum", "--map", examples / "skum-januari-2026.map.yaml")
    assert report["cases"] == 40 and report["conforming"] == 34
    assert report["totals"] == {kind: 1 for kind in (
        "out_of_order", "skipped", "wrong_actor", "overdue", "rework", "missing_output")}


def test_a_timer_branch_in_the_log_is_the_flow_not_a_deviation(court: Court,
                                                                tmp_path: Path) -> None:
    """pengembalian-sisa-panjar: step 9 waits 6 months after step 8's notice, then the
    money goes to the state (step 11). A log showing step 11 seven months on follows the SOP;
    one showing it after two months skipped the waiting step."""
    from dataclasses import replace as with_

    gen = generator("pengembalian-sisa-panjar")
    sop = gen.wf.sop_id
    rows: list[Row] = []
    for case, months in (("tepat", 7), ("terlalu-cepat", 2)):
        walked = gen.clean(case, START.replace(hour=9))
        upto8 = walked[:[r.node for r in walked].index("8") + 1]
        rows += upto8
        rows.append(with_(upto8[-1], node="11",
                          activity=f"11. {gen.wf.node('11').kegiatan}",
                          person="Siti Aisyah Buamona", decision="", values={},
                          at=upto8[-1].at + timedelta(days=30 * months)))
    log, mapping = write_log(tmp_path, gen, rows)
    report = court.json("conformance", log, "--sop", sop, "--map", mapping)
    results = {c["case"]: c for c in report["case_results"]}
    assert results["tepat"]["findings"] == [] and results["tepat"]["completed"]
    assert [(f["kind"], f["step"]) for f in results["terlalu-cepat"]["findings"]] == [
        ("skipped", "9")]
