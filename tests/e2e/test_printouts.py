"""The printouts a Ketua signs, made by the demo court the way its staff make them: every
document (the case report before and after a seal, the period report, the conformance
report, every SOP sheet of the library and its index) is headed by the court's full kop
surat with its logo and carries no command-line instruction; in the PDF, the signature
shares its page with the report's closing content."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import DEFINITIONS, ROOT, copy_database
from tests.e2e.cli import sop
from tests.e2e.court import Court

CASE = "SNN-2026-00001"
KOP = ("MAHKAMAH AGUNG REPUBLIK INDONESIA", "DIREKTORAT JENDERAL BADAN PERADILAN UMUM",
       "PENGADILAN TINGGI MALUKU UTARA", "PENGADILAN NEGERI SANANA",
       "Sanana, Kepulauan Sula, Maluku Utara")
# what a command line looks like: the program and a subcommand, an option, the venv
CLI = re.compile(r"\bsop (?:[a-z]+)\b|(?<![\w-])--[a-z]|\.venv|\bpip install\b")


@pytest.fixture
def court(demo_day: Path, tmp_path: Path) -> Court:
    copy_database(demo_day, tmp_path / "sop.db")
    return Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")


class _Visible(HTMLParser):
    """The text a reader sees (no style, no script), and the images' sources."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._hidden += 1
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def _seen(html: str) -> tuple[str, list[str]]:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.text).split()), parser.images


def _printouts(court: Court) -> dict[str, str]:
    """Every printed document of the demo court, by name."""
    out = court.root
    court.ok("report", "case", CASE, "--html", out / "perkara-tanpa-segel.html")
    court.ok("report", "period", "--from", "2026-11-16", "--to", "2026-11-29",
             "--html", out / "periode-tanpa-segel.html")
    court.ok("conformance", ROOT / "examples" / "skum-januari-2026.csv",
             "--sop", "taksiran-panjar-skum",
             "--map", ROOT / "examples" / "skum-januari-2026.map.yaml",
             "--html", out / "kesesuaian.html")
    court.ok("seal", "create", "--as", "bambang.panitera")
    court.ok("report", "case", CASE, "--html", out / "perkara.html")
    court.ok("report", "period", "--from", "2026-11-16", "--to", "2026-11-29",
             "--html", out / "periode.html")
    published = sop("publish", out / "pustaka", cwd=out,
                    env={**court.env, "SOP_DEFINITIONS": str(DEFINITIONS)})
    assert published.returncode == 0, published.stderr
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    sheets = {f"pustaka/{p.name}": p.read_text(encoding="utf-8")
              for p in (out / "pustaka").glob("*.html")}
    # every SOP's sheet (all the yaml files but court.yaml) and the library's index
    assert len(sheets) == len(list(DEFINITIONS.glob("*.yaml")))
    return pages | sheets


def test_every_printout_has_the_kop_surat_and_no_command_line(court: Court) -> None:
    docs = _printouts(court)
    assert len(docs) >= 5 + 15
    for name, html in docs.items():
        text, images = _seen(html)
        for line in KOP:
            assert line in text, (name, line)
        assert 'class="kop-surat"' in html, name
        assert any(src.startswith("data:image/svg+xml;base64,") for src in images), name
        assert text.index(KOP[0]) < text.index(KOP[3]) < 400, name  # the head of the page
        found = CLI.search(text)
        assert found is None, (name, text[max(0, found.start() - 80):found.end() + 80])
        # SOPs by their names and official numbers, never by the library's file ids
        ids = [p.stem for p in DEFINITIONS.glob("*.yaml") if p.stem != "court"]
        shown = [i for i in ids if re.search(rf"(?<![\w/.-]){re.escape(i)}(?![\w/.-])", text)]
        assert not shown, (name, shown)


def test_the_signature_shares_its_pdf_page_with_the_closing(court: Court) -> None:
    court.ok("seal", "create", "--as", "bambang.panitera")
    for args, closing in (
            (("report", "case", CASE), "Segel yang mencakup perkara ini"),
            (("report", "period", "--from", "2026-11-16", "--to", "2026-11-29"), "Segel log")):
        pdf = court.root / "laporan.pdf"
        court.ok(*args, "--pdf", pdf)
        pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
        assert len(pages) > 1, args  # a report long enough to break across pages
        signed = [i for i, p in enumerate(pages) if "NIP 19780415 200312 1 002" in p]
        assert signed == [len(pages) - 1], args  # signed once, on the last page
        last = pages[-1]
        assert "Ketua Pengadilan Negeri Sanana Hendra Wijaya Saputra" in last
        assert closing in last, (args, last[:300])  # with the content it closes
        assert last.index(closing) < last.rindex("Hendra Wijaya Saputra")
