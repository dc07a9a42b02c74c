"""What one line of a cell stream is: an amount, a code part, a column label or a row name.

Plain text extractions (``pdftotext`` without ``-layout``, copy-paste from a viewer) write a
ruled table one cell per line. Each line is told apart by its content alone, with the code
lists deciding the words: column labels from ``columns.ttl``, row names from the function and
economic classifications and the summary line items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from loaders.tables import lookup
from loaders.tables.cells import is_formatted_amount

# A classification code or a part of one: 类 "201", 款/项 "06", joined "20106" / "201 06 01".
_CODE = re.compile(r"^\d{3}(?:\s?\d{2}){0,2}$|^\d{2}$")
# Longest line a stream cell takes; a longer one is prose (or a row of several cells).
MAX_CELL = 40


@dataclass(frozen=True)
class Token:
    kind: str  # "amount" | "code" | "column" | "name" | "word"
    text: str
    line: int  # 1-based
    column: str | None = None  # columns.ttl key, for "column"


def is_stream_line(line: str) -> bool:
    """One cell on a line: short, no tab, no run of spaces between words."""
    s = line.strip()
    return bool(s) and len(s) <= MAX_CELL and "\t" not in s and "  " not in s


@lru_cache(maxsize=4096)
def is_row_name(text: str) -> bool:
    """A function or economic class name, or a summary line item (not a column label)."""
    if lookup.column_key(text):
        return False
    return bool(lookup.keys_for("function", text) or lookup.keys_for("economic", text)
                or lookup.line_item_keys(text))


def classify(text: str, line: int) -> Token:
    s = text.strip()
    if is_formatted_amount(s):
        return Token("amount", s, line)
    if _CODE.match(s):
        return Token("code", s.replace(" ", ""), line)
    key = lookup.column_key(s)
    if key:
        return Token("column", s, line, key)
    if is_row_name(s):
        return Token("name", s, line)
    return Token("word", s, line)


def tokens(lines: list[str], start: int, end: int) -> list[Token]:
    """The non-blank lines ``start``..``end`` (0-based, end exclusive) as tokens; a column
    label split over two lines ("事业单位" / "经营收入") is joined."""
    out: list[Token] = []
    for i in range(start, end):
        if not lines[i].strip():
            continue
        tok = classify(lines[i], i + 1)
        if out and tok.kind in ("word", "column") and out[-1].kind in ("word", "column"):
            joined = out[-1].text + tok.text
            key = lookup.column_key(joined)
            if key and out[-1].kind == "word":
                out[-1] = Token("column", joined, out[-1].line, key)
                continue
        out.append(tok)
    return out
