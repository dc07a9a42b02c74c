"""Which column a blank-neighboured amount belongs to, from the table's own sums.

When a rebuilt row (``regrid``) prints fewer amounts than the table has
columns, its first amount is the total column's and the order of the others
is known, but not which columns they skip: "100,000.00 100,000.00" under
合计 / 基本支出 / 项目支出 may be 基本 or 项目. The table says it elsewhere:
a parent row is the sum of its children in every column (a 类 of its 款, a
款 of its 项, the 合计 row of the 类, a summary's 合计 of its function
classes). Groups are solved top-down: with the parent placed, every order-
preserving placement of the children's amounts is tried (up to a limit) and
a child is placed only when every placement that makes all the group's
column sums hold agrees on it. Amounts are never changed; what stays open is
reported by the caller, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, product

from loaders import numbers
from loaders.numbers import parse_amount

_MAX_TRIES = 50_000


@dataclass
class Line:
    """One side of one rebuilt row: its amounts and, once known, their columns."""

    key: str  # identity in the sum tree: a code, "TOTAL", or a row id
    parent: str | None
    amounts: list[str]  # as printed, in order; the first is the total column's
    slots: tuple[int, ...] | None  # column of each amount (0 = total); None: open
    # Whether its blank cells are known to be blank (it prints every column, or the sums
    # placed it): only such a line is a parent the sums may use.
    sure: bool = False


def half_unit(texts: list[str]) -> Decimal:
    """The largest rounding any of the amounts may carry: half a unit of its last printed digit."""
    return max((numbers.half_unit(t) for t in texts), default=Decimal(0))


def candidates(line: Line, width: int) -> list[tuple[int, ...]]:
    rest = len(line.amounts) - 1
    return [(0, *c) for c in combinations(range(1, width), rest)]


def _vector(line: Line, slots: tuple[int, ...], width: int) -> list[Decimal]:
    v = [Decimal(0)] * width
    for a, s in zip(line.amounts, slots, strict=True):
        v[s] = parse_amount(a) or Decimal(0)
    return v


def solve(lines: list[Line], width: int) -> None:
    """Fill ``slots`` of open lines where the sums decide them."""
    by_key = {ln.key: ln for ln in lines}
    kids: dict[str, list[Line]] = {}
    for ln in lines:
        if ln.parent and ln.parent in by_key:
            kids.setdefault(ln.parent, []).append(ln)
    progress = True
    while progress:
        progress = False
        for pkey, children in kids.items():
            parent = by_key[pkey]
            open_kids = [c for c in children if c.slots is None]
            if parent.slots is None or not parent.sure or not open_kids:
                continue
            if _solve_group(parent, children, open_kids, width):
                progress = True


def _solve_group(parent: Line, children: list[Line], open_kids: list[Line], width: int) -> bool:
    target = _vector(parent, parent.slots or (), width)
    fixed = [Decimal(0)] * width
    for c in children:
        if c.slots is not None:
            fixed = [a + b for a, b in zip(fixed, _vector(c, c.slots, width), strict=True)]
    options = [candidates(c, width) for c in open_kids]
    total = 1
    for o in options:
        total *= max(1, len(o))
    if total > _MAX_TRIES:
        return False
    tol = half_unit([a for c in (parent, *children) for a in c.amounts]) * (len(children) + 1)
    vectors = [[_vector(c, s, width) for s in o] for c, o in zip(open_kids, options, strict=True)]
    solutions: list[tuple[int, ...]] = []
    for pick in product(*(range(len(o)) for o in options)):
        sums = list(fixed)
        for k, i in enumerate(pick):
            sums = [a + b for a, b in zip(sums, vectors[k][i], strict=True)]
        if all(abs(sums[c] - target[c]) <= tol for c in range(1, width)):
            solutions.append(pick)
            if len(solutions) > 64:
                return False
    if not solutions:
        return False
    placed = False
    for k, child in enumerate(open_kids):
        choices = {s[k] for s in solutions}
        if len(choices) == 1:
            child.slots = options[k][choices.pop()]
            child.sure = placed = True
    return placed


def sum_checks(facts: list) -> tuple[int, int]:
    """How a reading of a table adds up: for every parent row (a code's
    prefix, or the total row over the 类 rows) and column, whether its
    children sum to it — (sums that hold, sums that fail)."""
    cells: dict[tuple[str, str], Decimal] = {}
    texts: dict[tuple[str, str], str] = {}
    for f in facts:
        node = "TOTAL" if f.is_total and not f.code else f.code
        if node and (node, f.column) not in cells:
            cells[(node, f.column)] = f.amount
            texts[(node, f.column)] = f.raw
    kids: dict[tuple[str, str], list[tuple[str, str]]] = {}
    has_total = any(node == "TOTAL" for node, _ in cells)
    for node, col in cells:
        if node == "TOTAL":
            continue
        parent = node[:-2] if len(node) in (5, 7) else ("TOTAL" if has_total else None)
        if parent and (parent, col) in cells:
            kids.setdefault((parent, col), []).append((node, col))
    holds = fails = 0
    for parent, children in kids.items():
        tol = half_unit([texts[c] for c in (parent, *children)]) * (len(children) + 1)
        got = sum((cells[c] for c in children), Decimal(0))
        if abs(got - cells[parent]) <= tol:
            holds += 1
        else:
            fails += 1
    return holds, fails
