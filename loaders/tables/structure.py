"""A table whose title names no table type, typed by what it holds.

Titles vary more than structures: a 收入/支出 two-sided table is a summary
(the 财政拨款 one when its expenditure side splits by fund: 一般公共预算 /
政府性基金 / 国有资本经营); 三公 items make a 三公 table; economic-class rows
(3xx) split into 人员经费/公用经费 are the basic-expenditure table; function-class
rows are the income table when their columns are income sources, else the
expenditure table. What fits none of these stays generic, its facts typed by
their columns. The caller reports the typing as a warning.
"""

from __future__ import annotations

from loaders.model import Fact
from loaders.tables import lookup

_FUND_SPLIT = frozenset({"general-public-budget", "gov-fund", "soe-capital"})
_INCOME_SOURCES = frozenset({"fiscal-subtotal", "business-income", "business-operation",
                             "other-income", "upper-subsidy", "affiliated-remittance"})
_SPENDING = frozenset({"basic", "project"})
_COST_TYPES = frozenset({"personnel", "public"})


def type_by_structure(facts: list[Fact]) -> str | None:
    if not facts:
        return None
    sides = {f.side for f in facts if f.side}
    if {"income", "expenditure"} <= sides:
        spent = {f.column for f in facts if f.side == "expenditure"}
        return "fiscal-summary" if spent & _FUND_SPLIT else "income-expenditure-summary"
    sangong = lookup.descendants_of("line-items", "sangong-total") - {"sangong-total"}
    named = {k for f in facts for text in (f.row_label, *f.column_header.split(" / "))
             for k in lookup.line_item_keys(text)}
    if len(named & sangong) >= 2:  # 因公出国（境）费, 公务接待费 … by row or by column
        return "sangong"
    codes = [f.code for f in facts if f.code]
    columns = {f.column for f in facts}
    if codes and all(c.startswith("3") for c in codes) and columns & _COST_TYPES:
        return "gpb-basic"
    if codes and not any(c.startswith("3") for c in codes):
        if columns & _INCOME_SOURCES:
            return "income"
        if columns & _SPENDING:
            return "expenditure"
    return None
