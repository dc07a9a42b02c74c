"""A 三公 table in column form whose header a text tool scattered over lines.

"合计 | 因公出国（境）费 | 公务接待费 | 公务用车购置及运行费 (小计 | 购置费 | 运行费) |
机关运行经费" prints its headers on four or five lines, some of them apart from
the grid and without positions, and its one row of amounts on a line of its
own — with blank cells where an item is nil. The items are 三公 line items
of ``line-items.ttl``, and their hierarchy is the table's own check: 合计 is
the sum of 出国 + 接待 + 公务用车, 公务用车 of 购置 + 运行. So the amounts are
placed under the items in printed order where the identities allow exactly
one placement; an amount no identity places stays in an unrecognised column
(reported by the caller), the first one is 合计's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from loaders.codelists import label_key
from loaders.model import Cell, Row
from loaders.tables import lookup
from loaders.tables.cells import parse_amount
from loaders.tables.header import SUBTOTAL_WORDS
from loaders.tables.placement import half_unit

ROOT = "sangong-total"
_YEAR_HEAD = re.compile(r"^(?:19|20)\d{2}年度?")


@dataclass
class Word:
    text: str
    col: int  # reader column; -1 for a word on a line of text (no position)
    row: int
    order: int
    item: str | None = None  # line item it names; ROOT for 合计


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
        for c, text in enumerate(row.texts()):
            for w in text.split():
                words.append(Word(w, c if positioned else -1, r, n, _item(w)))
                n += 1
    for a in [w for w in words if w.item is None and label_key(w.text) not in SUBTOTAL_WORDS]:
        for b in [w for w in words if w.col == a.col and w.row > a.row and w.item is None]:
            item = _item(a.text + b.text)
            if item and a in words and b in words:
                words.remove(a)
                words[words.index(b)] = Word(a.text + b.text, b.col, b.row, b.order, item)
                break
    return words


def is_column_form(words: list[Word]) -> bool:
    items = lookup.descendants_of("line-items", ROOT)
    return len({w.item for w in words if w.item in items and w.item != ROOT}) >= 2


@dataclass
class Leaf:
    text: str
    item: str
    group: str | None = None  # the group header printed over a 小计 leaf


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
    if any(w.col < 0 for w in own):
        return None  # an item on a line of text: where it stands is lost
    out: list[Leaf] = []
    for k, w in enumerate(own):
        if label_key(w.text) in SUBTOTAL_WORDS and w.item is None:
            nxt = next((x.item for x in own[k + 1:] if x.item), None)
            parent = next((g for g in lookup.ancestors("line-items", nxt or "") if g in groups),
                          None)
            if k == 0 or parent is None:
                out.append(Leaf(w.text, ROOT))
            else:
                out.append(Leaf(w.text, parent, group_text[parent]))
        else:
            out.append(Leaf(w.text, w.item or ROOT))
    seen = {leaf.item for leaf in out}
    others = sorted((w for w in words if w.item and w.item not in sangong and w.item not in seen),
                    key=lambda w: (w.col < 0, w.col, w.row, w.order))
    out += [Leaf(w.text, w.item) for w in others if w.item]
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


def place(amounts: list[str], cols: list[Leaf]) -> dict[int, int]:
    """amount index → column, for the amounts the identities place; the first
    amount is 合计's."""
    n = len(cols)
    values = [parse_amount(a) or Decimal(0) for a in amounts]
    tol = half_unit(amounts)
    fits = []
    for rest in combinations(range(1, n), len(amounts) - 1):
        slots = (0, *rest)
        if _holds(dict(zip(slots, values, strict=True)), cols, tol):
            fits.append(slots)
    placed: dict[int, int] = {0: 0} if amounts else {}
    for i in range(1, len(amounts)):
        choices = {f[i] for f in fits}
        if len(choices) == 1:
            placed[i] = choices.pop()
    return placed


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
        return None
    cols = leaves(words)
    if cols is None:
        return None
    rows_amounts = [amounts_of(r) for r in data]
    open_lines: list[int] = []
    placed = []
    for r, amounts in zip(data, rows_amounts, strict=True):
        p = place(amounts, cols) if len(amounts) <= len(cols) else {}
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
