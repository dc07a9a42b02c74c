"""Printed numbers in one line of report text: find them, and print a new value in their style.

A number is keyed by its value as printed, precision kept ("17,742.62" and "17742.62" are
"17742.62", "7.00" is not "7"), so a value the loader read can be matched to the text that
printed it. Digits are matched on the width-folded line (the loaders' own fold: one character
per character, so offsets stay valid in the printed line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from loaders.text import fold

# Not inside a longer number: no digit, dot or digit + comma just before, no digit just after
# (a comma after a word is the full-width "，" folded).
_NUMBER = re.compile(r"(?<![0-9.])(?<!\d,)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![0-9])")
_PERCENT_AFTER = re.compile(r"\s*%")
_YEAR_AFTER = re.compile(r"\s*年")
_CURRENCY_AFTER = re.compile(r"\s*(?:亿元|万元|千元|元)(?!\s*/)")
YEARS = range(1900, 2100)


@dataclass(frozen=True)
class Printed:
    """One number as a line prints it: ``text`` is the folded digits, separators and spaces kept."""

    start: int
    end: int
    text: str
    percent: bool = False  # followed by "%": a share, rate or growth, never an amount
    year: bool = False  # a 4-digit year followed by 年
    currency: bool = False  # followed by 元 / 万元 / 亿元 (not a rate such as 元/人)

    @property
    def key(self) -> str:
        return key_of(self.text) or ""


def key_of(text: str) -> str | None:
    """The value as printed, without separators: "17,742.62" → "17742.62", "35.5 6" → "35.56"."""
    digits = fold(text).strip().strip("()（）").lstrip("+-−").replace(",", "").replace(" ", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return str(value) if value.is_finite() else None


def key_of_value(value: Decimal) -> str:
    return str(abs(value))


def find_numbers(line: str, split_forms: Iterable[str] = ()) -> list[Printed]:
    """Every number ``line`` prints. ``split_forms`` are numbers the loader read with a space
    inside ("35.5 6", broken by PDF extraction): found whole first, else they would be two."""
    folded = fold(line)
    taken: list[tuple[int, int]] = []
    found: list[Printed] = []
    for form in sorted(set(split_forms), key=len, reverse=True):
        for m in re.finditer(re.escape(fold(form)), folded):
            if _boundary(folded, m.start(), m.end()) and not _overlaps(taken, m.start(), m.end()):
                taken.append((m.start(), m.end()))
                found.append(_printed(folded, m.start(), m.end()))
    for m in _NUMBER.finditer(folded):
        if not _overlaps(taken, m.start(), m.end()):
            found.append(_printed(folded, m.start(), m.end()))
    return sorted(found, key=lambda p: p.start)


def _printed(folded: str, start: int, end: int) -> Printed:
    text = folded[start:end]
    percent = bool(_PERCENT_AFTER.match(folded, end))
    year = text.isdigit() and len(text) == 4 and int(text) in YEARS
    year = year and bool(_YEAR_AFTER.match(folded, end))
    return Printed(start, end, text, percent, year, bool(_CURRENCY_AFTER.match(folded, end)))


def _boundary(folded: str, start: int, end: int) -> bool:
    last = folded[start - 1] if start else ""
    first = folded[start - 2] if start > 1 else ""
    after = folded[end] if end < len(folded) else ""
    inside = last == "." or last.isdigit() or (last == "," and first.isdigit())
    return not inside and not after.isdigit()


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def decimals(text: str) -> int:
    digits = text.replace(" ", "")
    return len(digits) - digits.index(".") - 1 if "." in digits else 0


def unit_of(text: str) -> Decimal:
    """One unit of the last printed digit (0.01 for "35.56", 1 for "120")."""
    return Decimal(1).scaleb(-decimals(text))


def in_style(text: str, value: Decimal) -> str:
    """``value`` printed like ``text``: same decimals, thousands separators if it had them, and
    the same split (a space as many characters from the end) if it was printed split."""
    places = decimals(text)
    quantised = abs(value).quantize(Decimal(1).scaleb(-places))
    out = f"{quantised:,.{places}f}" if "," in text else f"{quantised:.{places}f}"
    if " " in text:
        tail = len(text) - text.index(" ") - 1
        if 0 < tail < len(out):
            out = f"{out[:-tail]} {out[-tail:]}"
    return out


def replace_spans(line: str, changes: list[tuple[int, int, str]]) -> str:
    """``line`` with each (start, end) span replaced. Where numbers are right-aligned by runs of
    spaces (space-aligned tables) the run before a span absorbs the change in width, so every
    column still ends where it did."""
    out = line
    for start, end, new in sorted(changes, reverse=True):
        grow = len(new) - (end - start)
        pad = len(out[:start]) - len(out[:start].rstrip(" "))
        if pad >= 2 and pad - grow >= 2:
            out = out[: start - pad] + " " * (pad - grow) + new + out[end:]
        else:
            out = out[:start] + new + out[end:]
    return out


__all__ = [
    "YEARS", "Printed", "decimals", "find_numbers", "in_style", "key_of", "key_of_value",
    "replace_spans", "unit_of",
]
