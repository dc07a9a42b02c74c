"""Classification tables whose rows pdftotext printed as bands of lines.

A ruled table with tall rows (a name wrapped in its cell, two halves side by side) comes out of
``pdftotext -layout`` with each row's pieces on different lines — the amount centred on a line
above, the 类 and 款 codes on the next, the name below — and a blank line between rows. The
lines of one row are then the band between blank lines, and what each word is follows from
its form (a short run of digits: a code part; an amount with decimals; other words: the name)
and from where it stands: a band printing two halves (301 … beside 302 …) splits at the second
half's class code (or, on a closing band, its second name), and a band printing one half
belongs to the half whose class-code header stands nearest.

``rebuild`` gives an ordinary grid (code | name | amounts, once per half) for ``header`` and
``sidebyside``, or None when a band does not read as one row per half (two class codes in one
half, an amount with neither code nor name): then the table keeps its other reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.model import Cell, Row
from loaders.numbers import parse_amount
from loaders.tables import lookup
from loaders.tables.positions import Span, nearest, word_spans
from loaders.tables.rows import is_total_label

_CODE_PART = re.compile(r"^\d{1,3}$|^\d{5}$|^\d{7}$")
_CLASS = re.compile(r"^\d{3}$")


@dataclass
class Word:
    text: str
    span: Span
    line: int

    @property
    def kind(self) -> str:
        if _CODE_PART.match(self.text):
            return "code"
        if parse_amount(self.text) is not None and re.search(r"[.,]", self.text):
            return "amount"
        return "label"


def _words(row: Row) -> list[Word] | None:
    out = []
    for cell in row.cells:
        for w, span in word_spans(cell):
            if span is None:
                return None
            out.append(Word(w, span, row.line))
    return out


@dataclass
class Half:
    code_heads: list[Span]
    name: str
    amount_heads: list[tuple[str, Span]]


def _halves(header: list[Row]) -> list[Half] | None:
    """The halves the header repeats: code, name and amount headers, left to right."""
    words = [w for r in header for w in (_words(r) or [])]
    keyed = sorted(((w, lookup.column_key(w.text)) for w in words), key=lambda p: p[0].span[0])
    names = [w for w, k in keyed if k == "item-name"]
    amounts = [w for w, k in keyed if k and k not in ("item-name", "classification-code")]
    if len(names) < 2 or len(amounts) < len(names):
        return None
    halves: list[Half] = []
    for k, name in enumerate(names):
        hi = names[k + 1].span[0] if k + 1 < len(names) else 1 << 30
        mine = [w for w in amounts if name.span[1] <= w.span[0] < hi]
        lo = halves[-1].amount_heads[-1][1][1] if halves else -1
        codes = [w.span for w, key in keyed
                 if key == "classification-code" and lo <= w.span[0] < name.span[1]]
        if not codes or not mine:
            return None
        halves.append(Half(codes, name.text, [(w.text, w.span) for w in mine]))
    return halves


def _bands(data: list[Row]) -> list[list[Row]]:
    """Lines between blank lines; a second line with class codes opens a band too (two rows
    a page break put next to each other)."""
    out: list[list[Row]] = []
    for row in data:
        if out and row.line == out[-1][-1].line + 1 and not (
                _has_class(row) and any(_has_class(r) for r in out[-1])):
            out[-1].append(row)
        else:
            out.append([row])
    return [part for band in out for part in _split_closing(band)]


def _split_closing(band: list[Row]) -> list[list[Row]]:
    """A closing row (人员经费合计) printed right under the last row: its own band, with the
    amounts line just above it when it prints none itself (a total row prints its sums)."""
    for i in range(1, len(band)):
        words = " ".join(band[i].texts()).split()
        if any(is_total_label(w) for w in words):
            cut = i
            own = any(Word(w, (0, 0), 0).kind == "amount" for w in words)
            above = " ".join(band[i - 1].texts()).split()
            if not own and above and all(Word(w, (0, 0), 0).kind == "amount" for w in above):
                cut = i - 1
            return [band[:cut], band[cut:]] if cut else [band]
    return [band]


def _has_class(row: Row) -> bool:
    return any(_CLASS.match(w) for w in " ".join(row.texts()).split())


def _split(words: list[Word], halves: list[Half]) -> list[list[Word]] | None:
    """A band's words per half."""
    opens = sorted((w for w in words if _CLASS.match(w.text)), key=lambda w: w.span[0])
    if not opens:
        opens = sorted((w for w in words if w.kind == "label"), key=lambda w: w.span[0])
    if not opens or len(opens) > len(halves):
        return None
    per: list[list[Word]] = [[] for _ in halves]
    if len(opens) == len(halves):
        cuts = [w.span[0] for w in opens[1:]]
        for w in words:
            per[sum(1 for c in cuts if w.span[0] >= c)].append(w)
        return per
    if len(opens) == 1 and _CLASS.match(opens[0].text):
        heads = [h.code_heads[0] for h in halves]
        k = nearest(opens[0].span, heads)
        if k is None:
            return None
        per[k] = words
        return per
    return None


def _row_of(words: list[Word], half: Half) -> tuple[str, str, list[str]] | None:
    """(code, name, amounts under the half's amount headers) of one half of a band."""
    codes = sorted((w for w in words if w.kind == "code"), key=lambda w: (w.span[0], w.line))
    if sum(1 for w in codes if _CLASS.match(w.text)) > 1:
        return None
    labels = sorted((w for w in words if w.kind == "label"), key=lambda w: (w.line, w.span[0]))
    amounts = [w for w in words if w.kind == "amount"]
    if amounts and not codes and not labels:
        return None
    cells = [""] * len(half.amount_heads)
    if len(half.amount_heads) == 1:
        if len(amounts) > 1:
            return None
        cells[0] = amounts[0].text if amounts else ""
    else:
        heads = [s for _, s in half.amount_heads]
        for w in amounts:
            k = nearest(w.span, heads)
            if k is None or cells[k]:
                return None
            cells[k] = w.text
    parts = [w.text for w in codes]
    code = parts[0] + "".join(p.zfill(2) for p in parts[1:]) if parts else ""
    return code, "".join(w.text for w in labels), cells


def rebuild(header: list[Row], data: list[Row]) -> list[Row] | None:
    halves = _halves(header)
    if halves is None or not data:
        return None
    line0 = data[0].line - 1
    top: list[Cell] = []
    for h in halves:
        top += [Cell("科目编码", line0), Cell(h.name, line0)]
        top += [Cell(text, line0) for text, _ in h.amount_heads]
    out = [Row(top, line0)]
    for band in _bands(data):
        words = [w for r in band for w in (_words(r) or [])]
        if not words:
            continue
        per = _split(words, halves)
        if per is None:
            return None
        cells: list[Cell] = []
        line = next((w.line for w in words if w.kind == "code"), band[0].line)
        for ws, h in zip(per, halves, strict=True):
            got = _row_of(ws, h) if ws else ("", "", [""] * len(h.amount_heads))
            if got is None:
                return None
            code, name, amounts = got
            cells += [Cell(code, line), Cell(name, line)] + [Cell(a, line) for a in amounts]
        out.append(Row(cells, line))
    return out


def amount_count(row: Row) -> int:
    return sum(1 for t in row.texts() for w in t.split() if Word(w, (0, 0), 0).kind == "amount")


def prints_amounts(row: Row) -> bool:
    return amount_count(row) > 0
