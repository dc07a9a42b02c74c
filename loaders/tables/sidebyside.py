"""Classification tables printed twice side by side on one page.

The national final-accounts template prints its basic-expenditure table by
economic class in two halves: 301/303 with their 款 on the left, 302/310 on
the right, each half with its own 科目编码 / 科目名称 / 决算数 columns and its
own closing row (人员经费合计 | 公用经费合计). When the columns repeat that
way — code columns, a name column, amount columns, and again — each half is
read as a classification table of its own, with its own codes, names and
totals; a half's closing row that names a summary line item
(``line-items.ttl``: 人员经费合计 → personnel) is that item, not the
table's 合计.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from loaders.model import Fact, LoadWarning, Row
from loaders.tables import lookup
from loaders.tables.header import Column, Grid


def column_groups(grid: Grid) -> list[list[Column]] | None:
    """The halves' columns, when the grid repeats code/name/amount columns."""
    labels = grid.role_columns("label")
    if len(labels) < 2:
        return None
    starts = []
    for lab in labels:
        start = lab.index
        while start > 0 and grid.columns[start - 1].role == "code":
            start -= 1
        starts.append(start)
    bounds = [*starts[1:], len(grid.columns)]
    groups = [[c for c in grid.columns if a <= c.index < b]
              for a, b in zip(starts, bounds, strict=True)]
    for g in groups:
        roles = {c.role for c in g}
        if "code" not in roles or "amount" not in roles:
            return None
    return groups


def half_grid(grid: Grid, columns: list[Column]) -> Grid:
    """The grid restricted to one half: its columns, and the rows with text in them."""
    cols = {c.index for c in columns}
    rows = [Row([c if i in cols else replace(c, text="", raw=None)
                 for i, c in enumerate(r.cells)], r.line)
            for r in grid.data_rows if any(t for i, t in enumerate(r.texts()) if i in cols)]
    # Readers index columns by position: the other half's become empty ones.
    kept = [c if c.index in cols else Column(c.index, c.path) for c in grid.columns]
    return Grid(grid.header_rows, rows, kept, grid.numbering_lines)


def name_closing_rows(facts: list[Fact]) -> None:
    """A half's total row that names a line item (人员经费合计) is that item."""
    for f in facts:
        if f.is_total and not f.code and not f.line_item:
            keys = lookup.line_item_keys(f.row_label)
            item = lookup.choose_in_context("line-items", keys, f.row_label, []) if keys else None
            if item:
                f.line_item = item


Reader = Callable[[Grid], tuple[list[Fact], list[LoadWarning]]]


def side_by_side_facts(grid: Grid, groups: list[list[Column]], read: Reader) -> tuple[
        list[Fact], list[LoadWarning]]:
    """Facts of every half, read by ``read`` (the classification-table reader)."""
    facts: list[Fact] = []
    warnings: list[LoadWarning] = []
    for columns in groups:
        found, warned = read(half_grid(grid, columns))
        name_closing_rows(found)
        facts.extend(found)
        warnings.extend(warned)
    facts.sort(key=lambda f: (f.line, f.col_index))
    return facts, warnings
