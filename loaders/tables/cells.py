"""Cell values: the printed amount of one grid cell, or why there is none.

Amounts are parsed, never corrected: "17,742.62" is 17742.62 and "35.5 6"
(one number split by a space during PDF extraction) is 35.56, but a cell
is never rounded, re-scaled or guessed. A blank or a dash means "not
stated" — no fact at all, which is different from a printed 0.00.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Dashes and placeholders that mean "nothing stated" (blank cells too).
NOT_STATED = frozenset({"", "-", "--", "—", "——", "－", "–", "―", "/", "／", "…", "..."})

_PLAIN = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PARENS = re.compile(r"^[(（]\s*([^()（）]+?)\s*[)）]$")
# Characters a space-split number may consist of: digits, separators, sign.
_SPLIT_PIECES = re.compile(r"^[+-]?[\d.,]+(?: [\d.,]+)+$")
_MARKERS = frozenset({"※", "*", "★", "☆", "#"})
_INDEX_WORDS = frozenset({"栏次", "行次", "序号", "编号"})


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, minus and comma into ASCII; the
    # not-stated dashes are checked before this because NFKC keeps "—".
    return unicodedata.normalize("NFKC", text).strip()


@lru_cache(maxsize=16384)  # pure, and grids repeat the same few strings a lot
def parse_amount(text: str) -> Decimal | None:
    """The amount a cell prints, or None when it prints no amount.

    Accepts thousands separators, a leading sign, parentheses or a leading
    minus for negatives, and a number broken by spaces when the joined text
    is unambiguously one formatted amount (it has a decimal point or
    thousands separators) — "35.5 6" but not "1 2".
    """
    s = _normalise(text)
    if s in NOT_STATED:
        return None
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
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        return None
    return -value if negative else value


def is_not_stated(text: str) -> bool:
    return _normalise(text) in NOT_STATED


def is_formatted_amount(text: str) -> bool:
    """An amount with a decimal point or thousands separator ("0.31", "1,500").

    Bare integers are ambiguous in these grids (codes, column numbers), so
    places that must tell amounts from codes by content alone use this.
    """
    if parse_amount(text) is None:
        return False
    s = _normalise(text)
    return "." in s or "," in s


def is_code_digits(text: str) -> bool:
    """Digits only, as classification and unit codes print ("208", "01", "316002")."""
    s = text.replace(" ", "")
    return s.isdigit() and len(s) <= 12


def is_numbering_row(texts: list[str]) -> bool:
    """A column-numbering row ("※ ※ 1 2 3", "栏次 1 2 3"), not data.

    Its integers are column numbers, so none of them is an amount.
    """
    cells = [_normalise(t) for t in texts if t.strip()]
    if len(cells) < 2:
        return False
    markers = [c for c in cells if c in _MARKERS or c in _INDEX_WORDS]
    numbers = [c for c in cells if c not in _MARKERS and c not in _INDEX_WORDS]
    if not all(n.isdigit() for n in numbers):
        return False
    ints = [int(n) for n in numbers]
    consecutive = bool(ints) and ints == list(range(ints[0], ints[0] + len(ints)))
    if markers:
        return consecutive or not ints
    return len(ints) >= 3 and consecutive and ints[0] in (0, 1)
