"""Writes the example log that `make demo` checks with `sop conformance`: what a court's
spreadsheet of SKUM work (taksiran-panjar-skum) would hold for January 2026 at PN Sanana,
one row per step done, with a few cases that did not follow the SOP.

The cases are walked by the engine along the golden route (tests/golden/routes.yaml) by
PN Sanana's staff, then six of them get one known deviation each (a swap, a lost row, a
stranger at a step, a delay past the limit, a repeated row, an empty output). Run from the
repository's root: ``.venv/bin/python examples/generate.py``; the output is fixed by the
seed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sop_runtime.compiler.library import load_library
from sop_runtime.conformance.synthetic_log import MUTATIONS, Generator, load_routes

ROOT = Path(__file__).resolve().parent.parent
SOP = "taksiran-panjar-skum"


def main() -> None:
    lib = load_library([ROOT / "definitions"])
    assert lib.court is not None
    routes = load_routes(ROOT / "tests" / "golden" / "routes.yaml")
    gen = Generator.for_court(lib.workflow(SOP), routes[SOP], lib.court.model, seed=2026)
    rows = []
    first = datetime.fromisoformat("2026-01-05T00:00:00+09:00")
    for k, start in enumerate(gen.start_times(40, first, per_day=2)):
        case = gen.clean(f"{k + 1}/Pdt.G/2026/PN Snn", start)
        if k % 6 == 3 and k // 6 < len(MUTATIONS):
            mutated = gen.mutate(case, MUTATIONS[k // 6])
            if mutated is not None:
                case = mutated[0]
        rows.extend(case)
    out = ROOT / "examples"
    with (out / "skum-januari-2026.csv").open("w", encoding="utf-8", newline="") as f:
        gen.write_rows(f, rows, header=True)
    mapping = out / "skum-januari-2026.map.yaml"
    gen.write_mapping(mapping)
    mapping.write_text(HEADER + mapping.read_text(encoding="utf-8"), encoding="utf-8")


HEADER = """\
# Pemetaan log contoh ke SOP taksiran-panjar-skum (lihat README, "Conformance").
#   kolom:      nama kolom CSV untuk nomor perkara, aktivitas, pelaksana, waktu, keputusan
#   aktivitas:  nama aktivitas di log -> nomor langkah SOP (atau 'abaikan')
#   pelaksana:  nama orang di log -> peran (id peran di berkas pengadilan)
#   nilai:      id kelengkapan/output/isian -> kolom log yang memuatnya
# Mapping of the example log onto the SOP (see the README, "Conformance").
"""


if __name__ == "__main__":
    main()
