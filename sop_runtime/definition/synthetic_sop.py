"""Synthetic SOP documents of any size, for benchmarks and tests.

They follow the official form (identity block, pelaksana, procedure table) but are not
court procedures and never go into ``definitions/``.
"""

from __future__ import annotations

from typing import Any

from sop_runtime.definition.models import SopDocument

ROLES = ("petugas_ptsp", "panmud_perdata", "kasir", "panitera", "ketua")


def synthetic_dict(
    steps: int, *, decision_every: int = 7, sop_id: str = "sintetis"
) -> dict[str, Any]:
    """A valid SOP of ``steps`` rows: a chain with a decision every ``decision_every`` rows
    whose 'Tidak' branch loops back (rework), and a timer branch on one step."""
    if steps < 3:
        raise ValueError("at least 3 steps")
    rows: list[dict[str, Any]] = []
    for no in range(1, steps + 1):
        role = ROLES[no % len(ROLES)]
        row: dict[str, Any] = {
            "no": no,
            "kegiatan": f"Memproses berkas tahap {no}",
            "pelaksana": role,
            "mutu_baku": {
                "kelengkapan": [f"Berkas tahap {no - 1}"] if no > 1 else ["Surat permohonan"],
                "waktu": "10 menit" if no % 3 else "1 hari kerja",
                "output": [f"Berkas tahap {no}"],
            },
        }
        if no == 1:
            row["jenis"] = "mulai"
        elif no == steps:
            row["jenis"] = "selesai"
        elif no % decision_every == 0:
            row["jenis"] = "keputusan"
            row["kegiatan"] = f"Memeriksa kelengkapan tahap {no}"
            row["cabang"] = [{"label": "Lengkap", "ke": no + 1},
                             {"label": "Tidak lengkap", "ke": max(1, no - 3)}]
        rows.append(row)
    if steps > 4:
        rows[2]["jika_lewat_waktu"] = {"setelah": "6 bulan", "ke": steps}
    return {
        "id": sop_id,
        "sumber": [{"pengadilan": "Sintetis", "judul": "SOP sintetis untuk uji",
                    "url": "https://example.org/sintetis"}],
        "identitas": {
            "satuan_kerja": "Pengadilan Negeri Sanana",
            "nomor": f"SINTETIS/{steps}",
            "nama": f"SOP sintetis {steps} langkah",
            "tanggal_pembuatan": "2026-01-05",
            "tanggal_efektif": "2026-01-12",
            "disahkan_oleh": {"jabatan": "Ketua Pengadilan Negeri Sanana"},
            "dasar_hukum": ["Peraturan Sekretaris MA Nomor 002 Tahun 2012"],
            "kualifikasi_pelaksana": ["SLTA"],
            "peralatan": ["Komputer"],
            "peringatan": "Uji",
            "pencatatan": ["Register"],
        },
        "pelaksana": [{"id": r, "nama": r.replace("_", " ").title()} for r in ROLES],
        "langkah": rows,
    }


def synthetic_document(steps: int, **kwargs: Any) -> SopDocument:
    return SopDocument.model_validate(synthetic_dict(steps, **kwargs))
