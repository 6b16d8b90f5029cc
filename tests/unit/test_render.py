"""Renderers: the swim-lane SVG, the printable SOP sheet (HTML) and Mermaid.

Checked for every SOP in definitions/ and for generated SOPs that use every feature the
layout must handle (decisions going forward, sideways and back, timers, off-page connectors,
sub-SOP calls, automated steps, two ends).
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sop_runtime.compiler.compile import compile_document
from sop_runtime.compiler.geometry import Params, Rows, RowY
from sop_runtime.compiler.label_placement import label_span
from sop_runtime.compiler.layout import Layout, Route, layout
from sop_runtime.compiler.render.mermaid import escape_text, render_mermaid
from sop_runtime.compiler.render.sheet import PAGE_W, render_html, sheet_layout
from sop_runtime.compiler.render.svg import render_svg
from sop_runtime.compiler.textfit import text_width, wrap
from sop_runtime.compiler.workflow import EdgeKind, Workflow
from sop_runtime.definition.loader import read_yaml_file, validate_as
from sop_runtime.definition.models import SopDocument, Symbol
from sop_runtime.i18n import set_lang

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
SVG = "{http://www.w3.org/2000/svg}"

ROLES: tuple[tuple[str, str, dict[str, bool]], ...] = (
    ("pemohon", "Pemohon / Kuasa", {"publik": True}),
    ("petugas_ptsp", "Petugas PTSP", {}),
    ("panmud_perdata", "Panitera Muda Perdata", {}),
    ("kasir", "Kasir", {}),
    ("panitera", "Panitera", {}),
    ("sipp", "SIPP", {"sistem": True}),
)
_HUMAN = [r[0] for r in ROLES if r[0] != "sipp"]


def rich_sop_dict(steps: int) -> dict[str, Any]:
    """A valid SOP of ``steps`` rows using every flowchart feature.

    Row ``steps - 1`` is a second end (returning the file) reached by some decisions; a
    decision every 7 rows loops back (rework), one every 11 rows jumps forward to the second
    end, one every 19 rows goes back to a step in the same lane; step 3 has a timer to the
    second end; an off-page connector pair every 17 rows; automated and sub-SOP steps.
    """
    assert steps >= 12
    second_end = steps - 1
    rows: list[dict[str, Any]] = []
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 4)
    skip_connector = False
    for no in range(1, steps + 1):
        role = _HUMAN[(no * 3) % len(_HUMAN)]
        words = ["Memeriksa dan mencatat berkas", "Menyerahkan", "Menandatangani surat",
                 "Memverifikasi data pihak dan mengunggah dokumen ke aplikasi"][no % 4]
        row: dict[str, Any] = {"no": no, "kegiatan": f"{words} tahap {no}", "pelaksana": role,
                               "mutu_baku": {"kelengkapan": [f"Berkas {no - 1}"],
                                             "waktu": "10 menit" if no % 3 else "1 hari kerja",
                                             "output": [f"Berkas {no}"]}}
        if skip_connector:
            skip_connector = False
            row.update(jenis="penghubung", penghubung={"label": rows[-1]["penghubung"]["label"],
                                                       "arah": "masuk"})
            row.pop("pelaksana")
            row.pop("mutu_baku")
            row["kegiatan"] = f"Melanjutkan dari halaman sebelumnya ({no})"
        elif no == 1:
            row["jenis"] = "mulai"
        elif no == steps:
            row["jenis"] = "selesai"
        elif no == second_end:
            row.update(jenis="selesai", kegiatan="Mengembalikan berkas kepada pemohon")
        elif no == steps - 2:
            row["lanjut"] = steps
        elif no % 7 == 0:
            row.update(jenis="keputusan", kegiatan=f"Memeriksa kelengkapan berkas tahap {no}",
                       cabang=[{"label": "Lengkap", "ke": no + 1},
                               {"label": "Tidak lengkap", "ke": max(2, no - 4)}])
        elif no % 11 == 0:
            row.update(jenis="keputusan", kegiatan=f"Menilai permohonan tahap {no}",
                       cabang=[{"label": "Ya", "ke": no + 1},
                               {"label": "Tidak", "ke": second_end}])
        elif no % 19 == 0:
            back = next(r["no"] for r in reversed(rows) if r.get("pelaksana") == role
                        and r.get("jenis", "proses") == "proses")
            row.update(jenis="keputusan", kegiatan=f"Menguji hasil tahap {no}",
                       cabang=[{"label": "Benar", "ke": no + 1},
                               {"label": "Salah", "ke": back}])
        elif no % 17 == 15 and no + 1 < steps - 2:
            row.update(jenis="penghubung",
                       penghubung={"label": next(letters), "arah": "keluar"},
                       kegiatan="Bersambung ke halaman berikutnya")
            row.pop("pelaksana")
            row.pop("mutu_baku")
            skip_connector = True
        elif no % 13 == 5:
            row.update(jenis="otomatis", pelaksana="sipp", aksi="sop_runtime.aksi:nomor",
                       kegiatan=f"Menerbitkan nomor register tahap {no}")
        elif no == 9:
            row.update(jenis="sub_sop", sop="taksiran-panjar-skum",
                       kegiatan="Menaksir panjar biaya perkara (SOP Taksiran Panjar)")
        if no == 3:
            row["jika_lewat_waktu"] = {"setelah": "6 bulan", "ke": second_end}
        if row.get("pelaksana") == "pemohon":
            row["dicatat_oleh"] = ["petugas_ptsp"]
        rows.append(row)
    return {
        "id": f"uji-{steps}",
        "sumber": [{"pengadilan": "Uji", "judul": "SOP buatan untuk uji <render> & \"kutip\"",
                    "url": "https://example.org/uji?a=1&b=2"}],
        "identitas": {
            "satuan_kerja": "Pengadilan Negeri Sanana", "nomor": f"UJI/{steps}",
            "nama": f"SOP uji {steps} langkah & <tanda> \"khusus\"",
            "tanggal_pembuatan": "2026-01-05", "tanggal_efektif": "2026-01-12",
            "disahkan_oleh": {"jabatan": "Ketua Pengadilan Negeri Sanana"},
            "dasar_hukum": ["Peraturan Sekretaris MA Nomor 002 Tahun 2012"],
            "kualifikasi_pelaksana": ["SLTA"], "peralatan": ["Komputer"],
            "peringatan": "Uji", "pencatatan": ["Register"],
        },
        "standar_pelayanan": {"persyaratan": ["KTP"], "biaya": "Rp 0",
                              "waktu_pelayanan": "30 hari", "produk": ["Surat"],
                              "pengaduan": "Meja pengaduan"},
        "pelaksana": [{"id": i, "nama": n, **extra} for i, n, extra in ROLES],
        "langkah": rows,
    }


def rich_workflow(steps: int) -> Workflow:
    result = compile_document(SopDocument.model_validate(rich_sop_dict(steps)))
    assert result.workflow is not None, result.problems
    return result.workflow


def _definition_workflows() -> list[Workflow]:
    out = []
    for f in sorted(DEFINITIONS.glob("*.yaml")):
        raw = read_yaml_file(f, str(f))
        if "langkah" not in raw.data:
            continue  # the court file
        wf = compile_document(validate_as(raw, SopDocument).model).workflow
        assert wf is not None, f
        out.append(wf)
    return out


OUTER_LANES = Path(__file__).resolve().parents[1] / "fixtures" / "render" / \
    "keputusan-lajur-tepi.yaml"


def outer_lanes_workflow() -> Workflow:
    """Decisions in the rightmost and leftmost lanes with long labels leaving towards the
    drawing's edges, and two rework loops into one step through the same gutter."""
    raw = read_yaml_file(OUTER_LANES, str(OUTER_LANES))
    wf = compile_document(validate_as(raw, SopDocument).model).workflow
    assert wf is not None
    return wf


PARALLEL = Path(__file__).resolve().parents[1] / "fixtures" / "render" / "alur-bersamaan.yaml"


def parallel_workflow() -> Workflow:
    """A split into three branches (one two steps long, one with its own rework loop), a
    join that waits for all three, and a rework loop back to the split."""
    raw = read_yaml_file(PARALLEL, str(PARALLEL))
    wf = compile_document(validate_as(raw, SopDocument).model).workflow
    assert wf is not None
    return wf


WORKFLOWS: list[Workflow] = [*_definition_workflows(), rich_workflow(40), rich_workflow(75),
                             outer_lanes_workflow(), parallel_workflow()]
IDS = [wf.sop_id for wf in WORKFLOWS]


def test_there_are_real_definitions() -> None:
    assert any(not wf.sop_id.startswith("uji-") for wf in WORKFLOWS)


# --------------------------------------------------------------------------- SVG


def _bbox(el: ET.Element) -> tuple[float, float, float, float]:
    if el.tag == SVG + "rect":
        x, y = float(el.get("x", 0)), float(el.get("y", 0))
        return x, y, x + float(el.get("width", 0)), y + float(el.get("height", 0))
    pts = [tuple(map(float, p.split(","))) for p in el.get("points", "").split()]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _symbols(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if "sym" in (el.get("class") or "").split()]


def _edges(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if "edge" in (el.get("class") or "").split()]


def _segments(el: ET.Element) -> list[tuple[float, float, float, float]]:
    pts = [tuple(map(float, p.split(","))) for p in el.get("points", "").split()]
    return [(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(pts)]


_EXPECTED_TAG = {Symbol.KAPSUL: "rect", Symbol.KOTAK: "rect", Symbol.BELAH_KETUPAT: "polygon",
                 Symbol.SEGILIMA: "polygon"}


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_svg_has_one_symbol_of_the_right_kind_per_step(wf: Workflow) -> None:
    root = ET.fromstring(render_svg(wf))
    symbols = _symbols(root)
    by_step = {el.get("data-step"): el for el in symbols}
    assert len(symbols) == len(by_step) == len(wf.nodes)
    for node in wf.nodes:
        el = by_step[node.id]
        assert el.tag == SVG + _EXPECTED_TAG[node.symbol]
        assert f"sym-{node.symbol.value}" in (el.get("class") or "").split()
        if node.symbol is Symbol.KAPSUL:
            assert float(el.get("rx", 0)) == pytest.approx(float(el.get("height", 0)) / 2)
        elif node.symbol is Symbol.KOTAK:
            assert el.get("rx") is None
        elif node.symbol is Symbol.BELAH_KETUPAT:
            assert len(el.get("points", "").split()) == 4
        else:
            assert len(el.get("points", "").split()) == 5


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_svg_uses_only_the_official_element_kinds(wf: Workflow) -> None:
    root = ET.fromstring(render_svg(wf))
    allowed = {"svg", "title", "style", "defs", "marker", "path", "g", "rect", "polygon",
               "polyline", "line", "text"}
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= allowed
    assert {el.tag for el in _symbols(root)} <= {SVG + "rect", SVG + "polygon"}
    assert all(el.tag == SVG + "polyline" for el in _edges(root))
    # paths only draw arrowheads inside markers
    markers = [p for m in root.iter(SVG + "marker") for p in m.iter(SVG + "path")]
    assert len(markers) == len(list(root.iter(SVG + "path")))


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_svg_symbols_do_not_overlap_and_arrows_avoid_them(wf: Workflow) -> None:
    root = ET.fromstring(render_svg(wf))
    boxes = [_bbox(el) for el in _symbols(root)]
    ordered = sorted(boxes, key=lambda b: b[1])
    for a, b in itertools.pairwise(ordered):
        assert a[3] <= b[1], (a, b)   # one symbol per row: strictly stacked
    for edge in _edges(root):
        for x1, y1, x2, y2 in _segments(edge):
            assert x1 == pytest.approx(x2) or y1 == pytest.approx(y2)  # orthogonal
            for bx1, by1, bx2, by2 in boxes:
                # the open box, shrunk by half a pixel: touching a symbol's edge is fine
                inside_x = max(x1, x2) > bx1 + 0.5 and min(x1, x2) < bx2 - 0.5
                inside_y = max(y1, y2) > by1 + 0.5 and min(y1, y2) < by2 - 0.5
                assert not (inside_x and inside_y), (edge.attrib, (bx1, by1, bx2, by2))


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_svg_has_an_arrow_per_transition(wf: Workflow) -> None:
    root = ET.fromstring(render_svg(wf))
    drawn = sorted((e.get("data-from"), e.get("data-to"), e.get("data-kind"))
                   for e in _edges(root))
    expected = sorted((n.id, t.target, t.kind.value) for n in wf.nodes for t in n.transitions)
    assert drawn == expected
    boxes = {el.get("data-step"): _bbox(el) for el in _symbols(root)}
    for e in _edges(root):
        assert (e.get("marker-end") or "").startswith("url(#")
        x, y = map(float, e.get("points", "").split()[-1].split(","))
        bx1, by1, bx2, by2 = boxes[e.get("data-to")]
        # the arrowhead touches its target's bounding box
        assert bx1 - 0.6 <= x <= bx2 + 0.6 and by1 - 0.6 <= y <= by2 + 0.6
        x0, y0 = map(float, e.get("points", "").split()[0].split(","))
        sx1, sy1, sx2, sy2 = boxes[e.get("data-from")]
        assert sx1 - 0.6 <= x0 <= sx2 + 0.6 and sy1 - 0.6 <= y0 <= sy2 + 0.6


def test_svg_labels_branches_and_dashes_timers() -> None:
    wf = rich_workflow(40)
    svg = render_svg(wf)
    root = ET.fromstring(svg)
    labels = [t.text for t in root.iter(SVG + "text") if "label" in (t.get("class") or "")]
    assert labels.count("Lengkap") == labels.count("Tidak lengkap") == 5
    assert "6 bulan" in labels
    timer = [e for e in _edges(root) if e.get("data-kind") == EdgeKind.TIMER.value]
    assert len(timer) == 1 and "edge-lewat_waktu" in (timer[0].get("class") or "")
    assert "stroke-dasharray" in svg


def test_svg_back_edges_run_in_a_gutter_outside_the_lanes() -> None:
    wf = rich_workflow(40)
    lay = layout(wf)
    rows = Rows.stack([80.0] * len(wf.nodes))
    lane_right = lay.col_left[-1] + lay.params.lane_w / 2 + lay.params.sym_w / 2
    row = {n.id: i for i, n in enumerate(wf.nodes)}
    backs = [r for r in lay.routes if row[r.target] <= row[r.source.id]]
    assert backs
    for r in backs:
        xs = [x for x, _ in r.points]
        assert max(xs) > lane_right
        ys = [rows.y(y) for _, y in r.points]
        assert ys[-1] < ys[0]


# --------------------------------------------------------------------------- layout
# The geometric promises hold for both layouts: the standalone SVG's and the sheet's, whose
# lanes are narrower (checked on rows of the minimum height; rows only grow).

Rect = tuple[float, float, float, float]
LAYOUTS = [pytest.param(wf, kind, id=f"{wf.sop_id}-{kind}") for wf in WORKFLOWS
           for kind in ("svg", "sheet")]


def _layout(wf: Workflow, kind: str) -> tuple[Layout, Rows]:
    lay = layout(wf) if kind == "svg" else sheet_layout(wf)
    return lay, Rows.stack([lay.params.row_min] * len(wf.nodes))


def _symbol_rects(lay: Layout, rows: Rows) -> list[Rect]:
    return [(b.left, rows.y_centre(b.row) - b.h / 2, b.right, rows.y_centre(b.row) + b.h / 2)
            for b in lay.boxes]


def _route_segments(lay: Layout, rows: Rows) -> list[tuple[str, str, Rect]]:
    out = []
    for r in lay.routes:
        pts = [(x, rows.y(y)) for x, y in r.points]
        for (x1, y1), (x2, y2) in itertools.pairwise(pts):
            out.append((r.source.id, r.target, (min(x1, x2), min(y1, y2), max(x1, x2),
                                                 max(y1, y2))))
    return out


@pytest.mark.parametrize(("wf", "kind"), LAYOUTS)
def test_arrows_are_orthogonal_and_avoid_every_symbol(wf: Workflow, kind: str) -> None:
    lay, rows = _layout(wf, kind)
    symbols = _symbol_rects(lay, rows)
    for a, b in itertools.pairwise(symbols):
        assert a[3] < b[1]  # one symbol per row, stacked
    for src, dst, (x1, y1, x2, y2) in _route_segments(lay, rows):
        assert x1 == pytest.approx(x2) or y1 == pytest.approx(y2)
        assert x1 >= 0 and x2 <= lay.width
        for bx1, by1, bx2, by2 in symbols:
            inside = x2 > bx1 + 0.5 and x1 < bx2 - 0.5 and y2 > by1 + 0.5 and y1 < by2 - 0.5
            assert not inside, (src, dst, (x1, y1, x2, y2))


@pytest.mark.parametrize(("wf", "kind"), LAYOUTS)
def test_arrows_share_a_line_only_to_fan_out_or_to_join(wf: Workflow, kind: str) -> None:
    """Two arrows may run on the same stretch only when they leave the same step (a fan-out
    of branches) or enter the same step (a join); otherwise a reader could not tell them
    apart."""
    lay, rows = _layout(wf, kind)
    by_line: dict[tuple[str, float], list[tuple[str, str, float, float]]] = {}
    for src, dst, (x1, y1, x2, y2) in _route_segments(lay, rows):
        if x1 == x2:
            by_line.setdefault(("v", round(x1, 1)), []).append((src, dst, y1, y2))
        else:
            by_line.setdefault(("h", round(y1, 1)), []).append((src, dst, x1, x2))
    for line, runs in by_line.items():
        for i, (s1, d1, a1, b1) in enumerate(runs):
            for s2, d2, a2, b2 in runs[i + 1:]:
                if min(b1, b2) - max(a1, a2) > 1.0:
                    assert s1 == s2 or d1 == d2, (line, (s1, d1, a1, b1), (s2, d2, a2, b2))


@pytest.mark.parametrize(("wf", "kind"), LAYOUTS)
def test_labels_stay_inside_and_clear_of_symbols_and_each_other(wf: Workflow,
                                                                 kind: str) -> None:
    lay, rows = _layout(wf, kind)
    symbols = _symbol_rects(lay, rows)
    placed: list[Rect] = []
    segments = _route_segments(lay, rows)
    for route in lay.routes:
        label = route.label
        if route.transition.kind in (EdgeKind.BRANCH, EdgeKind.TIMER):
            assert label is not None and label.lines
        if label is None:
            continue
        w = max(text_width(line, 9) for line in label.lines)
        x0 = label.x - w if label.anchor == "end" else label.x
        y = rows.y(label.y)
        rect = (x0, y - 7, x0 + w, y + (len(label.lines) - 1) * 10 + 2)
        assert rect[0] >= 0 and rect[2] <= lay.width, (label, lay.width)
        # Labels keep clear of lines too, except on the narrow lanes of the sheet when many
        # long arrows leave no room (generated SOPs): their halo keeps them legible.
        crowded = kind == "sheet" and wf.sop_id.startswith("uji-")
        own_first = _route_segments_of(route, rows)[0]
        lines = [] if crowded else [seg for _, _, seg in segments if seg != own_first]
        for other in symbols + placed + lines:
            overlap = (rect[0] < other[2] and other[0] < rect[2]
                       and rect[1] < other[3] and other[1] < rect[3])
            assert not overlap, (label, other)
        placed.append(rect)


def _route_segments_of(route: Route, rows: Rows) -> list[Rect]:
    pts = [(x, rows.y(y)) for x, y in route.points]
    return [(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
            for (x1, y1), (x2, y2) in itertools.pairwise(pts)]


def _label_boxes(root: ET.Element) -> list[tuple[str, float, float]]:
    """Every label line drawn in an SVG: its text and horizontal extent in the drawing's
    coordinates, from the same text-width estimate the layout uses."""
    out = []
    for group in root.iter(SVG + "g"):
        m = re.fullmatch(r"translate\(([\d.]+),0\)", group.get("transform", ""))
        dx = float(m[1]) if m else 0.0
        for t in group.findall(SVG + "g/" + SVG + "text"):
            if "label" not in (t.get("class") or "").split():
                continue
            text = "".join(t.itertext())
            w = text_width(text, 9)
            x = float(t.get("x", 0)) + dx
            x0 = {"end": x - w, "middle": x - w / 2}.get(t.get("text-anchor", ""), x)
            out.append((text, x0, x0 + w))
    return out


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_svg_labels_are_never_clipped_by_the_drawing_edge(wf: Workflow) -> None:
    root = ET.fromstring(render_svg(wf))
    width = float(root.get("width", 0))
    view = [float(v) for v in root.get("viewBox", "").split()]
    assert view[0] == 0 and view[2] == width
    labels = _label_boxes(root)
    expected = sum(1 for n in wf.nodes for t in n.transitions
                   if t.kind in (EdgeKind.BRANCH, EdgeKind.TIMER))
    assert len(labels) >= expected  # one line or more per label
    for text, x0, x1 in labels:
        assert x0 >= 0 and x1 <= width, (text, x0, x1, width)


def test_outer_lane_decision_labels_are_whole_and_inside() -> None:
    wf = outer_lanes_workflow()
    lanes = {r.id: i for i, r in enumerate(wf.roles)}
    last = len(wf.roles) - 1
    assert {lanes[n.role] for n in wf.nodes if n.symbol is Symbol.BELAH_KETUPAT
            and n.role} >= {0, last}
    for lay in (layout(wf), sheet_layout(wf)):
        labels = [r.label for r in lay.routes if r.label]
        assert len(labels) == 7
        for label in labels:
            x0, x1 = label_span(label)
            assert x0 >= 0 and x1 <= lay.width, (label, lay.width)
        if lay.params == Params():  # the standalone SVG has room for every whole label
            assert all(" ".join(lb.lines) == lb.text for lb in labels)


@pytest.mark.parametrize(("wf", "kind"), LAYOUTS)
def test_no_two_arrows_share_a_line_but_into_one_arrowhead(wf: Workflow, kind: str) -> None:
    """No two arrows run on the same stretch of line, in a channel, a gutter or a lane: a
    rework loop has its own gutter track, never merged with another arrow, even one into the
    same step. Only arrows into the same arrowhead meet, on their last stretch (the stub into
    the symbol, and the horizontal entry line just before it), as flowcharts draw a join;
    and arrows leaving one port share their first stretch (a fan-out)."""
    lay, rows = _layout(wf, kind)
    segs: list[tuple[int, int, str, float, float, float]] = []  # route, index, line, span
    paths = [[(x, rows.y(y)) for x, y in r.points] for r in lay.routes]
    for k, pts in enumerate(paths):
        for j, ((x1, y1), (x2, y2)) in enumerate(itertools.pairwise(pts)):
            if abs(x1 - x2) < 1e-6:
                segs.append((k, j, "v", round(x1, 1), min(y1, y2), max(y1, y2)))
            else:
                segs.append((k, j, "h", round(y1, 1), min(x1, x2), max(x1, x2)))

    def joins(k: int, j: int, line: str) -> bool:
        last = len(paths[k]) - 2
        return j == last or (j == last - 1 and line == "h")

    def fans(k: int, j: int, line: str) -> bool:
        return j == 0 or (j == 1 and line == "h")

    by_line: dict[tuple[str, float], list[tuple[int, int, float, float]]] = {}
    for k, j, line, at, lo, hi in segs:
        by_line.setdefault((line, at), []).append((k, j, lo, hi))
    for (line, at), runs in by_line.items():
        for i, (k1, j1, lo1, hi1) in enumerate(runs):
            for k2, j2, lo2, hi2 in runs[i + 1:]:
                if k1 == k2 or min(hi1, hi2) - max(lo1, lo2) <= 0.5:
                    continue
                same_end = paths[k1][-1] == paths[k2][-1]
                same_start = paths[k1][0] == paths[k2][0]
                allowed = ((same_end and joins(k1, j1, line) and joins(k2, j2, line))
                           or (same_start and fans(k1, j1, line) and fans(k2, j2, line)))
                r1, r2 = lay.routes[k1], lay.routes[k2]
                assert allowed, (line, at, (r1.source.id, r1.target), (r2.source.id, r2.target))


@pytest.mark.parametrize("kind", ["svg", "sheet"])
def test_a_split_draws_an_arrow_to_each_branch_and_a_join_receives_each(kind: str) -> None:
    wf = parallel_workflow()
    lay, rows = _layout(wf, kind)
    out_of_split = [r for r in lay.routes if r.source.id == "2"]
    assert sorted(r.target for r in out_of_split) == ["3", "4", "6"]
    assert all(r.transition.kind is EdgeKind.NEXT for r in out_of_split)
    into_join = [r for r in lay.routes if r.target == "8"]
    assert sorted(r.source.id for r in into_join) == ["3", "5", "7"]
    box = next(b for b in lay.boxes if b.node.id == "8")
    top = rows.y_centre(box.row) - box.h / 2
    heads = [r.points[-1] for r in into_join]
    # each branch has its own arrowhead on the join's top edge, clear of its corners
    assert all(rows.y(y) == pytest.approx(top) for _, y in heads)
    xs = sorted(x for x, _ in heads)
    assert all(b - a >= 10 for a, b in itertools.pairwise(xs))
    assert box.left < xs[0] and xs[-1] < box.right
    # the last stretches into the join do not overlap one another
    stubs = [(r.points[-2][0], rows.y(r.points[-2][1])) for r in into_join]
    assert len({round(x, 1) for x, _ in stubs}) == len(stubs)


def test_the_sheet_says_where_a_split_goes_and_what_a_join_waits_for() -> None:
    page = render_html(parallel_workflow())
    assert "Ke langkah 3, 4 dan 6 bersamaan (tanpa saling menunggu)" in page
    assert "Setelah langkah 3, 5 dan 7 selesai" in page
    set_lang("en")
    try:
        page = render_html(parallel_workflow())
    finally:
        set_lang(None)
    assert "To steps 3, 4 and 6 at the same time (neither waits for the other)" in page
    assert "Once steps 3, 5 and 7 are done" in page


@pytest.mark.parametrize("wf", [rich_workflow(75), outer_lanes_workflow()],
                         ids=["uji-75", "keputusan-lajur-tepi"])
def test_rework_loops_into_one_step_each_have_a_gutter_track(wf: Workflow) -> None:
    lay = layout(wf)
    row = {n.id: i for i, n in enumerate(wf.nodes)}
    lane_right = max(b.right for b in lay.boxes)
    tracks: dict[str, list[float]] = {}
    for r in lay.routes:
        if row[r.target] <= row[r.source.id]:
            gutter = [x for x, _ in r.points if x > lane_right + 1]
            if gutter:
                tracks.setdefault(r.target, []).append(gutter[0])
    shared = [xs for xs in tracks.values() if len(xs) > 1]
    assert shared  # some step is the target of two rework loops through the right gutter
    for xs in shared:
        assert len(set(xs)) == len(xs), xs


def test_svg_escapes_text_and_keeps_full_kegiatan_in_title() -> None:
    data = rich_sop_dict(12)
    data["langkah"][1]["kegiatan"] = 'Memeriksa <berkas> & "surat" ' + "panjang " * 30
    wf = compile_document(SopDocument.model_validate(data)).workflow
    assert wf is not None
    root = ET.fromstring(render_svg(wf))
    titles = [t.text for t in root.iter(SVG + "title")]
    assert any(t and t.startswith('2. Memeriksa <berkas> & "surat"') for t in titles)
    assert root.get("font-family", "").endswith("sans-serif")


def test_wrap_truncates_with_ellipsis() -> None:
    lines = wrap("Menerima berkas gugatan dan memeriksa kelengkapan sesuai ceklist", 60, 9,
                 max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(s, 9) <= 60 for s in lines)
    assert wrap("Supercalifragilistic", 30, 9)  # a word longer than the line is cut


def test_rows_resolve_symbolic_positions() -> None:
    rows = Rows.stack([80.0, 100.0], top=10)
    assert rows.y(RowY(1, 0.5, 3)) == 10 + 80 + 50 + 3
    assert rows.bottom == 190


# --------------------------------------------------------------------------- HTML


class _Collector(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br", "col", "img", "hr", "input", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.headers: list[str] = []
        self.errors: list[str] = []
        self._in_th = False
        self.symbols: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "sym" in (dict(attrs).get("class") or "").split():
            self.symbols.append(dict(attrs))
        if tag not in self.VOID:
            self.stack.append(tag)
        self._in_th = tag == "th" or self._in_th

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "sym" in (dict(attrs).get("class") or "").split():
            self.symbols.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()
        if tag == "th":
            self._in_th = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_th:
            self.headers.append(data.strip())


def _parse(page: str) -> _Collector:
    c = _Collector()
    c.feed(page)
    c.close()
    return c


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_html_sheet_is_well_formed_and_complete(wf: Workflow) -> None:
    page = render_html(wf)
    c = _parse(page)
    assert c.errors == []
    assert c.stack == []
    text = " ".join(" ".join(c.text).split())
    for node in wf.nodes:
        assert " ".join(node.kegiatan.split()) in text
    for role in wf.roles:
        assert role.nama in c.headers
    for header in ("No", "Kegiatan", "Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu",
                   "Output", "Keterangan", "Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi",
                   "Tanggal Efektif", "Disahkan oleh", "Nama SOP", "Dasar Hukum",
                   "Kualifikasi Pelaksana", "Keterkaitan", "Peralatan/Perlengkapan",
                   "Peringatan", "Pencatatan dan Pendataan"):
        assert header in c.headers, header
    assert "MAHKAMAH AGUNG REPUBLIK INDONESIA" in text  # the kop surat without a court file
    assert wf.document.identitas.satuan_kerja.upper() in text
    assert wf.short_version in text
    for s in wf.document.sumber:  # the sources are the authors' business, not the sheet's
        assert s.url not in text
    # one symbol per step, in the band of its own row
    assert sorted(str(s.get("data-step")) for s in c.symbols) == sorted(n.id for n in wf.nodes)
    assert "@page" in page and "A4" in page and "<thead>" in page
    assert "http://" not in page.split("<body")[0] and "<link" not in page  # no external assets


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_html_bands_are_valid_svg_with_every_arrow(wf: Workflow) -> None:
    page = render_html(wf)
    bands = re.findall(r"<svg class=\"band.*?</svg>", page, flags=re.S)
    assert len(bands) == len(wf.nodes)
    seen = set()
    for band in bands:
        root = ET.fromstring(band.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        seen |= {(e.get("data-from"), e.get("data-to"), e.get("data-kind"))
                 for e in _edges(root)}
    assert seen == {(n.id, t.target, t.kind.value) for n in wf.nodes for t in n.transitions}


def test_html_escapes_text() -> None:
    wf = rich_workflow(12)
    page = render_html(wf)
    assert "&lt;tanda&gt;" in page and "<tanda>" not in page
    assert "&lt;render&gt;" not in page  # the sources are not on the sheet


def test_html_marks_missing_signer_with_dots_and_unset_time() -> None:
    wf = rich_workflow(12)
    page = render_html(wf)
    assert "....." in page  # nama and NIP of the signer are not in the definition
    assert "5 Januari 2026" in page


def test_html_follows_the_language() -> None:
    set_lang("en")
    try:
        page = render_html(rich_workflow(12))
    finally:
        set_lang(None)
    c = _parse(page)
    for header in ("No", "Activity", "Performer", "Quality standard", "Inputs", "Time",
                   "Output", "Remarks"):
        assert header in c.headers
    assert '<html lang="en">' in page


def test_large_sop_renders() -> None:
    wf = rich_workflow(500)
    assert len(_symbols(ET.fromstring(render_svg(wf)))) == 500
    assert _parse(render_html(wf)).errors == []
    assert len(render_mermaid(wf).splitlines()) > 1000


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_html_table_fits_a4_landscape(wf: Workflow) -> None:
    page = render_html(wf)
    m = re.search(r'<table class="proc" style="width:([\d.]+)px">', page)
    assert m is not None
    cols = [float(w) for w in re.findall(r'<col style="width:([\d.]+)px">', page)]
    assert sum(cols) == pytest.approx(float(m[1]), abs=0.5)
    if len(wf.roles) <= 6:
        assert float(m[1]) <= PAGE_W + 0.5


def test_default_symbols_leave_channels_between_lanes() -> None:
    assert 0 < Params().sym_w < Params().lane_w


# --------------------------------------------------------------------------- Mermaid

_NODE = re.compile(r"^\s*(s\w+)(\(\[|\[|\{|>)\"")
_EDGE = re.compile(r"^\s*(s\w+) (-->|-\.->)(?:\|\"([^\"]*)\"\|)? (s\w+)$")


@pytest.mark.parametrize("wf", WORKFLOWS, ids=IDS)
def test_mermaid_has_a_node_per_step_and_an_edge_per_transition(wf: Workflow) -> None:
    text = render_mermaid(wf)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes = [m for line in lines if (m := _NODE.match(line))]
    assert sorted(m[1] for m in nodes) == sorted(f"s{n.id}" for n in wf.nodes)
    shape = {m[1]: m[2] for m in nodes}
    want = {Symbol.KAPSUL: "([", Symbol.KOTAK: "[", Symbol.BELAH_KETUPAT: "{",
            Symbol.SEGILIMA: ">"}
    for n in wf.nodes:
        assert shape[f"s{n.id}"] == want[n.symbol]
    edges = [m for line in lines if (m := _EDGE.match(line))]
    assert len(edges) == sum(len(n.transitions) for n in wf.nodes)
    assert sorted((m[1], m[4]) for m in edges) == sorted(
        (f"s{n.id}", f"s{t.target}") for n in wf.nodes for t in n.transitions)
    for n in wf.nodes:
        for t in n.transitions:
            if t.kind is EdgeKind.BRANCH:
                assert f'-->|"{escape_text(t.label or "")}"| s{t.target}' in text
            if t.kind is EdgeKind.TIMER:
                assert f"s{n.id} -.->|" in text
    assert sum(line.strip().startswith("subgraph") for line in lines) == len(
        {n.role for n in wf.nodes if n.role})


def test_mermaid_escapes_quotes_and_brackets() -> None:
    data = rich_sop_dict(12)
    data["langkah"][1]["kegiatan"] = 'Memeriksa "surat" <asli> #1\ndan salinan'
    data["pelaksana"][1]["nama"] = 'Petugas "PTSP"'
    wf = compile_document(SopDocument.model_validate(data)).workflow
    assert wf is not None
    assert escape_text('a "b" <c> #d') == "a #quot;b#quot; #lt;c#gt; #35;d"
    text = render_mermaid(wf)
    assert 's2["2. Memeriksa #quot;surat#quot; #lt;asli#gt; #35;1 dan salinan"]' in text
    assert 'subgraph lane1["Petugas #quot;PTSP#quot;"]' in text
    for line in text.splitlines()[1:]:
        if _NODE.match(line) or line.strip().startswith("subgraph"):
            assert line.count('"') == 2


def test_mermaid_marks_sub_sop_and_automated_steps() -> None:
    text = render_mermaid(rich_workflow(40))
    assert "classDef sub_sop stroke-width:3px" in text
    assert "class s9 sub_sop" in text
    assert re.search(r"^  class (s\d+,)*s5(,s\d+)* otomatis$", text, flags=re.M)


def test_the_sheet_names_related_sops_by_their_names_not_their_ids() -> None:
    from sop_runtime.compiler.library import load_library
    from tests.conftest import DEFINITIONS

    lib = load_library([DEFINITIONS])
    wf = lib.workflows["kasasi-perdata"]
    assert wf.document.identitas.keterkaitan  # the SOP names related SOPs
    html = render_html(wf, lib.kop(), lib.titles())
    related = html.split("Keterkaitan", 1)[1].split("</ol>", 1)[0]
    for ref in wf.document.identitas.keterkaitan:
        assert ref not in related
        assert lib.titles()[ref] in related
