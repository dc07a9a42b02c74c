"""Tables written as a stream of cells, one per line (plain ``pdftotext``, copy-paste).

Such an extraction keeps no columns: each non-blank cell is a line of its own, blank cells
are left out, code parts (类/款/项) and names may stand on lines of their own and the text
tool may move a run of cells away from its row. The reader claims a region only when it
opens with header words right after a table's title or 单位 line and goes on as a run of
short lines with amounts among them (the other layouts print several cells on a line, so
it never claims their text). It rebuilds the grid — one header row of the amount columns
the header names (``columns.ttl``), one row per name with the amounts that follow it — and
places a row's amounts only where that is certain (``stream_rows``); every amount it cannot
place is named in a ``row-not-placed`` warning on the block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from loaders.model import Block, Cell, LoadWarning, Row
from loaders.readers.base import table_block
from loaders.readers.stream_rows import StreamRow, StreamTable, check_codes, place, split_rows
from loaders.readers.stream_tokens import (
    MAX_CELL,
    Token,
    amount_run,
    classify,
    is_stream_line,
    tokens,
)
from loaders.tables import recognise
from loaders.tables.locate import meta_fields

# Sentence punctuation: a short line of prose after the table, never a cell.
_SENTENCE = re.compile(r"[，。；！？]")
# "单位：元" / "（单位:万元）" on a line of its own; "单位资金" is a column label.
_UNIT_LINE = re.compile(r"^[（(]?\s*(?:金额)?单位\s*[:：]")
_NOTE = re.compile(r"^(?:注|说明)\s*\d*\s*[:：]")  # a note under the table
_LOOK_BACK = 4  # non-blank lines between a title / 单位 line and the header
_WINDOW = 80  # non-blank lines looked at for amounts and column labels
_MIN_AMOUNTS = 1
_MIN_CELLS = 8  # a table's header and a row at least: shorter runs are left as text


def _opens_table(line: str) -> bool:
    s = line.strip()
    if recognise.looks_like_title(s) and recognise.table_type(s):
        return True
    return bool(meta_fields(s)) or _UNIT_LINE.match(s) is not None


def _ends_region(line: str) -> bool:
    s = line.strip()
    return (not is_stream_line(line) or _opens_table(s) or _NOTE.match(s) is not None
            or _SENTENCE.search(s) is not None)


def _content(lines: Sequence[str], i: int, step: int, count: int) -> list[int]:
    out: list[int] = []
    j = i
    while 0 <= j < len(lines) and len(out) < count:
        if lines[j].strip():
            out.append(j)
        j += step
    return out


class StreamReader:
    name = "stream"

    def detect(self, lines: Sequence[str], i: int) -> bool:
        if not is_stream_line(lines[i]) or _opens_table(lines[i]):
            return False
        head = classify(lines[i], i + 1)
        if head.kind not in ("column", "word") or len(lines[i].strip()) > MAX_CELL // 2:
            return False
        if not any(_opens_table(lines[j]) for j in _content(lines, i - 1, -1, _LOOK_BACK)):
            return False
        window = _content(lines, i, 1, _WINDOW)
        ends = [k for k, j in enumerate(window) if _ends_region(lines[j])]
        window = window[: ends[0]] if ends else window
        if len(window) < _MIN_CELLS:
            return False
        kinds = [classify(lines[j], j + 1).kind for j in window]
        return kinds.count("amount") >= _MIN_AMOUNTS and "column" in kinds

    def read(self, lines: Sequence[str], i: int) -> tuple[Block, int]:
        end = i
        while end < len(lines) and (not lines[end].strip() or not _ends_region(lines[end])):
            end += 1
        # The region ends at its last cell of the table; words after it (a heading such as
        # "其他相关情况说明") are the text that follows.
        while end > i and (not lines[end - 1].strip()
                           or (classify(lines[end - 1], end).kind == "word"
                               and not amount_run(lines[end - 1]))):
            end -= 1
        toks = tokens(list(lines), i, end)
        table = split_rows(toks)
        check_codes(table)
        place(table)
        block = table_block(_grid(table, toks), self.name, i + 1, end)
        block.warnings = _warnings(table)
        return block, end


def _cell(tok: Token | None, text: str | None = None, line: int = 0) -> Cell:
    if tok is None:
        return Cell(text=text or "", line=line)
    return Cell(text=tok.text if text is None else text, line=tok.line)


def _grid(table: StreamTable, toks: list[Token]) -> list[Row]:
    """One header row (code, name, amount columns) and one row per placed row."""
    first = toks[0].line if toks else 0
    header = Row([Cell("科目编码", first), Cell("科目名称", first),
                  *(_cell(c) for c in table.columns)], first)
    rows = [header]
    for r in table.rows:
        if not r.cells:
            continue
        code = Cell(r.code or "", r.codes[0].line if r.codes else r.name.line)
        amounts = [Cell("", r.name.line) for _ in table.columns]
        for slot, tok in r.cells.items():
            amounts[slot] = _cell(tok)
        rows.append(Row([code, _cell(r.name), *amounts], r.name.line))
    return rows


def _row_words(r: StreamRow) -> str:
    code = f" {r.code}" if r.code else ""
    return f"'{r.name.text}'{code} (line {r.name.line})"


def _warnings(table: StreamTable) -> list[LoadWarning]:
    cols = ", ".join(c.text for c in table.columns) or "none found"
    out = []
    for r in table.rows:
        if r.unplaced():
            amounts = ", ".join(a.text for a in r.unplaced())
            out.append(LoadWarning("row-not-placed", f"row {_row_words(r)} of a table printed "
                                   f"one cell per line: {amounts} not placed, {r.problem} "
                                   f"(columns: {cols})", r.name.line))
    for run in table.orphans:
        amounts = ", ".join(a.text for a in run)
        out.append(LoadWarning("row-not-placed", f"amounts {amounts} (line {run[0].line}) of a "
                               "table printed one cell per line stand apart from any row name; "
                               "not placed", run[0].line))
    return out


READER = StreamReader()
