"""Rewrite a TSV report into the other table layouts, for layout-independence tests.

Each function takes report text whose tables are tab-separated (the samples)
and returns the same report with every table written in another layout, plus
``line_map``: original line number → line number of the same row or
paragraph in the rewritten text (1-based, every original line is mapped).
Non-table lines are copied unchanged.

Table regions are found here on purpose without the reader under test: a
line with a tab is a row, and a region goes on across one blank line when
another tabbed line follows (the layout of the samples).

- ``to_tsv``: identity.
- ``to_pipe``: ``| a | b |`` rows (or ``a | b`` with ``outer=False``) with a
  ``|---|`` rule after the first row of each table (one extra line).
- ``to_html``: ``<table>``/``</table>`` on lines of their own, one
  ``<tr><td>…</td></tr>`` per line; ``multiline=True`` puts ``<tr>``, each
  cell and ``</tr>`` on lines of their own and breaks cell text at its first
  space; ``spans=True`` folds runs of empty cells into ``colspan`` and empty
  first-column cells below a label into ``rowspan`` on the label.
- ``to_aligned``: cells padded with spaces to column widths measured in
  display columns (wide characters count 2), 2 spaces between columns, no
  trailing spaces, as ``pdftotext -layout`` writes tables; ``right_numbers``
  puts numbers flush right in their column.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_TAG_RE = re.compile(r"(</?[a-zA-Z][^<>]*>)")


@dataclass
class Rewritten:
    text: str
    line_map: dict[int, int]  # original 1-based line → rewritten 1-based line


def _cells(line: str) -> list[str]:
    # Whitespace inside a cell collapsed: a 2-space run would split a cell in
    # the aligned layout and means nothing in the others (cell text is compared
    # after the reader collapses whitespace anyway).
    return [" ".join(part.split()) for part in line.split("\t")]


def _regions(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) 0-based indexes of tab-separated table regions."""
    regions: list[tuple[int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        if "\t" not in lines[i]:
            i += 1
            continue
        first = last = i
        j = i + 1
        while j < n:
            if "\t" in lines[j]:
                last = j
                j += 1
            elif not lines[j].strip() and j + 1 < n and "\t" in lines[j + 1]:
                j += 1
            else:
                break
        regions.append((first, last))
        i = last + 1
    return regions


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.line_map: dict[int, int] = {}

    def emit(self, line: str, original: int | None = None) -> None:
        """Append a line; ``original`` (0-based) maps to it when given."""
        self.out.append(line)
        if original is not None:
            self.line_map[original + 1] = len(self.out)

    def result(self) -> Rewritten:
        return Rewritten("\n".join(self.out), self.line_map)


# Writes the table region lines[first..last] (0-based, inclusive) to the writer.
TableWriter = Callable[["_Writer", list[str], int, int], None]


def _rewrite(text: str, write_table: TableWriter) -> Rewritten:
    lines = text.split("\n")
    w = _Writer()
    regions = dict(_regions(lines))
    i = 0
    while i < len(lines):
        if i in regions:
            last = regions[i]
            write_table(w, lines, i, last)
            i = last + 1
        else:
            w.emit(lines[i], i)
            i += 1
    return w.result()


def _blank_or_rows(
    lines: list[str], first: int, last: int
) -> Iterator[tuple[int, list[str] | None]]:
    """(index, cells or None for a blank line) over a region."""
    for k in range(first, last + 1):
        yield k, (_cells(lines[k]) if "\t" in lines[k] else None)


def to_tsv(text: str) -> Rewritten:
    n = text.count("\n") + 1
    return Rewritten(text, {k: k for k in range(1, n + 1)})


# ---------------------------------------------------------------------------
# Pipe
# ---------------------------------------------------------------------------


def to_pipe(text: str, outer: bool = True) -> Rewritten:
    def write(w: _Writer, lines: list[str], first: int, last: int) -> None:
        rows = list(_blank_or_rows(lines, first, last))
        ncols = max(len(c) for _, c in rows if c is not None)
        for k, cells in rows:
            if cells is None:
                w.emit("", k)
                continue
            body = " | ".join(c.replace("|", "\\|") for c in cells)
            w.emit(f"| {body} |" if outer else body, k)
            if k == first:
                rule = "|".join(["---"] * ncols)
                w.emit(f"|{rule}|" if outer else rule)

    return _rewrite(text, write)


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def _escape(cell: str) -> str:
    """Escape text for HTML but keep inline tags already in it (``<b>``)."""
    parts = _TAG_RE.split(cell)
    return "".join(p if k % 2 else html.escape(p, quote=False) for k, p in enumerate(parts))


def _span_rows(rows: list[list[str]]) -> list[list[tuple[str, int, int]]]:
    """(text, rowspan, colspan) per emitted cell; covered positions omitted."""
    covered: set[tuple[int, int]] = set()
    out: list[list[tuple[str, int, int]]] = []
    for r, cells in enumerate(rows):
        row_out: list[tuple[str, int, int]] = []
        c = 0
        while c < len(cells):
            if (r, c) in covered:
                c += 1
                continue
            text = cells[c]
            rowspan = colspan = 1
            if text and c == 0:
                while r + rowspan < len(rows) and rows[r + rowspan] and not rows[r + rowspan][0]:
                    covered.add((r + rowspan, 0))
                    rowspan += 1
            if text and rowspan == 1:
                while c + colspan < len(cells) and not cells[c + colspan]:
                    colspan += 1
            row_out.append((text, rowspan, colspan))
            c += colspan
        out.append(row_out)
    return out


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<td{attrs}>{_escape(text)}</td>"


def to_html(text: str, multiline: bool = False, spans: bool = False) -> Rewritten:
    def write(w: _Writer, lines: list[str], first: int, last: int) -> None:
        rows = list(_blank_or_rows(lines, first, last))
        grid = [cells for _, cells in rows if cells is not None]
        spanned = iter(_span_rows(grid)) if spans else None
        w.emit("<table>")
        for k, cells in rows:
            if cells is None:
                w.emit("", k)
                continue
            tds = next(spanned) if spanned is not None else [(c, 1, 1) for c in cells]
            if not multiline:
                w.emit("<tr>" + "".join(_td(*td) for td in tds) + "</tr>", k)
                continue
            w.emit("<tr>", k)
            for cell_text, rowspan, colspan in tds:
                head, sep, tail = cell_text.partition(" ")
                if sep and "<" not in cell_text:
                    # A cell whose text runs over two lines.
                    w.emit(_td(head, rowspan, colspan)[:-5])
                    w.emit(_escape(tail) + "</td>")
                else:
                    w.emit(_td(cell_text, rowspan, colspan))
            w.emit("</tr>")
        w.emit("</table>")

    return _rewrite(text, write)


# ---------------------------------------------------------------------------
# Space-aligned
# ---------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


_NUMBER_RE = re.compile(r"^[-+]?[0-9][0-9,. ]*%?$")


def to_aligned(text: str, gap: int = 2, right_numbers: bool = False) -> Rewritten:
    """``right_numbers``: numbers flush right in their column, as pdftotext
    lays out amount columns (text stays flush left)."""

    def pad(cell: str, width: int) -> str:
        fill = " " * (width - _width(cell))
        if right_numbers and _NUMBER_RE.match(cell):
            return fill + cell + " " * gap
        return cell + fill + " " * gap

    def write(w: _Writer, lines: list[str], first: int, last: int) -> None:
        rows = list(_blank_or_rows(lines, first, last))
        widths: dict[int, int] = {}
        for _, cells in rows:
            for c, cell in enumerate(cells or []):
                widths[c] = max(widths.get(c, 0), _width(cell))
        for k, cells in rows:
            if cells is None:
                w.emit("", k)
                continue
            w.emit("".join(pad(cell, widths[c]) for c, cell in enumerate(cells)).rstrip(), k)

    return _rewrite(text, write)
