"""HTML ``<table>`` regions, possibly spread over many lines.

Only the table structure tags are tokenised (one linear regex); everything
between a cell's start and end tags is the cell's raw inner HTML, cleaned into
``Cell.text``. Spans are expanded so that the grid looks like what a TSV
extraction of the same table gives: ``colspan`` keeps the text in the first
cell and adds empty cells after it, ``rowspan`` adds empty cells below.
Tolerates the usual sloppiness: unclosed ``<td>``/``<tr>``, missing
``</table>``, unescaped ``<=`` in text, nested tables (kept inside the cell).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from loaders.model import Block, Cell, Row
from loaders.readers.base import table_block
from loaders.readers.text import clean_text, make_text

_TABLE_OPEN_RE = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_TAG_RE = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
_STRUCT_RE = re.compile(r"<(/?)(table|tr|td|th|caption)\b([^>]*)>", re.IGNORECASE)
_SPAN_RE = re.compile(r"\b(rowspan|colspan)\s*=\s*[\"']?\s*(\d+)", re.IGNORECASE)
_ANY_CELL_TAG_RE = re.compile(r"</?(?:tr|td|th)\b", re.IGNORECASE)
# Spans beyond this are treated as typos rather than allocating huge grids.
_MAX_SPAN = 200


@dataclass
class _RawCell:
    raw: str
    line: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _RawRow:
    line: int
    cells: list[_RawCell] = field(default_factory=list)


def _find_end(lines: Sequence[str], i: int) -> int:
    """Index of the line holding the matching ``</table>``; without one, the last
    line with a row or cell tag (a later ``<table>`` counts as nested)."""
    depth = 0
    last_tagged = i
    for j in range(i, len(lines)):
        line = lines[j]
        if "<" not in line:
            continue
        for m in _TABLE_TAG_RE.finditer(line):
            if m.group(1):
                depth -= 1
                if depth <= 0:
                    return j
            else:
                depth += 1
        if _ANY_CELL_TAG_RE.search(line):
            last_tagged = j
    return last_tagged


def _spans(tag: str) -> tuple[int, int]:
    rowspan = colspan = 1
    for name, value in _SPAN_RE.findall(tag):
        v = max(1, min(int(value), _MAX_SPAN))
        if name.lower() == "rowspan":
            rowspan = v
        else:
            colspan = v
    return rowspan, colspan


def _tokenise(region: str, first_line: int) -> tuple[list[_RawRow], str]:
    """Rows of raw cells (with spans) and the caption text of a table region.

    ``re.split`` with the structure-tag pattern yields [text, "/", name,
    attrs, text, ...]; line numbers follow by counting newlines as we go.
    """
    parts = _STRUCT_RE.split(region)
    rows: list[_RawRow] = []
    row: _RawRow | None = None
    cell: list[str] | None = None  # pieces of the open cell's raw content
    cell_attrs = ""
    cell_line = first_line
    caption: list[str] | None = None
    caption_text = ""
    depth = 0  # table nesting; only the outermost table's structure counts
    line = first_line

    def close_cell() -> None:
        nonlocal cell
        if cell is not None and row is not None:
            rowspan, colspan = _spans(cell_attrs) if cell_attrs.strip() else (1, 1)
            row.cells.append(_RawCell("".join(cell), cell_line, rowspan, colspan))
        cell = None

    line += parts[0].count("\n")
    for k in range(1, len(parts), 4):
        slash, name, attrs, text_after = parts[k], parts[k + 1], parts[k + 2], parts[k + 3]
        closing, tag = slash == "/", name.lower()
        if tag == "table":
            depth += -1 if closing else 1
            if depth <= 0:
                close_cell()
                break
        if depth > 1 or (tag == "table" and closing):
            # Markup of a nested table stays in the enclosing cell's content.
            if cell is not None:
                cell.extend((f"<{slash}{name}{attrs}>", text_after))
        elif tag == "caption":
            if closing and caption is not None:
                caption_text = clean_text("".join(caption))
            caption = None if closing else [text_after]
        elif tag == "tr":
            if cell is not None:
                close_cell()
            row = None
            if not closing:
                row = _RawRow(line=line)
                rows.append(row)
        elif tag == "table":
            pass  # the outermost <table> itself
        elif closing:  # </td>, </th>
            close_cell()
        else:  # <td>, <th>
            if cell is not None:  # the previous cell was not closed
                close_cell()
            if row is None:  # cell outside any <tr>: an implicit row
                row = _RawRow(line=line)
                rows.append(row)
            cell, cell_attrs, cell_line = [text_after], attrs, line
        line += attrs.count("\n") + text_after.count("\n")
    else:
        close_cell()  # no </table>: close what is open
    return rows, caption_text


def _cell(rc: _RawCell) -> Cell:
    text, kept = make_text(rc.raw)
    return Cell(text=text, line=rc.line, raw=kept)


def _grid(raw_rows: list[_RawRow]) -> list[Row]:
    """Expand spans: text in the top-left cell, empty cells elsewhere."""
    if all(rc.rowspan == rc.colspan == 1 for rr in raw_rows for rc in rr.cells):
        return [Row(cells=[_cell(rc) for rc in rr.cells], line=rr.line) for rr in raw_rows]
    pending: dict[tuple[int, int], Cell] = {}  # (row, col) filled by a rowspan above
    grid: list[Row] = []
    for r, raw_row in enumerate(raw_rows):
        cells: list[Cell] = []
        for rc in raw_row.cells:
            while (r, len(cells)) in pending:
                cells.append(pending.pop((r, len(cells))))
            col = len(cells)
            cells.append(_cell(rc))
            cells.extend(Cell(text="", line=rc.line) for _ in range(rc.colspan - 1))
            for dr in range(1, min(rc.rowspan, len(raw_rows) - r)):
                below = raw_rows[r + dr].line
                for dc in range(rc.colspan):
                    pending[(r + dr, col + dc)] = Cell(text="", line=below)
        # Rowspans from above may also cover columns at or beyond this row's end.
        for c in sorted(c for (rr, c) in pending if rr == r):
            while len(cells) < c:
                cells.append(Cell(text="", line=raw_row.line))
            cells.append(pending.pop((r, c)))
        grid.append(Row(cells=cells, line=raw_row.line))
    return grid


class HtmlReader:
    name = "html"

    def detect(self, lines: Sequence[str], i: int) -> bool:
        line = lines[i]
        return "<" in line and _TABLE_OPEN_RE.search(line) is not None

    def read(self, lines: Sequence[str], i: int) -> tuple[Block, int]:
        end = _find_end(lines, i)
        first = lines[i]
        start_col = _TABLE_OPEN_RE.search(first)
        # Text before "<table" on the same line is not part of the table.
        parts = [first[start_col.start() if start_col else 0 :], *lines[i + 1 : end + 1]]
        raw_rows, caption = _tokenise("\n".join(parts), i + 1)
        return table_block(_grid(raw_rows), self.name, i + 1, end + 1, text=caption), end + 1


READER = HtmlReader()
