"""The Survei Kepuasan Masyarakat (SKM) and its Indeks Kepuasan Masyarakat (IKM), as
Peraturan Menteri PAN-RB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan
Masyarakat Unit Penyelenggara Pelayanan Publik defines them (text of the regulation:
https://puskaandriana.blogspot.com/2023/03/permenpan-no-14-th-2017-tentang-survey.html).
Pure: the nine unsur and their questions, and the arithmetic; no storage, no clock.

The questionnaire (the regulation's annex, as printed in the court's copy
https://pdfcoffee.com/permen-14-2017-okkk-pdf-free.html): nine questions, one per unsur,
each answered on four points, 1 the worst and 4 the best, with words of its own (``Tidak
sesuai`` ... ``Sangat sesuai``). The order is the questionnaire's, which puts *sarana dan
prasarana* eighth and *penanganan pengaduan* ninth (the regulation's list of unsur names
them the other way round); a paper form is typed in this order. The respondent's profile it
asks (jenis kelamin, pendidikan, pekerjaan) is optional here: :data:`PROFILE`.

The computation (the regulation's *pengolahan data*):

- NRR per unsur = total of the answers' nilai persepsi / number of respondents;
- NRR tertimbang per unsur = NRR x bobot, the bobot being 1/9 for each of the nine unsur
  (the regulation writes it ``1/9 = 0,111``);
- IKM = the sum of the NRR tertimbang (a value from 1 to 4);
- IKM unit pelayanan = IKM x 25 (a value from 25 to 100), judged on the table
  :data:`GRADES`: 88,31-100,00 A *Sangat Baik*, 76,61-88,30 B *Baik*, 65,00-76,60 C *Kurang
  Baik*, 25,00-64,99 D *Tidak Baik* (confirmed on the regulation's published tables, e.g.
  https://e-smile.tubaba.go.id/main/skm/laporan/online).

Two readings where the text is ambiguous, and the one taken:

- *The bobot.* Taken as exactly 1/9, not the rounded 0,111: with 0,111 a service every
  respondent rates 4 would score 9 x 4 x 0,111 x 25 = 99,90, and one rated 1 everywhere
  24,98, both outside the regulation's own 25,00-100,00, while its intervals (2,5996 =
  64,99 / 25) are the conversion's bounds divided exactly. Every figure is computed exactly
  (fractions) and rounded once.
- *The rounding.* The conversion intervals are written to two decimals and leave gaps
  between them (64,99 | 65,00); the IKM unit is therefore rounded half up to two decimals
  and judged by that figure, so 64,995 is 65,00 and C. The NRR are shown to two decimals,
  the IKM (1-4) to four, as the regulation's tables print them.

Across services (the unit's IKM over a period) every response counts once: the answers are
pooled, as the regulation computes one unit's IKM over all its respondents, never an
average of the services' indexes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sop_runtime.i18n import current_lang, tr

LOWEST, HIGHEST = 1, 4
"""The four-point scale of nilai persepsi."""


@dataclass(frozen=True, slots=True)
class Unsur:
    """One unsur of the survey: its key (the stored column, the form's field), its name in
    the regulation, the annex's question and the words of its four answers (1 to 4)."""

    key: str
    no: int
    name_id: str
    name_en: str
    question_id: str
    question_en: str
    answers: tuple[tuple[str, str], tuple[str, str], tuple[str, str], tuple[str, str]]

    @property
    def name(self) -> str:
        return tr(self.name_id, self.name_en)

    @property
    def question(self) -> str:
        return tr(self.question_id, self.question_en)

    def answer(self, value: int) -> str:
        """The words of answer ``value`` (1 to 4)."""
        words = self.answers[value - 1]
        return tr(words[0], words[1])


_SESUAI = (("Tidak sesuai", "Not suitable"), ("Kurang sesuai", "Less suitable"),
           ("Sesuai", "Suitable"), ("Sangat sesuai", "Very suitable"))

UNSUR: tuple[Unsur, ...] = (
    Unsur("persyaratan", 1, "Persyaratan", "Requirements",
          "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis "
          "pelayanannya?",
          "Do the requirements fit the kind of service?", _SESUAI),
    Unsur("prosedur", 2, "Sistem, mekanisme, dan prosedur", "System, mechanism and procedure",
          "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
          "How easy was the procedure of this service to follow?",
          (("Tidak mudah", "Not easy"), ("Kurang mudah", "Not very easy"), ("Mudah", "Easy"),
           ("Sangat mudah", "Very easy"))),
    Unsur("waktu", 3, "Waktu penyelesaian", "Time to complete",
          "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
          "How fast was the service given?",
          (("Tidak cepat", "Not fast"), ("Kurang cepat", "Not very fast"), ("Cepat", "Fast"),
           ("Sangat cepat", "Very fast"))),
    Unsur("biaya", 4, "Biaya/tarif", "Cost/fee",
          "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
          "How fair was the cost or fee of the service?",
          (("Sangat mahal", "Very expensive"), ("Cukup mahal", "Rather expensive"),
           ("Murah", "Cheap"), ("Gratis", "Free of charge"))),
    Unsur("produk", 5, "Produk spesifikasi jenis pelayanan", "The service's product",
          "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
          "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
          "Did what you received match the product the service standard states?", _SESUAI),
    Unsur("kompetensi", 6, "Kompetensi pelaksana", "The staff's competence",
          "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
          "How competent were the staff who served you?",
          (("Tidak kompeten", "Not competent"), ("Kurang kompeten", "Not very competent"),
           ("Kompeten", "Competent"), ("Sangat kompeten", "Very competent"))),
    Unsur("perilaku", 7, "Perilaku pelaksana", "The staff's conduct",
          "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
          "kesopanan dan keramahan?",
          "How polite and friendly were the staff?",
          (("Tidak sopan dan ramah", "Not polite or friendly"),
           ("Kurang sopan dan ramah", "Not very polite or friendly"),
           ("Sopan dan ramah", "Polite and friendly"),
           ("Sangat sopan dan ramah", "Very polite and friendly"))),
    Unsur("sarana", 8, "Sarana dan prasarana", "Facilities",
          "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
          "How good were the facilities?",
          (("Buruk", "Poor"), ("Cukup", "Fair"), ("Baik", "Good"), ("Sangat baik", "Very good"))),
    Unsur("pengaduan", 9, "Penanganan pengaduan, saran dan masukan",
          "Handling of complaints, suggestions and feedback",
          "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
          "How are the users' complaints handled?",
          (("Tidak ada", "There is none"),
           ("Ada tetapi tidak berfungsi", "There is one, but it does not work"),
           ("Berfungsi kurang maksimal", "It works, not fully"),
           ("Dikelola dengan baik", "It is handled well"))),
)
KEYS: tuple[str, ...] = tuple(u.key for u in UNSUR)
BY_KEY: dict[str, Unsur] = {u.key: u for u in UNSUR}
WEIGHT = Fraction(1, len(UNSUR))
"""The bobot of every unsur: 1/9 (see the module's note on 0,111)."""
SCALE = 25
"""IKM x 25: the IKM unit pelayanan, 25 to 100."""


@dataclass(frozen=True, slots=True)
class ProfileField:
    """An optional question on who answered, with its choices (stored code -> words)."""

    key: str
    label_id: str
    label_en: str
    choices: tuple[tuple[str, str, str], ...]  # code, Indonesian, English

    @property
    def label(self) -> str:
        return tr(self.label_id, self.label_en)

    def choice(self, code: str) -> str:
        for value, id_text, en_text in self.choices:
            if value == code:
                return tr(id_text, en_text)
        return code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c[0] for c in self.choices)


PROFILE: tuple[ProfileField, ...] = (
    ProfileField("jenis_kelamin", "Jenis kelamin", "Sex",
                 (("L", "Laki-laki", "Male"), ("P", "Perempuan", "Female"))),
    ProfileField("pendidikan", "Pendidikan", "Education",
                 (("SD", "SD", "Primary school"), ("SMP", "SMP", "Junior high school"),
                  ("SMA", "SMA", "Senior high school"), ("S1", "S1", "Bachelor's degree"),
                  ("S2", "S2", "Master's degree"), ("S3", "S3", "Doctorate"))),
    ProfileField("pekerjaan", "Pekerjaan", "Occupation",
                 (("PNS", "PNS", "Civil servant"), ("TNI", "TNI", "Armed forces"),
                  ("POLRI", "POLRI", "Police"), ("SWASTA", "Swasta", "Private sector"),
                  ("WIRAUSAHA", "Wirausaha", "Self-employed"),
                  ("LAINNYA", "Lainnya", "Other"))),
)
PROFILE_BY_KEY: dict[str, ProfileField] = {p.key: p for p in PROFILE}
SUGGESTION_MAX = 2000
"""The longest suggestion taken, in characters."""


@dataclass(frozen=True, slots=True)
class Grade:
    """A row of the regulation's table: the mutu pelayanan, the kinerja unit pelayanan, and
    the interval of the IKM unit it covers (both ends included, two decimals)."""

    mutu: str
    kinerja_id: str
    kinerja_en: str
    low: Decimal
    high: Decimal

    @property
    def kinerja(self) -> str:
        return tr(self.kinerja_id, self.kinerja_en)


GRADES: tuple[Grade, ...] = (
    Grade("A", "Sangat Baik", "Very good", Decimal("88.31"), Decimal("100.00")),
    Grade("B", "Baik", "Good", Decimal("76.61"), Decimal("88.30")),
    Grade("C", "Kurang Baik", "Not good", Decimal("65.00"), Decimal("76.60")),
    Grade("D", "Tidak Baik", "Poor", Decimal("25.00"), Decimal("64.99")),
)


def rounded(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals, exactly."""
    scale = 10 ** places
    return Decimal(math.floor(value * scale + Fraction(1, 2))).scaleb(-places)


def grade(unit: Decimal) -> Grade:
    """The row of the table an IKM unit (two decimals, 25 to 100) falls in."""
    for row in GRADES:
        if row.low <= unit <= row.high:
            return row
    raise ValueError(f"IKM unit {unit} is outside 25,00-100,00")


@dataclass(frozen=True, slots=True)
class UnsurFigure:
    """One unsur over the respondents: the total of its answers and its averages."""

    unsur: Unsur
    total: int
    respondents: int

    @property
    def nrr(self) -> Fraction:
        """Nilai rata-rata: the total / the respondents (1 to 4)."""
        return Fraction(self.total, self.respondents)

    @property
    def weighted(self) -> Fraction:
        """NRR tertimbang: NRR x 1/9."""
        return self.nrr * WEIGHT

    @property
    def unit(self) -> Decimal:
        """The unsur's own NRR on the 25-100 scale (two decimals)."""
        return rounded(self.nrr * SCALE, 2)

    @property
    def grade(self) -> Grade:
        return grade(self.unit)


@dataclass(frozen=True, slots=True)
class Ikm:
    """The index over some respondents: per unsur, the IKM (1-4) and the IKM unit (25-100)
    with its mutu and kinerja."""

    respondents: int
    unsur: tuple[UnsurFigure, ...]

    @property
    def ikm(self) -> Fraction:
        """The sum of the NRR tertimbang, exactly."""
        return sum((u.weighted for u in self.unsur), Fraction(0))

    @property
    def unit(self) -> Decimal:
        """IKM x 25, rounded half up to two decimals."""
        return rounded(self.ikm * SCALE, 2)

    @property
    def grade(self) -> Grade:
        return grade(self.unit)


def from_totals(respondents: int, totals: Mapping[str, int]) -> Ikm | None:
    """The index of ``respondents`` whose answers to each unsur add up to ``totals[key]``;
    None without a respondent."""
    if respondents <= 0:
        return None
    for key in KEYS:
        total = totals[key]
        if not LOWEST * respondents <= total <= HIGHEST * respondents:
            raise ValueError(f"{key}: total {total} impossible for {respondents} respondents")
    return Ikm(respondents, tuple(UnsurFigure(u, totals[u.key], respondents) for u in UNSUR))


def from_responses(responses: Iterable[Mapping[str, int]]) -> Ikm | None:
    """The index of these responses (each answering every unsur); None for none."""
    totals = dict.fromkeys(KEYS, 0)
    count = 0
    for response in responses:
        count += 1
        for key in KEYS:
            totals[key] += response[key]
    return from_totals(count, totals)


def answer_problems(answers: Mapping[str, object]) -> list[str]:
    """Why these answers cannot be taken, one sentence each (empty: they can): every unsur
    answered once, each a whole number from 1 to 4, nothing else."""
    found = []
    for key in answers:
        if key not in BY_KEY:
            found.append(tr("'{k}' bukan unsur survei; unsurnya: {all}",
                            "'{k}' is not a survey unsur; the unsur are: {all}",
                            k=key, all=", ".join(KEYS)))
    for u in UNSUR:
        if u.key not in answers:
            found.append(tr("unsur {n} ({name}) belum dijawab", "unsur {n} ({name}) is not "
                            "answered", n=u.no, name=u.name))
            continue
        value = answers[u.key]
        if isinstance(value, bool) or not isinstance(value, int) \
                or not LOWEST <= value <= HIGHEST:
            found.append(tr("unsur {n} ({name}): nilai {v!r} di luar 1-4",
                            "unsur {n} ({name}): value {v!r} is outside 1-4",
                            n=u.no, name=u.name, v=value))
    return found


def number_text(value: Decimal) -> str:
    """``88,31`` (Indonesian) / ``88.31`` (English)."""
    text = f"{value:f}"
    return text.replace(".", ",") if current_lang() == "id" else text


def as_json(figure: Ikm) -> dict[str, object]:
    """The index as plain data: per unsur the total and the NRR (two decimals), the IKM
    (four decimals), the IKM unit (two), its mutu and kinerja (Indonesian, as the
    regulation's table writes them)."""
    return {
        "respondents": figure.respondents,
        "unsur": [{"no": u.unsur.no, "key": u.unsur.key, "name": u.unsur.name_id,
                   "total": u.total, "nrr": float(rounded(u.nrr, 2)),
                   "nrr_weighted": float(rounded(u.weighted, 4)),
                   "unit": float(u.unit), "mutu": u.grade.mutu}
                  for u in figure.unsur],
        "ikm": float(rounded(figure.ikm, 4)),
        "ikm_unit": float(figure.unit),
        "mutu": figure.grade.mutu,
        "kinerja": figure.grade.kinerja_id,
    }


@dataclass(frozen=True, slots=True)
class Section:
    """What a report shows of the survey over a period: each service's index by its name,
    and the index over every service (None: nobody answered)."""

    services: tuple[tuple[str, Ikm], ...]
    overall: Ikm | None
