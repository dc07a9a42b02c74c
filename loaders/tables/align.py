"""Cells that text extraction put in the wrong column, put back by the sums.

PDF extraction sometimes gives the rows of one page a different number of
cells than the header on the page before (000 表2: 16 cells under a
15-column header), so a cell's position no longer says its column; in a
space-aligned layout that shows only in the arithmetic. Classification
tables carry their own check: a 款 is the sum of its 项, a 类 of its 款,
the total row of the 类. When some of those sums fail, this module looks
for the column shift — cells from position k on moved s columns, for one
row or a row with all rows under it — that makes the most sums hold, and
applies the best one while it gains at least ``_MIN_GAIN`` sums; nothing
else changes. Amounts are never touched, only which column a cell is read
under, and every move is reported (``columns-realigned``).

An author's arithmetic error (a 款 whose 项 do not add up) stays: no column
shift makes more sums hold than it breaks.
"""

from __future__ import annotations

from decimal import Decimal

from loaders.model import LoadWarning
from loaders.numbers import parse_amount
from loaders.tables.header import Grid

_TOLERANCE = Decimal("0.01")
_MIN_GAIN = 2
_SHIFTS = (-1, 1, -2, 2)
_MAX_MOVES = 20
Mapping = dict[int, int]  # cell index → column index


def _parent(code: str | None, is_total: bool) -> str | None:
    if is_total or not code:
        return None
    if len(code) in (5, 7, 9):
        return code[:-2]
    return "TOTAL" if len(code) == 3 else None


class _Table:
    def __init__(self, texts: list[list[str]], codes: list[str | None], totals: list[bool],
                 targets: set[int]) -> None:
        self.targets = targets
        self.filled = [
            # (a table with no amount column has no amount cells: "序号 | 单位名称")
            [i for i, t in enumerate(row) if parse_amount(t) is not None
             and (i in targets or (targets and i >= max(targets)))]
            for row in texts
        ]
        self.amounts = [{i: parse_amount(row[i]) for i in cells}
                        for row, cells in zip(texts, self.filled, strict=True)]
        self.maps: list[Mapping] = [{i: i for i in cells} for cells in self.filled]
        node: dict[str, int] = {}
        for r, (code, total) in enumerate(zip(codes, totals, strict=True)):
            name = code or ("TOTAL" if total else None)
            if name and name not in node:
                node[name] = r
        kids: dict[str, list[int]] = {}
        for r, (code, total) in enumerate(zip(codes, totals, strict=True)):
            p = _parent(code, total)
            if p in node and code and node[code] == r:
                kids.setdefault(p, []).append(r)
        self.groups = [(node[p], rows) for p, rows in kids.items()]
        self.member: dict[int, list[int]] = {}
        for g, (parent, rows) in enumerate(self.groups):
            for r in (parent, *rows):
                self.member.setdefault(r, []).append(g)
        self.under = {
            r: [x for x, c in enumerate(codes) if c and code and c != code and c.startswith(code)]
            for r, code in enumerate(codes)
        }

    def values(self, r: int, mapping: Mapping) -> dict[int, Decimal]:
        return {mapping[i]: self.amounts[r][i] for i in mapping}

    def group_score(self, g: int, override: dict[int, Mapping]) -> int:
        parent, rows = self.groups[g]
        vals = {x: self.values(x, override.get(x, self.maps[x])) for x in (parent, *rows)}
        score = 0
        for col in set().union(*(v.keys() for v in vals.values())):
            lhs = vals[parent].get(col, Decimal(0))
            rhs = sum((vals[k].get(col, Decimal(0)) for k in rows), Decimal(0))
            if lhs or rhs:
                score += 1 if abs(lhs - rhs) <= _TOLERANCE else -1
        return score

    def shifted(self, r: int, k: int, s: int) -> Mapping | None:
        if len(self.filled[r]) > len(self.targets):
            return None  # more cells than amount columns: no shift maps them one-to-one (and
            # building the mapping for every k would make a long row cost its length squared)
        m = {i: (i + s if i >= k else i) for i in self.filled[r]}
        if any(c not in self.targets for c in m.values()) or len(set(m.values())) < len(m):
            return None
        return m


def realign(
    texts: list[list[str]], codes: list[str | None], totals: list[bool], lines: list[int],
    grid: Grid,
) -> tuple[list[Mapping], LoadWarning | None]:
    """One cell→column mapping per row: by position unless the sums say otherwise."""
    targets = {c.index for c in grid.columns if c.role == "amount" and c.header}
    t = _Table(texts, codes, totals, targets)
    moved: dict[int, int] = {}
    for _ in range(_MAX_MOVES):
        suspects = _suspects(t)
        if not suspects:
            break
        best_gain, best = 0, None
        base = {g: t.group_score(g, {}) for g in range(len(t.groups))}
        for r in sorted(suspects):
            for s in _SHIFTS:
                for k in sorted({i for i in t.filled[r]}):
                    first = t.shifted(r, k, s)
                    if first is None or first == t.maps[r]:
                        continue
                    for scope in ([r], [r, *t.under[r]]):
                        override = {r: first}
                        for x in scope[1:]:
                            m = t.shifted(x, k, s)
                            if m is not None:
                                override[x] = m
                        groups = {g for x in override for g in t.member.get(x, [])}
                        gain = sum(t.group_score(g, override) - base[g] for g in groups)
                        if gain > best_gain:
                            best_gain, best = gain, (override, s)
        if best is None or best_gain < _MIN_GAIN:
            break
        override, s = best
        for x, m in override.items():
            t.maps[x] = m
            moved[x] = s
    if not moved:
        return t.maps, None
    detail = ", ".join(f"line {lines[r]} {s:+d}" for r, s in sorted(moved.items()))
    return t.maps, LoadWarning(
        "columns-realigned", "cells re-read one or two columns over because the table's "
        f"parent/child sums hold that way and not as printed: {detail}", lines[min(moved)])


def _suspects(t: _Table) -> set[int]:
    """Rows in a sum that fails (parent ≠ sum of children in some column)."""
    rows: set[int] = set()
    for parent, kids in t.groups:
        vals = {x: t.values(x, t.maps[x]) for x in (parent, *kids)}
        for col in set().union(*(v.keys() for v in vals.values())):
            lhs = vals[parent].get(col, Decimal(0))
            rhs = sum((vals[k].get(col, Decimal(0)) for k in kids), Decimal(0))
            if abs(lhs - rhs) > _TOLERANCE:
                rows.update((parent, *kids))
                break
    return rows
