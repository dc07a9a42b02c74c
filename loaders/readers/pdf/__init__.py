"""The PDF reader: a report's PDF → the same blocks the text readers give.

Tables come from the page geometry (ruling edges and character boxes), not
from a text rendering; text outside tables becomes one heading/paragraph
block per line in reading order. Modules, in the order they run:

- ``document``: open the PDF, refuse what cannot be read (not a PDF,
  truncated, encrypted, no text layer);
- ``geometry``: characters with boxes and ruling edges of each page (pypdfium2);
- ``grid``: ruled tables from the edges, merged cells, characters by centre;
- ``lines``: text lines outside tables, page headers/footers/numbers;
- ``render``: the rendered text and the blocks, tables joined across pages.

Entry point: ``read_pdf(data, path) -> PdfReading(text, blocks, warnings)``.
"""

from __future__ import annotations

import pypdfium2 as pdfium

from loaders.model import LoadWarning
from loaders.readers.pdf.document import PdfReadError, is_pdf, open_pdf
from loaders.readers.pdf.geometry import has_images, page_chars, page_edges, upright
from loaders.readers.pdf.grid import Grid, find_grids
from loaders.readers.pdf.lines import TextLine, char_unit, chrome_lines, group_lines, lay_out
from loaders.readers.pdf.render import PageItems, PdfReading, render

__all__ = ["PdfReadError", "PdfReading", "is_pdf", "read_pdf"]

NO_TEXT = "no text layer (a scanned PDF?) — OCR it first, e.g. with ocrmypdf, then load the result"


def read_pdf(data: bytes, path: str = "") -> PdfReading:
    """Read a report's PDF; raises ``PdfReadError`` for what cannot be read."""
    pdf = open_pdf(data)
    try:
        numbers: list[int] = []
        heights: list[float] = []
        grids: list[list[Grid]] = []
        lines: list[list[TextLine]] = []
        warnings: list[LoadWarning] = []
        total_chars = 0
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as exc:
                raise PdfReadError(
                    f"damaged PDF: page {index + 1} cannot be read ({exc}); download it again"
                ) from exc
            chars, unmapped = page_chars(textpage, page.get_cropbox())
            x0, y0, x1, y1 = page.get_mediabox()
            chars, edges = upright(
                chars, page_edges(page), page.get_rotation(), x1 - x0, y1 - y0
            )
            heights.append(page.get_height())  # as displayed (pdfium turns it)
            if not chars and has_images(page):
                warnings.append(
                    LoadWarning(
                        "pdf-page-without-text",
                        f"page {index + 1} is an image without a text layer (a scanned page?); "
                        "its content is missing — OCR the PDF, e.g. with ocrmypdf",
                    )
                )
            textpage.close()
            page.close()
            total_chars += len(chars)
            if unmapped:
                warnings.append(
                    LoadWarning(
                        "pdf-unmapped-glyphs",
                        f"page {index + 1}: {unmapped} character(s) have no Unicode mapping "
                        "(private-use or CID glyphs) and are missing from the text",
                    )
                )
            page_grids = find_grids(edges, chars)
            inside = set().union(*(g.chars for g in page_grids)) if page_grids else set()
            rest = [c for k, c in enumerate(chars) if k not in inside]
            numbers.append(index + 1)
            grids.append(page_grids)
            lines.append(group_lines(rest))
    finally:
        pdf.close()
    if total_chars == 0:
        raise PdfReadError(NO_TEXT)
    chrome = chrome_lines(lines, heights)
    pages = []
    for p, number in enumerate(numbers):
        items: list[TextLine | Grid] = [
            line for k, line in enumerate(lines[p]) if (p, k) not in chrome
        ]
        _lay_out_page([it for it in items if isinstance(it, TextLine)])
        items.extend(grids[p])
        items.sort(key=lambda it: -(it.ys[0] if isinstance(it, Grid) else it.y1))
        pages.append(PageItems(number, items))
    text, blocks = render(pages)
    return PdfReading(text, blocks, warnings, len(numbers))


def _lay_out_page(lines: list[TextLine]) -> None:
    """Column-aligned text of a page's lines outside the ruled tables."""
    if not lines:
        return
    unit = char_unit([c for line in lines for c in line.chars])
    left = min(line.x0 for line in lines)
    for line in lines:
        line.layout = lay_out(line, unit, left)
