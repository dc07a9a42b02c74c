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

from loaders.numbers import is_formatted_amount
from loaders.tables import lookup

# A classification code or a part of one: 类 "201", 款/项 "06", joined "20106" / "201 06 01".
_CODE = re.compile(r"^\d{3}(?:\s?\d{2}){0,2}$|^\d{2}$")
# A bare integer that is no code's length: an amount of a table printed in whole yuan.
_WHOLE = re.compile(r"^(?:0|[1-9]|[1-9]\d{3}|[1-9]\d{5}|[1-9]\d{7,14})$")
# Longest line a stream cell takes; a longer one is prose (or a row of several cells).
MAX_CELL = 40


@dataclass(frozen=True)
class Token:
    kind: str  # "amount" | "code" | "column" | "name" | "word"
    text: str
    line: int  # 1-based
    column: str | None = None  # columns.ttl key, for "column"
    wrapped: bool = False  # a label printed over two lines (the text tool may move it)


def amount_run(line: str) -> list[str] | None:
    """The amounts of a line that prints nothing else, single-spaced ("1.00 2.00"): a
    row's cells the text tool put on one line."""
    parts = line.split()
    if len(parts) > 1 and " ".join(parts) == line.strip() and all(
            is_formatted_amount(p) or _WHOLE.match(p) for p in parts):
        return parts
    return None


def is_stream_line(line: str) -> bool:
    """One cell on a line (short, no tab, no run of spaces between words), or a run of
    single-spaced amounts."""
    s = line.strip()
    if not s or "\t" in s or "  " in s:
        return False
    return len(s) <= MAX_CELL or amount_run(s) is not None


@lru_cache(maxsize=4096)
def is_row_name(text: str) -> bool:
    """A function or economic class name, or a summary line item (not a column label)."""
    if lookup.column_key(text):
        return False
    return bool(lookup.keys_for("function", text) or lookup.keys_for("economic", text)
                or lookup.line_item_keys(text))


def classify(text: str, line: int) -> Token:
    s = text.strip()
    if is_formatted_amount(s) or _WHOLE.match(s):
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
        run = amount_run(lines[i])
        if run:
            out.extend(Token("amount", a, i + 1) for a in run)
            continue
        tok = classify(lines[i], i + 1)
        if out and tok.kind in ("word", "column") and out[-1].kind in ("word", "column"):
            joined = out[-1].text + tok.text
            key = lookup.column_key(joined)
            if key and out[-1].kind == "word":
                out[-1] = Token("column", joined, out[-1].line, key, wrapped=True)
                continue
        out.append(tok)
    return out
