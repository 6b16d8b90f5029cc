"""A working day at PN Sanana, as the demo plays it through the real commands.

Tuesday 24 November 2026 (WIT). Services at the PTSP desk and the Kepaniteraan Perdata and
Hukum: a civil claim filed and numbered, a panjar assessed and paid (with a refused attempt by
a clerk who may not receive money), a legalisation signed by the Wakil Ketua while the Ketua
is away, a surat keterangan whose draft the Ketua sends back for rework, a complaint received
on paper last week and entered today, a salinan putusan request left waiting past its step's
deadline; in the afternoon a kasasi paid four days after its term, which the data sends to
the Ketua's "tidak dapat diterima"; an appeal (banding) in time only because the absent
party's notice came later, its two paths open at the end of the day; and an execution request
registered and waiting for its panjar. The applicants of the two requests completed fill in
the paper Survei Kepuasan Masyarakat at the desk, and the clerk enters them.

Then the court revises its SOP Permohonan Salinan Putusan: the revision (the hand-over of the
copy becomes step 9, "not found" step 10) is loaded as a draft at the end of the day and
approved by the Ketua with its tanggal efektif the next day, so a request that evening still
starts on the old version. On Wednesday 25 November a request starts on the revision, and the
Panitera moves the running requests over: one moves, the one whose file was not found is
refused (its step 9 is another step in the revision) until he names where it went.

Each entry: the local time it happens, the command, the exit code it must give.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = "2026-11-24"
NEXT_DAY = "2026-11-25"
# the court's revision of one SOP, beside the definitions folder (``examples/`` of the project;
# where it is not there, an installed package, the demo ends with the first day)
REVISION = "examples/revisi/salinan-putusan.yaml"
REVISED_SOP = "salinan-putusan"
# a scanned KTP shipped with the project (relative to the folder ``make demo`` runs in); where
# it is not there (an installed package), the demo records the item as a note instead
SCANNED_KTP = "examples/pindaian-ktp.pdf"
# the receipt (tanda terima) the surat keterangan's applicant takes home, written into the
# demo's output folder (where PDF cannot be made, the request starts without it)
RECEIPT = "tanda-terima-surat-keterangan.pdf"


@dataclass(frozen=True)
class Act:
    time: str                  # HH:MM on DAY, court time
    args: tuple[str, ...]
    expect: int = 0            # 0 done, 4 refused and recorded
    note: tuple[str, str] | None = None  # what the narrator says (Indonesian, English)


def act(time: str, *args: str, expect: int = 0, note: tuple[str, str] | None = None) -> Act:
    return Act(time, args, expect, note)


def _o(**values: str) -> tuple[str, ...]:
    out: list[str] = []
    for k, v in values.items():
        out += ["--output", f"{k}={v}"]
    return tuple(out)


# Case numbers are given in order by the database: {C1} is the first case the demo starts.
SCRIPT: tuple[Act, ...] = (
    # -- 1. a civil claim at the PTSP desk (pendaftaran-gugatan-ptsp) -----------------------
    act("08:05", "start", "pendaftaran-gugatan-ptsp", "--as", "rina.ptsp",
        "--pihak", "Penggugat: Budi Santoso; nik=8205011507800001; telepon=081356001122",
        "--pihak", "Tergugat: PT Sula Bahari Mandiri; alamat=Jl. Pelabuhan No. 3, Sanana",
        note=("Penggugat datang ke meja PTSP membawa gugatan",
              "A claimant comes to the PTSP desk with a claim")),
    act("08:20", "complete", "{C1}", "1", "--as", "rina.ptsp", *_o(
        surat_gugatan_asli="Gugatan wanprestasi 6 rangkap",
        fotokopi_ktp_penggugat="KTP 8202xxxxxxxx0001",
        softcopy_surat_gugatan="gugatan.docx (flashdisk)",
        ceklist_kelengkapan_yang_ditandatangani="CK-2026-11-24-01")),
    act("08:40", "complete", "{C1}", "2", "--as", "ahmad.panmudpdt", "--decision", "Lengkap",
        *_o(berkas_dinyatakan_lengkap_atau_tidak_lengkap="Lengkap, diparaf Panmud Perdata")),
    act("08:50", "complete", "{C1}", "3", "--as", "siti.kasir", *_o(
        taksiran_panjar="Rp 1.450.000", slip_setoran="Slip BSI 24/11/2026 No. 118")),
    act("09:35", "complete", "{C1}", "4", "--as", "rina.ptsp",
        *_o(bukti_setoran_bank="Bukti setor BSI No. 0091827"),
        note=("Penggugat kembali dari bank; Petugas PTSP mencatat atas namanya",
              "The claimant is back from the bank; the PTSP clerk records it on their behalf")),
    act("09:40", "complete", "{C1}", "5", "--as", "rina.ptsp",
        *_o(bukti_setoran_diterima_kasir="Diteruskan ke Kasir 09:40")),
    act("09:55", "complete", "{C1}", "6", "--as", "siti.kasir", *_o(
        nomor_perkara="14/Pdt.G/2026/PN Snn", skum="SKUM 14/Pdt.G/2026")),
    act("10:00", "complete", "{C1}", "7", "--as", "rina.ptsp",
        *_o(skum_lembar_penggugat_diserahkan="SKUM lembar 1 diterima penggugat")),
    act("10:02", "skm", "isi", "{C1}", "--nilai", "4,4,3,3,4,3,4,3,3", "--as", "rina.ptsp",
        "--saran", "Ruang tunggu PTSP panas; mohon ditambah kipas angin",
        "--jenis-kelamin", "L", "--pekerjaan", "WIRAUSAHA",
        note=("Penggugat mengisi kuesioner Survei Kepuasan Masyarakat di meja PTSP; petugas "
              "mencatatnya", "The claimant fills in the paper satisfaction survey at the "
              "desk; the clerk enters it")),

    # -- 2. a panjar assessed and paid (taksiran-panjar-skum; money: penegakan tolak) --------
    act("10:10", "start", "taksiran-panjar-skum", "--as", "fadli.ptsp",
        "--pihak", "Pemohon: Nurhayati Umasugi; alamat=Desa Fagudu, Sanana"),
    act("10:25", "complete", "{C2}", "1", "--as", "fadli.ptsp", *_o(
        surat_gugatan_permohonan="Permohonan ganti nama", data_identitas_para_pihak="KTP pemohon",
        berkas_perkara_diterima_di_meja_i="Meja I, 24/11/2026")),
    act("10:35", "complete", "{C2}", "2", "--as", "fadli.ptsp", *_o(
        taksiran_panjar="Rp 350.000", skum_tiga_lembar="SKUM 3 lembar")),
    act("10:45", "complete", "{C2}", "3", "--as", "ahmad.panmudpdt",
        "--decision", "Lengkap dan disetujui",
        *_o(berkas_disetujui_atau_dinyatakan_tidak_lengkap="Disetujui Panmud Perdata")),
    act("10:50", "complete", "{C2}", "4", "--as", "fadli.ptsp",
        *_o(slip_setoran_panjar="Slip setoran No. 119")),
    act("11:20", "complete", "{C2}", "5", "--as", "fadli.ptsp",
        *_o(bukti_setoran_bank="Bukti setor BSI No. 0091901"), expect=4,
        note=("Petugas PTSP mencoba mencatat setoran pemohon; hanya Kasir yang boleh",
              "A PTSP clerk tries to record the payment; only the Kasir may")),
    act("11:22", "complete", "{C2}", "5", "--as", "yusuf.kasir",
        *_o(bukti_setoran_bank="Bukti setor BSI No. 0091901")),
    act("11:30", "complete", "{C2}", "6", "--as", "yusuf.kasir", *_o(skum_lunas="SKUM lunas")),

    # -- 3. a legalisation signed by the Wakil Ketua (legalisasi-waarmerking) ----------------
    act("09:10", "start", "legalisasi-waarmerking", "--as", "rina.ptsp",
        "--pihak", "Pemohon: CV Kie Raha; telepon=082190004455"),
    act("09:15", "complete", "{C3}", "1", "--as", "rina.ptsp", *_o(
        surat_permohonan_legalisasi_waarmerking="Permohonan CV Kie Raha",
        surat_akta_di_bawah_tangan="Perjanjian kerja sama 3 lembar",
        permohonan_waarmerking_diterima="Diterima 09:15")),
    act("09:45", "complete", "{C3}", "2", "--as", "ridwan.panmudhkm",
        *_o(permohonan_waarmerking_telah_diteliti="Diteliti, lengkap")),
    act("10:30", "complete", "{C3}", "3", "--as", "maya.hukum",
        *_o(catatan_waarmerking="Catatan W/2026/31")),
    act("11:00", "complete", "{C3}", "4", "--as", "bambang.panitera",
        *_o(catatan_waarmerking_diparaf_panitera="Paraf Panitera")),
    act("13:15", "complete", "{C3}", "5", "--as", "sri.wkpn",
        *_o(catatan_waarmerking_ditandatangani="Ditandatangani Wakil Ketua")),
    act("13:40", "complete", "{C3}", "6", "--as", "maya.hukum", *_o(
        nomor_pendaftaran_waarmerking="31/Leg/2026/PN Snn",
        tanggal_pendaftaran_waarmerking=DAY)),

    # -- 4. a surat keterangan sent back for rework (surat-keterangan-eraterang) -------------
    act("08:30", "start", "surat-keterangan-eraterang", "--as", "fadli.ptsp",
        "--pihak", "Pemohon: Fatma Marasabessy; email=pemohon@example.id",
        "--tanda-terima", "{OUT}/" + RECEIPT,
        note=("Pemohon menerima tanda terima dengan kode lacak dan kode QR-nya",
              "The applicant takes a receipt with a tracking code and its QR code")),
    # the scanned KTP is attached as a file (kept by its SHA-256; sop verify checks it)
    act("08:35", "complete", "{C4}", "1", "--as", "fadli.ptsp",
        "--berkas", f"pindaian_ktp={SCANNED_KTP}", *_o(
        email_aktif="pemohon@example.id",
        pas_foto_4x6_latar_merah_jpg="foto.jpg",
        pindaian_skck_yang_dilegalisir_pdf="skck.pdf",
        cetakan_permohonan_eraterang="Cetakan eraterang No. ER-5521")),
    act("08:50", "complete", "{C4}", "2", "--as", "fadli.ptsp", *_o(
        pas_foto_4x6_latar_merah_2_lembar="ada", fotokopi_skck_yang_dilegalisir="ada",
        fotokopi_ijazah_terakhir="ada", fotokopi_ktp="ada",
        berkas_permohonan_surat_keterangan_diterima="Diterima 08:50")),
    act("09:05", "complete", "{C4}", "3", "--as", "fadli.ptsp", "--decision", "Tidak ditemukan",
        *_o(hasil_penelusuran_nama_pemohon="Nama tidak ditemukan di SIPP")),
    act("09:45", "complete", "{C4}", "4", "--as", "fadli.ptsp",
        *_o(konsep_surat_keterangan="Konsep SK-ER-5521"),
        note=("Konsep selesai 30 menit setelah langkah aktif; batasnya 15 menit",
              "The draft is done 30 minutes after the step opened; 15 are allowed")),
    act("10:15", "override", "reopen", "{C4}", "4", "--as", "hendra.kpn",
        "--reason", "Nama pemohon pada konsep salah ketik (Marasabesy, seharusnya Marasabessy)",
        note=("Ketua mengembalikan konsep untuk diperbaiki: percobaan baru, bukan menghapus",
              "The Ketua sends the draft back: a new attempt, nothing erased")),
    act("10:25", "complete", "{C4}", "4", "--as", "fadli.ptsp",
        *_o(konsep_surat_keterangan="Konsep SK-ER-5521 (perbaikan)")),

    # -- 5. a complaint received on paper last Thursday, entered today (pengaduan-siwas) ----
    act("13:00", "start", "pengaduan-siwas", "--as", "dewi.pengaduan",
        "--pihak", "Pelapor: Hasan Duwila; telepon=085243007788",
        "--at", "2026-11-19 10:30", "--reason", "Diterima di meja pengaduan saat SIWAS gangguan",
        note=("Pengaduan diterima di atas kertas Kamis lalu; dicatat hari ini dengan waktu "
              "sebenarnya", "A complaint received on paper last Thursday, entered today with "
              "the real time")),
    act("13:05", "complete", "{C5}", "1", "--as", "dewi.pengaduan",
        "--at", "2026-11-19 10:45", "--reason", "Register pengaduan manual hal. 12", *_o(
            surat_atau_uraian_pengaduan="Surat pengaduan tertanggal 18/11/2026",
            identitas_pelapor_dan_terlapor="KTP pelapor; nama terlapor",
            pengaduan_tercatat_dalam_register_pengaduan="Register pengaduan No. 7/2026")),

    # -- 6. a salinan putusan request that waits (salinan-putusan) -------------------------
    act("14:00", "start", "salinan-putusan", "--as", "rina.ptsp",
        "--pihak", "Pemohon: Abdul Gani Fokaaya; telepon=081344556677"),
    act("14:01", "nomor-perkara", "{C6}", "9/Pdt.G/2026/PN Snn", "--as", "rina.ptsp",
        note=("Salinan diminta untuk perkara yang sudah terdaftar; nomor perkaranya dicatat",
              "The copy is asked for a registered case; its register number is recorded")),
    act("14:10", "complete", "{C6}", "1", "--as", "rina.ptsp", *_o(
        surat_permohonan_salinan_putusan_kepada_ketua_pengadilan_negeri=(
            "Permohonan salinan 9/Pdt.G/2026"),
        fotokopi_ktp="ada",
        surat_permohonan_salinan_putusan_diterima="Diterima 14:10")),

    # -- 7. a kasasi filed too late: the Ketua declares it inadmissible (kasasi-perdata) -----
    act("14:05", "start", "kasasi-perdata", "--as", "rina.ptsp",
        "--pihak", "Pemohon Kasasi: Yusran Soamole; alamat=Desa Waihama, Sanana"),
    act("14:06", "nomor-perkara", "{C7}", "3/Pdt.G/2026/PN Snn", "--as", "rina.ptsp"),
    act("14:10", "complete", "{C7}", "1", "--as", "rina.ptsp", *_o(
        permohonan_kasasi="Permohonan kasasi tertulis, 3/Pdt.G/2026/PN Snn",
        surat_pemberitahuan_putusan_banding="Relaas pemberitahuan putusan 37/PDT/2026/PT Tte",
        permohonan_kasasi_diterima="Diterima PTSP",
        tanggal_pemberitahuan_putusan_banding="2026-11-06"),
        note=("Putusan banding diberitahukan 6 November: tenggang kasasi berakhir 20 November",
              "The appeal judgment was notified on 6 November: the term ended on 20 November")),
    act("14:25", "complete", "{C7}", "2", "--as", "ahmad.panmudpdt",
        *_o(persyaratan_kasasi_telah_diteliti="Kuasa terdaftar, berkas lengkap")),
    act("14:35", "complete", "{C7}", "3", "--as", "yusuf.kasir", *_o(
        taksiran_panjar_kasasi="Rp 1.250.000", skum_kasasi="SKUM kasasi 3/Pdt.G/2026")),
    act("15:20", "complete", "{C7}", "4", "--as", "yusuf.kasir",
        *_o(bukti_pembayaran_panjar_kasasi="Bukti setor BRI No. 771544"),
        note=("Pemohon kasasi membayar empat hari setelah tenggangnya: keterlambatan pihak",
              "The applicant pays four days after the term: the party's lateness")),
    act("15:30", "complete", "{C7}", "5", "--as", "ahmad.panmudpdt",
        *_o(hasil_penelitian_tenggang_waktu_kasasi="Hari ke-18 sejak pemberitahuan"),
        note=("Tanpa --decision: data perkara menentukan cabang 'Lewat tenggang waktu'",
              "No --decision: the case's data takes the 'Lewat tenggang waktu' branch")),
    act("15:45", "complete", "{C7}", "14", "--as", "bambang.panitera", *_o(
        surat_keterangan_panitera_terlambat_mengajukan_kasasi=(
            "Surat keterangan W27.U5/1188/HK.02/11/2026"))),
    act("16:05", "complete", "{C7}", "15", "--as", "hendra.kpn", *_o(
        penetapan_ketua_permohonan_kasasi_tidak_dapat_diterima=(
            "Penetapan 3/Pdt.G/2026/PN Snn: kasasi tidak dapat diterima")),
        note=("Ketua kembali ke kantor dan menandatangani penetapan; perkara selesai",
              "The Ketua is back in the office and signs the penetapan; the case ends")),
    act("16:07", "skm", "isi", "{C7}", "--nilai", "3,3,2,3,3,4,4,3,3", "--as", "rina.ptsp",
        note=("Pemohon kasasi tetap mengisi survei kepuasan: pendapatnya tentang pelayanan, "
              "bukan tentang putusan", "The kasasi applicant answers the survey too: on the "
              "service, not on the decision")),

    # -- 8. a banding in time because the verdict was notified later (banding-perdata) ------
    act("14:15", "start", "banding-perdata", "--as", "fadli.ptsp",
        "--pihak", "Pembanding: Rahmawati Buamona; telepon=082344001199",
        note=("Tergugat yang tidak hadir pada pembacaan putusan 5 November datang menyatakan "
              "banding", "A defendant absent when the verdict was read on 5 November comes to "
              "appeal")),
    act("14:16", "nomor-perkara", "{C8}", "11/Pdt.G/2026/PN Snn", "--as", "fadli.ptsp"),
    act("14:20", "complete", "{C8}", "1", "--as", "fadli.ptsp", *_o(
        permohonan_banding="Permohonan banding lisan tergugat, 11/Pdt.G/2026/PN Snn",
        surat_pemberitahuan_putusan="Relaas pemberitahuan putusan 12/11/2026",
        permohonan_banding_diterima="Diterima PTSP, diserahkan ke Meja Pertama",
        tanggal_putusan="2026-11-05", tanggal_pemberitahuan_putusan="2026-11-12"),
        note=("14 hari sejak putusan sudah lewat; dihitung dari pemberitahuan 12 November "
              "(yang terakhir), batasnya 26 November", "14 days from the verdict have passed; "
              "counted from the notice of 12 November (the later date) the term ends on 26 "
              "November")),
    act("14:40", "complete", "{C8}", "2", "--as", "ahmad.panmudpdt",
        *_o(permohonan_banding_telah_diteliti="Diteliti Panmud Perdata")),
    act("14:50", "complete", "{C8}", "3", "--as", "ahmad.panmudpdt", *_o(
        taksiran_panjar_banding="Rp 2.750.000", skum_banding="SKUM banding 11/Pdt.G/2026")),
    act("15:35", "complete", "{C8}", "4", "--as", "siti.kasir",
        *_o(bukti_pembayaran_panjar_banding="Bukti setor BSI No. 0091964"),
        note=("Pembanding kembali dari bank; Kasir mencatat atas namanya",
              "The appellant is back from the bank; the Kasir records it on their behalf")),
    act("15:40", "complete", "{C8}", "5", "--as", "siti.kasir", *_o(
        skum_lunas="SKUM banding cap lunas",
        panjar_banding_tercatat_dalam_buku_jurnal_keuangan_perkara="Jurnal banding hal. 7")),
    act("15:50", "complete", "{C8}", "6", "--as", "ahmad.panmudpdt",
        *_o(hasil_penelitian_tenggang_waktu_banding="Hari ke-12 sejak pemberitahuan"),
        note=("Tanpa --decision: langkah 4 tepat waktu, cabang 'Dalam tenggang waktu'",
              "No --decision: step 4 was on time, the 'Dalam tenggang waktu' branch")),
    act("16:10", "complete", "{C8}", "8", "--as", "bambang.panitera", *_o(
        akta_pernyataan_banding="Akta pernyataan banding 11/Pdt.G/2026/PN Snn",
        nomor_register_banding="3/Pdt.Bdg/2026/PN Snn"),
        note=("Akta banding: pemberitahuan kepada terbanding dan inzage kini berjalan bersamaan",
              "The appeal deed: notifying the respondent and the inspection of the file now run "
              "side by side")),
    act("16:25", "complete", "{C8}", "9", "--as", "joko.jurusita", *_o(
        relaas_pemberitahuan_pernyataan_banding_kepada_terbanding=(
            "Relaas 24/11/2026 kepada penggugat")),
        note=("Jurusita memberi tahu terbanding tanpa menunggu memori banding; inzage belum",
              "The bailiff notifies the respondent without waiting for a memorandum; the "
              "inspection notice is still to come")),

    # -- 9. an execution request, registered and waiting for the panjar (permohonan-eksekusi)
    act("14:30", "start", "permohonan-eksekusi", "--as", "rina.ptsp",
        "--pihak", "Pemohon Eksekusi: Koperasi Sula Sejahtera; alamat=Jl. Gajah Mada, Sanana",
        "--pihak", "Termohon Eksekusi: Rusdi Kharie; alamat=Desa Mangon, Sanana"),
    act("14:31", "nomor-perkara", "{C9}", "9/Pdt.G/2025/PN Snn", "--as", "rina.ptsp"),
    act("14:35", "complete", "{C9}", "1", "--as", "rina.ptsp", *_o(
        surat_permohonan_eksekusi="Permohonan eksekusi pengosongan 9/Pdt.G/2025/PN Snn",
        salinan_putusan_berkekuatan_hukum_tetap="Salinan putusan BHT 9/Pdt.G/2025",
        surat_kuasa_khusus="Surat kuasa khusus No. 88/SK/2026",
        permohonan_eksekusi_diterima="Diterima PTSP 14:35")),
    act("15:00", "complete", "{C9}", "2", "--as", "ahmad.panmudpdt",
        *_o(permohonan_eksekusi_telah_diperiksa="Diperiksa, bundel A dipinjam dari Panmud Hukum")),
    act("15:25", "complete", "{C9}", "3", "--as", "ahmad.panmudpdt",
        *_o(resume_permohonan_eksekusi="Resume eksekusi 2/Pdt.Eks/2026")),
    act("15:55", "complete", "{C9}", "4", "--as", "bambang.panitera",
        *_o(pendapat_panitera_atas_resume="Amar condemnatoir, dapat dilaksanakan")),
    act("16:15", "complete", "{C9}", "5", "--as", "hendra.kpn",
        *_o(disposisi_ketua_atas_permohonan_eksekusi="Proses aanmaning")),
    act("16:20", "complete", "{C9}", "6", "--as", "ahmad.panmudpdt",
        *_o(taksiran_panjar_eksekusi="Rp 3.500.000")),
    act("16:28", "complete", "{C9}", "7", "--as", "siti.kasir", *_o(
        skum_eksekusi="SKUM eksekusi 2/Pdt.Eks/2026",
        slip_setoran_panjar_eksekusi="Slip setoran No. 124"),
        note=("Pemohon eksekusi punya 3 hari kerja untuk membayar panjar",
              "The applicant has 3 working days to pay the advance")),

    # -- end of the day ---------------------------------------------------------------------
    act("16:35", "sweep",
        note=("Penyisiran batas waktu di akhir hari", "The end-of-day deadline sweep")),
    act("16:40", "overdue"),
    act("16:41", "deviations"),
    act("16:45", "verify"),

    # -- 10. a salinan putusan whose file is not found (salinan-putusan) ---------------------
    act("14:40", "start", "salinan-putusan", "--as", "rina.ptsp",
        "--pihak", "Pemohon: Siti Rahma Umaternate; telepon=081247001234"),
    act("14:45", "complete", "{C10}", "1", "--as", "rina.ptsp", *_o(
        surat_permohonan_salinan_putusan_kepada_ketua_pengadilan_negeri=(
            "Permohonan salinan 4/Pdt.G/2019"),
        fotokopi_ktp="ada",
        surat_permohonan_salinan_putusan_diterima="Diterima 14:45")),
    act("15:05", "complete", "{C10}", "2", "--as", "ridwan.panmudhkm",
        *_o(surat_permohonan_telah_diperiksa="Diperiksa, pemohon pihak dalam perkara")),
    act("15:20", "complete", "{C10}", "3", "--as", "maya.hukum",
        *_o(permohonan_tercatat_dalam_buku_register="Register salinan No. 31/2026")),
    act("15:45", "complete", "{C10}", "4", "--as", "maya.hukum", "--decision", "Tidak ditemukan",
        *_o(hasil_pencarian_berkas="Berkas 4/Pdt.G/2019 tidak ada di rak arsip 2019"),
        note=("Berkasnya tidak ditemukan: langkah 9 (mencatat di register) menunggu",
              "The file is not found: step 9 (noting it in the register) waits")),

)

# -- 11. the court revises its SOP Permohonan Salinan Putusan (the end of Tuesday) -----------
REVISING: tuple[Act, ...] = (
    act("16:50", "load", "{REVISI}",
        note=("Revisi SOP salinan putusan dimuat: draf, menunggu pengesahan Ketua",
              "The revised salinan putusan SOP is loaded: a draft awaiting the Ketua")),
    act("16:52", "diff", REVISED_SOP, "{V_LAMA}", "{V_BARU}"),
    act("16:55", "approve", REVISED_SOP, "{V_BARU}", "--as", "hendra.kpn",
        note=("Ketua mengesahkan revisi; tanggal efektifnya besok, 25 November 2026",
              "The Ketua approves the revision; its tanggal efektif is tomorrow, 25 November")),
    act("17:00", "start", "salinan-putusan", "--as", "rina.ptsp",
        "--pihak", "Pemohon: Hamid Buamona; telepon=082199004455",
        note=("Permohonan sore ini masih memakai versi lama",
              "A request this evening still uses the old version")),
)

# Wednesday 25 November 2026: the revision in force
NEXT: tuple[Act, ...] = (
    act("08:00", "start", "salinan-putusan", "--as", "rina.ptsp",
        "--pihak", "Pemohon: Nurlela Sangadji; telepon=085244330011",
        note=("Permohonan pagi ini memakai revisi yang kini berlaku",
              "This morning's request uses the revision now in force")),
    act("08:05", "versions", REVISED_SOP),
    act("08:30", "migrate", "--sop", REVISED_SOP, "--dari", "{V_LAMA}", "--ke", "{V_BARU}",
        "--as", "bambang.panitera", "--alasan", "SOP salinan putusan direvisi (revisi ke-1)",
        "--coba",
        note=("Panitera mencoba dulu: tidak ada yang dicatat",
              "The Panitera tries first: nothing is recorded")),
    act("08:35", "migrate", "--sop", REVISED_SOP, "--dari", "{V_LAMA}", "--ke", "{V_BARU}",
        "--as", "bambang.panitera", "--alasan", "SOP salinan putusan direvisi (revisi ke-1)",
        expect=4,
        note=("Yang langkahnya ada padanan dipindahkan; permohonan yang berkasnya tidak "
              "ditemukan ditolak dengan alasannya",
              "Those whose steps have a counterpart move; the request whose file was not "
              "found is refused with its reason")),
    act("08:40", "migrate", "{C10}", "--ke", "{V_BARU}", "--peta", "9=10",
        "--as", "bambang.panitera", "--alasan", "SOP salinan putusan direvisi (revisi ke-1)",
        note=("Panitera menyebut padanannya: langkah 9 lama kini langkah 10",
              "The Panitera names its counterpart: the old step 9 is now step 10")),
    # the surat keterangan of Tuesday is signed and handed over: its applicant, who took the
    # receipt home, finds it completed when tracking it, and may fill in the survey
    act("08:42", "complete", "{C4}", "6", "--as", "hendra.kpn",
        *_o(surat_keterangan_yang_ditandatangani_ketua="SK-ER-5521 ditandatangani")),
    act("08:44", "complete", "{C4}", "7", "--as", "fadli.ptsp",
        *_o(surat_keterangan_diterima_pemohon="Diterima Fatma Marasabessy"),
        note=("Surat keterangan diserahkan; dengan kode lacaknya pemohon dapat mengisi survei "
              "kepuasan", "The surat keterangan is handed over; with the tracking code the "
              "applicant can fill in the satisfaction survey")),
    act("08:45", "verify"),
)
