"""Options shared by the runtime commands (typer only: cheap to import)."""

from __future__ import annotations

from typing import Annotated

import typer

Actor = Annotated[str, typer.Option(
    "--as", metavar="USER", help="Nama pengguna yang bertindak / acting username")]
Supervisor = Annotated[str, typer.Option(
    "--as", metavar="USER", help="Nama pengguna pengawas / supervisor's username")]
Case = Annotated[str, typer.Argument(
    metavar="CASE", help="Nomor layanan (SNN-2026-00001) / service number")]
Step = Annotated[str, typer.Argument(metavar="STEP", help="Nomor langkah / step number")]
At = Annotated[str | None, typer.Option(
    "--at", metavar="T",
    help="Kapan sebenarnya terjadi, 'YYYY-MM-DD HH:MM' waktu setempat pengadilan atau "
         "ISO-8601 dengan zona (bawaan: sekarang) / when it really happened, court local time "
         "or ISO-8601 with offset (default: now)")]
Reason = Annotated[str | None, typer.Option(
    "--reason", "--alasan", metavar="TEXT",
    help="Alasan atau keterangan (juga: nilai berbeda dari yang sudah dicatat) / reason or "
         "note (also: a value other than the one already recorded)")]
RequiredReason = Annotated[str, typer.Option(
    "--reason", "--alasan", metavar="TEXT", help="Alasan (wajib) / reason (required)")]
Json = Annotated[bool, typer.Option("--json", help="Keluaran JSON / JSON output")]
Lanjut = Annotated[str | None, typer.Option(
    "--lanjut", metavar="KODE",
    help="Halaman berikutnya: kode yang dicetak halaman sebelumnya / the next page: the code "
         "the page before printed")]
Dari = Annotated[str, typer.Option("--dari", metavar="TANGGAL",
                                   help="Awal periode / start of the period")]
Sampai = Annotated[str, typer.Option(
    "--sampai", metavar="TANGGAL", help="Akhir periode (tanggal saja: sampai akhir hari itu) / "
    "end of the period (a date alone: to the end of that day)")]

MAX_WORKERS = 64
"""The most processes a command starts: more than a machine has cores only slows it down
(and 100,000 would never finish starting)."""
Workers = Annotated[int | None, typer.Option(
    "--workers", metavar="N", min=1, max=MAX_WORKERS,
    help="Jumlah proses, 1-64 (bawaan: satu per inti untuk log yang panjang) / processes, "
         "1-64 (default: one per core for a long log)")]
