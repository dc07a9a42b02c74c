"""How printed text is normalised before it is matched: the one text normaliser of loaders and app.

Reports print the same word in full-width or ASCII forms ("（万元）" / "(万元)", "２０２４" /
"2024"), with spaces a PDF tool put between characters, and with punctuation that varies from
report to report. Every comparison key here starts from Unicode NFKC, which folds those widths;
what is dropped after that depends on what is compared (``match_key``'s ``drop`` and ``asides``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# What a comparison key drops, by what is compared:
SPACES = re.compile(r"\s+")  # a unit's name: 克州 社保 中心 is 克州社保中心
# labels of code lists, item and project names: punctuation varies between reports
PUNCTUATION = re.compile(r"[\s　:：、，,。．.（）()\[\]【】“”\"'‘’<>《》/·\-—_]+")
HEADER_MARKS = re.compile(r"[\s:：*]+")  # header cells: "年度预算总额：", "*指标值"
_ASIDE = re.compile(r"[（(][^（()）]*[)）]")


def nfkc(text: str) -> str:
    """NFKC, surrounding whitespace dropped: full-width digits, minus, comma and brackets become
    ASCII (dashes such as "—" stay as printed)."""
    return unicodedata.normalize("NFKC", text).strip()


def match_key(text: str, *, drop: re.Pattern[str] = SPACES, asides: bool = False) -> str:
    """The comparison key of ``text``: NFKC, then what ``drop`` matches removed.

    ``drop`` is SPACES for unit names (their key is hashed into the unit's IRI, so it keeps
    punctuation: changing it would change every unit IRI), PUNCTUATION for labels and names,
    HEADER_MARKS for header cells; ``asides`` also drops bracketed asides, which in a header
    cell give a unit or a note ("项目资金（万元）"), not the column's name.
    """
    text = unicodedata.normalize("NFKC", text)
    if asides:
        text = _ASIDE.sub("", text)
    return drop.sub("", text)


def label_key(text: str) -> str:
    """Key for matching wording against labels and names: NFKC, no spaces or punctuation."""
    return match_key(text, drop=PUNCTUATION)


class _FoldTable(dict[int, str]):
    """str.translate table that learns each character's fold on first sight."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch)
        # Only 1:1 folds keep offsets aligned; "㎡" → "m2" and the like stay as printed.
        self[code] = folded = folded if len(folded) == 1 else ch
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """NFKC character by character, one character for one: a width-folded copy of ``text`` of
    the same length, so an offset in it is an offset in the printed text (the narrative's
    patterns match the folded text and cut what they found from the printed one)."""
    if text.isascii():
        return text
    return text.translate(_FOLD)


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Display columns of one character: 2 for East Asian wide/full-width, 0 for combining."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or in pdftotext -layout output ("合 计" → 5)."""
    if text.isascii():
        return len(text)
    return sum(map(char_width, text))
