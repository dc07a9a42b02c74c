"""What a PDF page holds for the reader: characters with boxes, ruling edges.

pypdfium2 hands over each character (its Unicode value and its box) and each
path object; the PDF reader needs no more than that. Ruling lines come in
three shapes in spreadsheet exports — stroked lines, thin filled rectangles
and stroked cell rectangles — and all of them become horizontal or vertical
``Edge``s here, so the table finder sees one kind of thing. Coordinates are
PDF points with the origin at the page's bottom-left corner.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

# A filled rectangle thinner than this (points) is drawn as a line.
THIN = 2.0
# A segment whose ends differ by less than this across is axis-parallel.
AXIS_TOLERANCE = 0.5
# Edges shorter than this are glyph strokes or dots, not ruling.
MIN_EDGE = 3.0
_PATH = 2
_IMAGE = 3
_MOVETO = raw.FPDF_SEGMENT_MOVETO
_PRIVATE_USE = ((0xE000, 0xF8FF), (0xF0000, 0x10FFFF))


@dataclass(frozen=True, slots=True)
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    space_before: bool = False  # the PDF drew a space glyph just before it

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True, slots=True)
class Edge:
    """A horizontal (``horizontal``: y0 == y1) or vertical ruling segment."""

    horizontal: bool
    pos: float  # y of a horizontal edge, x of a vertical one
    start: float  # x0 / y0 along the edge
    end: float  # x1 / y1


@dataclass(slots=True)
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    edges: list[Edge]
    unmapped: int  # characters without a usable Unicode value


def _is_unmapped(code: int) -> bool:
    if code == 0 or code == 0xFFFD:
        return True
    return any(lo <= code <= hi for lo, hi in _PRIVATE_USE)


def page_chars(
    textpage: pdfium.PdfTextPage, visible: tuple[float, float, float, float]
) -> tuple[list[Char], int]:
    """Printed characters with their loose boxes (the font's full line height,
    so that characters of one line share a vertical extent); whitespace and the
    spaces/line breaks pdfium invents are left out — the reader works from the
    geometry. Characters whose centre lies outside ``visible`` (the crop box)
    are left out too: no viewer shows them (word processors leave overflow
    text there, a copy of the previous page's). Returns the characters and
    how many had no usable Unicode."""
    tp = textpage.raw
    left, bottom, right, top = visible
    rect = raw.FS_RECTF()
    chars: list[Char] = []
    unmapped = 0
    space = False
    for i in range(raw.FPDFText_CountChars(tp)):
        code = raw.FPDFText_GetUnicode(tp, i)
        if raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        if _is_unmapped(code) or raw.FPDFText_HasUnicodeMapError(tp, i) == 1:
            unmapped += 1
            continue
        text = chr(code)
        if text.isspace():
            space = True
            continue
        raw.FPDFText_GetLooseCharBox(tp, i, rect)
        cx, cy = (rect.left + rect.right) / 2, (rect.bottom + rect.top) / 2
        if left <= cx <= right and bottom <= cy <= top:
            chars.append(Char(text, rect.left, rect.bottom, rect.right, rect.top, space))
        space = False
    return chars, unmapped


def has_images(page: pdfium.PdfPage) -> bool:
    return next(iter(page.get_objects(filter=[_IMAGE], max_depth=4)), None) is not None


def _segments(obj: pdfium.PdfObject) -> list[tuple[float, float, float, float]]:
    """Straight segments of a path in page coordinates (curves as chords)."""
    handle = obj.raw
    matrix = obj.get_matrix()
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[tuple[float, float, float, float]] = []
    start = prev = None
    for k in range(raw.FPDFPath_CountSegments(handle)):
        seg = raw.FPDFPath_GetPathSegment(handle, k)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if raw.FPDFPathSegment_GetType(seg) == _MOVETO or prev is None:
            start = point
        else:
            out.append((*prev, *point))
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and start != point:
            out.append((*point, *start))
            point = start
        prev = point
    return out


def _edge_of(x0: float, y0: float, x1: float, y1: float) -> Edge | None:
    if abs(y0 - y1) <= AXIS_TOLERANCE and abs(x1 - x0) >= MIN_EDGE:
        return Edge(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1))
    if abs(x0 - x1) <= AXIS_TOLERANCE and abs(y1 - y0) >= MIN_EDGE:
        return Edge(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1))
    return None


def page_edges(page: pdfium.PdfPage) -> list[Edge]:
    """Horizontal and vertical ruling of a page from its path objects."""
    edges: list[Edge] = []
    for obj in page.get_objects(filter=[_PATH], max_depth=4):
        x0, y0, x1, y1 = obj.get_bounds()
        width, height = x1 - x0, y1 - y0
        if width < THIN and height >= MIN_EDGE:  # thin bar or stroked vertical line
            edges.append(Edge(False, (x0 + x1) / 2, y0, y1))
            continue
        if height < THIN and width >= MIN_EDGE:
            edges.append(Edge(True, (y0 + y1) / 2, x0, x1))
            continue
        if width < MIN_EDGE and height < MIN_EDGE:
            continue
        for seg in _segments(obj):
            edge = _edge_of(*seg)
            if edge is not None:
                edges.append(edge)
    return edges


def _turn(x: float, y: float, rotation: int, width: float, height: float) -> tuple[float, float]:
    """A point of the unrotated page in the coordinates of the page as displayed
    (/Rotate turns it clockwise; ``width``/``height`` of the unrotated page)."""
    if rotation == 90:
        return y, width - x
    if rotation == 180:
        return width - x, height - y
    if rotation == 270:
        return height - y, x
    return x, y


def upright(
    chars: list[Char], edges: list[Edge], rotation: int, width: float, height: float
) -> tuple[list[Char], list[Edge]]:
    """Characters and edges of a page with /Rotate as the page is displayed, so that
    lines run left to right and rows top to bottom (no-op without rotation)."""
    if rotation % 360 == 0:
        return chars, edges
    turned_chars = []
    for c in chars:
        ax, ay = _turn(c.x0, c.y0, rotation, width, height)
        bx, by = _turn(c.x1, c.y1, rotation, width, height)
        turned_chars.append(
            Char(c.text, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), c.space_before)
        )
    turned_edges = []
    for e in edges:
        if e.horizontal:
            a, b = (e.start, e.pos), (e.end, e.pos)
        else:
            a, b = (e.pos, e.start), (e.pos, e.end)
        edge = _edge_of(*_turn(*a, rotation, width, height), *_turn(*b, rotation, width, height))
        if edge is not None:
            turned_edges.append(edge)
    return turned_chars, turned_edges
