"""The Survei Kepuasan Masyarakat (Permenpan-RB 14/2017): a response to a completed request,
from the public's form or typed in by a clerk from a paper questionnaire, and the Indeks
Kepuasan Masyarakat per service and period (the arithmetic is
:mod:`sop_runtime.audit.ikm`'s).

Why a table of its own (``survey_responses``) and not an event in the case's log: the
public's opinion is no act on the case (no step, no actor of the court, no deviation), and
the regulation's reports are anonymous: they count and average responses per service and
period and never tie one to a request. A response in the hash-chained log would be in
every export and case report beside the applicant's name. The table keeps the case id only
as the unique key that allows one response per request; every read here sums per service,
and the suggestions (which may name people) are read by staff alone, with their service and
day, never with the request.

A request may be answered once it has ended by being completed (not cancelled, not still
running); the answer carries the service (SOP and version) and when the request was
completed. The period of a response is when it was answered: the survey's period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import ClassVar, Literal

from sop_runtime.audit import ikm
from sop_runtime.audit.ikm import Ikm
from sop_runtime.engine import CaseStatus
from sop_runtime.errors import Kind, NotFoundError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.access import Permission, permissions
from sop_runtime.service.cases import load_case
from sop_runtime.service.people import NotAllowed
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import survey as store
from sop_runtime.store.db import begin_write
from sop_runtime.store.workflows import list_sops
from sop_runtime.textcheck import control_problem

Cara = Literal["daring", "kertas"]
Offer = Literal["open", "answered", "not_completed"]


class SurveyRefused(SopRuntimeError):
    """A response that cannot be taken: the request is not completed, it was answered
    already, or the answers are not the survey's. Nothing is written."""

    kind: ClassVar[Kind] = "problem"

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__(tr("Survei tidak dapat diterima: {r}", "The survey cannot be "
                            "taken: {r}", r="; ".join(reasons)))


def already_answered() -> str:
    return tr("survei untuk permohonan ini sudah diisi; setiap permohonan hanya dapat dinilai "
              "satu kali", "this request's survey has been answered; each request may be "
              "rated once")


def _profile_problems(profile: Mapping[str, str]) -> list[str]:
    found = []
    for key, value in profile.items():
        field = ikm.PROFILE_BY_KEY.get(key)
        if field is None:
            found.append(tr("'{k}' bukan pertanyaan profil; yang ada: {all}",
                            "'{k}' is not a profile question; there are: {all}", k=key,
                            all=", ".join(ikm.PROFILE_BY_KEY)))
        elif value not in field.codes:
            found.append(tr("{label}: '{v}' bukan pilihan; pilihannya: {all}",
                            "{label}: '{v}' is not a choice; the choices: {all}",
                            label=field.label, v=value, all=", ".join(field.codes)))
    return found


def _suggestion(saran: str | None) -> tuple[str | None, list[str]]:
    """The suggestion as stored (trimmed; None when empty) and why it cannot be taken."""
    if saran is None or not saran.strip():
        return None, []
    text = saran.strip()
    problem = control_problem(text)
    if problem is not None:
        return None, [tr("saran {p}", "the suggestion {p}", p=problem)]
    if len(text) > ikm.SUGGESTION_MAX:
        return None, [tr("saran terlalu panjang ({n} karakter; paling banyak {m})",
                         "the suggestion is too long ({n} characters; at most {m})",
                         n=len(text), m=ikm.SUGGESTION_MAX)]
    return text, []


def submit(rt: Runtime, case_id: str, answers: Mapping[str, object], *,
           saran: str | None = None, profile: Mapping[str, str] | None = None,
           cara: Cara = "daring", entered_by: str | None = None,
           at: datetime | None = None) -> None:
    """Record the response to ``case_id``'s survey: ``answers`` by unsur key (1-4 each),
    the suggestion and the optional profile. ``cara="kertas"``: a clerk (``entered_by``,
    who may work cases) typing in a paper questionnaire answered ``at`` (default: now).
    :class:`SurveyRefused` says every reason a response cannot be taken; nothing is
    written then."""
    given = {k: v for k, v in (profile or {}).items() if v not in (None, "")}
    problems = ikm.answer_problems(answers) + _profile_problems(given)
    text, suggestion_problems = _suggestion(saran)
    problems += suggestion_problems
    now = rt.now()
    answered_at = now if at is None else at
    if answered_at > now:
        problems.append(tr("tanggal pengisian di masa depan", "the day it was answered is in "
                           "the future"))
    if cara == "kertas":
        _require_clerk(rt, entered_by, now)
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        _, state = load_case(conn, case_id)
        if state.status is not CaseStatus.COMPLETED or state.ended_at is None:
            problems.insert(0, _not_completed(state.status))
        elif answered_at < state.ended_at:
            problems.append(tr("tanggal pengisian sebelum permohonan selesai",
                               "answered before the request was completed"))
        if store.answered(conn, case_id):
            problems.insert(0, already_answered())
        if problems:
            raise SurveyRefused(problems)
        assert state.ended_at is not None
        row = store.ResponseRow(
            case_id=case_id, sop_id=state.sop_id, version=state.version,
            completed_at=state.ended_at, answered_at=answered_at,
            answers={k: int(answers[k]) for k in ikm.KEYS},  # type: ignore[call-overload]
            saran=text, profile=given, cara=cara,
            entered_by=entered_by if cara == "kertas" else None)
        if not store.save_response(conn, row):
            raise SurveyRefused([already_answered()])


def _not_completed(status: CaseStatus | None) -> str:
    if status is CaseStatus.CANCELLED:
        return tr("permohonan ini dibatalkan; survei hanya untuk permohonan yang selesai",
                  "this request was cancelled; the survey is for completed requests only")
    return tr("permohonan ini belum selesai; survei dapat diisi setelah permohonan selesai",
              "this request is not completed yet; the survey opens once it is completed")


def _require_clerk(rt: Runtime, username: str | None, at: datetime) -> None:
    """A paper questionnaire is typed in by staff who may work cases."""
    if not username:
        raise NotAllowed(tr("Survei kertas dicatat oleh petugas: sebutkan --as",
                            "A paper survey is entered by a clerk: give --as"))
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        if not catalog.directory(rt, conn).knows(username):
            raise NotFoundError(tr("Pengguna '{u}' tidak dikenal", "Unknown user '{u}'",
                                   u=username))
    if Permission.WORK not in permissions(rt, username, at):
        raise NotAllowed(tr("Pengguna '{u}' tidak dapat mencatat survei kertas",
                            "User '{u}' may not enter a paper survey", u=username))


def offer(rt: Runtime, case_id: str) -> Offer:
    """Whether ``case_id``'s survey is open to answer, answered, or not open (the request
    has not been completed)."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        _, state = load_case(conn, case_id)
        if store.answered(conn, case_id):
            return "answered"
        if state.status is CaseStatus.COMPLETED:
            return "open"
        return "not_completed"


@dataclass(frozen=True, slots=True)
class ServiceIkm:
    sop_id: str
    nama: str
    ikm: Ikm


@dataclass(frozen=True, slots=True)
class SurveyResults:
    """The IKM of a period, per service and over every service (pooled responses)."""

    start: datetime
    end: datetime
    services: tuple[ServiceIkm, ...]
    overall: Ikm | None
    profile: Mapping[str, Mapping[str | None, int]]

    @property
    def respondents(self) -> int:
        return self.overall.respondents if self.overall is not None else 0


def results(rt: Runtime, start: datetime, end: datetime, *,
            sop: str | None = None) -> SurveyResults:
    """The responses answered in [``start``, ``end``) (of ``sop`` alone when given), the
    services in the order of their names."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        if sop is not None and sop not in {s.sop_id for s in list_sops(conn)}:
            raise NotFoundError(tr("SOP '{s}' tidak ada", "No SOP '{s}'", s=sop))
        names = {s.sop_id: s.nama for s in list_sops(conn)}
        found = store.totals(conn, start, end, sop=sop)
        profile = store.profile_counts(conn, start, end, sop=sop)
    services = []
    pooled = dict.fromkeys(ikm.KEYS, 0)
    for t in found:
        figure = ikm.from_totals(t.respondents, t.sums)
        assert figure is not None
        services.append(ServiceIkm(t.sop_id, names.get(t.sop_id, t.sop_id), figure))
        for key in ikm.KEYS:
            pooled[key] += t.sums[key]
    overall = ikm.from_totals(sum(t.respondents for t in found), pooled)
    services.sort(key=lambda s: (s.nama.casefold(), s.sop_id))
    return SurveyResults(start, end, tuple(services), overall, profile)


def section(found: SurveyResults) -> ikm.Section:
    """The results as a report's IKM section shows them."""
    return ikm.Section(tuple((s.nama, s.ikm) for s in found.services), found.overall)


def suggestions(rt: Runtime, start: datetime, end: datetime, *, sop: str | None = None,
                limit: int = 500) -> list[tuple[str, datetime, str]]:
    """(service name, answered at, suggestion) of the period's responses, newest first: for
    staff only (a suggestion may name people); never with the request."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        names = {s.sop_id: s.nama for s in list_sops(conn)}
        return [(names.get(s, s), when, text)
                for s, when, text in store.suggestions(conn, start, end, sop=sop,
                                                        limit=limit)]


PeriodKind = Literal["triwulan", "semester", "tahun"]


def named_period(kind: PeriodKind, year: int, number: int, tz: tzinfo) -> tuple[datetime,
                                                                                  datetime]:
    """The bounds of a triwulan (1-4), a semester (1-2) or a year (``number`` ignored), as
    SKM results are published, from midnight of its first day to midnight after its last,
    in the court's zone ``tz``."""
    months = {"triwulan": 3, "semester": 6, "tahun": 12}[kind]
    count = 12 // months
    if kind == "tahun":
        number = 1
    if not 1 <= number <= count:
        raise ValueError(f"{kind} {number}: 1-{count}")
    first = date(year, (number - 1) * months + 1, 1)
    last_month = first.month + months
    after = date(year + 1, 1, 1) if last_month > 12 else date(year, last_month, 1)
    return (datetime.combine(first, time(), tz), datetime.combine(after, time(), tz))


def results_json(found: SurveyResults, tz: tzinfo) -> dict[str, object]:
    """The results as plain data (the CLI's ``--json`` and the public API): no suggestion,
    no request; the period by its days in the court's zone ``tz``."""
    last = (found.end.astimezone(tz) - timedelta(microseconds=1)).date()
    return {
        "regulation": REGULATION,
        "from": found.start.astimezone(tz).date().isoformat(), "to": last.isoformat(),
        "respondents": found.respondents,
        "overall": None if found.overall is None else ikm.as_json(found.overall),
        "services": [{"sop_id": s.sop_id, "name": s.nama, **ikm.as_json(s.ikm)}
                     for s in found.services],
    }


REGULATION = ("Peraturan Menteri PAN-RB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei "
              "Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik")
