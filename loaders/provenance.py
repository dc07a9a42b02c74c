"""Page and box of each fact, claim and indicator read from a PDF.

The interpreters know only source lines (they read blocks, whatever reader
made them); the PDF reader gave every cell and line a page and a box. This
last pipeline stage copies them over: a fact's cell is the cell at its column
index in the row at its line, a claim's is the text line it starts on, an
indicator's is its table row. Reports read from text have no pages, and
nothing changes for them.
"""

from __future__ import annotations

from loaders.model import BBox, Block, Cell, Report, Row

# A fact's row may have been merged with the physical rows below it (a
# wrapped name); look this many rows on for its cell.
_WRAP_ROWS = 3


def _union(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _row_box(row: Row) -> tuple[int | None, BBox | None]:
    boxes = [c.bbox for c in row.cells if c.bbox is not None]
    page = next((c.page for c in row.cells if c.page is not None), None)
    return page, (_union(boxes) if boxes else None)


def attach_provenance(report: Report, blocks: list[Block]) -> None:
    """Set ``page``/``bbox`` on the report's records from the blocks' cells."""
    if not any(b.page is not None for b in blocks):
        return
    rows: dict[int, Row] = {}
    lines: dict[int, Block] = {}
    order: list[int] = []
    for block in blocks:
        if block.kind == "table":
            for row in block.rows:
                rows[row.line] = row
                order.append(row.line)
        elif block.page is not None:
            lines[block.line] = block
    position = {line: k for k, line in enumerate(order)}

    def fact_cell(line: int, col: int, raw: str) -> Cell | None:
        start = position.get(line)
        if start is None:
            return None
        fallback = None
        for line_k in order[start : start + _WRAP_ROWS]:
            cells = rows[line_k].cells
            if col < len(cells):
                if cells[col].text == raw:
                    return cells[col]
                fallback = fallback or cells[col]
        return fallback

    for table in report.tables:
        for fact in table.facts:
            cell = fact_cell(fact.line, fact.col_index, fact.raw)
            if cell is not None:
                fact.page, fact.bbox = cell.page, cell.bbox
    for claim in report.claims:
        block = lines.get(claim.line)
        if block is not None:
            claim.page, claim.bbox = block.page, block.bbox
        elif claim.line in rows:
            claim.page, claim.bbox = _row_box(rows[claim.line])
    for perf in report.performance:
        for indicator in perf.indicators:
            if indicator.line in rows:
                indicator.page, indicator.bbox = _row_box(rows[indicator.line])
            elif indicator.line in lines:
                block = lines[indicator.line]
                indicator.page, indicator.bbox = block.page, block.bbox
