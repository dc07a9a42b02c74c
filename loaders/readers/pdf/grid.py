"""Ruled tables from a page's edges and characters.

Edges that touch each other form one table. Its column boundaries are the x
positions of its vertical edges and its row boundaries the y positions of
its horizontal edges (clustered, since exports draw each cell's border
separately, a fraction of a point apart). Two neighbouring grid cells are
one merged cell when no edge separates them; a merged cell's text goes into
its top-left grid cell and the others stay empty strings (the interpreters
read spans from the empty cells, as they do for text layouts). Characters
belong to the cell that holds their centre; a cell's text lines are joined.
Where the ruling leaves rows out, the text says where they are: a band with
numbers on several lines in several columns is one row per line, and a
merged cell with one line beside each of several rows is split into them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from loaders.readers.pdf.geometry import Char, Edge
from loaders.readers.pdf.lines import group_lines

# Positions closer than this (points) are one boundary.
SNAP = 2.0
# Edges whose ends are this close join, and touch an edge across them.
JOIN = 2.5
# A boundary separates two cells when an edge covers this share of their side.
COVER = 0.5
# An amount as printed in a cell: digits with separators, sign or brackets.
_NUMBER = re.compile(r"[-−(（]?[\d,，.]*\d[\d,，.]*[)）%]?")


@dataclass(slots=True)
class GridCell:
    text: str
    bbox: tuple[float, float, float, float]  # of the (merged) cell it belongs to


@dataclass(slots=True)
class Grid:
    """A ruled table: rows top to bottom, each a list of cells left to right."""

    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom (descending y)
    rows: list[list[GridCell]]
    chars: set[int]  # ids of the characters inside

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[-1], self.xs[-1], self.ys[0])


def _cluster(values: list[float]) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= SNAP:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _merge_collinear(edges: list[Edge]) -> list[Edge]:
    """Join edges on one line whose ends meet (cell borders drawn one by one)."""
    merged: list[Edge] = []
    key = sorted(edges, key=lambda e: (e.horizontal, round(e.pos / SNAP), e.start))
    for e in key:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.horizontal == e.horizontal
            and abs(last.pos - e.pos) <= SNAP
            and e.start <= last.end + JOIN
        ):
            merged[-1] = Edge(e.horizontal, last.pos, last.start, max(last.end, e.end))
        else:
            merged.append(e)
    return merged


def _touch(h: Edge, v: Edge) -> bool:
    return h.start - JOIN <= v.pos <= h.end + JOIN and v.start - JOIN <= h.pos <= v.end + JOIN


def _components(edges: list[Edge]) -> list[list[Edge]]:
    parent = list(range(len(edges)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, e in enumerate(edges) if e.horizontal]
    vs = [i for i, e in enumerate(edges) if not e.horizontal]
    for i in hs:
        for j in vs:
            if _touch(edges[i], edges[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[Edge]] = {}
    for i, e in enumerate(edges):
        groups.setdefault(find(i), []).append(e)
    return list(groups.values())


def _covered(edges: list[Edge], pos: float, lo: float, hi: float) -> bool:
    """Whether edges at ``pos`` cover at least COVER of the span lo..hi."""
    need = COVER * (hi - lo)
    got = 0.0
    for e in edges:
        if abs(e.pos - pos) <= SNAP:
            got += max(0.0, min(hi, e.end) - max(lo, e.start))
    return got >= need


def cell_text(chars: list[Char]) -> str:
    """A cell's lines joined; a space only between two Latin letters/digits."""
    text = ""
    for line in group_lines(chars):
        piece = line.text
        if text and text[-1].isascii() and text[-1].isalnum() and piece[0].isascii() \
                and piece[0].isalnum():
            text += " "
        text += piece
    return text


def _unruled_row_lines(xs: list[float], ys: list[float], chars: list[Char]) -> list[float]:
    """Row boundaries a table does not draw: in a ruled band whose text lines carry
    numbers in two or more columns on two or more lines, each line is a row of its
    own (tables ruled by columns only). Bands with one record — a name wrapped
    beside its amounts, a header with two-line captions — keep their one row."""
    out: list[float] = []
    inside = sorted((c for c in chars if xs[0] < c.cx < xs[-1]), key=lambda c: c.cy)
    centres = [c.cy for c in inside]
    for top, bottom in pairwise(ys):
        band = inside[bisect_right(centres, bottom) : bisect_right(centres, top)]
        if len(band) < 4:
            continue
        lines = group_lines(band)
        if len(lines) < 2:
            continue
        numeric: dict[int, int] = {}  # column → lines with a number in it
        for line in lines:
            columns: dict[int, str] = {}
            for ch in line.chars:
                col = bisect_right(xs, ch.cx) - 1
                columns[col] = columns.get(col, "") + ch.text
            for col, text in columns.items():
                if _NUMBER.fullmatch(text):
                    numeric[col] = numeric.get(col, 0) + 1
        if sum(1 for n in numeric.values() if n >= 2) >= 2:
            out.extend((a.y0 + b.y1) / 2 for a, b in pairwise(lines))
    return out


def _grid(edges: list[Edge], chars: list[Char], taken: set[int]) -> Grid | None:
    hs = [e for e in edges if e.horizontal]
    vs = [e for e in edges if not e.horizontal]
    xs = _cluster([e.pos for e in vs])
    ys = sorted(_cluster([e.pos for e in hs]), reverse=True)
    if len(xs) < 2 or len(ys) < 2:
        return None
    unruled = _unruled_row_lines(xs, ys, [c for k, c in enumerate(chars) if k not in taken])
    if unruled:
        hs = hs + [Edge(True, y, xs[0], xs[-1]) for y in unruled]
        ys = sorted(ys + unruled, reverse=True)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        top, bottom = ys[r], ys[r + 1]
        for c in range(n_cols):
            left, right = xs[c], xs[c + 1]
            if c + 1 < n_cols and not _covered(vs, xs[c + 1], bottom, top):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not _covered(hs, ys[r + 1], left, right):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    # Each merged region: its top-left cell and its box.
    first: dict[int, int] = {}
    box: dict[int, list[float]] = {}
    for i in range(n_rows * n_cols):
        root = find(i)
        r, c = divmod(i, n_cols)
        first.setdefault(root, i)
        b = box.setdefault(root, [xs[c], ys[r + 1], xs[c + 1], ys[r]])
        b[0], b[1] = min(b[0], xs[c]), min(b[1], ys[r + 1])
        b[2], b[3] = max(b[2], xs[c + 1]), max(b[3], ys[r])
    # Characters by centre; ys descending, so search the negated list.
    neg_ys = [-y for y in ys]
    inside: dict[int, list[Char]] = {}
    ids: set[int] = set()
    for k, ch in enumerate(chars):
        if k in taken:
            continue
        c = bisect_right(xs, ch.cx) - 1
        r = bisect_right(neg_ys, -ch.cy) - 1
        if 0 <= c < n_cols and 0 <= r < n_rows:
            inside.setdefault(find(r * n_cols + c), []).append(ch)
            ids.add(k)
    texts: dict[int, str] = {}  # grid cell index → its text
    boxes: dict[int, tuple[float, float, float, float]] = {}
    for root, members in inside.items():
        split = _one_line_per_row(members, root, first, box, ys, n_cols, inside, find)
        if split is None:
            texts[first[root]] = cell_text(members)
            continue
        for i, line_chars in split.items():
            r = i // n_cols
            texts[i] = cell_text(line_chars)
            boxes[i] = (box[root][0], ys[r + 1], box[root][2], ys[r])
    rows: list[list[GridCell]] = []
    for r in range(n_rows):
        row = []
        for c in range(n_cols):
            i = r * n_cols + c
            cell_box = boxes.get(i) or tuple(box[find(i)])
            row.append(GridCell(texts.get(i, ""), cell_box))  # type: ignore[arg-type]
        rows.append(row)
    return Grid(xs, ys, rows, ids)


def _one_line_per_row(
    members: list[Char],
    root: int,
    first: dict[int, int],
    box: dict[int, list[float]],
    ys: list[float],
    n_cols: int,
    inside: dict[int, list[Char]],
    find: Callable[[int], int],
) -> dict[int, list[Char]] | None:
    """A cell spanning several rows whose text lines sit each in a row of its own, beside
    rows that have cells of their own (a spreadsheet whose row lines stop short of a
    column): each line goes to its own row, as printed. None when it is one cell."""
    top_row, col = divmod(first[root], n_cols)
    spanned = [r for r in range(top_row, len(ys) - 1) if box[root][1] <= ys[r + 1] + SNAP]
    if len(spanned) < 2:
        return None
    lines = group_lines(members)
    if len(lines) < 2:
        return None
    out: dict[int, list[Char]] = {}
    for line in lines:
        centre = (line.y0 + line.y1) / 2
        band = next((r for r in spanned if ys[r + 1] <= centre <= ys[r]), None)
        if band is None or band * n_cols + col in out:
            return None  # a line across a row line, or two lines in one row: one cell
        out[band * n_cols + col] = line.chars
    spanned = [k // n_cols for k in out]
    # the rows must be rows elsewhere: another column has a cell of its own with text
    # in at least two of them
    own = sum(
        1
        for r in spanned
        if any(
            find(r * n_cols + c) != root and first[find(r * n_cols + c)] == r * n_cols + c
            and inside.get(find(r * n_cols + c))
            for c in range(n_cols)
        )
    )
    return out if own >= 2 else None


def _area(edges: list[Edge]) -> float:
    xs = [e.pos for e in edges if not e.horizontal] or [0.0]
    ys = [e.pos for e in edges if e.horizontal] or [0.0]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def find_grids(edges: list[Edge], chars: list[Char]) -> list[Grid]:
    """The ruled tables of a page, top to bottom, without empty ones.

    Smaller rulings claim their characters first, so a frame drawn around a
    table (or the whole page) does not swallow it; a ruling with a single
    column is a box around text, not a table, and leaves its characters to the
    text lines."""
    grids: list[Grid] = []
    taken: set[int] = set()
    for component in sorted(_components(_merge_collinear(edges)), key=_area):
        grid = _grid(component, chars, taken)
        if grid is not None and grid.chars and len(grid.xs) > 2:
            taken |= grid.chars
            grids.append(grid)
    grids.sort(key=lambda g: -g.ys[0])
    return grids
