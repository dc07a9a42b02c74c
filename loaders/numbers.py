"""Printed numbers: the one parser of amounts as reports print them, and their rounding.

Amounts are parsed, never corrected: "17,742.62" is 17742.62 and "35.5 6" (one number split by
a space during PDF extraction) is 35.56, but a number is never rounded, re-scaled or guessed. A
blank or a dash means "not stated" — no amount at all, which is different from a printed 0.00.
The digits keep their printed precision: "8.90" is Decimal("8.90"), whose half-unit is 0.005.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from loaders.text import nfkc

# Dashes and placeholders that mean "nothing stated" (blank cells too).
NOT_STATED = frozenset({"", "-", "--", "—", "——", "－", "–", "―", "/", "／", "…", "..."})

_PLAIN = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PARENS = re.compile(r"^[(（]\s*([^()（）]+?)\s*[)）]$")
# Characters a space-split number may consist of: digits, separators, sign.
_SPLIT_PIECES = re.compile(r"^[+-]?[\d.,]+(?: [\d.,]+)+$")
# The digits after a decimal point, spaces a PDF tool put between them included.
_DECIMALS = re.compile(r"\.(\d[\d ]*)")


def to_decimal(digits: str) -> Decimal | None:
    """Digits as printed → Decimal: thousands commas dropped, "−" (U+2212) read as a minus.

    For digits a pattern has already found in text ("10,938.34", "−3.5"); None when they are no
    number after all."""
    try:
        return Decimal(digits.replace(",", "").replace("−", "-"))
    except InvalidOperation:
        return None


@lru_cache(maxsize=16384)  # pure, and grids repeat the same few strings a lot
def parse_amount(text: str, units: tuple[str, ...] = ()) -> Decimal | None:
    """The amount a cell prints, or None when it prints no amount.

    Accepts full-width forms, thousands separators in groups of three, a leading sign,
    parentheses or a leading minus for negatives, and a number broken by spaces when the joined
    text is unambiguously one formatted amount (it has a decimal point or thousands
    separators) — "35.5 6" but not "1 2". ``units``: words a cell may print after the number
    (a performance table's "98.00 分", "90.99%", "5万元"); a table cell prints its unit in the
    table's title block, so by default a cell with a word after its number is no amount.
    """
    s = nfkc(text)
    if s in NOT_STATED:
        return None
    for unit in units:
        if s.endswith(unit) and len(s) > len(unit):
            s = s[: -len(unit)].rstrip()
            break
    negative = False
    m = _PARENS.match(s)
    if m:
        s, negative = m.group(1).strip(), True
    if " " in s:
        if not _SPLIT_PIECES.match(s):
            return None
        joined = s.replace(" ", "")
        if "." not in joined and "," not in joined:
            return None
        s = joined
    if not _PLAIN.match(s):
        return None
    value = to_decimal(s)
    if value is None:  # pragma: no cover - the pattern admits only numbers
        return None
    return -value if negative else value


def is_not_stated(text: str) -> bool:
    return nfkc(text) in NOT_STATED


def is_formatted_amount(text: str) -> bool:
    """An amount with a decimal point or thousands separator ("0.31", "1,500").

    Bare integers are ambiguous in these grids (codes, column numbers), so
    places that must tell amounts from codes by content alone use this.
    """
    if parse_amount(text) is None:
        return False
    s = nfkc(text)
    return "." in s or "," in s


def decimals(text: str) -> int:
    """How many digits a number prints after its decimal point ("1,234.50" → 2, "35.5 6" → 2,
    "（12.3）" → 1, "100" → 0)."""
    m = _DECIMALS.search(nfkc(text))
    return sum(ch.isdigit() for ch in m.group(1)) if m else 0


def half_unit(text: str, *, finest: int | None = None) -> Decimal:
    """Half a unit of the last digit ``text`` prints: the rounding the printed number may carry,
    in the unit it is printed in ("774.29" → 0.005, "3.5" → 0.05, "12" → 0.5).

    ``finest`` caps the decimals counted: the shapes have always allowed amounts at least
    ±0.005 (cents of the printed unit) even when a report prints a third decimal, so the value
    the loader writes for them (fkg:halfUnit) counts at most two; the loader's own sums, which
    place amounts in columns, count every printed decimal.
    """
    places = decimals(text)
    if finest is not None:
        places = min(places, finest)
    return Decimal(1).scaleb(-places) / 2
