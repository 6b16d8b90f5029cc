"""Time to load + compile the SOP library and a generated 500-step SOP.

Load = read YAML text with positions + validate against the schema; compile = static checks
+ graph + content hash. Prints the median of several runs of each, then the 500-step figure
on the last line. SOP_BENCH_QUICK=1 runs fewer repetitions.

Goal: under 50 ms for the 500-step SOP on this machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sop_runtime.compiler.compile import compile_document  # noqa: E402
from sop_runtime.compiler.library import compile_source, load_library  # noqa: E402
from sop_runtime.definition.loader import validate_as  # noqa: E402
from sop_runtime.definition.models import SopDocument  # noqa: E402
from sop_runtime.definition.synthetic_sop import synthetic_dict  # noqa: E402
from sop_runtime.definition.yamlsource import load_yaml  # noqa: E402

QUICK = os.environ.get("SOP_BENCH_QUICK") == "1"
RUNS = 5 if QUICK else 30


def median_ms(fn: object, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    defs = ROOT / "definitions"
    lib = load_library([defs])
    if lib.errors:
        raise SystemExit("the library has errors; run `sop validate`")
    n_sops = len(lib.workflows)
    n_steps = sum(len(w.nodes) for w in lib.workflows.values())
    lib_ms = median_ms(lambda: load_library([defs]))

    text = yaml.safe_dump(synthetic_dict(500), allow_unicode=True, sort_keys=False)

    def big() -> None:
        result = compile_source(text, "sintetis-500.yaml")
        assert result.workflow is not None

    def big_phases() -> tuple[float, float, float]:
        t0 = time.perf_counter()
        src = load_yaml(text, "sintetis-500.yaml")
        t1 = time.perf_counter()
        loaded = validate_as(src, SopDocument)
        t2 = time.perf_counter()
        compile_document(loaded.model, loaded.source)
        t3 = time.perf_counter()
        return (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000

    big()  # warm-up
    big_ms = median_ms(big)
    phases = [big_phases() for _ in range(RUNS)]
    yaml_ms, schema_ms, comp_ms = (statistics.median(p[i] for p in phases) for i in range(3))

    print(f"library: {n_sops} SOPs, {n_steps} steps, court file included: "
          f"{lib_ms:.1f} ms (median of {RUNS})")
    print(f"500-step SOP phases: yaml {yaml_ms:.1f} ms, schema {schema_ms:.1f} ms, "
          f"compile {comp_ms:.1f} ms")
    print(f"500-step SOP load+compile: {big_ms:.1f} ms (goal < 50 ms)")


if __name__ == "__main__":
    main()
