"""The court file (``definitions/court.yaml``): who the court is, when it works, its roles.

The runtime's calendar comes from here: the time zone, office hours per weekday (with the
rest break), dated periods with other hours (Ramadhan), national holidays and cuti bersama
from the ``holidays`` package, and the court's own closures. The court's fee tables, for the
panjar (``tarif_panjar``) and for its other services (``tarif_layanan``), are files of their
own beside it; ``ptsp`` names the desks of its PTSP and so what its public pages publish.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from sop_runtime.definition.models import SLUG, SOP_ID, DayEnd, Sumber, TimeLimitField

# the system account: records automated steps and makes the scheduled seals; no member of
# staff may hold the name, so nothing a person does is taken for the system's
SYSTEM_ACCOUNT = "sistem"

WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")

_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _parse_time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    m = _HHMM.match(str(value).strip())
    if not m:
        raise PydanticCustomError("office_hours", "'{v}' bukan jam HH:MM / is not HH:MM",
                                  {"v": value})
    return time(int(m[1]), int(m[2]))


Clock = Annotated[time, BeforeValidator(_parse_time)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Rentang(_Model):
    """``mulai``-``selesai`` within a day."""

    mulai: Clock
    selesai: Clock

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str) and "-" in value:
            start, _, end = value.partition("-")
            return {"mulai": start.strip(), "selesai": end.strip()}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Rentang:
        if self.selesai <= self.mulai:
            raise PydanticCustomError("office_hours", "jam selesai harus setelah jam mulai / "
                                      "the end must be after the start")
        return self


class JamHari(_Model):
    """Office hours of one weekday: the working span and its rest breaks."""

    kerja: Rentang
    istirahat: list[Rentang] = Field(default_factory=list)

    @field_validator("istirahat", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str | dict) else v

    @model_validator(mode="after")
    def _breaks_inside(self) -> JamHari:
        for b in self.istirahat:
            if b.mulai < self.kerja.mulai or b.selesai > self.kerja.selesai:
                raise PydanticCustomError("office_hours", "istirahat di luar jam kerja / "
                                          "a break lies outside the working hours")
        return self


class JamKerja(_Model):
    """Weekly office hours; a weekday not listed is not a working day."""

    senin: JamHari | None = None
    selasa: JamHari | None = None
    rabu: JamHari | None = None
    kamis: JamHari | None = None
    jumat: JamHari | None = None
    sabtu: JamHari | None = None
    minggu: JamHari | None = None

    def for_weekday(self, weekday: int) -> JamHari | None:
        """Hours for ``date.weekday()`` (0 = Monday)."""
        result: JamHari | None = getattr(self, WEEKDAYS[weekday])
        return result


FIRST_YEAR, LAST_YEAR = 1900, 2100  # the calendar's dates (the instants run 2000-2100)
LONGEST_SPAN_DAYS = 366               # a period or a closure of more than a year is a typo


def _span_problem(first: date, last: date) -> PydanticCustomError | None:
    """Why a dated period (or a closure) from ``first`` to ``last`` cannot be meant."""
    for day in (first, last):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return PydanticCustomError(
                "date_range", "tanggal {d} di luar {a}-{b} / the date {d} is outside {a}-{b}",
                {"d": day.isoformat(), "a": FIRST_YEAR, "b": LAST_YEAR})
    if (last - first).days >= LONGEST_SPAN_DAYS:
        return PydanticCustomError(
            "date_range", "lebih dari {n} hari / longer than {n} days",
            {"n": LONGEST_SPAN_DAYS})
    return None


class PeriodeKhusus(_Model):
    """Dated period with other office hours (e.g. Ramadhan), with its legal basis."""

    nama: str
    dari: date
    sampai: date
    jam_kerja: JamKerja
    dasar: str

    @model_validator(mode="after")
    def _ordered(self) -> PeriodeKhusus:
        if self.sampai < self.dari:
            raise PydanticCustomError("date_order", "'sampai' sebelum 'dari' / "
                                      "'sampai' is before 'dari'")
        problem = _span_problem(self.dari, self.sampai)
        if problem is not None:
            raise problem
        return self


class HariTutup(_Model):
    """A local closure (or a day the court declares closed)."""

    tanggal: date
    nama: str
    sampai: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> HariTutup:
        if self.sampai is not None and self.sampai < self.tanggal:
            raise PydanticCustomError("date_order", "'sampai' sebelum 'tanggal' / "
                                      "'sampai' is before 'tanggal'")
        problem = _span_problem(self.tanggal, self.sampai or self.tanggal)
        if problem is not None:
            raise problem
        return self


class HariLibur(_Model):
    nasional: bool = True          # national holidays from the `holidays` package (ID)
    cuti_bersama: bool = True      # collective leave days (government category)
    dasar: list[str] = Field(default_factory=list)
    penutupan: list[HariTutup] = Field(default_factory=list)


class TenggangHukum(_Model):
    """Which days off push the last day of a term in calendar days (``hari``, ``bulan``: the
    statutes' terms) to the next day: weekends and national holidays always do; whether the
    office's cuti bersama and its own closures do too is the court's legal choice, stated
    with its basis (``dasar``). Terms in working days follow the office's calendar."""

    cuti_bersama: bool = True
    penutupan: bool = True
    dasar: list[str] = Field(default_factory=list)


class AkhirBatasWaktu(_Model):
    """When the last day of a limit in days ends, per channel: at the office's close
    (``tutup_kantor``), at the end of the day (``akhir_hari``) or at an hour (``HH:MM``).
    A legal choice the court states with its basis (``dasar``)."""

    loket: DayEnd = "tutup_kantor"
    elektronik: DayEnd = "tutup_kantor"
    dasar: list[str] = Field(default_factory=list)


class Peran(_Model):
    """A role (jabatan) at the court."""

    id: str = Field(pattern=SLUG)
    nama: str = Field(min_length=1)
    publik: bool = False
    sistem: bool = False
    pengawas: bool = False  # supervisors may reassign, skip, reopen, cancel
    pemeriksa: bool = False  # examiners read the log, verification, seals, exports, reports


class Pengguna(_Model):
    """A member of staff: a username, their NIP, their roles."""

    username: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    nama: str = Field(min_length=1)
    nip: str | None = None
    peran: list[str] = Field(min_length=1)

    @field_validator("username")
    @classmethod
    def _not_the_system(cls, v: str) -> str:
        if v == SYSTEM_ACCOUNT:
            raise PydanticCustomError(
                "reserved_username", "nama pengguna '{u}' dicadangkan untuk akun sistem "
                "(langkah otomatis, segel terjadwal) / the username '{u}' is reserved for the "
                "system account (automated steps, scheduled seals)", {"u": v})
        return v

    @field_validator("nip")
    @classmethod
    def _nip(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"\d{18}", v.replace(" ", "")):
            raise PydanticCustomError("nip", "NIP harus 18 digit / NIP must have 18 digits")
        return v.replace(" ", "") if v else v


class Pengadilan(_Model):
    """The court, and its letterhead (kop surat): the lines above its name (the Mahkamah
    Agung, the Direktorat Jenderal, the Pengadilan Tinggi), its address and contacts, and
    the court's own logo file (a path relative to the court file's folder)."""

    nama: str
    kode: str = Field(min_length=1)   # the code in a nomor perkara, e.g. "PN Snn"
    alamat: str | None = None
    zona_waktu: str
    mahkamah_agung: str = Field(default="Mahkamah Agung Republik Indonesia", min_length=1)
    direktorat_jenderal: str | None = Field(default=None, min_length=1)
    pengadilan_tinggi: str | None = Field(default=None, min_length=1)
    telepon: str | None = Field(default=None, min_length=1)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    website: str | None = Field(default=None, min_length=1)
    logo: str | None = Field(default=None, min_length=1)

    def kop_lines(self) -> list[str]:
        """The letterhead's lines above the court's name, from the top."""
        return [x for x in (self.mahkamah_agung, self.direktorat_jenderal,
                            self.pengadilan_tinggi) if x]

    @field_validator("zona_waktu")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError("timezone", "zona waktu '{v}' tidak dikenal / "
                                      "unknown time zone '{v}'", {"v": v}) from None
        return v


class Publikasi(_Model):
    """What the court shows the public (the service pages, tracking, receipts), under
    UU 27/2022 tentang Pelindungan Data Pribadi: by default a request's steps are shown by
    role (jabatan), never by the staff member's name."""

    # the public address of the court's sop-runtime pages (e.g. https://ptsp.pn-sanana.go.id),
    # printed in QR codes on receipts and posters; without it the address the page was asked
    # on (the web) or http://127.0.0.1:8000 (the CLI) is used
    alamat_web: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/\S*)?$")
    # staff names on the public tracking page (off: the role only)
    nama_petugas: bool = False
    dasar: list[str] = Field(default_factory=list)


class Meja(_Model):
    """A desk of the court's PTSP and the services (SOP ids) asked for there."""

    nama: str = Field(min_length=1)
    layanan: list[Annotated[str, Field(pattern=SOP_ID)]] = Field(min_length=1)


class Ptsp(_Model):
    """How the court's Pelayanan Terpadu Satu Pintu divides its desks (SK Dirjen Badilum
    77/2018 Pasal 11: pelayanan pidana, perdata, hukum, umum dan keuangan; e-Court), and so
    which services the court publishes (``/layanan``): only those listed here."""

    meja: list[Meja] = Field(min_length=1)
    dasar: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _each_service_once(self) -> Ptsp:
        seen: set[str] = set()
        for desk in self.meja:
            for sop in desk.layanan:
                if sop in seen:
                    raise PydanticCustomError(
                        "ptsp", "ptsp: layanan '{s}' disebut lebih dari sekali / ptsp: the "
                        "service '{s}' is listed more than once", {"s": sop})
                seen.add(sop)
        return self


class DataPribadi(_Model):
    """The court's keeping of personal data (UU 27/2022 tentang Pelindungan Data Pribadi):
    how long an applicant's contact for notices is kept after the request ends
    (``retensi_kontak``: a limit as an SOP writes one, ``30 hari``), erased after that by the
    daily sweep; ``dasar``: the court's basis for it."""

    retensi_kontak: TimeLimitField = Field(default="30 hari", validate_default=True)
    dasar: list[str] = Field(default_factory=list)


class CourtFile(_Model):
    """``court.yaml``: the court, its calendar, roles and staff."""

    pengadilan: Pengadilan
    sumber: list[Sumber] = Field(default_factory=list)
    jam_kerja: JamKerja
    dasar_jam_kerja: list[str] = Field(min_length=1)
    periode_khusus: list[PeriodeKhusus] = Field(default_factory=list)
    hari_libur: HariLibur = HariLibur()
    batas_pencatatan: TimeLimitField | None = None  # later recording than this: late_entry
    akhir_batas_waktu: AkhirBatasWaktu = AkhirBatasWaktu()
    tenggang_hukum: TenggangHukum = TenggangHukum()
    # the fee table of the panjar biaya perkara (sop_runtime.definition.tarif), a path
    # relative to the folder of the court file, e.g. ``tarif/panjar.yaml``
    tarif_panjar: str | None = Field(default=None, min_length=1)
    peran: list[Peran] = Field(min_length=1)
    pengguna: list[Pengguna] = Field(default_factory=list)
    # the role whose holder gives an SOP revision its pengesahan (default: ``ketua``)
    pengesah_sop: str | None = Field(default=None, pattern=SLUG)
    publikasi: Publikasi = Publikasi()
    # the PTSP's desks and the services published at each (absent: every SOP in force that
    # states a standar pelayanan, as one group)
    ptsp: Ptsp | None = None
    # the fee table of the other services (sop_runtime.definition.tarif_layanan), a path
    # relative to the folder of the court file, e.g. ``tarif/layanan.yaml``
    tarif_layanan: str | None = Field(default=None, min_length=1)
    data_pribadi: DataPribadi = DataPribadi()

    @model_validator(mode="after")
    def _references(self) -> CourtFile:
        roles = {p.id for p in self.peran}
        if self.pengesah_sop is not None and self.pengesah_sop not in roles:
            raise PydanticCustomError(
                "unknown_role", "pengesah_sop: peran '{r}' tidak ada / pengesah_sop: role '{r}' "
                "does not exist", {"r": self.pengesah_sop})
        for user in self.pengguna:
            for r in user.peran:
                if r not in roles:
                    raise PydanticCustomError(
                        "unknown_role", "pengguna '{u}': peran '{r}' tidak ada / "
                        "user '{u}': role '{r}' does not exist", {"u": user.username, "r": r})
        return self

    def approving_role(self) -> str | None:
        """The role whose holder approves SOP revisions: ``pengesah_sop``, else the court's
        ``ketua`` role (None when the file has neither)."""
        if self.pengesah_sop is not None:
            return self.pengesah_sop
        return "ketua" if any(p.id == "ketua" for p in self.peran) else None

    def minutes_per_working_day(self) -> int:
        """Average working minutes of the weekly working days (breaks excluded)."""
        totals = []
        for i in range(7):
            hours = self.jam_kerja.for_weekday(i)
            if hours is None:
                continue
            span = _minutes(hours.kerja)
            span -= sum(_minutes(b) for b in hours.istirahat)
            totals.append(span)
        return sum(totals) // len(totals) if totals else 450


def _minutes(r: Rentang) -> int:
    return (r.selesai.hour * 60 + r.selesai.minute) - (r.mulai.hour * 60 + r.mulai.minute)
