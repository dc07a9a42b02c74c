"""Find the tables of a report: title, number, 编制单位, currency, grid rows, notes.

The reader layer gives headings, paragraphs and grids in document order.
A table region opens at a number marker ("表1", "表一：", "单位公开表 3-1")
or a title line (recognised through the table-type code list, or any short
line ending in 表 that a grid follows), collects its 编制单位/单位 lines and
the grid rows that follow — across page breaks, i.e. several grid blocks —
and closes at the next title or the first line of running text. A title
with no grid before the next title is an announcement (a contents entry, or
a table the report promised and left out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.codelists import currency_unit
from loaders.model import Block, Row
from loaders.tables import lookup, pieces, recognise
from loaders.tables.positions import line_cell
from loaders.text import label_key

# "编制单位：X", "单位：万元", "金额单位：万元", "单位：316002-X", several per line.
_META_NAMES = (
    "编制单位|编制部门|预算主管部门|主管部门|填报单位|预算单位|单位名称|金额单位|计量单位|单位"
)
_META_RE = re.compile(
    rf"({_META_NAMES})\s*[:：]\s*"
    r"(.*?)(?=\s*(?:编制单位|编制部门|填报单位|金额单位|计量单位|单位)\s*[:：]|$)"
)
_META_HEAD = re.compile(rf"^\s*(?:{_META_NAMES})\s*[:：]")
# "万元（保留两位小数）": the unit is what precedes a bracketed remark.
_REMARK = re.compile(r"\s*[（(].*$")
_NOTE_RE = re.compile(r"^\s*(?:备注|附注|注|说明|空表说明|填表说明)\s*[0-9一二三]*\s*[:：]")
_PAGE_RE = re.compile(
    r"^(?:[-—－\s]*\d+[-—－\s]*|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|续表|[（(]续[)）])$"
)
_SECTION_RE = re.compile(r"^第[一二三四五六七八九十0-9]+部分")
# A title line of a table that is still waiting for its grid may be followed
# by short lines such as "(2023年)"; running text ends the wait.
_SHORT_TEXT = 20
_HEADER_ROWS = 6  # rows a header may take, searched for a bracketed currency
_NAME_RUN = 16  # short lines (names of rows without amounts) before a row


@dataclass
class Item:
    line: int
    text: str = ""
    row: Row | None = None
    layout: str = ""  # the reader that made the row
    raw: str | None = None  # a line of text as printed, for its words' columns


@dataclass
class Region:
    line: int
    title: str = ""
    number: str | None = None
    table_type: str | None = None  # None: no recognised title
    titled: bool = False
    compiler: str | None = None
    currency: str | None = None
    rows: list[Row] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    # Short lines between the title and the grid (header words a text tool
    # printed apart), and lines of text read as rows (``regrid``).
    pre: list[Row] = field(default_factory=list)
    text_lines: set[int] = field(default_factory=set)
    layouts: set[str] = field(default_factory=set)  # readers of its grid rows
    end_line: int = 0
    closed: bool = False

    @property
    def skip(self) -> bool:
        return self.table_type in recognise.PERFORMANCE_TYPES

    def last_line(self) -> int:
        lines = [self.line, self.end_line]
        lines += [r.line for r in self.rows[-1:]] + [n for n, _ in self.notes[-1:]]
        return max(lines)


def meta_fields(text: str) -> dict[str, str]:
    """{"compiler": …, "currency": …} from a 编制单位/单位 line (may be empty)."""
    out: dict[str, str] = {}
    text = text.strip().strip("（）()").strip()  # "（单位：万元）"
    if not _META_HEAD.match(text):
        return out
    for m in _META_RE.finditer(text):
        name, value = m.group(1), m.group(2).strip()
        if not value:
            continue
        currency = currency_unit(_REMARK.sub("", value)) if value else None
        if currency:
            out["currency"] = currency.label
        elif name not in ("金额单位", "计量单位"):
            out.setdefault("compiler", value)
    return out


_BRACKETED = re.compile(r"[（(]\s*(?:(?:金额)?单位\s*[:：]\s*)?([^（）()]{1,6})\s*[)）]")


def header_currency(rows: list[Row]) -> str | None:
    """A currency unit printed in brackets in a table's header ("合计（万元）")."""
    for row in rows[:_HEADER_ROWS]:
        for text in row.texts():
            for m in _BRACKETED.finditer(text):
                unit = currency_unit(m.group(1))
                if unit:
                    return unit.label
    return None


def is_note(text: str) -> bool:
    return bool(_NOTE_RE.match(text))


def _items(blocks: list[Block]) -> list[Item]:
    items: list[Item] = []
    for b in blocks:
        if b.kind != "table":
            for k, part in enumerate(b.text.split("\n")):
                if part.strip():
                    items.append(Item(line=b.line + k, text=part.strip(),
                                      raw=b.raw if b.line == b.end_line else None))
            continue
        for row in b.rows:
            texts = [t for t in row.texts() if t]
            # A title, table number or "金额单位：万元" printed inside the grid
            # (its own row, maybe beside each other) is a line of text.
            if texts and len(texts) <= 3 and all(_is_caption(t) for t in texts):
                items.extend(Item(line=row.line, text=t) for t in texts)
            elif texts:
                items.append(Item(line=row.line, row=row, layout=b.layout))
    return items


def _is_caption(text: str) -> bool:
    return bool(meta_fields(text)) or recognise.looks_like_title(text) or (
        recognise.number_marker(text) is not None)


def _row_of_text(items: list[Item], i: int, text: str, run: int = 3) -> bool:
    """A line of text inside a table: amounts after names, or a short name
    (a row without amounts, a header word) with such a row or grid within ``run`` lines."""
    if pieces.text_row_pieces(text) is not None:
        return True
    if label_key(text) in ("合计", "总计"):
        return True  # the 合计 row of an empty table, a blank line or two below its header
    if not _short_or_header_words(text) or pieces.SENTENCE.search(text) \
            or meta_fields(text) or recognise.looks_like_title(text) or _SECTION_RE.match(text):
        return False
    for it in items[i + 1 : i + 1 + run]:
        if it.row is not None or pieces.text_row_pieces(it.text) is not None:
            return True
        if not _short_or_header_words(it.text) or meta_fields(it.text) or is_note(it.text) \
                or recognise.looks_like_title(it.text):
            return False
    return False


def _short_or_header_words(text: str) -> bool:
    """A short line, or one of column headers only ("预算数 决算数 预算数 …")."""
    return len(text) <= _SHORT_TEXT or all(lookup.column_key(w) for w in text.split())


def _next_is_grid(items: list[Item], i: int) -> bool:
    """Whether a grid follows item ``i``, past 编制单位/单位 lines only."""
    for it in items[i + 1 : i + 6]:
        if it.row is not None:
            return True
        if not meta_fields(it.text) and not _PAGE_RE.match(it.text):
            return False
    return False


@dataclass
class Located:
    regions: list[Region]  # regions with a grid (performance ones included)
    announced: list[Region]  # titles or numbers with no grid


def locate(blocks: list[Block], unit_name: str | None) -> Located:
    items = _items(blocks)
    regions: list[Region] = []
    announced: list[Region] = []
    cur: Region | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None and not cur.closed:
            cur.closed = True
            cur.end_line = cur.last_line()
            (regions if cur.rows else announced).append(cur)

    def open_region(line: int, **kw) -> Region:
        nonlocal cur
        close()
        cur = Region(line=line, **kw)
        return cur

    for i, it in enumerate(items):
        if it.row is not None:
            if cur is None or cur.closed:
                # A grid with no title of its own: a continuation of a skipped
                # performance table, or an untitled table.
                follows_skip = bool(regions) and regions[-1].skip and (
                    cur is None or cur.closed)
                open_region(it.line, table_type=regions[-1].table_type if follows_skip else None)
            cur.rows.append(it.row)
            cur.layouts.add(it.layout)
            continue
        text = it.text
        marker = recognise.number_marker(text)
        if marker is not None and cur is not None and not cur.closed and cur.rows \
                and marker.number == cur.number:
            continue  # the number repeated on the next page: same table goes on
        if marker is not None:
            ttype = recognise.table_type(marker.rest, unit_name) if marker.rest else None
            open_region(it.line, number=marker.number, title=marker.rest, table_type=ttype,
                        titled=bool(marker.rest))
            continue
        if recognise.looks_like_title(text):
            ttype = recognise.table_type(text, unit_name)
            if ttype is not None or _next_is_grid(items, i):
                if cur is not None and not cur.closed and not cur.rows and not cur.titled \
                        and (cur.number is not None or cur.currency or cur.compiler):
                    # its number, or its 编制单位/单位 line printed above the title
                    cur.title, cur.table_type, cur.titled = text, ttype, True
                elif (cur is not None and not cur.closed and cur.rows and cur.titled
                      and text == cur.title):
                    pass  # the title repeated on the next page: same table goes on
                else:
                    open_region(it.line, title=text, table_type=ttype, titled=True)
                continue
        meta = meta_fields(text)
        if meta:
            if cur is None or cur.closed or cur.rows:
                open_region(it.line)
            if "currency" in meta:
                cur.currency = cur.currency or meta["currency"]
            if "compiler" in meta:
                cur.compiler = cur.compiler or meta["compiler"]
            continue
        if _PAGE_RE.match(text):
            continue
        if cur is None or cur.closed:
            continue
        if cur.rows:
            first_after = not cur.notes
            if is_note(text) or (first_after and "空表" in text):
                cur.notes.append((it.line, text))
                continue
            # In space-aligned columns, names of rows without amounts may run on for a while
            # (a two-sided table's side with none beside the other's list of classes).
            run = _NAME_RUN if "aligned" in cur.layouts else 3
            if first_after and _row_of_text(items, i, text, run):
                # A row the text tool printed as a line of its own.
                cur.rows.append(Row([line_cell(it.raw, text, it.line)], it.line))
                cur.text_lines.add(it.line)
                continue
            close()
        elif cur.titled and pieces.text_row_pieces(text) is not None:
            cur.rows.append(Row([line_cell(it.raw, text, it.line)], it.line))
            cur.text_lines.add(it.line)
        elif _SECTION_RE.match(text) or len(text) > _SHORT_TEXT or recognise.looks_like_title(text):
            close()
        elif cur.titled:
            cur.pre.append(Row([line_cell(it.raw, text, it.line)], it.line))
    close()
    return Located(regions, announced)
