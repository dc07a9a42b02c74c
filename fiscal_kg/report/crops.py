"""Crops of a report's PDF pages around a cell, a row or a finding, as PNG.

Each page is rendered once (pypdfium2, PDFium's rasteriser) and cropped with Pillow: a row
band per table row, a claim's line, and for a finding a band around its cell with that cell
boxed in red and the other cells it involves in orange. Boxes are the facts' ``fkg:bbox``
(PDF points, origin bottom-left, as the PDF reader recorded them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

Box = tuple[float, float, float, float]  # x0 y0 x1 y1, PDF points, origin bottom-left
SCALE = 2.0  # pixels per point: legible print without megabyte crops
MARGIN_X = 24.0  # points left and right of the band
ROW_PAD = 4.0  # points above and below a row
CONTEXT = 36.0  # points above and below a finding's cells: the rows around it
TARGET, RELATED = (220, 30, 30), (240, 150, 20)


def find_source(file_name: str, sha256: str, roots: Sequence[Path]) -> Path | None:
    """The report's file under one of ``roots`` (a file or a folder searched by name), only
    if its bytes are those loaded (same SHA-256): a crop of another edition would mislead."""
    for root in roots:
        candidates = [root] if root.is_file() else root.rglob(file_name)
        for path in candidates:
            if path.name == file_name and _sha256(path) == sha256:
                return path
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class PageImages:
    """A PDF's pages rendered once each, cropped on demand."""

    def __init__(self, pdf: Path, scale: float = SCALE) -> None:
        self.pdf = pdfium.PdfDocument(str(pdf))
        self.scale = scale
        self._pages: dict[int, tuple[Image.Image, float, float]] = {}

    def close(self) -> None:
        self.pdf.close()

    def page(self, number: int) -> tuple[Image.Image, float, float]:
        """The rendered page (1-based number), its width and height in points."""
        if number not in self._pages:
            page = self.pdf[number - 1]
            width, height = page.get_size()
            image = page.render(scale=self.scale).to_pil().convert("RGB")
            self._pages[number] = (image, width, height)
        return self._pages[number]

    def band(self, number: int, boxes: Iterable[Box], pad: float = ROW_PAD,
             marks: Sequence[tuple[Box, tuple[int, int, int]]] = (),
             around: float | None = None) -> Image.Image:
        """The page's band around ``boxes``, with ``marks`` boxed in colour: the page's
        width (a row with its code and name), or ``around`` points either side of the boxes
        (a finding's cells with their neighbours, legible at the size shown)."""
        image, width, height = self.page(number)
        boxes = list(boxes)
        top = max(b[3] for b in boxes) + pad
        bottom = min(b[1] for b in boxes) - pad
        if around is None:
            left, right = MARGIN_X, width - MARGIN_X
        else:
            left, right = min(b[0] for b in boxes) - around, max(b[2] for b in boxes) + around
        left = min(left, *(b[0] - 2 for b in boxes))
        right = max(right, *(b[2] + 2 for b in boxes))
        s = self.scale
        crop = image.crop((int(max(left, 0) * s), int(max(height - top, 0) * s),
                           int(min(right, width) * s), int(min(height - bottom, height) * s)))
        draw = ImageDraw.Draw(crop)
        for (x0, y0, x1, y1), colour in marks:
            draw.rectangle(((x0 - max(left, 0)) * s - 2, (top - y1) * s - 2,
                            (x1 - max(left, 0)) * s + 2, (top - y0) * s + 2),
                           outline=colour, width=3)
        return crop


def save_png(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=False)
