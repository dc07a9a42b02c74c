"""Characters → text lines, and which lines are page chrome.

A text line is the characters whose vertical extents overlap, left to right;
a gap wider than a fraction of the line's height is a space (PDFs rarely
draw spaces; they move the pen). Page headers, footers and page numbers are
recognised by position and repetition, not wording: a line at the very top
or bottom of its page whose text, digits masked, recurs at about the same
height on at least half the pages is chrome (a table's 编制单位 line recurs
only on the table pages), as is a bare number there.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from loaders.readers.pdf.geometry import Char
from loaders.text import display_width

# A gap between characters wider than this share of the line height is a space.
SPACE_GAP = 0.3
# A gap wider than this many display columns separates columns of a table.
WIDE_GAP = 1.5
# Share of pages on which a masked top/bottom line must recur to be chrome.
CHROME_SHARE = 0.5
# Height bands (share of page height) in which headers and footers live.
CHROME_BAND = 0.12
_DIGITS = re.compile(r"\d+")
# A line that is only a page number: digits with dashes, slashes, brackets.
_PAGE_NUMBER = re.compile(r"^[\s\-—–－/()（）第页共]*\d+[\s\-—–－/()（）第页共\d]*$")


@dataclass(slots=True)
class TextLine:
    chars: list[Char]
    text: str  # words separated by single spaces
    x0: float
    y0: float
    x1: float
    y1: float
    layout: str = ""  # the text laid out in columns (see ``lay_out``), else ``text``

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


def _line_text(chars: list[Char]) -> str:
    parts: list[str] = []
    prev: Char | None = None
    for ch in chars:
        if prev is not None:
            height = max(prev.y1 - prev.y0, ch.y1 - ch.y0, 1.0)
            if ch.x0 - prev.x1 > SPACE_GAP * height or (ch.space_before and ch.x0 > prev.x0):
                parts.append(" ")
        parts.append(ch.text)
        prev = ch
    return "".join(parts)


def group_lines(chars: list[Char]) -> list[TextLine]:
    """Text lines from top to bottom (characters overlapping vertically by at
    least half the smaller height share a line)."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: -c.cy)
    groups: list[list[Char]] = [[ordered[0]]]
    top, bottom = ordered[0].y1, ordered[0].y0
    for ch in ordered[1:]:
        overlap = min(top, ch.y1) - max(bottom, ch.y0)
        if overlap >= 0.5 * min(top - bottom, ch.y1 - ch.y0):
            groups[-1].append(ch)
            top, bottom = max(top, ch.y1), min(bottom, ch.y0)
        else:
            groups.append([ch])
            top, bottom = ch.y1, ch.y0
    lines = []
    for group in groups:
        group.sort(key=lambda c: c.x0)
        lines.append(
            TextLine(
                group,
                _line_text(group),
                min(c.x0 for c in group),
                min(c.y0 for c in group),
                max(c.x1 for c in group),
                max(c.y1 for c in group),
            )
        )
    return lines


def char_unit(chars: list[Char]) -> float:
    """Width of one display column on a page: the median width per column of its
    characters (a wide CJK character takes two), as ``pdftotext -layout`` spaces
    text."""
    widths = sorted(
        (c.x1 - c.x0) / w for c in chars if c.x1 > c.x0 and (w := display_width(c.text))
    )
    return widths[len(widths) // 2] if widths else 5.0


def lay_out(line: TextLine, unit: float, left: float) -> str:
    """The line with each character at the display column of its x position
    (``left`` is column 0) where a gap is wide: columns of a table printed
    without ruling stay aligned from line to line, as in ``pdftotext -layout``,
    so the text readers (``loaders.readers.aligned``) can read it."""
    out: list[str] = []
    width = 0
    prev: Char | None = None
    for ch in line.chars:
        if prev is not None:
            height = max(prev.y1 - prev.y0, ch.y1 - ch.y0, 1.0)
            gap = ch.x0 - prev.x1
            if gap > WIDE_GAP * unit:
                pad = max(2, round((ch.x0 - left) / unit) - width)
                out.append(" " * pad)
                width += pad
            elif gap > SPACE_GAP * height or (ch.space_before and ch.x0 > prev.x0):
                out.append(" ")
                width += 1
        elif ch.x0 > left:
            pad = round((ch.x0 - left) / unit)
            out.append(" " * pad)
            width += pad
        out.append(ch.text)
        width += display_width(ch.text)
        prev = ch
    return "".join(out)


def _mask(text: str) -> str:
    return _DIGITS.sub("#", text.replace(" ", ""))


def chrome_lines(pages: list[list[TextLine]], heights: list[float]) -> set[tuple[int, int]]:
    """(page index, line index) of the header/footer/page-number lines.

    Candidates are each page's topmost and bottommost lines inside the chrome
    bands; a candidate is chrome when its masked text recurs at about the same
    height (rounded to 10 pt) on CHROME_SHARE of the pages, or when it is a bare
    number."""
    candidates: list[tuple[int, int, tuple[str, int]]] = []
    for p, lines in enumerate(pages):
        if not lines:
            continue
        height = heights[p]
        for idx in {0, len(lines) - 1}:
            line = lines[idx]
            in_top = line.y0 >= height * (1 - CHROME_BAND)
            in_bottom = line.y1 <= height * CHROME_BAND
            if in_top or in_bottom:
                key = (_mask(line.text), round(line.y0 / 10))
                candidates.append((p, idx, key))
    counts = Counter(key for _, _, key in candidates)
    needed = max(2, int(CHROME_SHARE * len(pages)))
    found: set[tuple[int, int]] = set()
    for p, idx, key in candidates:
        if counts[key] >= needed or _PAGE_NUMBER.match(pages[p][idx].text):
            found.add((p, idx))
    return found
