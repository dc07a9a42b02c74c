"""The pieces of a table row as a text tool printed it: code parts, names, amounts.

A space-aligned reader may merge cells ("0.00 21703947.00", "96,282,213.44 一、公共安全支出")
or leave a row as a line of text; the order of the pieces on the line still says what they
are: digits before the first name are code parts ("204 06 01 行政运行"), a run of words is a
name (a new enumerated item, "三、教育支出", starts a new one), numbers after a name amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.model import Row
from loaders.numbers import is_formatted_amount, is_not_stated, parse_amount
from loaders.tables import lookup

SENTENCE = re.compile(r"[，。；！？%％]|[:：]\S")
_CODE_PART = re.compile(r"^\d{1,3}$|^\d{5}$|^\d{7}$")


@dataclass
class Piece:
    kind: str  # "code" | "label" | "amount"
    text: str
    cell: int  # reader cell index (0 for a line of text)
    order: int  # position in the row


def _tokens(text: str) -> list[str]:
    return text.split()


def is_amount_token(tok: str) -> bool:
    return parse_amount(tok) is not None and not is_not_stated(tok)


def mangled(cell_text: str) -> bool:
    """A cell holding several pieces: two amounts, or an amount and a name."""
    toks = _tokens(cell_text)
    if len(toks) < 2 or parse_amount(cell_text) is not None:
        return False
    return any(is_amount_token(t) for t in toks)


def text_row_pieces(text: str) -> list[Piece] | None:
    """Pieces of a line of running text that is a table row, else None: it
    ends with an amount, prints two amounts or a formatted one ("2023 年"
    is no row), has no sentence punctuation and short names."""
    if SENTENCE.search(text):
        return None
    ps = pieces([text])
    amounts = [p for p in ps if p.kind == "amount"]
    if not ps or ps[-1].kind != "amount" or not (
            len(amounts) >= 2 or is_formatted_amount(amounts[0].text)):
        return None
    if any(p.kind == "label" and len(p.text) > 30 for p in ps):
        return None
    return ps


def pieces(cells: list[str]) -> list[Piece]:
    """The row's pieces in reading order: leading code parts, names (a run of
    non-amount words in one cell is one name), amounts."""
    out: list[Piece] = []
    seen_label = False
    n = 0
    for ci, text in enumerate(cells):
        run: list[str] = []
        for tok in _tokens(text):
            if is_amount_token(tok):
                if run:
                    out.append(Piece("label", " ".join(run), ci, n))
                    n, run = n + 1, []
                out.append(Piece("amount", tok, ci, n))
                n += 1
            else:
                if run and opens_item(tok):  # "2. 政府性基金 三、教育支出": two names
                    out.append(Piece("label", " ".join(run), ci, n))
                    n, run = n + 1, []
                run.append(tok)
                seen_label = True
        if run:
            out.append(Piece("label", " ".join(run), ci, n))
            n += 1
    if not seen_label:
        # A row whose name went to another line: "208 05 05 160.75 160.75".
        lead = 0
        while lead < len(out) and _CODE_PART.match(out[lead].text):
            lead += 1
        if lead and len(out[0].text) == 3 and lead < len(out) \
                and is_formatted_amount(out[lead].text):
            for p in out[:lead]:
                p.kind = "code"
        return out
    # Digits before the first name are code parts ("204 06 01 行政运行").
    for p in out:
        if p.kind == "label":
            break
        if _CODE_PART.match(p.text):
            p.kind = "code"
    return out


def opens_item(tok: str) -> bool:
    """A word that starts an enumerated item ("三、教育支出", "2.")."""
    return lookup.strip_enumeration(tok) != tok.strip()


def row_pieces(row: Row) -> list[Piece]:
    return pieces(row.texts())
