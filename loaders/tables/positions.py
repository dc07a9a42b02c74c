"""Where a word stands on its line, for tables read from space-aligned text.

``pdftotext -layout`` writes each word at its x on the page, in character widths (a wide
character counts one), and centres text in merged cells vertically, so an amount may stand on
a line of its own above or below its row's name, and a header's words on several lines. What
still says which column a piece of text belongs to is its horizontal position: the reader keeps
each cell's character columns (``Cell.span``, with the spacing between its words in ``raw``),
and a line of text printed apart from the grid keeps them too (``line_cell``).
"""

from __future__ import annotations

import re

from loaders.model import Cell

Span = tuple[int, int]
_WORD = re.compile(r"\S+")


def line_cell(raw: str | None, text: str, line: int) -> Cell:
    """A line of text as one cell; with its columns when the line as printed is known."""
    if raw is None or raw.split() != text.split():
        return Cell(text=text, line=line)
    stripped = raw.strip()
    start = len(raw) - len(raw.lstrip())
    return Cell(text=text, line=line, raw=stripped if stripped != text else None,
                span=(start, start + len(stripped)))


def word_spans(cell: Cell) -> list[tuple[str, Span | None]]:
    """The words of a cell (its text split at spaces), each with its character columns when
    the cell has them."""
    words = cell.text.split()
    source = cell.raw if cell.raw is not None else cell.text
    if cell.span is None or source.split() != words:
        return [(w, None) for w in words]
    base = cell.span[0] - (len(source) - len(source.lstrip()))
    return [(m.group(0), (base + m.start(), base + m.end())) for m in _WORD.finditer(source)]


def distance(a: Span, b: Span) -> int:
    """Columns between two spans; 0 when they overlap or touch."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def nearest(span: Span, spans: list[Span]) -> int | None:
    """Index of the one span nearest to ``span``, None when two are equally near."""
    if not spans:
        return None
    dist = [distance(span, s) for s in spans]
    best = min(dist)
    return dist.index(best) if dist.count(best) == 1 else None
