"""Cell values of performance tables: numbers, targets, and cell kinds.

Numbers are returned as ``Decimal`` built from the printed digits (thousands
commas dropped, nothing rounded): "8.90" stays 8.90, "2,352.00" is 2352.00.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from loaders.numbers import parse_amount, to_decimal
from loaders.performance.vocabulary import NON_COMPARISON_WORDS, OPERATORS
from loaders.text import nfkc

_NUM = r"[+-]?\d[\d,]*(?:\.\d+)?"  # a number inside a comparison ("≥95%", "≤7386.02 元")
# Words a performance cell prints after its number (after NFKC, "％" is "%").
NUMBER_UNITS = ("%", "分", "万元", "元")
_OPS = "|".join(sorted((re.escape(op) for op in OPERATORS), key=len, reverse=True))
_QUANTITY_RE = re.compile(rf"^({_OPS})?\s*({_NUM})\s*(.*)$")
_OPVAL_RE = re.compile(rf"^(?:{_OPS})\s*\d")
# A unit after a number: short, no digits, no sentence punctuation.
_UNIT_RE = re.compile(r"^[^\d,，。；;、]{1,10}$")
PLACEHOLDERS = frozenset({"—", "-", "--", "——", "/", "－", "―", "一"})

# Cell kinds used to line cells up with columns (see ``align``).
EMPTY, PLACE, OPER, NUMBER, OPVAL, QUANT, VALUELIKE, TEXT = (
    "empty",
    "place",
    "oper",
    "number",
    "opval",
    "quant",
    "valuelike",
    "text",
)


def parse_number(text: str) -> Decimal | None:
    """A plain number cell: "10", "8.90", "98.00 分", "90.99%", "5万元"; else None."""
    return parse_amount(text, NUMBER_UNITS)


def is_placeholder(text: str) -> bool:
    return text.strip() in PLACEHOLDERS


def parse_quantity(text: str) -> tuple[str | None, Decimal, str | None] | None:
    """(operator, value, unit) when the cell is one comparison or quantity.

    ">=95%" → (">=", 95, "%"); "≤7386.02 元" → ("<=", 7386.02, "元");
    "7 个月" → (None, 7, "个月"); "=2023 年 1 月" and "每月 25 日前" → None
    (text: the words after the number are not a unit).
    """
    m = _QUANTITY_RE.match(nfkc(text))
    if not m:
        return None
    op, digits, rest = m.group(1), m.group(2), "".join(m.group(3).split())
    if rest and not _UNIT_RE.match(rest):
        return None
    value = to_decimal(digits)
    if value is None:
        return None
    return (OPERATORS[op] if op else None), value, (rest or None)


def operator_word(text: str) -> str | None:
    """A cell that is only an operator ("≥") → model operator; else None."""
    return OPERATORS.get(nfkc(text))


@lru_cache(maxsize=8192)
def cell_kind(text: str) -> str:
    """Coarse type of a cell, for deciding which column it belongs to."""
    t = text.strip()
    if not t:
        return EMPTY
    if t in PLACEHOLDERS:
        return PLACE
    n = nfkc(t)
    if n in OPERATORS or n in NON_COMPARISON_WORDS:
        return OPER
    if parse_number(n) is not None:
        return NUMBER
    if _OPVAL_RE.match(n):
        return OPVAL
    if parse_quantity(n) is not None:
        return QUANT
    if n[0].isdigit():
        return VALUELIKE  # "2023 年 12 月", "2022/12/31"
    return TEXT
