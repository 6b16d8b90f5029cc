"""How long ``sop verify``'s document check takes: 3,000 recorded documents (quick: 300) of
about 300 KB each, a scanned KTP attached at step 1 of a filing, on SQLite.

Each case is started and its first step completed through the service layer with its own
file (distinct bytes, so every file is read and hashed); a tenth of the cases attach a file
another case attached too (the same bytes: one file in the store, hashed once). The check
(:func:`sop_runtime.service.integrity.check_documents`) is timed on a fresh engine, the
median of several runs (the OS file cache warm: the figure is hashing and the scan of the
log, not the disk). Ends with documents checked per second.
"""

from __future__ import annotations

import os
import statistics
import time

from _common import DEFINITIONS, QUICK, SteppingClock, machine, sqlite_backend, table

from sop_runtime.service import cases, documents, integrity, setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import db

CASES = 300 if QUICK else 3000
SIZE = 300 * 1024
RUNS = 3
SOP = "pendaftaran-gugatan-ptsp"
VALUES = {"surat_gugatan_asli": "Gugatan 6 rangkap", "softcopy_surat_gugatan": "gugatan.docx",
          "ceklist_kelengkapan_yang_ditandatangani": "CK-01"}


def scan(n: int) -> bytes:
    """A file that starts as a PDF does, distinct for each ``n``."""
    head = b"%PDF-1.4\n% pindaian KTP " + str(n).encode() + b"\n"
    return head + os.urandom(SIZE - len(head))


def main() -> None:
    print(f"documents: {CASES} cases, one file of {SIZE // 1024} KB each "
          f"({machine()})")
    with sqlite_backend("documents") as backend:
        rt = Runtime(db.make_engine(backend.url), SteppingClock())
        setup.init(rt, DEFINITIONS)
        shared = scan(-1)
        t0 = time.perf_counter()
        for n in range(CASES):
            case_id = cases.start_case(rt, SOP, "rina.ptsp").case_id
            data = shared if n % 10 == 0 else scan(n)
            documents.complete_with_files(rt, case_id, "1", "rina.ptsp", values=VALUES,
                                          files=[documents.Upload(
                                              "fotokopi_ktp_penggugat", f"ktp-{n}.pdf", data)])
        made = time.perf_counter() - t0
        root = rt.documents.root
        rt.engine.dispose()
        times = []
        found = None
        for _ in range(RUNS):
            fresh = Runtime(db.make_engine(backend.url), documents_root=root)
            with fresh.engine.connect() as conn:
                t0 = time.perf_counter()
                found = integrity.check_documents(fresh, conn)
                times.append(time.perf_counter() - t0)
            fresh.engine.dispose()
        assert found is not None and found.ok and found.documents == CASES
        took = statistics.median(times)
        print(table(["recorded", "distinct files", "MB hashed", "check (s)", "setup (s)"],
                    [[str(found.documents), str(found.files),
                      f"{found.files * SIZE / 2**20:.0f}", f"{took:.2f}", f"{made:.0f}"]]))
        print(f"documents checked per second: {found.documents / took:,.0f}")


if __name__ == "__main__":
    main()
