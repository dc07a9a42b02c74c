"""三公 tables, in either printed form, as one kind of fact.

Row form (items down the side, fund sources across: 合计 / 一般公共预算 /
政府性基金 / 国有资本经营预算) and column form (items across: 合计 /
因公出国（境）费 / 公务用车购置及运行费 (小计, 购置费, 运行费) / 公务接待费,
one row per unit or a 合计 row) both give facts whose ``line_item`` is a
三公 item (a concept under line-items "sangong-total") and whose
``column`` is the fund source — "total" for 合计 and for 当年财政拨款安排,
which for 三公 spending is the whole (三公 are paid from appropriations).
"""

from __future__ import annotations

import re

from loaders.model import Fact, LoadWarning
from loaders.tables import lookup
from loaders.tables.header import BUDGET_STAGES, SUBTOTAL_WORDS, Column, Grid
from loaders.tables.rows import amount_fact, classify_rows, data_rows, merge_wrapped, stray_numbers
from loaders.text import label_key

ROOT = "sangong-total"
_YEAR_HEAD = re.compile(r"^(?:19|20)\d{2}年度?")
# Fund-source keys that mean "all of it" in a 三公 table.
_WHOLE = frozenset({"total", "current-year", "fiscal-subtotal"})


def _items() -> set[str]:
    return lookup.descendants_of("line-items", ROOT)


def item_of(text: str) -> str | None:
    items = _items()
    keys = [k for k in lookup.line_item_keys(text) if k in items]
    return lookup.choose_in_context("line-items", keys, text, []) if keys else None


def column_item(col: Column) -> str | None:
    """The 三公 item an amount column stands for (column form), if any."""
    if not col.path:
        return None
    if label_key(col.path[-1]) in SUBTOTAL_WORDS:
        for text in reversed(col.path[:-1]):
            item = item_of(text)
            if item:
                return item
        return ROOT
    for text in reversed(col.path):
        item = item_of(text)
        if item:
            return item
    # A column beside the 三公 items naming another line item (机关运行经费预算数),
    # not a fund source (一般公共预算).
    for text in reversed(col.path):
        text = _YEAR_HEAD.sub("", text)  # "2024年机关运行经费预算数"
        keys = [] if lookup.column_key(text) else lookup.line_item_keys(text)
        if keys:
            return lookup.choose_in_context("line-items", keys, text, [])
    return None


def fund_source(col: Column, column_form: bool) -> str:
    if col.key in BUDGET_STAGES:  # the budget printed beside the actual (final accounts)
        return col.key
    keys = [lookup.column_key(t) for t in col.path] if column_form else [col.key]
    keys = [k for k in keys if k and k not in _WHOLE and k != "unrecognised"
            and k in lookup.descendants_of("columns", "total")]
    return keys[-1] if keys else "total"


def sangong_facts(grid: Grid) -> tuple[list[Fact], list[LoadWarning]]:
    amount_cols = grid.role_columns("amount")
    col_items = {c.index: column_item(c) for c in amount_cols}
    column_form = any(v and v != ROOT for v in col_items.values())
    rows = merge_wrapped(data_rows(grid), grid)
    infos = classify_rows(rows, grid, "sangong")
    facts: list[Fact] = []
    warnings: list[LoadWarning] = []
    for d, info in zip(rows, infos, strict=True):
        stray_numbers(d, grid, warnings)
        row_item = None if column_form else item_of(info.label)
        for col in amount_cols:
            item = col_items[col.index] if column_form else row_item
            f = amount_fact(d, col, info.label, warnings, line_item=item,
                            is_total=info.is_total or (not column_form and item == ROOT),
                            unit_code=info.unit_code, code=info.code)
            if f is None:
                continue
            f.column = fund_source(col, column_form)
            facts.append(f)
            if item is None:
                warnings.append(LoadWarning(
                    "unrecognised-row", f"line {d.line}: 三公 item '{info.label or col.header}' "
                    "matches no 三公 line item", d.line))
    return facts, warnings
