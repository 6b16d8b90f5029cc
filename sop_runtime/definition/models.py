"""The official SOP form (Sekma 002/2012, Permenpan-RB 35/2012) as pydantic models.

One YAML file per SOP; the keys are the official Indonesian terms so that a court clerk
recognises the document:

* identity block (``identitas``): satuan_kerja, nomor, nama, tanggal_*, disahkan_oleh,
  dasar_hukum, kualifikasi_pelaksana, keterkaitan, peralatan, peringatan, pencatatan;
* service standard (``standar_pelayanan``): persyaratan, sarana_prasarana, biaya,
  waktu_pelayanan, produk, pengaduan;
* ``pelaksana``: the roles, one swim-lane column each;
* ``langkah``: the procedure table (no, kegiatan, pelaksana, jenis, mutu_baku, keterangan,
  and the flow: lanjut / cabang / jika_lewat_waktu);
* ``sumber``: where the procedure comes from (court and URL).
* ``beri_tahu_pemohon`` (on a step): the notice the applicant gets there, when they gave
  a contact and agreed to be told.
* ``catatan_penyusun``: the authoring notes (on the SOP and on a step): where a rule was
  found, what the source leaves out, why a choice was made. They are for whoever maintains
  the SOPs, never part of the official text (a clerk's form, the printed sheet).

Unknown keys are errors: a typo must never pass silently.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from sop_runtime.definition.timelimit import (
    NO_LIMIT_WORDS,
    TimeLimit,
    TimeLimitError,
    parse_time_limit,
)

SLUG = r"^[a-z][a-z0-9_]*$"
SOP_ID = r"^[a-z0-9][a-z0-9_-]*$"
# the end of a limit's last day: office close, end of day, or an hour (HH:MM)
_DAY_END = re.compile(r"^(tutup_kantor|akhir_hari|([01][0-9]|2[0-3]):[0-5][0-9])$")


def _day_end(value: str) -> str:
    if not _DAY_END.match(value):
        raise PydanticCustomError(
            "day_end", "'{v}' bukan akhir hari: tulis tutup_kantor, akhir_hari atau jam JJ:MM "
            "(00:00-23:59) / '{v}' is no end of day: write tutup_kantor, akhir_hari or an "
            "hour HH:MM (00:00-23:59)", {"v": value})
    return value


DayEnd = Annotated[str, AfterValidator(_day_end)]


def _parse_limit(value: Any) -> Any:
    if isinstance(value, TimeLimit):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError("time_limit", "expected text such as '10 menit'")
    try:
        return parse_time_limit(str(value))
    except TimeLimitError as exc:
        raise PydanticCustomError("time_limit", "{detail}", {"detail": str(exc)}) from None


TimeLimitField = Annotated[
    TimeLimit,
    BeforeValidator(_parse_limit),
    PlainSerializer(lambda t: t.text or t.canonical(), return_type=str),
]


def _notes(value: Any) -> Any:
    """``catatan_penyusun``: one note (text) or several (a list)."""
    return [value] if isinstance(value, str) else value


AuthoringNotes = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_notes)]
"""``catatan_penyusun``: the authors' notes, apart from the official text."""


def slugify(text: str) -> str:
    """``Surat gugatan (asli)`` -> ``surat_gugatan_asli``."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = "x_" + slug
    return slug


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class StepKind(StrEnum):
    """``jenis`` of a step. The flowchart symbol follows from it (see ``symbol``)."""

    MULAI = "mulai"            # start terminator (capsule)
    SELESAI = "selesai"        # end terminator (capsule)
    PROSES = "proses"          # process (rectangle)
    KEPUTUSAN = "keputusan"    # decision (diamond) with labelled branches
    PENGHUBUNG = "penghubung"  # off-page connector (pentagon)
    SUB_SOP = "sub_sop"        # call of another SOP (rectangle)
    OTOMATIS = "otomatis"      # automated step done by a system (rectangle)


class Symbol(StrEnum):
    """The five symbols of Permenpan-RB 35/2012 (the arrow is the edge)."""

    KAPSUL = "kapsul"
    KOTAK = "kotak"
    BELAH_KETUPAT = "belah_ketupat"
    SEGILIMA = "segilima"


SYMBOL_OF: dict[StepKind, Symbol] = {
    StepKind.MULAI: Symbol.KAPSUL,
    StepKind.SELESAI: Symbol.KAPSUL,
    StepKind.PROSES: Symbol.KOTAK,
    StepKind.KEPUTUSAN: Symbol.BELAH_KETUPAT,
    StepKind.PENGHUBUNG: Symbol.SEGILIMA,
    StepKind.SUB_SOP: Symbol.KOTAK,
    StepKind.OTOMATIS: Symbol.KOTAK,
}


class Penegakan(StrEnum):
    """Enforcement: ``tolak`` refuses a deviating action (and records the attempt);
    ``catat`` accepts it and flags the deviation."""

    CATAT = "catat"
    TOLAK = "tolak"


def _enforcement_alias(value: Any) -> Any:
    aliases = {"record": "catat", "block": "tolak"}
    return aliases.get(value, value) if isinstance(value, str) else value


PenegakanField = Annotated[Penegakan, BeforeValidator(_enforcement_alias)]


class ItemKind(StrEnum):
    """What a kelengkapan / output / case field holds, so the runtime can check it."""

    DOKUMEN = "dokumen"  # a document reference (number, file, register entry)
    NOMOR = "nomor"      # an identifier such as a nomor perkara or register number
    UANG = "uang"        # an amount in rupiah
    TANGGAL = "tanggal"  # a date
    TEKS = "teks"        # free text
    ANGKA = "angka"      # a number
    CENTANG = "centang"  # a tick: the document is there (``ada``) or not (``tidak ada``)


class Sumber(_Model):
    """The published source of the procedure."""

    pengadilan: str = Field(min_length=1)
    judul: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")
    catatan: str | None = None


class Pengesah(_Model):
    jabatan: str = Field(min_length=1)
    nama: str | None = None
    nip: str | None = None

    @field_validator("nip")
    @classmethod
    def _nip(cls, v: str | None) -> str | None:
        if v is None:
            return v
        digits = v.replace(" ", "")
        if not re.fullmatch(r"\d{18}", digits):
            raise PydanticCustomError("nip", "NIP harus 18 digit / NIP must have 18 digits")
        return digits


class Identitas(_Model):
    satuan_kerja: str = Field(min_length=1)
    nomor: str = Field(min_length=1)
    nama: str = Field(min_length=1)
    tanggal_pembuatan: date
    # the revision's number ("Revisi ke-1"), its date, and the day it comes into force; a
    # changed SOP needs the Ketua's pengesahan before it applies (service.revisions)
    nomor_revisi: int | None = Field(default=None, ge=1)
    tanggal_revisi: date | None = None
    tanggal_efektif: date
    disahkan_oleh: Pengesah
    dasar_hukum: list[str] = Field(min_length=1)
    kualifikasi_pelaksana: list[str] = Field(min_length=1)
    keterkaitan: list[str] = Field(default_factory=list)
    peralatan: list[str] = Field(min_length=1)
    peringatan: str = Field(min_length=1)
    pencatatan: list[str] = Field(min_length=1)

    @field_validator("pencatatan", "dasar_hukum", "peralatan", "kualifikasi_pelaksana",
                     mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _dates_in_order(self) -> Identitas:
        if self.tanggal_revisi and self.tanggal_revisi < self.tanggal_pembuatan:
            raise PydanticCustomError(
                "date_order", "tanggal_revisi sebelum tanggal_pembuatan / "
                "tanggal_revisi is before tanggal_pembuatan")
        if self.tanggal_efektif < self.tanggal_pembuatan:
            raise PydanticCustomError(
                "date_order", "tanggal_efektif sebelum tanggal_pembuatan / "
                "tanggal_efektif is before tanggal_pembuatan")
        if self.tanggal_revisi and self.tanggal_efektif < self.tanggal_revisi:
            raise PydanticCustomError(
                "date_order", "tanggal_efektif sebelum tanggal_revisi: revisi berlaku setelah "
                "ditetapkan / tanggal_efektif is before tanggal_revisi: a revision applies "
                "after it is made")
        if self.nomor_revisi is not None and self.tanggal_revisi is None:
            raise PydanticCustomError(
                "revision_date", "nomor_revisi tanpa tanggal_revisi / nomor_revisi without "
                "tanggal_revisi")
        return self


class Anchor(_Model):
    """Where a limit counts from: an earlier step's completion, a date in the case, or the
    later (``paling_akhir``) or earlier (``paling_awal``) of several such moments (the
    verdict or its notice, whichever the party received last)."""

    langkah: int | None = Field(default=None, ge=1)
    isian: str | None = Field(default=None, pattern=SLUG)
    paling_akhir: list[Anchor] | None = Field(default=None, min_length=2, max_length=8)
    paling_awal: list[Anchor] | None = Field(default=None, min_length=2, max_length=8)

    @model_validator(mode="after")
    def _exactly_one(self) -> Anchor:
        given = [k for k in ("langkah", "isian", "paling_akhir", "paling_awal")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "anchor", "'sejak' butuh tepat satu dari 'langkah', 'isian', 'paling_akhir' "
                "atau 'paling_awal' / 'sejak' needs exactly one of 'langkah', 'isian', "
                "'paling_akhir' or 'paling_awal'")
        return self

    def parts(self) -> list[Anchor]:
        """The moments a composite anchor chooses from (itself when it is one)."""
        return self.paling_akhir or self.paling_awal or [self]

    def describe(self) -> str:
        """``sejak langkah 4`` / ``sejak tanggal putusan`` / ``sejak yang paling akhir dari
        tanggal putusan, tanggal pemberitahuan``, in the current language."""
        from sop_runtime.i18n import tr

        if self.langkah is not None:
            return tr("sejak langkah {n}", "from step {n}", n=self.langkah)
        if self.isian is not None:
            return tr("sejak {f}", "from {f}", f=self.isian.replace("_", " "))
        which = [part.describe().split(" ", 1)[1] for part in self.parts()]
        if self.paling_akhir:
            return tr("sejak yang paling akhir dari {x}", "from the latest of {x}",
                      x=", ".join(which))
        return tr("sejak yang paling awal dari {x}", "from the earliest of {x}",
                  x=", ".join(which))


class StandarPelayanan(_Model):
    persyaratan: list[str] = Field(min_length=1)
    sarana_prasarana: list[str] = Field(default_factory=list)
    biaya: str = Field(min_length=1)
    waktu_pelayanan: TimeLimitField | None = None
    # The service time counts from the case's start unless anchored to a date in the case
    # (e.g. a salinan putusan: 14 hari kerja since the verdict was pronounced).
    waktu_pelayanan_sejak: Anchor | None = None
    produk: list[str] = Field(min_length=1)
    pengaduan: str = Field(min_length=1)


class Pelaksana(_Model):
    """A role (jabatan) that performs steps: one swim-lane column."""

    id: str = Field(pattern=SLUG)
    nama: str = Field(min_length=1)
    publik: bool = False   # the applicant / the public: recorded by a clerk on their behalf
    sistem: bool = False   # an information system (SIPP, e-Court): automated steps

    @model_validator(mode="after")
    def _not_both(self) -> Pelaksana:
        if self.publik and self.sistem:
            raise PydanticCustomError("role_kind", "pelaksana tidak dapat publik sekaligus sistem"
                                      " / a pelaksana cannot be both publik and sistem")
        return self


class Item(_Model):
    """A named kelengkapan (required input), output, or case field.

    Written either in full (``{id, nama, jenis, wajib}``) or as plain text, in which case the
    id is derived from the name and the kind is ``dokumen``.
    """

    id: str = Field(pattern=SLUG)
    nama: str = Field(min_length=1)
    jenis: ItemKind = ItemKind.DOKUMEN
    wajib: bool = True

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"id": slugify(value), "nama": value}
        if isinstance(value, dict) and "id" not in value and isinstance(value.get("nama"), str):
            return {**value, "id": slugify(value["nama"])}
        return value


class Waktu(_Model):
    """The time column of mutu baku. ``batas`` None means the SOP explicitly sets none."""

    batas: TimeLimitField | None
    sejak: Anchor | None = None
    # when the last day of a limit in days ends: at the office's close (``tutup_kantor``), at
    # the end of the day (``akhir_hari``), or at an hour (``"20:00"``); default: the court
    # file's for the SOP's channel (``saluran``)
    berakhir: DayEnd | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str | int) and not isinstance(value, bool):
            text = str(value).strip()
            return {"batas": None if text.lower() in NO_LIMIT_WORDS else text}
        if (isinstance(value, dict) and isinstance(value.get("batas"), str)
                and value["batas"].strip().lower() in NO_LIMIT_WORDS):
            return {**value, "batas": None}
        return value


class MutuBaku(_Model):
    kelengkapan: list[Item] = Field(default_factory=list)
    waktu: Waktu | None = None
    output: list[Item] = Field(default_factory=list)


class Jika(_Model):
    """The condition of a decision branch the engine can judge from the case's data: step N
    done within its time limit (``tepat_waktu``), or after it (``terlambat``), or a case
    field or output equal to a value (``isian`` with ``sama_dengan``)."""

    tepat_waktu: int | None = Field(default=None, ge=1)
    terlambat: int | None = Field(default=None, ge=1)
    isian: str | None = Field(default=None, pattern=SLUG)
    sama_dengan: str | None = Field(default=None, min_length=1)

    @field_validator("sama_dengan", mode="before")
    @classmethod
    def _as_text(cls, v: Any) -> Any:
        # ``sama_dengan: 3`` or ``sama_dengan: ya`` read as YAML numbers/booleans: the value
        # the case holds is text
        if isinstance(v, bool):
            return "ya" if v else "tidak"
        return str(v) if isinstance(v, int | float) else v

    @model_validator(mode="after")
    def _one_condition(self) -> Jika:
        given = [k for k in ("tepat_waktu", "terlambat", "isian") if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "condition", "'jika' butuh tepat satu dari 'tepat_waktu', 'terlambat' atau "
                "'isian' / 'jika' needs exactly one of 'tepat_waktu', 'terlambat' or 'isian'")
        if (self.isian is None) != (self.sama_dengan is None):
            raise PydanticCustomError(
                "condition", "'isian' dan 'sama_dengan' ditulis berpasangan / 'isian' and "
                "'sama_dengan' go together")
        return self


class Cabang(_Model):
    """A labelled branch of a decision (Ya/Tidak, Lengkap/Tidak lengkap...); ``jika``: the
    condition under which the data of the case decides it (a branch without one is the
    "otherwise" branch)."""

    label: str = Field(min_length=1)
    ke: int = Field(ge=1)
    jika: Jika | None = None


class JikaLewatWaktu(_Model):
    """Timer-driven branch: if the step is not done within ``setelah``, go to ``ke``."""

    setelah: TimeLimitField
    sejak: Anchor | None = None
    ke: int = Field(ge=1)
    keterangan: str | None = None


def _extension_from_limit(value: object) -> object:
    """``perpanjangan: 3 hari kerja`` is ``perpanjangan: {batas: 3 hari kerja}``."""
    return value if isinstance(value, dict) else {"batas": value}


class Perpanjangan(_Model):
    """The extension a step allows (used once, with a reason): how long, who may grant it
    (``oleh``: roles; by default whoever may do the step, and the supervisors), and what it
    extends: the step's limit, the case's service standard, or both."""

    batas: TimeLimitField
    oleh: list[str] | None = Field(default=None, min_length=1)
    memperpanjang: Literal["langkah", "waktu_pelayanan", "keduanya"] = "langkah"


class Penghubung(_Model):
    """Off-page connector: ``keluar`` leaves the page, ``masuk`` continues on another."""

    label: str = Field(min_length=1)
    arah: Literal["keluar", "masuk"]


NOTICE_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")
"""A value of the case named in a notice's message: ``{nomor_perkara}``."""


class BeriTahuPemohon(_Model):
    """The notice the applicant gets at this step, if they gave a contact and agreed to be
    told: ``pesan``, plain Bahasa Indonesia, may name values of the case (``{sisa_panjar}``);
    ``saat``: when the step becomes active (``aktif``: the applicant must now do something)
    or when it is done (``selesai``, the default: something is ready). Written as the
    message alone, it is sent when the step is done."""

    pesan: str = Field(min_length=1, max_length=600)
    saat: Literal["aktif", "selesai"] = "selesai"

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"pesan": value} if isinstance(value, str) else value

    @property
    def fields(self) -> tuple[str, ...]:
        """The values of the case the message names, in order."""
        return tuple(NOTICE_FIELD.findall(self.pesan))


def _step_no(value: Any, key: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PydanticCustomError(
            "step_no", "'{key}' harus nomor langkah (bilangan bulat 1 atau lebih), bukan "
            "'{v}' / '{key}' must be a step number (a whole number, 1 or more), not '{v}'",
            {"key": key, "v": str(value)})
    return value


def _step_numbers(value: Any, key: str) -> list[int]:
    """A list of distinct step numbers, at least two (``lanjut: [4, 5]``, ``menunggu``)."""
    if not isinstance(value, list):
        raise PydanticCustomError(
            "step_list", "'{key}' harus daftar nomor langkah, misalnya [4, 5] / "
            "'{key}' must be a list of step numbers, e.g. [4, 5]", {"key": key})
    numbers = [_step_no(v, key) for v in value]
    if len(numbers) < 2:
        raise PydanticCustomError(
            "step_list", "'{key}' berupa daftar butuh paling sedikit 2 nomor langkah / "
            "'{key}' as a list needs at least 2 step numbers", {"key": key})
    twice = sorted({v for v in numbers if numbers.count(v) > 1})
    if twice:
        raise PydanticCustomError(
            "step_list", "'{key}' menyebut langkah {nos} lebih dari sekali / "
            "'{key}' names step {nos} more than once",
            {"key": key, "nos": ", ".join(map(str, twice))})
    return numbers


def _next_steps(value: Any) -> Any:
    """``lanjut: 4`` or ``lanjut: [4, 5]``."""
    if value is None:
        return None
    return _step_numbers(value, "lanjut") if isinstance(value, list) else _step_no(
        value, "lanjut")


def _awaited_steps(value: Any) -> Any:
    return None if value is None else _step_numbers(value, "menunggu")


class Langkah(_Model):
    """One row of the procedure table.

    ``lanjut`` is the next step, or several (``[4, 5]``) that all open at once when this
    one is done: the work goes on in parallel. ``menunggu`` makes the step a join: it opens
    only once the flow has arrived from every step it lists."""

    no: int = Field(ge=1)
    kegiatan: str = Field(min_length=1)
    jenis: StepKind = StepKind.PROSES
    # One role, or several that may each do the step ("KPN/WKPN"); the first is the
    # swim lane the symbol is drawn in.
    pelaksana: list[Annotated[str, Field(pattern=SLUG)]] | None = Field(default=None, min_length=1)
    # a joint act: each of the pelaksana must act, by different people (a berita acara
    # signed by the Ketua and the Panitera), instead of any one of them
    bersama: bool = False
    mutu_baku: MutuBaku | None = None
    keterangan: str | None = None
    lanjut: Annotated[int | list[int] | None, BeforeValidator(_next_steps)] = None
    menunggu: Annotated[list[int] | None, BeforeValidator(_awaited_steps)] = None
    cabang: list[Cabang] | None = None
    jika_lewat_waktu: JikaLewatWaktu | None = None
    perpanjangan: Annotated[Perpanjangan, BeforeValidator(_extension_from_limit)] | None = None
    penegakan: PenegakanField | None = None
    aksi: str | None = Field(default=None, pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
    sop: str | None = Field(default=None, pattern=SOP_ID)
    penghubung: Penghubung | None = None
    dicatat_oleh: list[str] | None = None
    # the notice the applicant gets at this step (a contact given and agreed to)
    beri_tahu_pemohon: BeriTahuPemohon | None = None
    # the authors' notes on this step: never on a form or the sheet (see the module doc)
    catatan_penyusun: AuthoringNotes = Field(default_factory=list)

    @field_validator("pelaksana", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @property
    def next_steps(self) -> list[int]:
        """The steps ``lanjut`` names (none when it is not written)."""
        if self.lanjut is None:
            return []
        return list(self.lanjut) if isinstance(self.lanjut, list) else [self.lanjut]


class Isian(Item):
    """A field captured in the case (e.g. the date the verdict was notified)."""


PARTY_DETAILS = ("nik", "telepon", "email", "alamat")
"""The details a party may carry besides its name: NIK (16 digits), telephone, e-mail,
address."""


class Rincian(_Model):
    """A detail of a party the SOP asks for: ``nik``, ``telepon``, ``email`` or ``alamat``;
    written as the plain id (not required) or ``{id, wajib}``."""

    id: Literal["nik", "telepon", "email", "alamat"]
    wajib: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value


class Pihak(_Model):
    """A party of the case as the SOP names it (Pemohon, Penggugat, Tergugat, Pelapor...):
    its name always, and the details (``rincian``) the SOP's form asks for. ``wajib``: at
    least one such party is named when the case starts; ``banyak``: more than one may be."""

    sebutan: str = Field(min_length=1, max_length=60)
    wajib: bool = True
    banyak: bool = False
    rincian: list[Rincian] = Field(default_factory=list)

    @property
    def required_details(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rincian if r.wajib)

    @property
    def details(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rincian)


DEFAULT_PARTIES = (Pihak(sebutan="Pemohon"),)
"""An SOP that does not say which parties it asks for: one Pemohon, by name."""


class PemisahanTugas(_Model):
    """Separation of duties: one person may not do more than one of these steps."""

    langkah: list[int] = Field(min_length=2)
    alasan: str = Field(min_length=1)


class Kerahasiaan(_Model):
    """The SOP's cases are confidential (a complaint names the staff it is about): only the
    roles that act in it (its ``pelaksana``) and the ``pembaca`` listed here may read them,
    on its legal ground (``dasar``); everyone else sees counts only, and every read is
    recorded."""

    pembaca: list[str] = Field(default_factory=list)  # roles that read without acting
    dasar: str = Field(min_length=1)


class SopDocument(_Model):
    """One SOP, as written on the official form."""

    id: str = Field(pattern=SOP_ID)
    sumber: list[Sumber] = Field(min_length=1)
    identitas: Identitas
    standar_pelayanan: StandarPelayanan | None = None
    pelaksana: list[Pelaksana] = Field(min_length=1)
    isian: list[Isian] = Field(default_factory=list)
    # who the case is for (para pihak); absent: one Pemohon by name (DEFAULT_PARTIES)
    para_pihak: list[Pihak] | None = Field(default=None, min_length=1)
    penegakan: PenegakanField = Penegakan.CATAT
    pemisahan_tugas: list[PemisahanTugas] = Field(default_factory=list)
    kerahasiaan: Kerahasiaan | None = None
    # how the service is asked for: at the desk (``loket``) or electronically
    # (``elektronik``); it picks the court file's end of a limit's last day
    saluran: Literal["loket", "elektronik"] | None = None
    # the authors' notes on the SOP as a whole: never on a form or the sheet
    catatan_penyusun: AuthoringNotes = Field(default_factory=list)
    langkah: list[Langkah] = Field(min_length=2)

    @field_validator("para_pihak")
    @classmethod
    def _parties_named_once(cls, value: list[Pihak] | None) -> list[Pihak] | None:
        seen: set[str] = set()
        for party in value or ():
            key = party.sebutan.casefold()
            if key in seen:
                raise PydanticCustomError(
                    "party_twice", "sebutan '{s}' ditulis dua kali di para_pihak / "
                    "'{s}' is named twice in para_pihak", {"s": party.sebutan})
            seen.add(key)
        return value
