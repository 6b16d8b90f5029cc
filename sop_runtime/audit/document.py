"""The frame every printable report shares, so the period report and the case report read as
one family: the court's letterhead, the title and its facts, running heads, page numbers
("Halaman X dari Y"), the seal box and the place for the signature.

One self-contained HTML page: it prints on A4 from a browser, and WeasyPrint renders the same
page as the PDF (page margin boxes give the running heads and the page numbers there). The
pages are autoescaped templates (``audit/templates``): the frame ``_frame.html``, the
pieces ``_macros.html`` and the style ``report.css``; nothing is scripted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from markupsafe import Markup, escape

from sop_runtime.compiler.render.kop import Kop
from sop_runtime.definition.court import SYSTEM_ACCOUNT
from sop_runtime.i18n import tr
from sop_runtime.templating import template
from sop_runtime.wording import day_text, moment_text


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs the report: the office (jabatan), and the holder's name and NIP when known
    (a blank line to write them on otherwise)."""

    jabatan: str
    nama: str | None = None
    nip: str | None = None


@dataclass(frozen=True, slots=True)
class Letterhead:
    court: str
    address: str | None
    tz: tzinfo
    generated: datetime
    signer: Signer
    kop: Kop | None = None  # the full kop surat; None: the court's name and address alone

    @property
    def heading(self) -> Kop:
        """The kop surat the report is headed with."""
        return self.kop or Kop(above=(), court=self.court, address=self.address)


@dataclass(frozen=True)
class Names:
    """Full names of users, names of roles, and who holds which roles."""

    users: dict[str, str] = field(default_factory=dict)
    nip: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    held: dict[str, frozenset[str]] = field(default_factory=dict)

    def user(self, username: str | None) -> str:
        """A person's name; the system account (automated steps, the sweep, the scheduled
        seals) as such, never its username."""
        if username is None or username == SYSTEM_ACCOUNT:
            return tr("Sistem", "System")
        return self.users.get(username, username)

    def role(self, role_id: str | None) -> str:
        if role_id is None:
            return "-"
        return self.roles.get(role_id, role_id)

    def jabatan(self, username: str) -> str:
        """The names of every role ``username`` holds."""
        return ", ".join(sorted(self.role(r) for r in self.held.get(username, ())))


def when_html(moment: datetime | None, tz: tzinfo) -> Markup:
    """:func:`~sop_runtime.wording.moment_text` for a narrow table cell: it wraps between
    words (never inside one: a cell's ``overflow-wrap`` would cut ``Novem|ber``), the time
    kept with its zone (``10.10 WIT``)."""
    text = escape(moment_text(moment, tz))
    return Markup(" ").join(Markup("&nbsp;").join(pair) for pair in _pairs(text))


def _pairs(text: Markup) -> list[list[Markup]]:
    """The words of ``text``, the last two (the time and its zone) kept together."""
    words = text.split(" ")
    if len(words) > 2:
        return [[w] for w in words[:-2]] + [words[-2:]]
    return [words]


def gap(delta: timedelta) -> str:
    """A wall-clock interval in words: ``5 hari 2 jam``, ``55 menit``."""
    minutes = max(0, int(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [tr("{n} hari", "{n} d", n=days)] if days else []
    if hours:
        parts.append(tr("{n} jam", "{n} h", n=hours))
    if minutes or not parts:
        parts.append(tr("{n} menit", "{n} min", n=minutes))
    return " ".join(parts)


def span(start: datetime, end: datetime, tz: tzinfo) -> str:
    """A period as people write it: ``16 November 2026 s.d. 29 November 2026`` when it runs
    from midnight to midnight (the end is exclusive), with the times otherwise."""
    a, b = start.astimezone(tz), end.astimezone(tz)
    if a.time() == b.time() == time(0, 0) and b.date() > a.date():
        last = b.date() - timedelta(days=1)
        if last == a.date():
            return day_text(last)
        return tr("{a} s.d. {b}", "{a} to {b}", a=day_text(a.date()), b=day_text(last))
    return tr("{a} s.d. {b}", "{a} to {b}", a=moment_text(start, tz), b=moment_text(end, tz))


def place(address: str | None) -> str | None:
    """The town a report is signed in: the address's first part (``Sanana, ...``)."""
    if not address:
        return None
    return address.split(",")[0].strip() or None


def nip(number: str) -> str:
    """A NIP as it is printed: ``19780415 200312 1 002`` (18 digits), otherwise as given."""
    digits = number.replace(" ", "")
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return number


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (safe inside a ``<style>`` element)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return '"' + out.replace("<", "\\3C ").replace(">", "\\3E ") + '"'


def render(name: str, head: Letterhead, *, title: str, subtitle: str, signed: bool = True,
           **context: Any) -> str:
    """The report ``audit/templates/<name>`` in the frame (``_frame.html``): letterhead,
    ``title`` and ``subtitle``, its body, then its closing kept on one page with the
    signature (none when not ``signed``: a document the system issues, such as the
    e-SKUM)."""
    # the court's name, not the product's, on every page it signs
    footer = tr("Sistem pelaksanaan SOP {c}", "SOP system of {c}", c=head.court)
    pages = tr('"Halaman " counter(page) " dari " counter(pages)',
               '"Page " counter(page) " of " counter(pages)')
    return template(f"audit/templates/{name}").render(
        head=head, title=title, subtitle=subtitle, signed=signed, footer=_css_string(footer),
        pages=pages, when=moment_text, when_html=when_html, gap=gap, long_date=day_text,
        day_text=day_text,
        place=place, nip=nip, **context)
