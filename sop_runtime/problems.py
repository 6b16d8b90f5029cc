"""Problems found in definitions: a code, a place (file:line:col and field path), a message.

Codes are stable; docs/writing-sops.md lists them. ``E`` codes are errors (the definition cannot be
compiled), ``W`` codes are warnings (it compiles, but a reviewer should look).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sop_runtime.i18n import tr


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> (Bahasa Indonesia template, English template)
CATALOG: dict[str, tuple[str, str]] = {
    # --- reading the file -------------------------------------------------------------
    "E001": ("sintaks YAML tidak sah: {detail}", "invalid YAML syntax: {detail}"),
    "E002": ("kunci '{key}' ditulis dua kali (pertama di baris {first_line})",
             "key '{key}' appears twice (first at line {first_line})"),
    "E003": ("berkas harus berisi satu pemetaan (mapping) di tingkat atas",
             "the file must hold one mapping at the top level"),
    "E004": ("berkas tidak dapat dibaca: {detail}", "the file cannot be read: {detail}"),
    "E005": ("berkas terlalu besar: lebih dari {limit}",
             "the file is too large: more than {limit}"),
    "E006": ("susunan bersarang terlalu dalam: lebih dari {limit} tingkat",
             "nested too deep: more than {limit} levels"),
    "E007": ("terlalu banyak alias (*nama): lebih dari {limit}",
             "too many aliases (*name): more than {limit}"),
    "E008": ("isi berkas terlalu besar (alias dihitung sebanyak dirujuk): lebih dari {limit} "
             "nilai", "the document is too large (aliases counted each time they are used): "
             "more than {limit} values"),
    "E009": ("tag {tag} tidak didukung{detail}", "tag {tag} is not supported{detail}"),
    # --- shape of the document --------------------------------------------------------
    "E010": ("kunci tidak dikenal '{key}'{hint}", "unknown key '{key}'{hint}"),
    "E011": ("kolom wajib '{key}' tidak ada", "required field '{key}' is missing"),
    "E012": ("nilai tidak sah: {detail}", "invalid value: {detail}"),
    "E013": ("batas waktu tidak sah: {detail}", "invalid time limit: {detail}"),
    "E014": ("tanggal tidak sah: {detail}", "invalid date: {detail}"),
    "E015": ("jam kantor tidak sah: {detail}", "invalid office hours: {detail}"),
    # --- the procedure graph ----------------------------------------------------------
    "E101": ("harus ada tepat satu langkah 'mulai' (ditemukan {count})",
             "there must be exactly one 'mulai' (start) step (found {count})"),
    "E102": ("tidak ada langkah 'selesai'", "there is no 'selesai' (end) step"),
    "E103": ("langkah {no} tidak dapat dicapai dari langkah mulai",
             "step {no} cannot be reached from the start step"),
    "E104": ("dari langkah {no} prosedur tidak dapat mencapai langkah selesai",
             "from step {no} the procedure can never reach an end step"),
    "E105": ("keputusan di langkah {no} {detail}", "decision at step {no} {detail}"),
    "E106": ("pelaksana '{role}' tidak dideklarasikan dalam 'pelaksana'",
             "pelaksana '{role}' is not declared under 'pelaksana'"),
    "E107": ("langkah {ref} tidak ada", "step {ref} does not exist"),
    "E108": ("SOP '{ref}' tidak ada dalam pustaka", "SOP '{ref}' is not in the library"),
    "E109": ("penghubung antar halaman '{label}' {detail}",
             "off-page connector '{label}' {detail}"),
    "E110": ("nomor langkah {no} dipakai lebih dari sekali",
             "step number {no} is used more than once"),
    # step shapes: a key or pelaksana that does not fit the step's kind (E111, E119-E138)
    "E111": ("langkah {no}: langkah otomatis wajib punya 'aksi' (modul:fungsi)",
             "step {no}: an automated step needs an 'aksi' (module:function)"),
    "E112": ("id SOP '{id}' dipakai oleh lebih dari satu berkas ({other})",
             "SOP id '{id}' is used by more than one file ({other})"),
    "E113": ("peran '{role}' tidak ada dalam berkas pengadilan",
             "role '{role}' is not in the court file"),
    "E114": ("isian perkara '{ref}' tidak dideklarasikan", "case field '{ref}' is not declared"),
    "E115": ("langkah {no} menunggu langkah {ref}, tetapi langkah {ref} tidak berlanjut ke "
             "langkah {no}", "step {no} waits for step {ref}, but step {ref} does not lead to "
             "step {no}"),
    "E116": ("langkah {no}: 'bersama' butuh paling sedikit dua pelaksana (tertulis {count})",
             "step {no}: 'bersama' needs at least two pelaksana (written: {count})"),
    "E117": ("syarat 'jika' cabang '{label}' langkah {no}: {detail}",
             "the 'jika' condition of branch '{label}' of step {no}: {detail}"),
    "E118": ("keputusan di langkah {no} punya lebih dari satu cabang tanpa 'jika' ({labels}); "
             "hanya satu cabang boleh menjadi cabang 'selain itu'",
             "decision at step {no} has more than one branch without 'jika' ({labels}); only "
             "one branch may be the 'otherwise' branch"),
    "E119": ("langkah {no}: kolom 'pelaksana' wajib diisi",
             "step {no}: the 'pelaksana' field is required"),
    "E120": ("langkah {no}: pelaksana sistem atau publik tidak dapat digabung dengan pelaksana "
             "lain", "step {no}: a sistem or publik pelaksana cannot be combined with other "
             "roles"),
    "E121": ("langkah {no}: 'dicatat_oleh' hanya untuk langkah yang dilakukan pihak publik "
             "(pemohon)", "step {no}: 'dicatat_oleh' is only for steps done by the public "
             "(the applicant)"),
    "E122": ("langkah {no}: pelaksana langkah otomatis harus pelaksana 'sistem'",
             "step {no}: the pelaksana of an automated step must be a 'sistem' role"),
    "E123": ("langkah {no}: 'aksi' hanya untuk langkah otomatis",
             "step {no}: 'aksi' is only for automated steps"),
    "E124": ("langkah {no}: pelaksana sistem hanya untuk langkah otomatis",
             "step {no}: a sistem pelaksana may only do automated steps"),
    "E125": ("langkah {no}: langkah sub_sop wajib menyebut 'sop'",
             "step {no}: a sub_sop step must name its 'sop'"),
    "E126": ("langkah {no}: SOP tidak boleh memanggil dirinya sendiri",
             "step {no}: an SOP cannot call itself"),
    "E127": ("langkah {no}: 'sop' hanya untuk langkah sub_sop",
             "step {no}: 'sop' is only for sub_sop steps"),
    "E128": ("langkah {no}: langkah penghubung wajib (dan hanya ia) punya "
             "'penghubung: {{label, arah}}'", "step {no}: a penghubung step needs (and only it "
             "may have) 'penghubung: {{label, arah}}'"),
    "E129": ("langkah {no}: keputusan memakai 'cabang', bukan 'lanjut'",
             "step {no}: a decision uses 'cabang', not 'lanjut'"),
    "E130": ("langkah {no}: 'cabang' hanya untuk langkah keputusan",
             "step {no}: 'cabang' is only for decision steps"),
    "E131": ("langkah {no}: langkah selesai tidak punya langkah berikutnya",
             "step {no}: an end step has no next step"),
    "E132": ("langkah {no}: penghubung keluar berlanjut ke pasangannya, bukan 'lanjut'",
             "step {no}: an outgoing connector continues at its pair, not at 'lanjut'"),
    "E133": ("langkah {no}: baris terakhir tabel harus langkah selesai atau menyebut 'lanjut'",
             "step {no}: the last row must be an end step or name its 'lanjut'"),
    "E134": ("langkah {no}: 'sejak' butuh batas waktu", "step {no}: 'sejak' needs a time limit"),
    "E135": ("langkah {no}: 'perpanjangan' butuh batas waktu pada mutu baku",
             "step {no}: 'perpanjangan' needs a time limit in mutu baku"),
    "E136": ("langkah {no}: 'perpanjangan' memperpanjang waktu pelayanan, tetapi SOP tidak "
             "punya standar pelayanan", "step {no}: 'perpanjangan' extends the service time, "
             "but the SOP has no service standard"),
    "E137": ("langkah {no}: 'jika_lewat_waktu' tidak berlaku untuk langkah ini",
             "step {no}: 'jika_lewat_waktu' does not apply to this step"),
    "E138": ("langkah {no}: batas waktu tidak dapat dihitung sejak langkah itu sendiri",
             "step {no}: a limit cannot count from the step itself"),
    # --- items: values flow between the steps that name one item ----------------------
    "E139": ("langkah {no}: '{item}' berjenis centang (ada / tidak ada), yang hanya untuk "
             "kelengkapan, bukan {where}", "step {no}: '{item}' is a tick (centang: present "
             "/ absent), which is for kelengkapan only, not for {where}"),
    "E142": ("langkah {no}: pesan 'beri_tahu_pemohon' menyebut {{{ref}}}, yang bukan isian "
             "perkara atau kelengkapan/output langkah SOP ini",
             "step {no}: the 'beri_tahu_pemohon' message names {{{ref}}}, which is no case field "
             "nor kelengkapan/output of a step of this SOP"),
    # --- a revision of an SOP in force (sop init) -------------------------------------
    "E140": ("revisi SOP {sop}: 'nomor_revisi' harus {want} (versi yang disahkan: {before})",
             "revision of SOP {sop}: 'nomor_revisi' must be {want} (the approved version: "
             "{before})"),
    "E141": ("revisi SOP {sop}: 'tanggal_revisi' harus {want} (versi yang disahkan: {before})",
             "revision of SOP {sop}: 'tanggal_revisi' must be {want} (the approved version: "
             "{before})"),
    # --- conformance mapping files (sop conformance --map) ----------------------------
    "E301": ("langkah '{step}' tidak ada di SOP {sop}",
             "step '{step}' does not exist in SOP {sop}"),
    "E302": ("peran '{role}' tidak dikenal; yang dikenal: {known}",
             "unknown role '{role}'; known: {known}"),
    "E303": ("'{item}' bukan kelengkapan, output atau isian SOP {sop}",
             "'{item}' is not an input, output or field of SOP {sop}"),
    "E304": ("keputusan langkah {step} harus salah satu dari: {labels}",
             "the decision of step {step} must be one of: {labels}"),
    "E305": ("pemetaan ini untuk SOP {mapped}, bukan {sop}",
             "this mapping is for SOP {mapped}, not {sop}"),
    # --- warnings ---------------------------------------------------------------------
    "W201": ("langkah {no} ({kind}) tidak memiliki mutu baku {missing}",
             "step {no} ({kind}) has no mutu baku {missing}"),
    "W202": ("batas waktu langkah pada jalur terpanjang (langkah {steps}) mencapai {total}, "
             "melebihi waktu pelayanan {standard}",
             "the step limits on the longest path (steps {steps}) come to {total}, more than "
             "the service standard of {standard}"),
    "W203": ("berkas pengadilan tidak ditemukan; peran pelaksana tidak diperiksa",
             "no court file found; pelaksana roles were not checked"),
    "W204": ("kelengkapan '{item}' langkah {no} tidak dihasilkan langkah sebelumnya dan bukan "
             "isian perkara: {detail}",
             "kelengkapan '{item}' of step {no} is neither produced by an earlier step nor a "
             "case field: {detail}"),
    "W205": ("langkah {no} dicapai dari dua alur bersamaan langkah {split} (melalui langkah "
             "{a} dan {b}) tanpa 'menunggu': langkah ini akan dibuka sekali untuk tiap alur, "
             "yang pertama sebelum alur lain selesai",
             "step {no} is reached from two parallel branches of step {split} (through steps "
             "{a} and {b}) without 'menunggu': it would open once per branch, the first time "
             "before the other branch is done"),
    "W206": ("alur bersamaan langkah {no} melalui langkah {branch} mencapai langkah selesai "
             "{end} tanpa melalui langkah yang menunggu alur lain: perkara dapat selesai "
             "sementara alur lain masih berjalan",
             "the parallel branch of step {no} through step {branch} reaches end step {end} "
             "without passing the step that waits for the other branches: the case can end "
             "while another branch is still at work"),
    "W207": ("{where} tampak seperti catatan penyusun ({why}): teks resmi tampil di formulir "
             "petugas dan lembar SOP; pindahkan catatan ke 'catatan_penyusun'",
             "{where_en} reads like an authoring note ({why}): official text shows on the "
             "clerk's form and the SOP sheet; move the note to 'catatan_penyusun'"),
    "W208": ("{detail}: kop surat dicetak tanpa logo", "{detail}: the letterhead is printed "
             "without a logo"),
    "W210": ("{where}: '{sop}' bukan SOP dalam pustaka; halaman publik tidak memuatnya",
             "{where}: '{sop}' is no SOP of the library; the public pages leave it out"),
    "W209": ("'{item}' berjenis {kind} di sini tetapi {first} di {there}: nilainya berpindah "
             "antarlangkah, maka tulislah satu jenis di setiap langkah yang menyebutnya",
             "'{item}' is of kind {kind} here but {first} at {there}: its value flows between "
             "the steps, so give it one kind at every step that names it"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    file: str
    line: int = 0
    col: int = 0
    path: str = ""
    params: dict[str, object] = field(default_factory=dict, hash=False, compare=False)

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code.startswith("W") else Severity.ERROR

    @property
    def message(self) -> str:
        id_t, en_t = CATALOG[self.code]
        return tr(id_t, en_t, **self.params)

    def format(self) -> str:
        """``file:line:col: code: message [path]`` -- the line `sop validate` prints."""
        where = f"{self.file}:{self.line}:{self.col}"
        suffix = f" [{self.path}]" if self.path else ""
        return f"{where}: {self.code}: {self.message}{suffix}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file, "line": self.line, "col": self.col, "code": self.code,
            "severity": str(self.severity), "path": self.path, "message": self.message,
        }
