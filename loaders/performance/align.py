"""Put the cells of a body row under the right header columns.

PDF-to-text output shifts cells: a merged first column is dropped on some
rows (001: level names one column left of their header), a missing level-2
cell pulls the rest of the row left (002 line 461), a row is pushed right by
stray empty cells (003 line 430), or its left part is shifted while the right
part is in place (003 line 431). Rather than keying fixes to rows, every row
is aligned to the header by content: each non-empty cell is placed in a
column (order kept) or dropped, maximising how well each cell fits its
column's role (a number under 分值, an operator value under 指标值, a
level-1 name under 一级指标 …) minus a small cost for every change of shift
along the row (and a tiny one per column moved, to break ties). A row that
fits its columns is taken as printed; the search (a dynamic programme over
cells × columns) only runs when some cell clearly does not fit its column or
the whole row fits better one column over.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.performance.levels import SUFFIX_ONLY, levels_of
from loaders.performance.values import (
    EMPTY,
    NUMBER,
    OPER,
    OPVAL,
    PLACE,
    QUANT,
    TEXT,
    VALUELIKE,
    cell_kind,
)

DROP_COST = 5.0  # leaving a non-empty cell out of the row
SHIFT_COST = 1.0  # each change of offset between consecutive placed cells
BAD_FIT = -2.0  # identity placement with a fit this low triggers the search
# Per column a cell moves: breaks ties towards the nearest column (a lone
# note one column past the header goes under the last column, not far left).
MOVE_COST = 0.05
_VALUES = (NUMBER, OPVAL, QUANT, VALUELIKE)


@dataclass(frozen=True)
class _Item:
    index: int
    text: str
    kind: str
    levels: frozenset[int]


def fit(role: str | None, item: _Item, group_text: str | None = None) -> float:
    """How plausible it is that ``item`` is printed in a column of ``role``."""
    kind, lv = item.kind, item.levels
    known = bool(lv - {SUFFIX_ONLY})  # a level name of the code list
    if role == "group":
        return 2.0 if item.text == group_text else _fit_gap(kind, lv, known)
    if role is None:
        return _fit_gap(kind, lv, known)
    if role == "level1":
        if 1 in lv:
            return 3.0
        if lv:
            return 1.0
        return -3.0 if kind in _VALUES or kind == OPER else -1.0
    if role == "level2":
        if 2 in lv:
            return 3.0
        if lv:
            return 1.5 if SUFFIX_ONLY in lv else 1.0
        return -3.0 if kind in _VALUES or kind == OPER else -0.5
    if role == "level3":
        if kind in (NUMBER, OPVAL, QUANT, OPER):
            return -3.0
        if kind in (PLACE, VALUELIKE) or 1 in lv:
            return -1.0  # VALUELIKE: a date here is odd, "12333热线接通率" is not
        return 0.0 if lv else 1.0
    if role in ("target", "actual"):
        return _fit_value(kind, known)
    if role == "operator":
        return 3.0 if kind in (OPER, PLACE) else -2.0
    if role == "unit":
        if kind == TEXT and not known:
            # A short word: a unit ("次", "元/月") — or a qualitative value
            # ("好") pushed one column right, so no more than a value scores.
            return 1.0 if len(item.text) <= 8 else -1.0
        return 0.0 if kind == PLACE else -2.0
    if role in ("weight", "score", "budget"):
        if kind == NUMBER:
            return 3.0
        return 0.0 if kind == PLACE else -3.0
    return _fit_text(role, kind, lv, known)


def _fit_gap(kind: str, lv: frozenset[int], known: bool) -> float:
    # Unnamed columns hold group labels or nothing: a level name or a value
    # there means the row is shifted.
    return -2.0 if known or kind in _VALUES else -1.0


def _fit_value(kind: str, known: bool) -> float:
    if kind == OPVAL:
        return 3.0
    if kind in (NUMBER, QUANT):
        return 2.0
    if kind == VALUELIKE:
        return 1.5
    if kind == TEXT:
        return -2.0 if known else 0.5
    return 0.0 if kind == PLACE else -1.0


def _fit_text(role: str | None, kind: str, lv: frozenset[int], known: bool) -> float:
    """deviation, unit_name, project, goal, other: text columns."""
    if kind == TEXT:
        if known:
            return -2.0
        if lv:
            return 0.0  # 正向指标 under 指标方向性
        return 1.0 if role in ("deviation", "unit_name", "project") else 0.5
    if role in ("unit_name", "project"):
        if kind == VALUELIKE:
            return 0.0  # "2023年…项目"
        return -3.0 if kind in _VALUES else -2.0
    return 0.0


def align_row(
    texts: list[str], roles: list[str | None], groups: dict[int, str] | None = None
) -> tuple[list[str], list[str]]:
    """(text per header column, dropped non-empty texts) for one body row.

    ``roles`` has one entry per header column; ``groups`` maps the index of
    an unnamed column that repeats one label on every row (004's
    年度绩效指标) to that label, so the label is not mistaken for a level name.
    """
    groups = groups or {}
    col_roles = [("group" if c in groups else r) for c, r in enumerate(roles)]
    items = [
        _Item(i, t, kind, levels_of(t) if kind == TEXT else frozenset())
        for i, t in enumerate(texts)
        if (kind := cell_kind(t)) != EMPTY
    ]
    m = len(col_roles)

    def f(it: _Item, c: int) -> float:
        return fit(col_roles[c], it, groups.get(c)) if 0 <= c < m else float("-inf")

    if not _needs_search(items, f):
        out = [""] * m
        for it in items:
            out[it.index] = it.text
        return out, []
    fits = [[f(it, c) - MOVE_COST * abs(c - it.index) for c in range(m)] for it in items]
    placement = _search(items, fits, m)
    out = [""] * m
    dropped = []
    for it, col in zip(items, placement, strict=True):
        if col is None:
            dropped.append(it.text)
        else:
            out[col] = it.text
    return out, dropped


def _needs_search(items: list[_Item], f) -> bool:
    """Whether the row as printed might not be its best alignment: a cell that
    clearly does not fit its column, or the whole row fitting better one
    column to the left or right. Most rows fit and skip the search."""
    identity = 0.0
    for it in items:
        score = f(it, it.index)
        if score <= BAD_FIT:
            return True
        identity += score
    for shift in (-1, 1):
        shifted = sum(f(it, it.index + shift) for it in items) - SHIFT_COST
        if shifted > identity:
            return True
    return False


def _search(items: list[_Item], fits: list[list[float]], m: int) -> list[int | None]:
    """Best monotone placement of items into m columns (dynamic programming).

    best[k][c]: best score with item k placed in column c as the last placed
    item so far. Its predecessor is the previous placed item j (the items in
    between are dropped); keeping j's offset (column − index) is free, any
    other column left of c costs SHIFT_COST.
    """
    neg = float("-inf")
    n = len(items)
    best = [[neg] * m for _ in range(n)]
    back: list[list[tuple[int, int] | None]] = [[None] * m for _ in range(n)]
    prefix = [[neg] * (m + 1) for _ in range(n)]  # prefix[j][c] = max best[j][:c]
    prefix_at = [[-1] * (m + 1) for _ in range(n)]
    for k, it in enumerate(items):
        for c in range(m):
            # Nothing placed before: the first k items are dropped.
            value = -DROP_COST * k - (SHIFT_COST if c != it.index else 0.0)
            link = None
            for j in range(k):
                dropped = -DROP_COST * (k - j - 1)
                same = c - (it.index - items[j].index)
                if 0 <= same < c and best[j][same] + dropped > value:
                    value, link = best[j][same] + dropped, (j, same)
                moved = prefix[j][c] - SHIFT_COST + dropped
                if moved > value:
                    value, link = moved, (j, prefix_at[j][c])
            best[k][c] = value + fits[k][c]
            back[k][c] = link
        for c in range(m):
            if best[k][c] > prefix[k][c]:
                prefix[k][c + 1], prefix_at[k][c + 1] = best[k][c], c
            else:
                prefix[k][c + 1], prefix_at[k][c + 1] = prefix[k][c], prefix_at[k][c]
    placement: list[int | None] = [None] * n
    end, top = None, -DROP_COST * n
    for k in range(n):
        for c in range(m):
            score = best[k][c] - DROP_COST * (n - 1 - k)
            if score > top:
                end, top = (k, c), score
    while end is not None:
        k, c = end
        placement[k] = c
        end = back[k][c]
    return placement
