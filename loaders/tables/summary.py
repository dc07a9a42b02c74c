"""Two-sided summary tables: 收入 on the left, 支出 on the right.

Each side has its own name column followed by its amount columns. Income
rows name line items of ``ontology/codes/line-items.ttl``; a label shared by
several items ("一般公共预算拨款" under 本年收入 or under 财政拨款结转) is
resolved by the rows above it through skos:broader. Expenditure rows name a
function class by its leading code ("208 社会保障和就业支出"), else a line
item ("本年支出合计", "支出总计"), else a function class by name
("八、社会保障和就业支出").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.model import Fact, LoadWarning
from loaders.tables import lookup
from loaders.tables.header import Column, Grid
from loaders.tables.rows import DataRow, amount_fact, data_rows, stray_numbers
from loaders.text import label_key

_LEADING_CODE = re.compile(r"^\s*(\d{3}(?:\d{2}){0,2})(?!\d)\s*(.*)$")


@dataclass
class Side:
    name: str  # "income" | "expenditure"
    label: Column
    amounts: list[Column]


def _side_name(cols: list[Column]) -> str | None:
    """"income"/"expenditure" from the side's top header ("收 入", "财政拨款支出",
    "收入项目"), looking at the name column first."""
    for col in cols:
        for text in col.path:
            k = label_key(text)
            has_in, has_out = "收入" in k, "支出" in k
            if has_in != has_out:
                return "income" if has_in else "expenditure"
    return None


def find_sides(grid: Grid) -> list[Side] | None:
    """The two sides, when the grid is label/amounts/label/amounts and the
    headers say 收入 over the first and 支出 over the second."""
    labels = grid.role_columns("label")
    if len(labels) < 2:
        return None
    first, second = labels[0].index, labels[1].index
    left = [c for c in grid.columns if first < c.index < second and c.role == "amount"]
    right = [c for c in grid.columns if c.index > second and c.role == "amount"]
    if not left or not right:
        return None
    names = (_side_name([labels[0], *left]), _side_name([labels[1], *right]))
    if names != ("income", "expenditure"):
        return None
    return [Side("income", labels[0], left), Side("expenditure", labels[1], right)]


def _income_item(label: str, context: list[str]) -> str | None:
    keys = lookup.line_item_keys(label)
    return lookup.choose_in_context("line-items", keys, label, context)


def _expenditure_item(label: str, context: list[str]) -> tuple[str | None, str | None]:
    """(function code, line item)."""
    m = _LEADING_CODE.match(label)
    if m and m.group(2):
        return m.group(1), None
    keys = lookup.line_item_keys(label)
    if keys:
        return None, lookup.choose_in_context("line-items", keys, label, context)
    codes = [c for c in lookup.function_codes_by_name(label) if len(c) == 3]
    if len(codes) == 1:
        return codes[0], None
    return None, None


_SIDE_WORD = {"income": "收入", "expenditure": "支出"}


def _side_total(label: str, side: str) -> str | None:
    """A bare "总计"/"合计" names its side's total: the line item whose label is
    the side's word with it ("收入总计", "支出总计")."""
    k = label_key(label)
    if k not in ("总计", "合计"):
        return None
    keys = lookup.line_item_keys(_SIDE_WORD[side] + k)
    return keys[0] if len(keys) == 1 else None


def summary_facts(grid: Grid, sides: list[Side]) -> tuple[list[Fact], list[LoadWarning]]:
    facts: list[Fact] = []
    warnings: list[LoadWarning] = []
    context: dict[str, list[str]] = {"income": [], "expenditure": []}
    for d in data_rows(grid):
        stray_numbers(d, grid, warnings)
        for side in sides:
            facts.extend(_side_facts(d, side, context[side.name], warnings))
    return facts, warnings


def _side_facts(d: DataRow, side: Side, context: list[str],
                warnings: list[LoadWarning]) -> list[Fact]:
    label = d.texts[side.label.index]
    code: str | None = None
    item: str | None = None
    if label:
        if side.name == "income":
            item = _income_item(label, context)
        else:
            code, item = _expenditure_item(label, context)
        if not (code or item):
            item = _side_total(label, side.name)
        if item:
            context.insert(0, item)
    out: list[Fact] = []
    for col in side.amounts:
        f = amount_fact(d, col, label, warnings, code=code, line_item=item, side=side.name,
                        is_total="总计" in label_key(label))
        if f:
            out.append(f)
    if out and not (code or item):
        warnings.append(LoadWarning(
            "unrecognised-row", f"line {d.line}: {side.name} row '{label}' names no line item "
            "or function class", d.line))
    return out
