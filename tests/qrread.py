"""Reading QR codes back in the tests, with an independent reader (zxing-cpp): from a PNG
(a printout turned to an image by pdftoppm), or from an ``<svg>`` of segno's line paths
(drawn module by module, so nothing of segno reads its own code)."""

from __future__ import annotations

import re
from pathlib import Path

import zxingcpp
from PIL import Image, ImageDraw

SCALE = 8  # pixels per module


def read_png(path: Path) -> list[str]:
    """The texts of every QR code in the image at ``path``."""
    with Image.open(path) as image:
        return [found.text for found in zxingcpp.read_barcodes(image.convert("L"))
                if found.format == zxingcpp.BarcodeFormat.QRCode]


def read_svg(svg: str) -> list[str]:
    """The texts of the QR code drawn by ``svg`` (one path of horizontal runs:
    ``M x y``, ``m dx dy``, ``h n``, as segno writes it)."""
    box = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    path = re.search(r'\sd="([^"]+)"', svg)
    assert box and path, svg[:200]
    width, height = int(box.group(1)), int(box.group(2))
    image = Image.new("L", (width * SCALE, height * SCALE), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for op, args in re.findall(r"([MmHh])([-\d.\s]+)", path.group(1)):
        numbers = [float(n) for n in args.split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:  # h: a run of dark modules along the row y (drawn at its middle)
            end = x + numbers[0]
            row = int(y)
            draw.rectangle((x * SCALE, row * SCALE, end * SCALE - 1, (row + 1) * SCALE - 1),
                           fill=0)
            x = end
    return [found.text for found in zxingcpp.read_barcodes(image)]


def read_pdf(pdf: Path, *, page: int = 1, dpi: int = 150) -> list[str]:
    """The texts of every QR code on a page of the PDF at ``pdf`` (turned to PNG by
    pdftoppm, of poppler-utils; the test skips without it)."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    stem = pdf.with_name(f"{pdf.stem}-qr")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True)
    return read_png(stem.with_suffix(".png"))
