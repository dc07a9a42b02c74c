"""Numbers in narrative text: money amounts and percents, exactly as printed.

Text is first folded character by character (``loaders.text.fold``: full-width
digits, brackets, colons and ％ to their ASCII forms) so one set of patterns
covers both widths; the fold keeps one character per character, so an offset
in the folded text is an offset in the printed text and ``raw`` can be sliced
from the original. Digits become Decimals with ``loaders.numbers.to_decimal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from loaders.numbers import to_decimal

# A number as printed: thousands separators only in groups of three ("10,938.34"),
# so "1,2" in a list is not one number. Not preceded by an ASCII letter, digit,
# dot, digit+comma or a range mark, so a number never starts mid-token ("A1",
# "3.5", "1,234") and "3476.55-8917.35 元" is not -8917.35. (ASCII only: CJK
# is \w too, and "价值0.00万元" must match.) A minus sign is kept as printed.
_NUMBER = (
    r"(?<![0-9A-Za-z.\-−~～/])(?<!\d,)"
    r"(?P<num>[-−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?))"
)
# 亿元 and 万元 before 元 so the longest unit wins.
AMOUNT_RE = re.compile(_NUMBER + r"\s*(?P<unit>亿元|万元|元)")
PERCENT_RE = re.compile(_NUMBER + r"\s*%")
# After an amount: a threshold ("100 万元以上设备", "（含）以上") or a rate
# ("750 元/人/月") is not an amount the unit spent or received.
_NOT_AN_AMOUNT_AFTER = re.compile(r"\s*(?:\(含\)\s*)?(?:以上|以下|及以上|及以下|/)")


@dataclass
class Number:
    kind: str  # "amount" | "percent"
    value: Decimal
    raw: str  # digits as printed, separators kept
    unit: str  # 万元 / 元 / 亿元 for amounts, "%" for percents
    start: int  # offset of the first digit in the sentence
    end: int  # offset after the unit


def find_numbers(folded: str, printed: str) -> list[Number]:
    """Amounts and percents in a sentence, in text order.

    ``folded`` is ``fold(printed)``; matching runs on the folded text and raw
    text is cut from the printed one at the same offsets.
    """
    found: list[Number] = []
    for m in AMOUNT_RE.finditer(folded):
        if _NOT_AN_AMOUNT_AFTER.match(folded, m.end()):
            continue
        value = to_decimal(m.group("num"))
        if value is not None:
            found.append(
                Number("amount", value, printed[m.start("num") : m.end("num")],
                       m.group("unit"), m.start("num"), m.end())
            )
    for m in PERCENT_RE.finditer(folded):
        value = to_decimal(m.group("num"))
        if value is not None:
            found.append(
                Number("percent", value, printed[m.start("num") : m.end("num")],
                       "%", m.start("num"), m.end())
            )
    found.sort(key=lambda n: n.start)
    return found
