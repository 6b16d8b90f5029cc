"""What the court puts in front of people on the web: its own name and logo at the head of
every page, the official SOP sheet under its kop surat, and the authors' notes on the library
page only, never on a clerk's step form or on the sheet."""

from __future__ import annotations

import re

from sop_runtime.compiler.library import load_library
from sop_runtime.service.runtime import Runtime
from tests.conftest import DEFINITIONS
from tests.web.test_pages import client, rt, signed_in  # noqa: F401  (rt: fixture)
from tests.web.test_pages_library import current

SOP = "taksiran-panjar-skum"


def _notes() -> dict[str, list[str]]:
    """Every SOP's authoring notes (of the SOP and of its steps), by SOP id."""
    lib = load_library([DEFINITIONS])
    return {sop: [*wf.document.catatan_penyusun, *(n for node in wf.nodes
                                                 for n in node.author_notes)]
            for sop, wf in lib.workflows.items()}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#34;", '"').split())


def test_the_court_heads_every_page_with_its_name_and_logo(rt: Runtime) -> None:  # noqa: F811
    signin = client(rt).get("/masuk")
    assert '<div class="brand"><a href="/"><img class="logo" src="/logo-pengadilan"' in signin.text
    assert "<title>" in signin.text and "· Pengadilan Negeri Sanana</title>" in signin.text
    logo = client(rt).get("/logo-pengadilan")
    assert logo.status_code == 200 and logo.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in logo.content
    web, _ = signed_in(rt, "rina.ptsp")
    tasks = web.get("/tugas").text
    brand = tasks.index('class="brand"')
    assert tasks.index("Pengadilan Negeri Sanana", brand) < tasks.index("<nav", brand)


def test_the_sheet_carries_the_kop_surat_and_no_note(rt: Runtime) -> None:  # noqa: F811
    web, _ = signed_in(rt, "rina.ptsp")
    sheet = web.get(f"/sop/{SOP}/versi/{current(rt)}/lembar")
    assert sheet.status_code == 200
    text = _text(sheet.text)
    for line in ("MAHKAMAH AGUNG REPUBLIK INDONESIA", "DIREKTORAT JENDERAL BADAN PERADILAN UMUM",
                 "PENGADILAN TINGGI MALUKU UTARA", "PENGADILAN NEGERI SANANA",
                 "Sanana, Kepulauan Sula, Maluku Utara"):
        assert line in text, line
    assert 'class="kop-surat"' in sheet.text and 'src="data:image/svg+xml;base64,' in sheet.text
    notes = _notes()[SOP]
    assert notes
    for note in notes:
        assert _text(note) not in text, note


def test_the_library_page_shows_the_notes_to_whoever_maintains_the_sops(
        rt: Runtime) -> None:  # noqa: F811
    web, _ = signed_in(rt, "bambang.panitera")
    page = web.get(f"/sop/{SOP}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Sumber dan catatan penyusun" in text
    for note in _notes()[SOP]:
        assert _text(note) in text, note
    assert "https://" in text  # the sources, with their links
    # without the library's permission there is no page at all
    assert client(rt).get(f"/sop/{SOP}", follow_redirects=False).status_code == 303


def test_no_note_reaches_a_clerks_step_form(rt: Runtime) -> None:  # noqa: F811
    notes = [n for ns in _notes().values() for n in ns]
    by_name = {wf.nama: wf for wf in load_library([DEFINITIONS]).workflows.values()}
    seen_noted = 0
    for user in ("rina.ptsp", "fadli.ptsp"):
        web, _ = signed_in(rt, user)
        tasks = web.get("/tugas").text
        links = sorted(set(re.findall(r'href="(/perkara/[^"/]+/langkah/\d+)"', tasks)))
        assert links, user
        for link in links:
            form = web.get(link)
            assert form.status_code == 200, link
            text = _text(form.text)
            for note in notes:
                assert _text(note) not in text, (link, note)
            wf = next(w for name, w in by_name.items() if f"· {name}</p>" in form.text)
            node = wf.node(link.rsplit("/", 1)[1])
            seen_noted += bool(node.author_notes) and 'class="step-form"' in form.text
    assert seen_noted  # the forms looked at include steps that carry notes
