"""A 三公 table in column form whose header a text tool scattered over lines.

"合计 | 因公出国（境）费 | 公务接待费 | 公务用车购置及运行费 (小计 | 购置费 | 运行费) |
机关运行经费" prints its headers on four or five lines, some of them apart from
the grid and without positions, and its one row of amounts on a line of its
own — with blank cells where an item is nil. The items are 三公 line items
of ``line-items.ttl``, and their hierarchy is the table's own check: 合计 is
the sum of 出国 + 接待 + 公务用车, 公务用车 of 购置 + 运行. So the amounts are
placed under the items in printed order where the identities allow exactly
one placement; where the identities leave a choice (合计 1.00 and one item 1.00: 出国 or
接待?), the item whose header stands nearest to the amount on the line decides, when the text
kept the words' columns (``positions``) and one is nearest. An amount neither places stays in
an unrecognised column (reported by the caller), the first one is 合计's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from loaders.model import Cell, Row
from loaders.numbers import parse_amount
from loaders.tables import lookup
from loaders.tables.header import SUBTOTAL_WORDS
from loaders.tables.pieces import is_amount_token
from loaders.tables.placement import half_unit
from loaders.tables.positions import Span, distance, nearest, word_spans
from loaders.text import label_key

ROOT = "sangong-total"
_YEAR_HEAD = re.compile(r"^(?:19|20)\d{2}年度?")


@dataclass
class Word:
    text: str
    col: int  # reader column; -1 for a word on a line of text (no position)
    row: int
    order: int
    item: str | None = None  # line item it names; ROOT for 合计
    span: Span | None = None  # character columns on its line, when the text kept them


def _item(text: str) -> str | None:
    if label_key(text) in SUBTOTAL_WORDS:
        return None
    keys = lookup.line_item_keys(_YEAR_HEAD.sub("", text))
    return lookup.choose_in_context("line-items", keys, text, []) if keys else None


def header_words(header: list[Row]) -> list[Word]:
    """Header words with their positions; a word cut by a line wrap in one column
    ("2024年机关运行经" … "费预算数") is joined when the join names a line item."""
    words: list[Word] = []
    n = 0
    for r, row in enumerate(header):
        positioned = len(row.cells) > 1
        for c, cell in enumerate(row.cells):
            for w, span in word_spans(cell):
                words.append(Word(w, c if positioned else -1, r, n, _item(w), span))
                n += 1
    for a in [w for w in words if w.item is None and label_key(w.text) not in SUBTOTAL_WORDS]:
        for b in [w for w in words if _same_column(a, w) and w.row > a.row and w.item is None]:
            item = _item(a.text + b.text)
            if item and a in words and b in words:
                words.remove(a)
                words[words.index(b)] = Word(a.text + b.text, b.col, b.row, b.order, item,
                                             _cover(a.span, b.span))
                break
    return words


def _same_column(a: Word, b: Word) -> bool:
    """Words one above the other: the same reader column, or overlapping columns on the line."""
    if a.span is not None and b.span is not None:
        return distance(a.span, b.span) == 0
    return a.col == b.col


def _cover(a: Span | None, b: Span | None) -> Span | None:
    return (min(a[0], b[0]), max(a[1], b[1])) if a is not None and b is not None else None


def is_column_form(words: list[Word]) -> bool:
    items = lookup.descendants_of("line-items", ROOT)
    return len({w.item for w in words if w.item in items and w.item != ROOT}) >= 2


@dataclass
class Leaf:
    text: str
    item: str
    group: str | None = None  # the group header printed over a 小计 leaf
    span: Span | None = None  # where its header stands on the line


def leaves(words: list[Word]) -> list[Leaf] | None:
    """Amount columns left to right: 三公 items and 小计 by position, then the other
    items (机关运行经费) the table prints beside them. A 三公 item over others
    (公务用车购置及运行费 over 购置费 / 运行费) is a group header, its 小计 the column."""
    sangong = lookup.descendants_of("line-items", ROOT)
    present = {w.item for w in words if w.item}
    groups = {w.item for w in words if w.item in sangong and w.item != ROOT and any(
        w.item in lookup.ancestors("line-items", p) for p in present)}
    group_text = {w.item: w.text for w in words if w.item in groups}
    own = sorted((w for w in words if (w.item in sangong and w.item not in groups)
                  or label_key(w.text) in SUBTOTAL_WORDS),
                 key=lambda w: (w.col, w.row, w.order))
    # "合计" is the 三公 total; a group title naming the total ("“三公”经费预算数") is no column.
    own = [w for w in own if w.item != ROOT or label_key(w.text) in SUBTOTAL_WORDS]
    if any(w.col < 0 and w.span is None for w in own):
        return None  # an item on a line of text: where it stands is lost
    if all(w.span is not None for w in own):
        own.sort(key=lambda w: (w.span[0] + w.span[1], w.row, w.order))  # type: ignore[index]
    out: list[Leaf] = []
    for k, w in enumerate(own):
        if label_key(w.text) in SUBTOTAL_WORDS and w.item is None:
            nxt = next((x.item for x in own[k + 1:] if x.item), None)
            parent = next((g for g in lookup.ancestors("line-items", nxt or "") if g in groups),
                          None)
            if k == 0 or parent is None:
                out.append(Leaf(w.text, ROOT, span=w.span))
            else:
                out.append(Leaf(w.text, parent, group_text[parent], w.span))
        else:
            out.append(Leaf(w.text, w.item or ROOT, span=w.span))
    seen = {leaf.item for leaf in out}
    others = sorted((w for w in words if w.item and w.item not in sangong and w.item not in seen),
                    key=lambda w: (w.col < 0, w.col, w.row, w.order))
    out += [Leaf(w.text, w.item, span=w.span) for w in others if w.item]
    return out


def _holds(values: dict[int, Decimal], cols: list[Leaf], tol: Decimal) -> bool:
    """Every item printed over others equals their sum (blank = 0)."""
    for p in range(len(cols)):
        kids = [k for k, leaf in enumerate(cols) if k != p and _nearest(leaf.item, cols) == p]
        if not kids:
            continue
        got = sum((values.get(k, Decimal(0)) for k in kids), Decimal(0))
        if abs(values.get(p, Decimal(0)) - got) > tol * (len(kids) + 1):
            return False
    return True


def _nearest(item: str, cols: list[Leaf]) -> int | None:
    """The column of ``item``'s nearest broader item among the columns."""
    for anc in lookup.ancestors("line-items", item):
        for k, leaf in enumerate(cols):
            if leaf.item == anc:
                return k
    return None


def place(amounts: list[str], cols: list[Leaf],
          spans: list[Span | None] | None = None) -> dict[int, int]:
    """amount index → column, for the amounts the identities place (or, among the columns
    they leave open, the one whose header stands nearest, when positions are known); the
    first amount is 合计's."""
    n = len(cols)
    if not amounts:
        return {}
    values = [parse_amount(a) or Decimal(0) for a in amounts]
    tol = half_unit(amounts)
    fits = []
    for rest in combinations(range(1, n), len(amounts) - 1):
        slots = (0, *rest)
        if _holds(dict(zip(slots, values, strict=True)), cols, tol):
            fits.append(slots)
    placed: dict[int, int] = {0: 0} if amounts else {}
    for i in range(1, len(amounts)):
        choices = sorted({f[i] for f in fits})
        if len(choices) > 1 and spans is not None:
            span, heads = spans[i], [cols[c].span for c in choices]
            if span is not None and all(h is not None for h in heads):
                k = nearest(span, heads)  # type: ignore[arg-type]
                if k is not None:
                    fits = [f for f in fits if f[i] == choices[k]]
                    choices = [choices[k]]
        if len(choices) == 1:
            placed[i] = choices[0]
    return placed


def amount_spans(row: Row, count: int) -> list[Span | None] | None:
    """The columns of a row's ``count`` amounts, when the text kept them."""
    spans = [s for cell in row.cells for w, s in word_spans(cell) if is_amount_token(w)]
    return spans if len(spans) == count and all(s is not None for s in spans) else None


def _in_group(k: int, cols: list[Leaf]) -> bool:
    """Whether column ``k`` is an item under the group of an earlier 小计 column."""
    for j in range(k - 1, -1, -1):
        if cols[j].group:
            return cols[j].item in lookup.ancestors("line-items", cols[k].item)
    return False


def rebuild_rows(header: list[Row], data: list[Row], amounts_of: Callable[[Row], list[str]]
                 ) -> tuple[
        list[Row], list[int]] | None:
    """Two header rows (groups, items) and one row per data row; the lines whose
    amounts are not all placed. None when the header names no 三公 columns."""
    words = header_words(header)
    if not is_column_form(words):
        return None
    # Items split again by column (预算数 | 决算数 under each): more columns than words say.
    concepts = [label_key(w.text) for w in words if lookup.column_key(w.text)]
    if any(concepts.count(c) > 1 for c in concepts):
        return _split_by_position(words, data)
    cols = leaves(words)
    if cols is None:
        return None
    rows_amounts = [amounts_of(r) for r in data]
    open_lines: list[int] = []
    placed = []
    for r, amounts in zip(data, rows_amounts, strict=True):
        p = place(amounts, cols, amount_spans(r, len(amounts))) \
            if len(amounts) <= len(cols) else {}
        if len(p) < len(amounts):
            open_lines.append(r.line)
        placed.append(p)
    extra = max((len(a) - len(p) for a, p in zip(rows_amounts, placed, strict=True)), default=0)
    line0 = data[0].line - 1
    # A column's own name fills both header rows, except under a group: there the
    # group sits over its 小计 and spans the items after it.
    top = [Cell(leaf.group or ("" if _in_group(k, cols) else leaf.text), line0)
           for k, leaf in enumerate(cols)] + [Cell("", line0)] * extra
    names = [Cell(leaf.text, line0) for leaf in cols] + [Cell("", line0)] * extra
    out = [Row(top, line0), Row(names, line0)]
    for r, amounts, p in zip(data, rows_amounts, placed, strict=True):
        cells = [Cell("", r.line) for _ in range(len(cols) + extra)]
        spare = len(cols)
        for i, a in enumerate(amounts):
            if i in p:
                cells[p[i]] = Cell(a, r.line)
            else:
                cells[spare] = Cell(a, r.line)
                spare += 1
        out.append(Row(cells, r.line))
    return out, open_lines


def _split_by_position(words: list[Word], data: list[Row]) -> tuple[list[Row], list[int]] | None:
    """Items split again by column (预算数 | 决算数 under each): read only where the text kept
    every word's columns. The repeated words, left to right, are each item's sub-columns in
    turn; an amount goes under the sub-column word nearest to it (one nearest, or the table
    keeps its other reading)."""
    if any(w.span is None for w in words):
        return None
    subs = sorted((w for w in words if w.item is None and lookup.column_key(w.text)
                   and label_key(w.text) not in SUBTOTAL_WORDS),
                  key=lambda w: w.span[0])  # type: ignore[index]
    kinds = list(dict.fromkeys(label_key(w.text) for w in subs))
    cols = leaves([w for w in words if w not in subs])
    if cols is None or len(kinds) < 2 or len(subs) != len(kinds) * len(cols):
        return None
    heads = [w.span for w in subs]
    line0 = data[0].line - 1
    top = [Cell(leaf.group or leaf.text, line0) for leaf in cols for _ in kinds]
    names = [Cell(leaf.text, line0) for leaf in cols for _ in kinds]
    out = [Row(top, line0), Row(names, line0), Row([Cell(w.text, line0) for w in subs], line0)]
    for r in data:
        cells = [Cell("", r.line) for _ in subs]
        for cell in r.cells:
            for w, span in word_spans(cell):
                if not is_amount_token(w):
                    continue
                k = nearest(span, heads) if span is not None else None  # type: ignore[arg-type]
                if k is None or cells[k].text:
                    return None
                cells[k] = Cell(w, r.line)
        out.append(Row(cells, r.line))
    return out, []
