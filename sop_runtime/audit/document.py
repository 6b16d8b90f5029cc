"""The frame every printable report shares, so the period report and the case report read as
one family: the court's letterhead, the title and its facts, running heads, page numbers
("Halaman X dari Y"), the seal box and the place for the signature.

One self-contained HTML page: it prints on A4 from a browser, and WeasyPrint renders the same
page as the PDF (page margin boxes give the running heads and the page numbers there). The
pages are autoescaped templates (``audit/templates``): the frame ``_frame.html``, the
pieces ``_macros.html`` and the style ``report.css``; nothing is scripted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from markupsafe import Markup, escape

from sop_runtime.i18n import tr
from sop_runtime.templating import template

_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


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


@dataclass(frozen=True)
class Names:
    """Full names of users, names of roles, and who holds which roles."""

    users: dict[str, str] = field(default_factory=dict)
    nip: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    held: dict[str, frozenset[str]] = field(default_factory=dict)

    def user(self, username: str | None) -> str:
        if username is None:
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
    """:func:`when` for a narrow table cell: it may wrap between the date and the time."""
    date_part, _, rest = when(moment, tz).partition(" ")
    return escape(date_part) + (" " + escape(rest).replace(" ", Markup("&nbsp;"))
                                if rest else "")


def when(moment: datetime | None, tz: tzinfo, *, seconds: bool = False) -> str:
    """``2026-11-24 08:05 WIT`` in the court's time; ``-`` for None."""
    if moment is None:
        return "-"
    local = moment.astimezone(tz)
    text = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    name = local.tzname()
    return f"{text} {name}" if name and not name.startswith(("+", "-")) else text


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


def long_date(day: date) -> str:
    """``24 November 2026`` (the month in the report's language)."""
    months = _MONTHS_ID if tr("id", "en") == "id" else _MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def span(start: datetime, end: datetime, tz: tzinfo) -> str:
    """A period as people write it: ``16 November 2026 s.d. 29 November 2026`` when it runs
    from midnight to midnight (the end is exclusive), with the times otherwise."""
    a, b = start.astimezone(tz), end.astimezone(tz)
    if a.time() == b.time() == time(0, 0) and b.date() > a.date():
        last = b.date() - timedelta(days=1)
        if last == a.date():
            return long_date(last)
        return tr("{a} s.d. {b}", "{a} to {b}", a=long_date(a.date()), b=long_date(last))
    return tr("{a} s.d. {b}", "{a} to {b}", a=when(start, tz), b=when(end, tz))


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
    footer = tr("Dibuat oleh sop-runtime", "Made by sop-runtime")
    pages = tr('"Halaman " counter(page) " dari " counter(pages)',
               '"Page " counter(page) " of " counter(pages)')
    return template(f"audit/templates/{name}").render(
        head=head, title=title, subtitle=subtitle, signed=signed, footer=_css_string(footer),
        pages=pages, when=when, when_html=when_html, gap=gap, long_date=long_date,
        place=place, nip=nip, **context)
_BASE_CSS = """
@page {
  size: A4; margin: 19mm 14mm 17mm;
  @top-left { content: string(court); font: 7.5pt "DejaVu Sans", sans-serif; color: #555; }
  @top-right { content: string(doctitle); font: 7.5pt "DejaVu Sans", sans-serif; color: #555; }
  @bottom-left { content: __FOOTER__; font: 7.5pt "DejaVu Sans", sans-serif; color: #555; }
  @bottom-right { content: __PAGES__; font: 7.5pt "DejaVu Sans", sans-serif; color: #333; }
}
@page :first { @top-left { content: none; } @top-right { content: none; } }
html { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #111; }
body { margin: 0; line-height: 1.3; }
.kop { text-align: center; border-bottom: 0.8mm double #222; padding-bottom: 2mm;
       margin-bottom: 4mm; }
.kop .court { font-size: 13pt; font-weight: bold; letter-spacing: 0.04em;
              text-transform: uppercase; string-set: court content(); }
.kop .address { font-size: 8.5pt; color: #333; }
h1 { font-size: 13pt; text-align: center; margin: 0 0 1mm; string-set: doctitle content(); }
.subtitle { text-align: center; font-size: 10pt; margin-bottom: 4mm; }
h2 { font-size: 11pt; margin: 6mm 0 2mm; padding-bottom: 0.6mm; border-bottom: 0.3mm solid #777;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 9.5pt; margin: 3mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
.note { color: #444; font-size: 8pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.25mm solid #999; padding: 1mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #e8eef4; font-weight: bold; font-size: 8.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.n, th.n, td.w { text-align: right; } td.n { white-space: nowrap; }
table.fixed { table-layout: fixed; }
td { overflow-wrap: break-word; }
table.facts td, table.facts th { border: none; padding: 0.6mm 2mm 0.6mm 0; }
table.facts th { background: none; width: 52mm; color: #333; }
.late { color: #a40000; font-weight: bold; }
.ok { color: #1f6f2f; font-weight: bold; }
.muted { color: #666; }
.small { font-size: 7.5pt; }
.chart { display: block; margin: 1mm 0 3mm; max-width: 100%; height: auto; }
tr.group td { background: #f3f3f3; font-weight: bold; }
.closing { break-inside: avoid; page-break-inside: avoid; margin-top: 7mm; }
.seal { border: 0.4mm solid #333; padding: 2.5mm 3mm; }
.seal .title { font-weight: bold; margin-bottom: 1mm; }
.verified { font-size: 8pt; margin: 1.5mm 0 0; }
.verified.broken { color: #a00; border: 0.4mm solid #a00; padding: 1.5mm 2mm; }
.seal code, code.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt;
                        word-break: break-all; }
.sign { margin-top: 8mm; margin-left: auto; width: 75mm; text-align: center; }
.sign .space { height: 20mm; }
.sign .name { font-weight: bold; text-decoration: underline; }
@media screen { body { margin: 10mm auto; max-width: 182mm; } }
"""


def css() -> str:
    footer = tr("Dibuat oleh sop-runtime", "Made by sop-runtime")
    pages = tr('"Halaman " counter(page) " dari " counter(pages)',
               '"Page " counter(page) " of " counter(pages)')
    return _BASE_CSS.replace("__FOOTER__", _css_string(footer)).replace("__PAGES__", pages)


def facts(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column list of facts; values are HTML (escape them first)."""
    body = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="facts">{body}</table>'


def table(columns: Sequence[str | tuple[str, str]], rows: Sequence[str], *,
          cls: str = "", widths: Sequence[int] = ()) -> str:
    """A table: ``columns`` are headers (or (header, class) pairs), ``rows`` ready ``<tr>``
    HTML; ``widths`` (percent per column) fix the layout."""
    head = "".join(f"<th>{escape(c)}</th>" if isinstance(c, str)
                   else f'<th class="{c[1]}">{escape(c[0])}</th>' for c in columns)
    classes = " ".join(c for c in (cls, "fixed" if widths else "") if c)
    klass = f' class="{classes}"' if classes else ""
    cols = ("<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths)
            + "</colgroup>") if widths else ""
    return (f"<table{klass}>{cols}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
            "</tbody></table>")


def seal_box(title: str, lines: Sequence[str]) -> str:
    """The framed box with the seal's facts (``lines`` are HTML)."""
    body = "".join(f"<div>{line}</div>" for line in lines)
    return f'<div class="seal"><div class="title">{escape(title)}</div>{body}</div>'


def signature(head: Letterhead) -> str:
    day = head.generated.astimezone(head.tz).date()
    town = place(head.address)
    dated = f"{escape(town)}, {long_date(day)}" if town else long_date(day)
    s = head.signer
    name = escape(s.nama) if s.nama else "(.................................)"
    number = f"NIP {escape(nip(s.nip))}" if s.nip else "NIP ......................."
    return (f'<div class="sign"><div>{dated}</div><div>{escape(s.jabatan)}</div>'
            f'<div class="space"></div><div class="name">{name}</div><div>{number}</div></div>')


def document(head: Letterhead, *, title: str, subtitle: str, body: str, closing: str,
             signed: bool = True) -> str:
    """The whole page: letterhead, title, ``body`` (HTML), then ``closing`` (the seal box)
    kept on one page with the signature (none when not ``signed``: a document the system
    issues, such as the e-SKUM)."""
    address = f'<div class="address">{escape(head.address)}</div>' if head.address else ""
    generated = tr("Dibuat {t}", "Generated {t}", t=when(head.generated, head.tz))
    return (
        f'<!DOCTYPE html><html lang="{tr("id", "en")}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} — {escape(subtitle)}</title><style>{css()}</style></head><body>"
        f'<div class="kop"><div class="court">{escape(head.court)}</div>{address}</div>'
        f"<h1>{escape(title)}</h1>"
        f'<div class="subtitle">{escape(subtitle)}<br><span class="note">'
        f"{escape(generated)}</span></div>"
        f"{body}"
        f'<div class="closing">{closing}{signature(head) if signed else ""}</div>'
        "</body></html>")
