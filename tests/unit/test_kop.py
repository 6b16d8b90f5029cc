"""The court's kop surat from the court file: its lines from the top, the contacts, and the
court's own logo file, taken only when it is a PNG, JPEG or SVG image by its content and
small; otherwise ``sop validate`` warns (W208) and the printouts go without a logo."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_runtime.compiler.library import load_library
from sop_runtime.compiler.render.kop import LOGO_MAX_BYTES, kop_of, logo_type, logo_uri
from tests.conftest import DEFINITIONS

SVG = (DEFINITIONS / "logo-pengadilan.svg").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_the_demo_court_has_the_full_kop_surat() -> None:
    lib = load_library([DEFINITIONS / "court.yaml"])
    kop = lib.kop()
    assert kop is not None
    assert kop.above == ("Mahkamah Agung Republik Indonesia",
                         "Direktorat Jenderal Badan Peradilan Umum",
                         "Pengadilan Tinggi Maluku Utara")
    assert kop.court == "Pengadilan Negeri Sanana"
    assert kop.address == "Sanana, Kepulauan Sula, Maluku Utara"
    assert kop.contact == ()  # no published source gives its contacts: none are invented
    assert kop.logo is not None and kop.logo.startswith("data:image/svg+xml;base64,")
    assert not [p for p in lib.problems if p.code == "W208"]


def test_the_contacts_a_court_file_gives_are_on_the_kop_in_order() -> None:
    court = load_library([DEFINITIONS / "court.yaml"]).court
    assert court is not None
    full = court.model.pengadilan.model_copy(update={
        "telepon": "(0929) 555 0100", "email": "ptsp@contoh.go.id", "website": "contoh.go.id"})
    kop = kop_of(full)
    assert kop.contact == ("Telepon (0929) 555 0100", "Surel ptsp@contoh.go.id",
                           "Laman contoh.go.id")


def test_a_court_without_the_new_keys_keeps_a_plain_kop() -> None:
    court = load_library([DEFINITIONS / "court.yaml"]).court
    assert court is not None
    plain = court.model.pengadilan.model_copy(update={
        "direktorat_jenderal": None, "pengadilan_tinggi": None, "telepon": None, "email": None,
        "website": None, "logo": None})
    kop = kop_of(plain)
    assert kop.above == ("Mahkamah Agung Republik Indonesia",)
    assert kop.contact == () and kop.logo is None


@pytest.mark.parametrize(("data", "kind"), [
    (SVG, "image/svg+xml"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0" + b"\x00" * 8, "image/jpeg"),
    (b"\xef\xbb\xbf<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'/>",
     "image/svg+xml"),
    (b"MZ\x90\x00 an executable named logo.png", None), (b"", None),
    (b"<html><body>not an image</body></html>", None),
])
def test_a_logo_is_known_by_its_content(data: bytes, kind: str | None) -> None:
    assert logo_type(data) == kind
    assert (logo_uri(data) is not None) == (kind is not None)


def test_a_logo_over_the_cap_is_not_taken() -> None:
    assert logo_uri(PNG + b"\x00" * LOGO_MAX_BYTES) is None


def _court_with_logo(folder: Path, logo: str, data: bytes | None) -> Path:
    text = (DEFINITIONS / "court.yaml").read_text(encoding="utf-8")
    text = text.replace("logo: logo-pengadilan.svg", f"logo: {logo}")
    text = text.replace("tarif_panjar: tarif/panjar.yaml\n", "")
    text = text.replace("tarif_layanan: tarif/layanan.yaml\n", "")
    (folder / "court.yaml").write_text(text, encoding="utf-8")
    if data is not None:
        (folder / logo).write_bytes(data)
    return folder / "court.yaml"


@pytest.mark.parametrize(("logo", "data", "why"), [
    ("tidak-ada.png", None, "tidak dapat dibaca"),
    ("logo.png", b"MZ\x90\x00 an executable", "bukan gambar PNG, JPEG atau SVG"),
    ("besar.png", PNG + b"\x00" * LOGO_MAX_BYTES, "lebih dari 512 KB"),
])
def test_a_bad_logo_is_a_warning_at_the_court_files_logo(
        tmp_path: Path, logo: str, data: bytes | None, why: str) -> None:
    path = _court_with_logo(tmp_path, logo, data)
    lib = load_library([path])
    found = [p for p in lib.problems if p.code == "W208"]
    assert len(found) == 1 and not lib.errors
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                if text.strip().startswith("logo:"))
    assert (found[0].file, found[0].line, found[0].path) == (str(path), line, "pengadilan.logo")
    assert why in found[0].format() and "tanpa logo" in found[0].format()
    kop = lib.kop()
    assert kop is not None and kop.logo is None  # the printouts go without it
