"""The amount columns a table header names, read from its words (``regrid``).

A header a text tool scattered over lines is a list of words, each with its reader column, its
line and, when the text kept it, where it stands (``positions``). The words cut by a wrap or
split character by character ("事业单位" / "经营收入", "本年收入合" / "计", "一般公共预算" / "财"
/ "政拨款") are joined when the join names a column concept of ``columns.ttl``; group headers
over narrower ones are left out; what remains, left to right, are the leaves the amounts of a
row fill.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.model import Row
from loaders.tables import lookup
from loaders.tables.header import STRUCTURAL
from loaders.tables.positions import Span, distance, word_spans


@dataclass
class Leaf:
    text: str
    key: str | None
    col: int
    row: int
    order: int
    span: Span | None = None  # character columns on its line, when the text kept them




def amount_concept(text: str) -> str | None:
    key = lookup.column_key(text)
    return key if key and key not in STRUCTURAL else None


def header_tokens(header: list[Row]) -> list[Leaf]:
    """Every header word with its reader column, row and order; a whole cell
    that names a concept ("合 计") stays one word."""
    out: list[Leaf] = []
    n = 0
    for r, row in enumerate(header):
        for c, cell in enumerate(row.cells):
            text = cell.text
            if not text:
                continue
            spans = word_spans(cell)
            if lookup.column_key(text):
                whole = [s for _, s in spans]
                cover = (whole[0][0], whole[-1][1]) if whole and all(whole) else None
                words = [(text, cover)]
            else:
                words = spans
            for w, span in words:
                out.append(Leaf(w, lookup.column_key(w), c, r, n, span))  # type: ignore[arg-type]
                n += 1
    return out


def join_fragments(tokens: list[Leaf]) -> list[Leaf]:
    """Header words cut by a line wrap ("事业单位" … "经营收入" in one column; "附属单" /
    "位上" / "缴收入", "本年收入合" / "计" as pdftotext splits a centred header) joined when
    the join names a column concept; placed at the last piece. Pieces stand one above the
    other: in one reader column, or overlapping on the line when the text kept positions."""
    out = list(tokens)
    for a in [t for t in tokens if t.key is None]:
        if a not in out:
            continue
        below = sorted((b for b in out if b.row > a.row and _stacked(a, b)),
                       key=lambda t: (t.row, t.order))
        parts = [a]
        for b in below:
            if b.row == parts[-1].row:
                continue  # one piece per line
            text = "".join(p.text for p in parts) + b.text
            key = amount_concept(text)
            if key:
                for p in parts:
                    out.remove(p)
                spans = [p.span for p in (*parts, b)]
                span = (min(x[0] for x in spans), max(x[1] for x in spans)) \
                    if all(spans) else None  # type: ignore[index]
                out[out.index(b)] = Leaf(text, key, b.col, b.row, b.order, span)
                break
            if b.key is not None or b.span is None:
                continue  # a word of its own: the fragment may go on below it
            parts.append(b)
    return _join_stacks(out)


def _join_stacks(tokens: list[Leaf]) -> list[Leaf]:
    """Where the text kept positions: a header and the pieces printed under it on the next
    lines, one per line ("一般公共预算" / "财" / "政拨款", "国有资本经营" / "预" / "算财政拨" /
    "款"), joined into the longest run that names a column concept. A piece that names a
    concept of its own ends the run unless the join names one too."""
    out = list(tokens)
    for a in sorted(tokens, key=lambda t: (t.row, t.order)):
        if a not in out or a.span is None or a.key in STRUCTURAL:
            continue
        chain, best = [a], None
        below = sorted((b for b in out if b.row > a.row and b.span is not None
                        and distance(a.span, b.span) == 0), key=lambda t: (t.row, t.order))
        for b in below:
            if b.row == chain[-1].row:
                continue
            key = amount_concept("".join(p.text for p in chain) + b.text)
            if b.key and b.key not in STRUCTURAL and not key:
                break
            chain.append(b)
            if key:
                best = (list(chain), key)
        if best is None:
            continue
        parts, key = best
        last = parts[-1]
        span = (min(p.span[0] for p in parts), max(p.span[1] for p in parts))  # type: ignore[index]
        for p in parts[:-1]:
            out.remove(p)
        out[out.index(last)] = Leaf("".join(p.text for p in parts), key, last.col, last.row,
                                    last.order, span)
    return out


def _stacked(a: Leaf, b: Leaf) -> bool:
    if a.span is not None and b.span is not None:
        return distance(a.span, b.span) == 0
    return a.col == b.col


def header_leaves(tokens: list[Leaf], at_least: int) -> list[Leaf] | None:
    """The amount leaves left to right, or None when the header gives fewer
    than ``at_least`` (the most amounts a row prints)."""
    cands = [t for t in tokens if t.key and t.key not in STRUCTURAL]
    cands.sort(key=lambda t: (t.col, t.row, t.order))
    if cands and all(t.span for t in cands):  # left to right as printed
        cands.sort(key=lambda t: (t.span[0] + t.span[1], t.row, t.order))  # type: ignore[index]
    # A group header over narrower ones (基本支出 over 人员经费/公用经费) is no leaf.
    keys = {t.key for t in cands}
    cands = [t for t in cands if not any(t.key in lookup.ancestors("columns", k)
                                         for k in keys if k != t.key)
             or t.key == "total"]
    # A lone header above the row that names most leaves spans them
    # ("支出预算" over 合计 / 基本支出 / 项目支出).
    per_row: dict[int, int] = {}
    for t in cands:
        per_row[t.row] = per_row.get(t.row, 0) + 1
    if per_row:
        main = max(per_row, key=lambda r: (per_row[r], -r))
        cands = [t for t in cands if not (t.row < main and per_row[t.row] == 1
                                          and _spans_over(t, [c for c in cands if c.row == main],
                                                          [c for c in tokens if c.row > t.row]))]
    return cands if len(cands) >= max(at_least, 1) else None


def _spans_over(head: Leaf, below: list[Leaf], lower: list[Leaf]) -> bool:
    """Whether a lone upper header is a group over the row below ("支出预算", "一般公共预算
    支出" over 合计 / 基本支出 / 项目支出), not a sibling of their concepts that pdftotext
    printed a line higher (基本支出 beside 本年支出合计 / 项目支出): where the text kept
    positions, whether it stands over any of them; else whether its concept is broader than
    theirs rather than their sibling (the same broader concepts)."""
    if head.span is not None and lower and all(b.span for b in lower):
        # positions say it: a group header stands over some header below it
        return any(distance(head.span, b.span) == 0 for b in lower)  # type: ignore[arg-type]
    mine = set(lookup.ancestors("columns", head.key or ""))
    return not any(
        b.key != head.key and head.key not in lookup.ancestors("columns", b.key or "")
        and mine and mine == set(lookup.ancestors("columns", b.key or "")) for b in below)
