"""A PDF's pages → the report's text and its blocks, in reading order.

The text is what the rest of the project sees as "the report's lines": one
line per text line, one line per table row with its cells separated by tabs.
Every block, row and cell carries its line number in that text, its page and
its box, so a fact can say both "line 143" and "page 10, (58.9 443.1 …)".
Rendering the same PDF again gives the same text, so it need not be stored.

Reading order: on each page, text lines and tables top to bottom. Page
chrome (headers, footers, page numbers; see ``lines.chrome_lines``) is left
out. A table continues from one page to the next when the next page's first
content is a table with the same column boundaries and the previous page's
last content was a table; its repeated header rows are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.model import Block, Cell, LoadWarning, Row
from loaders.readers import read_blocks
from loaders.readers.pdf.grid import Grid, GridCell
from loaders.readers.pdf.lines import TextLine
from loaders.readers.text import make_text

# Column boundaries of a continued table may shift this much (points).
SAME_COLUMN = 3.0


@dataclass
class PageItems:
    """One page's content in reading order: text lines and grids."""

    number: int
    items: list[TextLine | Grid]


@dataclass
class PdfReading:
    text: str
    blocks: list[Block]
    warnings: list[LoadWarning] = field(default_factory=list)
    pages: int = 0


def _round_box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


def _blank_unmerged(cell: GridCell, left: float, right: float) -> bool:
    """An empty grid cell that is not part of a merged cell: the ruling of a
    spreadsheet's frame around a line, not a table column."""
    return not cell.text and abs(cell.bbox[0] - left) <= 1 and abs(cell.bbox[2] - right) <= 1


def _framed_line(row: list[GridCell], xs: list[float]) -> bool:
    """A row that is a line of text printed inside the ruling (a title, a
    编制单位 … 单位：元 line): one cell spanning the whole width, or at most two
    texts with blank unmerged cells between or beside them."""
    filled = [c for c in row if c.text]
    if not filled:
        return False
    whole = len(filled) == 1 and filled[0].bbox[0] - xs[0] <= 1 and xs[-1] - filled[0].bbox[2] <= 1
    blanks = any(_blank_unmerged(c, xs[k], xs[k + 1]) for k, c in enumerate(row))
    return whole or (len(filled) <= 2 and blanks)


def _title_rows(grid: Grid) -> int:
    """How many leading rows (empty ones included) are lines printed inside
    the ruling rather than table content; at least one row stays a row."""
    n = 0
    for k, row in enumerate(grid.rows):
        if not any(c.text for c in row):
            continue
        if not _framed_line(row, grid.xs) or k == len(grid.rows) - 1:
            break
        n = k + 1
    return n


def _shift(block: Block, offset: int, run: list[tuple[TextLine, int]]) -> None:
    """A block the text readers read from a run of text lines: line numbers of the
    whole rendered text, and the page and box of its lines (a row's cells get the box
    of their row's line)."""
    def place(line: int) -> tuple[int, tuple[float, float, float, float]]:
        text_line, page = run[line - 1]
        return page, _round_box(text_line.bbox)

    block.page, block.bbox = place(block.line)
    boxes = [place(n)[1] for n in range(block.line, block.end_line + 1)
             if place(n)[0] == block.page]
    block.bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                  max(b[2] for b in boxes), max(b[3] for b in boxes))
    for row in block.rows:
        page, box = place(row.line)
        for cell in row.cells:
            cell.page, cell.bbox = page, box
            cell.line += offset
        row.line += offset
    if block.kind != "table":
        block.layout = "pdf"
    block.line += offset
    block.end_line += offset


def _column_map(a: Grid, b: Grid) -> list[int] | None:
    """For each column boundary of ``b`` the matching boundary of ``a``, when
    every one of ``b``'s has a match and the outer ones are the same: ``b``
    goes on with ``a``'s columns (a continuation whose only row is a merged
    合计 row draws fewer boundaries)."""
    out = []
    for x in b.xs:
        k = min(range(len(a.xs)), key=lambda i: abs(a.xs[i] - x))
        if abs(a.xs[k] - x) > SAME_COLUMN:
            return None
        out.append(k)
    if out[0] != 0 or out[-1] != len(a.xs) - 1:
        return None
    return out


def _onto_columns(
    rows: list[list[GridCell]], mapping: list[int], width: int
) -> list[list[GridCell]]:
    """Rows of a continued table laid onto the first part's columns."""
    if mapping == list(range(width + 1)):
        return rows
    out = []
    for row in rows:
        new: list[GridCell] = []
        for k in range(width):
            if k in mapping[:-1]:
                new.append(row[mapping.index(k)])
            else:  # a column inside a cell of the continuation: that cell's box, no text
                new.append(GridCell("", new[-1].bbox))
        out.append(new)
    return out


def _texts(row: list[GridCell]) -> list[str]:
    return [c.text for c in row]


@dataclass
class _OpenTable:
    block: Block
    header: list[list[str]]  # the first page's leading rows, to spot repeats
    grid: Grid


class _Renderer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.blocks: list[Block] = []
        self.open: _OpenTable | None = None
        self.run: list[tuple[TextLine, int]] = []  # text lines since the last table

    def text_line(self, line: TextLine, page: int) -> None:
        self.run.append((line, page))
        self.open = None

    def flush(self) -> None:
        """The text lines since the last ruled table, read by the text readers: a
        table printed without ruling is laid out in columns (``lines.lay_out``) and
        read as ``pdftotext -layout`` text is; the rest are headings and paragraphs."""
        if not self.run:
            return
        offset, run = len(self.lines), self.run
        self.run = []
        self.lines.extend(line.layout or line.text for line, _ in run)
        for block in read_blocks("\n".join(self.lines[offset:])):
            _shift(block, offset, run)
            self.blocks.append(block)

    def table(self, grid: Grid, page: int, mapping: list[int] | None) -> None:
        """A ruled table, or with ``mapping`` (see ``continuation``) the next part of
        the open one."""
        rows = grid.rows
        if mapping is not None and self.open is not None:
            rows = _onto_columns(rows, mapping, len(self.open.grid.xs) - 1)
            skip = 0
            header = self.open.header
            while skip < len(rows) and skip < len(header) and _texts(rows[skip]) == header[skip]:
                skip += 1
            rows = rows[skip:]
            block = self.open.block
        else:
            lifted = _title_rows(grid)
            for row in rows[:lifted]:
                filled = [c for c in row if c.text]
                if filled:
                    x0, y0, _, y1 = filled[0].bbox
                    text = " ".join(c.text for c in filled)
                    self.text_line(TextLine([], text, x0, y0, filled[-1].bbox[2], y1), page)
            rows = rows[lifted:]
            self.flush()
            if not rows:
                return
            block = Block(
                kind="table", line=len(self.lines) + 1, end_line=len(self.lines) + 1,
                layout="pdf", page=page, bbox=_round_box(grid.bbox),
            )
            self.blocks.append(block)
            self.open = _OpenTable(block, [_texts(r) for r in rows[:6]], grid)
        for row in rows:
            if not any(c.text for c in row):
                continue
            self.lines.append("\t".join(c.text for c in row))
            lineno = len(self.lines)
            cells = []
            for c in row:
                text, kept = make_text(c.text)
                cells.append(Cell(text, lineno, kept, page, _round_box(c.bbox)))
            block.rows.append(Row(cells, lineno))
            block.end_line = lineno

    def continuation(self, grid: Grid, first_on_page: bool) -> list[int] | None:
        """How ``grid``'s columns map onto the open table's, when it goes on with it."""
        if not first_on_page or self.open is None:
            return None
        return _column_map(self.open.grid, grid)


def render(pages: list[PageItems]) -> tuple[str, list[Block]]:
    out = _Renderer()
    for page in pages:
        for k, item in enumerate(page.items):
            if isinstance(item, Grid):
                out.table(item, page.number, out.continuation(item, k == 0))
            else:
                out.text_line(item, page.number)
        # A table may go on only onto the next page's first item.
        if page.items and not isinstance(page.items[-1], Grid):
            out.open = None
    out.flush()
    blocks = [b for b in out.blocks if b.kind != "table" or b.rows]
    return "\n".join(out.lines) + "\n", blocks
