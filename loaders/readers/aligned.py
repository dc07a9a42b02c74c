"""Space-aligned columns as ``pdftotext -layout`` writes them.

A row is a line whose text falls into two or more chunks separated by runs of
2+ spaces; a single space stays inside a chunk ("35.5 6", "合 计"). Positions
are display columns (East Asian wide characters count 2), because that is
what keeps columns aligned in the extracted text.

Columns come from all rows of the block at once. A chunk that bridges the
gap between two chunks of another row is a spanning header and is left out;
every x covered by the remaining chunks belongs to a column, and uncovered
gaps separate columns. Each chunk then goes to the column its left edge falls
in (a spanning header starting in a gap goes to the first column it covers,
i.e. "text in the first cell" as for colspan). So blank cells, which are just
spaces, leave the other values in their columns; right-aligned numbers of
different lengths stay together. Columns that hold no text anywhere are
dropped: nothing in the text marks them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from loaders.model import Block, Cell, Row
from loaders.readers.base import is_blank, make_cell, next_content, table_block
from loaders.text import display_width

# Words joined by single whitespace characters; runs of 2+ separate chunks.
_CHUNK_RE = re.compile(r"\S+(?:\s\S+)*")
_OTHER_LAYOUT_RE = re.compile(r"\t|^\s*\||<table\b", re.IGNORECASE)


class Chunk(NamedTuple):
    start: int  # display column of the first character
    end: int  # display column after the last character
    text: str
    # Character offsets [first, end) on the line: pdftotext -layout places each word at its x
    # in character widths, a wide character counting one, so these give horizontal position.
    span: tuple[int, int] = (0, 0)


def chunks(line: str) -> list[Chunk]:
    """Chunks of a line with display-column positions."""
    if line.isascii():
        return [Chunk(m.start(), m.end(), m.group(0), m.span())
                for m in _CHUNK_RE.finditer(line)]
    out: list[Chunk] = []
    x = 0  # display column of offset ``prev``
    prev = 0
    for m in _CHUNK_RE.finditer(line):
        start, text = m.start(), m.group(0)
        x += display_width(line[prev:start])  # the whitespace run before the chunk
        width = display_width(text)
        out.append(Chunk(x, x + width, text, m.span()))
        x += width
        prev = m.end()
    return out


def _candidate(line: str) -> bool:
    """Cheap pre-check: a 2+ space gap between two pieces of text."""
    s = line.strip()
    return ("  " in s or "\u3000" in s) and _OTHER_LAYOUT_RE.search(line) is None


class _Edges:
    """Column edges seen so far in a growing block, to judge the next line."""

    def __init__(self, first: list[Chunk]) -> None:
        self.left = first[0].start  # the table's left margin
        self.starts: set[int] = set()
        self.ends: set[int] = set()
        self.label_limit = 1 << 30  # where the second column starts
        self.add(first)

    def add(self, row: list[Chunk]) -> None:
        self.left = min(self.left, row[0].start)
        self.starts.update(c.start for c in row)
        self.ends.update(c.end for c in row)
        if len(row) >= 2 and row[0].start <= self.left:
            self.label_limit = min(self.label_limit, row[1].start)

    def aligned(self, row: list[Chunk]) -> bool:
        """Whether a chunk of ``row`` lines up with a column edge seen so far.

        Chunks at the left margin do not count, not even by their right edge:
        ordinary text starts there too, and short titles ("表 7") would line up
        with short codes by accident.
        """
        return any(
            c.start != self.left and (c.start in self.starts or c.end in self.ends) for c in row
        )

    def in_label_column(self, c: Chunk) -> bool:
        return c.start == self.left and c.end + 2 <= self.label_limit


def _extent(lines: Sequence[str], i: int) -> list[tuple[int, list[Chunk]]]:
    """Rows (index, chunks) of the aligned table starting at ``i``; may be empty."""
    first = chunks(lines[i]) if _candidate(lines[i]) else []
    if len(first) < 2:
        return []
    rows = [(i, first)]
    edges = _Edges(first)
    cache: dict[int, list[Chunk]] = {}

    def row_at(k: int) -> list[Chunk] | None:
        """Chunks of line k, None when it is blank or belongs to another layout."""
        if k >= len(lines) or is_blank(lines[k]) or _OTHER_LAYOUT_RE.search(lines[k]):
            return None
        if k not in cache:
            cache[k] = chunks(lines[k])
        return cache[k]

    last = i
    while True:
        k = next_content(lines, last + 1)
        row = row_at(k) if k is not None else None
        if k is None or not row:
            break
        crossed_blank = k > last + 1
        if crossed_blank and len(rows) < 2:
            break  # a table opens with two adjacent rows; a lone line above is a title
        if edges.aligned(row):
            pass  # lines up with the columns, even across a page-break blank
        elif crossed_blank:
            break
        elif len(row) == 1:
            # A lone piece of text at the margin right below a row: a label of a
            # row without values (it fits the label column) or a wrapped label
            # (a multi-column row follows at once).
            if row[0].start != edges.left:
                break
            if not edges.in_label_column(row[0]):
                nxt = row_at(k + 1)
                if nxt is None or len(nxt) < 2:
                    break
        rows.append((k, row))
        edges.add(row)
        last = k
    multi = sum(1 for _, row in rows if len(row) >= 2)
    return rows if multi >= 2 else []


def _spanning(rows: list[list[Chunk]]) -> set[Chunk]:
    """Chunks that bridge a gap between two chunks of another row (spanning headers).

    A chunk spans when it overlaps both neighbours of some row gap: it starts
    before the gap's left edge and ends after its right edge. Gaps sorted by
    left edge with a suffix minimum of right edges answer that per chunk with
    one bisection.
    """
    gaps = sorted((a.end, b.start) for row in rows for a, b in pairwise(row))
    if not gaps:
        return set()
    lefts = [lo for lo, _ in gaps]
    min_right = [hi for _, hi in gaps]
    for k in range(len(min_right) - 2, -1, -1):
        min_right[k] = min(min_right[k], min_right[k + 1])
    out: set[Chunk] = set()
    for row in rows:
        for c in row:
            k = bisect_right(lefts, c.start)
            if k < len(gaps) and min_right[k] < c.end:
                out.add(c)
    return out


def _columns(rows: list[list[Chunk]]) -> tuple[list[int], list[int]]:
    """(starts, ends) of the columns: the covered ranges of non-spanning chunks."""
    spanning = _spanning(rows)
    solid = [c for row in rows for c in row if c not in spanning] or [
        c for row in rows for c in row
    ]
    width = max(c.end for c in solid)
    cover = bytearray(width + 1)
    for c in solid:
        cover[c.start : c.end] = b"\x01" * (c.end - c.start)
    starts: list[int] = []
    ends: list[int] = []
    for x in range(width + 1):
        if cover[x] and (x == 0 or not cover[x - 1]):
            starts.append(x)
        elif not cover[x] and x and cover[x - 1]:
            ends.append(x)
    return starts, ends


def grid(rows: list[tuple[int, list[Chunk]]]) -> list[Row]:
    """Rows of equal width, one cell per column that holds text somewhere."""
    starts, ends = _columns([row for _, row in rows])

    def column(c: Chunk) -> int:
        col = max(0, bisect_right(starts, c.start) - 1)
        if c.start >= ends[col] and col + 1 < len(starts):
            col += 1  # starts in a gap (a spanning header): its first column
        return col

    placed = [[column(c) for c in row] for _, row in rows]
    used = sorted({col for cols in placed for col in cols})
    index = {col: k for k, col in enumerate(used)}
    out: list[Row] = []
    for (idx, row), cols in zip(rows, placed, strict=True):
        lineno = idx + 1
        members: dict[int, list[Chunk]] = {}
        for c, col in zip(row, cols, strict=True):
            members.setdefault(index[col], []).append(c)
        cells = [Cell(text="", line=lineno) for _ in used]
        for k, group in members.items():
            cells[k] = positioned_cell(group, lineno)
        out.append(Row(cells=cells, line=lineno))
    return out


def positioned_cell(group: list[Chunk], lineno: int) -> Cell:
    """One cell of the chunks of a column, with their character columns. Two chunks in one
    column keep both texts rather than lose one, and the spaces between them in ``raw``
    (so each one's position stays known)."""
    first, last = group[0].span[0], group[-1].span[1]
    if len(group) == 1:
        cell = make_cell(group[0].text, lineno)
    else:
        raw = "".join(
            (" " * (c.span[0] - prev.span[1]) if prev else "") + c.text
            for prev, c in zip([None, *group[:-1]], group, strict=True))
        text = make_cell(raw, lineno).text
        cell = Cell(text=text, line=lineno, raw=raw if raw != text else None)
    cell.span = (first, last)
    return cell


class AlignedReader:
    name = "aligned"

    def __init__(self) -> None:
        # detect() has to find the whole block to judge it; read() right after
        # it on the same lines reuses that work.
        self._last: tuple[Sequence[str], int, list[tuple[int, list[Chunk]]]] | None = None

    def _rows(self, lines: Sequence[str], i: int) -> list[tuple[int, list[Chunk]]]:
        last = self._last
        if last is not None and last[0] is lines and last[1] == i:
            return last[2]
        rows = _extent(lines, i)
        self._last = (lines, i, rows) if rows else None
        return rows

    def detect(self, lines: Sequence[str], i: int) -> bool:
        return _candidate(lines[i]) and bool(self._rows(lines, i))

    def read(self, lines: Sequence[str], i: int) -> tuple[Block, int]:
        rows = self._rows(lines, i)
        self._last = None  # do not keep the document alive
        if not rows:
            return table_block([], self.name, i + 1, i + 1), i + 1
        last = rows[-1][0]
        return table_block(grid(rows), self.name, i + 1, last + 1), last + 1


READER = AlignedReader()
