"""Grids whose columns the text extraction merged, read again from the order of their pieces.

``pdftotext -layout`` right-aligns numbers of different widths and centres
headers, so a space-aligned reader may put two amounts in one cell
("0.00 21703947.00"), an amount beside the next row label
("96,282,213.44 一、公共安全支出"), or leave whole rows as lines of text
(a blank line between rows). Positions no longer say the column, but the
order of the pieces on a line still does: a row prints its code parts, its
name, then its amounts left to right; a two-sided row prints the income
name and amounts, then the expenditure name and amounts.

So a region with such cells is rebuilt: the leaf column headers are read
(``header_leaves``) from the header rows in order (fragments of a wrapped header joined when
the join is a column concept of ``columns.ttl``, group headers above them
left out), and each data row's amounts fill those leaves in order. A row
that prints fewer amounts than there are leaves (blank cells) keeps its
first amount under the first leaf — the table's total column — and the
others are placed by ``placement`` from the table's sums, then, where the
sums leave a row open and the text kept the words' columns, each amount
under the leaf whose header stands nearest (``positions``; only when that
keeps the amounts' order and no two share a leaf); what neither places is
kept under an unplaced column with a warning, never dropped. Amounts
printed on a line of their own (pdftotext centres a tall cell's text
vertically) join their row by where they stand (``attach_apart``; a
two-sided table's rows: ``_positioned_rows``).
The rebuilt rows are an ordinary grid for ``header``/``rows``/``summary``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from loaders.model import Cell, LoadWarning, Row
from loaders.numbers import parse_amount
from loaders.tables import lookup, placement, sangong_text
from loaders.tables.header_leaves import (
    Leaf,
    header_leaves,
    header_tokens,
    join_fragments,
)
from loaders.tables.pieces import Piece, is_amount_token, mangled, row_pieces
from loaders.tables.positions import Span, nearest, word_spans
from loaders.tables.rows import is_total_label
from loaders.text import label_key

_PATTERN_ROWS = 3


@dataclass
class Rebuilt:
    rows: list[Row]
    warnings: list[LoadWarning] = field(default_factory=list)
    # (line, clean column) of amounts whose column no header or sum gave.
    unplaced: set[tuple[int, int]] = field(default_factory=set)
    # lines printing only amounts that were attached to a row (read, though no fact has them)
    attached: set[int] = field(default_factory=set)


def merged(rows: list[Row], text_lines: set[int]) -> bool:
    """Rows read from lines of text, or cells that hold several pieces."""
    return any(r.line in text_lines for r in rows) or any(
        mangled(t) for r in rows for t in r.texts())


def unread_rows(rows: list[Row], text_lines: set[int], read: set[int]) -> list[
        tuple[int, list[str]]]:
    """Rows read from text or with merged cells that print amounts but gave no
    fact (lines in ``read`` did): (line, amounts as printed)."""
    out = []
    for r in rows:
        if r.line in read or not (r.line in text_lines or any(mangled(t) for t in r.texts())):
            continue
        amounts = [p.text for p in row_pieces(r) if p.kind == "amount"]
        if amounts:
            out.append((r.line, amounts))
    return out


def needs_rebuild(rows: list[Row], text_lines: set[int], layouts: set[str]) -> bool:
    """Merged rows, or space-aligned columns (whose positions drift with
    right-aligned numbers of different widths)."""
    return "aligned" in layouts or merged(rows, text_lines)


# ---------------------------------------------------------------------------
# the rebuild
# ---------------------------------------------------------------------------


def _cell(text: str, line: int) -> Cell:
    return Cell(text=text, line=line)


def _split_header(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    first = next((k for k, r in enumerate(rows)
                  if any(p.kind == "amount" for p in row_pieces(r))), len(rows))
    return rows[:first], rows[first:]


def _is_header_repeat(row: Row, header_words: set[str]) -> bool:
    words = {label_key(w) for t in row.texts() for w in t.split()}
    return bool(words) and words <= header_words


def rebuild(rows: list[Row], pre: list[Row]) -> Rebuilt | None:
    """A clean grid for a region whose cells were merged, or None when its
    header does not say how many amount columns there are."""
    header, data = _split_header(rows)
    header = pre + header
    if not data:
        return None
    sangong = sangong_text.rebuild_rows(
        header, data, lambda r: [p.text for p in row_pieces(r) if p.kind == "amount"])
    if sangong is not None:
        rows_, open_lines = sangong
        out = Rebuilt(rows_, unplaced={(line, -1) for line in open_lines})
        if open_lines:
            out.warnings.append(LoadWarning(
                "column-not-placed", f"三公 row at line {open_lines[0]} prints fewer amounts than "
                "the table has items and the items' sums do not say which it leaves blank; the "
                "amounts they do not place are kept under an unrecognised column",
                open_lines[0]))
        return out
    tokens = join_fragments(header_tokens(header))
    header_words = {label_key(t.text) for t in tokens}
    data = [r for r in data if not _is_header_repeat(r, header_words)]
    if sum(1 for r in data if _two_sided_row(row_pieces(r))) >= 2:
        return _rebuild_two_sided(tokens, data)
    return _rebuild_code_table(tokens, data)


def _two_sided_row(ps: list[Piece]) -> bool:
    """A name after an amount: the row goes on with the other side."""
    kinds = [p.kind for p in ps]
    return "amount" in kinds and "label" in kinds[kinds.index("amount"):]


def _code_header(tokens: list[Leaf]) -> tuple[str, str]:
    code = next((t.text for t in tokens if t.key == "classification-code"), "")
    name = next((t.text for t in tokens if t.key == "item-name"), "")
    return code, name


def _rebuild_code_table(tokens: list[Leaf], data: list[Row]) -> Rebuilt | None:
    parsed = [(row_pieces(r), r) for r in data]
    counts = [sum(1 for p in ps if p.kind == "amount") for ps, _ in parsed]
    most = max(counts, default=0)
    leaves = header_leaves(join_fragments(tokens), most) if most else None
    if leaves is None:
        return None
    n = len(leaves)
    rows = []
    apart: list[tuple[int, list[str], list[Span] | None]] = []
    for k, (ps, row) in enumerate(parsed):
        codes = join_code([p.text for p in ps if p.kind == "code"])
        label = " ".join(p.text for p in ps if p.kind == "label")
        amounts = [p.text for p in ps if p.kind == "amount"]
        if not codes and not label and k < len(parsed) - 1:
            # amounts printed apart from their row: attached by position, else reported
            apart.append((row.line, amounts, _amount_spans(row, len(amounts))))
            continue
        rows.append((row.line, codes, label, amounts, _amount_spans(row, len(amounts))))
    fixed, attached = attach_apart(apart, rows, leaves)
    if not _leaves_add_up(leaves, [r[3] for r in rows]):
        return None
    has_total = any(is_total_label(label) and not codes for _, codes, label, _, _ in rows)
    leading = leading_columns(counts, n)
    lines = [_line(f"r{k}", codes if codes else ("TOTAL" if is_total_label(label) else None),
                   _code_parent(codes, has_total), amounts, n, leading)
             for k, (_, codes, label, amounts, _) in enumerate(rows)]
    for k, slots in fixed.items():
        lines[k].slots, lines[k].sure = slots, True
    placement.solve([ln for ln in lines if ln.amounts], n)
    if _place_by_position(lines, [r[4] for r in rows], leaves):
        placement.solve([ln for ln in lines if ln.amounts], n)
    extra = max((len(ln.amounts) - 1 for ln in lines if ln.slots is None), default=0)
    code_h, name_h = _code_header(tokens)
    line0 = data[0].line - 1
    out = Rebuilt([Row([_cell(code_h, line0), _cell(name_h, line0)]
                       + [_cell(leaf.text, line0) for leaf in leaves]
                       + [_cell("", line0) for _ in range(extra)], line0)])
    out.attached = attached
    for (line, codes, label, _, _), ln in zip(rows, lines, strict=True):
        cells = [_cell(codes, line), _cell(label, line)]
        cells += _cells(ln, n, extra, line, 2, out)
        out.rows.append(Row(cells, line))
    _report(out, lines, rows)
    if leading:
        out.warnings.append(_leading_warning(leading, leaves, rows[0][0]))
    return out


def attach_apart(apart: list[tuple[int, list[str], list[Span] | None]], rows: list[list],
                 leaves: list[Leaf]) -> tuple[dict[int, tuple[int, ...]], set[int]]:
    """Amounts pdftotext printed on a line of their own above or below their row (it centres
    a merged cell's text vertically): each goes, by where it stands, under the leaf whose
    header is nearest, to the nearest row with a code or a total name that has no amount
    under that leaf — only when one such row is nearest. The rows that took amounts get
    their amounts re-ordered by leaf and their columns fixed (index → slots), with the lines
    wholly attached; ``rows`` is changed in place, what is not attached stays out (reported
    as not read)."""
    heads = [leaf.span for leaf in leaves]
    if not apart or not all(heads):
        return {}, set()

    def columns(spans: list[Span] | None, count: int) -> list[int | None] | None:
        if count == 0:
            return []
        return None if spans is None else [nearest(s, heads) for s in spans]  # type: ignore

    owners = [k for k, r in enumerate(rows) if r[1] or is_total_label(r[2])]
    taken: dict[int, dict[int, tuple[str, Span]]] = {}
    for k in owners:
        cols = columns(rows[k][4], len(rows[k][3]))
        if cols is not None and None not in cols:
            taken[k] = {c: (a, s) for c, a, s in zip(  # type: ignore[misc]
                cols, rows[k][3], rows[k][4] or [], strict=True)}
    changed: set[int] = set()
    attached: set[int] = set()
    for line, amounts, spans in apart:
        cols = columns(spans, len(amounts)) or []
        if len(cols) == len(amounts) and None not in cols:
            attached.add(line)
        for a, c, s in zip(amounts, cols, spans or [], strict=False):
            if c is None:
                continue
            free = [k for k in taken if c not in taken[k]]
            dist = [abs(rows[k][0] - line) for k in free]
            if not dist or dist.count(min(dist)) != 1:
                attached.discard(line)
                continue
            k = free[dist.index(min(dist))]
            taken[k][c] = (a, s)
            changed.add(k)
    fixed: dict[int, tuple[int, ...]] = {}
    for k in sorted(changed):
        order = sorted(taken[k])
        line, codes, label, _, _ = rows[k]
        rows[k] = (line, codes, label, [taken[k][c][0] for c in order],
                   [taken[k][c][1] for c in order])
        fixed[k] = tuple(order)
    return fixed, attached


def _amount_spans(row: Row, count: int) -> list[Span] | None:
    """The columns of a row's ``count`` amounts (its last amount-like words: code parts
    come first), when the text kept them."""
    spans = [s for cell in row.cells for w, s in word_spans(cell) if is_amount_token(w)]
    if count == 0 or len(spans) < count or any(s is None for s in spans[-count:]):
        return None
    return spans[-count:]  # type: ignore[return-value]


def _place_by_position(lines: list[placement.Line], spans: list[list[Span] | None],
                       leaves: list[Leaf]) -> bool:
    """Open lines placed by where their amounts stand: each under the one leaf whose header
    is nearest, when every amount has one, the first is the total's and the order holds."""
    heads = [leaf.span for leaf in leaves]
    if not all(heads):
        return False
    placed = False
    for ln, where in zip(lines, spans, strict=True):
        if ln.slots is not None or where is None or len(where) != len(ln.amounts):
            continue
        slots = [nearest(s, heads) for s in where]  # type: ignore[arg-type]
        if slots[0] == 0 and None not in slots and all(
                a < b for a, b in pairwise(slots)):  # type: ignore[operator]
            ln.slots, ln.sure, placed = tuple(slots), True, True  # type: ignore[arg-type]
    return placed


def _leading_warning(k: int, leaves: list[Leaf], line: int) -> LoadWarning:
    named = " / ".join(leaf.text for leaf in leaves[:k])
    return LoadWarning(
        "columns-assumed-leading", f"every row prints {k} of the table's {len(leaves)} amount "
        f"columns; read as the first {k} ({named}), the others taken as blank throughout", line)


def _leaves_add_up(leaves: list[Leaf], amounts: list[list[str]]) -> bool:
    """Whether rows printing every leaf have their first (合计) equal to the sum of the
    others, when the header says so (the others split the total: none is broader than
    another). A leaf the header lost shows here: "1,511.89 | 8.37" under 合计 / 项目支出."""
    keys = [leaf.key for leaf in leaves]
    if len(keys) < 2 or keys[0] != "total" or any(
            k is None or "total" not in lookup.ancestors("columns", k) for k in keys[1:]):
        return True
    if any(a in lookup.ancestors("columns", b) for a in keys[1:] for b in keys[1:] if a != b):
        return True
    for row in amounts:
        if len(row) != len(keys):
            continue
        values = [parse_amount(a) or 0 for a in row]
        if abs(values[0] - sum(values[1:])) > placement.half_unit(row) * len(row):
            return False
    return True


def join_code(parts: list[str]) -> str:
    """类/款/项 parts as one code; a 款 or 项 printed without its leading zero
    ("301 2") is the two-digit part it stands for."""
    if len(parts) > 1 and len(parts[0]) == 3:
        return parts[0] + "".join(p.zfill(2) for p in parts[1:])
    return "".join(parts)


def _line(rid: str, key: str | None, parent: str | None, amounts: list[str],
          n: int, leading: int = 0) -> placement.Line:
    """A sum-tree line; its columns are known when it prints every column, at
    most one amount, or the ``leading`` columns every row of its table prints."""
    k = len(amounts)
    known = k in (n, leading) or k <= 1
    return placement.Line(key or rid, parent, amounts[:n], tuple(range(k)) if known else None,
                          sure=k == n or (leading > 0 and k in (leading, 1)))


def leading_columns(counts: list[int], n: int) -> int:
    """k when every row that prints more than one amount prints exactly k < n:
    the table fills its first k columns and leaves the others blank throughout
    (a department with no 事业收入), the reading a position would give."""
    multi = [c for c in counts if c > 1]
    # A pattern needs rows to show it: one row printing 2 of 12 amounts says nothing.
    if len(multi) < _PATTERN_ROWS or len(set(multi)) != 1 or multi[0] >= n:
        return 0
    return multi[0]


def _code_parent(codes: str, has_total: bool) -> str | None:
    if len(codes) in (5, 7):
        return codes[:-2]
    return "TOTAL" if len(codes) == 3 and has_total else None


def _cells(ln: placement.Line, n: int, extra: int, line: int, offset: int,
           out: Rebuilt) -> list[Cell]:
    """The ``n`` leaf cells of one side, then ``extra`` cells for amounts no
    sum placed (their column stays unknown: an unrecognised column)."""
    cells = [_cell("", line) for _ in range(n + extra)]
    if ln.slots is not None:
        for a, s in zip(ln.amounts, ln.slots, strict=True):
            cells[s] = _cell(a, line)
        return cells
    cells[0] = _cell(ln.amounts[0], line)
    for k, a in enumerate(ln.amounts[1:]):
        cells[n + k] = _cell(a, line)
        out.unplaced.add((line, offset + n + k))
    return cells


def _report(out: Rebuilt, lines: list[placement.Line], rows: list[tuple]) -> None:
    open_lines = [r[0] for r, ln in zip(rows, lines, strict=True) if ln.slots is None]
    if open_lines:
        shown = ", ".join(str(x) for x in open_lines[:8]) + (" …" if len(open_lines) > 8 else "")
        out.warnings.append(LoadWarning(
            "column-not-placed", f"rows at lines {shown} print fewer amounts than the table has "
            "columns and neither their position nor the table's sums say which columns they "
            "leave blank; their amounts after the first are kept under an unrecognised column",
            open_lines[0]))


def _side_of(label: str) -> str:
    k = label_key(label)
    if "支出" in k and "收入" not in k:
        return "expenditure"
    if "收入" in k:
        return "income"
    codes = [c for c in lookup.function_codes_by_name(lookup.strip_enumeration(label))
             if len(c) == 3]
    return "expenditure" if codes else "income"


def _rebuild_two_sided(tokens: list[Leaf], data: list[Row]) -> Rebuilt | None:
    ordered = sorted(tokens, key=lambda t: (t.col, t.row, t.order))
    if all(t.span for t in ordered):  # left to right as printed
        ordered.sort(key=lambda t: (t.span[0], t.row, t.order))  # type: ignore[index]
    names = [i for i, t in enumerate(ordered) if t.key == "item-name"]
    if len(names) < 2:
        return None
    # The sides' titles ("本年收入", "财政拨款支出") sit above the name headers.
    side_titles: dict[str, str] = {}
    above = min(ordered[i].row for i in names)
    for t in ordered:
        k = label_key(t.text)
        if t.row < above and ("收入" in k or "支出" in k):
            side_titles.setdefault(_side_of(t.text), t.text)
    if len(side_titles) < 2:
        return None
    titles = set(side_titles.values())
    ordered = [t for t in ordered if t.text not in titles or t.row >= above]
    names = [i for i, t in enumerate(ordered) if t.key == "item-name"]
    fixed = None
    lleaves = header_leaves(ordered[names[0] + 1: names[1]], 1)
    rleaves = header_leaves(ordered[names[1] + 1:], 1)
    if lleaves and rleaves:
        found = _positioned_rows(data, lleaves, rleaves)
        if found is not None:
            groups, data, fixed, attached = found
    if fixed is None:
        groups = [_groups(row_pieces(r)) for r in data]
    most_in = max((len(g["income"]) for g in groups), default=0)
    most_out = max((len(g["expenditure"]) for g in groups), default=0)
    lleaves = header_leaves(ordered[names[0] + 1: names[1]], most_in)
    rleaves = header_leaves(ordered[names[1] + 1:], most_out)
    if lleaves is None or rleaves is None:
        return None
    n_in, n_out = len(lleaves), len(rleaves)
    sides = {"income": _side_lines(groups, "income", n_in),
             "expenditure": _side_lines(groups, "expenditure", n_out)}
    if fixed is not None:
        for side, lines in sides.items():
            for ln, slots in zip(lines, fixed[side], strict=True):
                if slots is not None:
                    ln.slots, ln.sure = slots, True
            placement.solve([ln for ln in lines if ln.amounts], len(
                lleaves if side == "income" else rleaves))
    extra = {side: max((len(ln.amounts) - 1 for ln in lines if ln.slots is None), default=0)
             for side, lines in sides.items()}
    w_in = n_in + extra["income"]
    line0 = data[0].line - 1
    top = [_cell("", line0) for _ in range(2 + w_in + n_out + extra["expenditure"])]
    top[0] = _cell(side_titles["income"], line0)
    top[1 + w_in] = _cell(side_titles["expenditure"], line0)
    second = ([_cell(ordered[names[0]].text, line0)] + [_cell(t.text, line0) for t in lleaves]
              + [_cell("", line0) for _ in range(extra["income"])]
              + [_cell(ordered[names[1]].text, line0)] + [_cell(t.text, line0) for t in rleaves]
              + [_cell("", line0) for _ in range(extra["expenditure"])])
    out = Rebuilt([Row(top, line0), Row(second, line0)])
    if fixed is not None:
        out.attached = attached
    for k, (g, row) in enumerate(zip(groups, data, strict=True)):
        cells = [_cell(g["income_label"], row.line)]
        cells += _cells(sides["income"][k], n_in, extra["income"], row.line, 1, out)
        cells.append(_cell(g["expenditure_label"], row.line))
        cells += _cells(sides["expenditure"][k], n_out, extra["expenditure"], row.line,
                        2 + w_in, out)
        out.rows.append(Row(cells, row.line))
    for side, lines in sides.items():
        _report(out, lines, [(row.line,) for row in data])
        side_leaves = lleaves if side == "income" else rleaves
        k = leading_columns([len(g[side]) for g in groups], len(side_leaves))
        if k:
            out.warnings.append(_leading_warning(k, side_leaves, data[0].line))
    return out


def _positioned_rows(data: list[Row], lleaves: list[Leaf], rleaves: list[Leaf]
                     ) -> tuple[list[dict], list[Row], dict, set[int]] | None:
    """A two-sided table's rows read by where their words stand: a word left of where the
    expenditure side's names start (the leftmost name a row prints after an amount) is the
    income side's; each amount goes under the nearest header of its side; a line of amounts
    only (pdftotext centres merged cells vertically) gives each amount to the nearest row
    opening an item on that side with that column blank. None when any of it is unclear."""
    heads = {"income": [leaf.span for leaf in lleaves],
             "expenditure": [leaf.span for leaf in rleaves]}
    if not all(heads["income"]) or not all(heads["expenditure"]):
        return None
    rows_words = [[(w, span) for cell in row.cells for w, span in word_spans(cell)]
                  for row in data]
    if any(span is None for words in rows_words for _, span in words):
        return None
    # Where the expenditure side's names start: the leftmost name printed after an amount.
    after = [span[0] for words in rows_words  # type: ignore[index]
             for k, (w, span) in enumerate(words)
             if not is_amount_token(w) and any(is_amount_token(x) for x, _ in words[:k])]
    if not after:
        return None
    middle = min(after)
    entries: list[tuple[Row, dict]] = []
    apart: list[tuple[int, str, str, Span]] = []
    for row, words in zip(data, rows_words, strict=True):
        entry: dict = {"income_label": "", "income": {}, "expenditure_label": "",
                       "expenditure": {}}
        amounts = []
        for w, span in words:
            side = "income" if span[0] < middle else "expenditure"  # type: ignore[index]
            if is_amount_token(w):
                amounts.append((side, w, span))
            else:
                label = entry[f"{side}_label"]
                entry[f"{side}_label"] = f"{label} {w}" if label else w
        if not entry["income_label"] and not entry["expenditure_label"]:
            apart += [(row.line, side, w, span) for side, w, span in amounts]
            continue
        for side, w, span in amounts:
            k = nearest(span, heads[side])  # type: ignore[arg-type]
            if k is None or k in entry[side]:
                return None
            entry[side][k] = w
        entries.append((row, entry))
    for line, side, w, span in apart:
        k = nearest(span, heads[side])
        owners = [(abs(r.line - line), e) for r, e in entries
                  if _starts_item(e[f"{side}_label"]) and k not in e[side]]
        dist = [d for d, _ in owners]
        if k is None or not dist or dist.count(min(dist)) != 1:
            return None
        owners[dist.index(min(dist))][1][side][k] = w
    groups, fixed = [], {"income": [], "expenditure": []}
    for _, e in entries:
        g = {f"{side}_label": e[f"{side}_label"] for side in fixed}
        for side in fixed:
            order = sorted(e[side])
            g[side] = [e[side][k] for k in order]
            fixed[side].append(tuple(order) if order else None)
        groups.append(g)
    return groups, [r for r, _ in entries], fixed, {line for line, _, _, _ in apart}


def _side_lines(groups: list[dict], side: str, n: int) -> list[placement.Line]:
    """One side's rows as sum-tree lines: its 合计 (else 总计) row is the sum of
    the rows that name a function class."""
    labels = [label_key(g[f"{side}_label"]) for g in groups]
    total = next((k for k, lab in enumerate(labels) if "合计" in lab), None)
    if total is None:
        total = next((k for k, lab in enumerate(labels) if "总计" in lab), None)
    leading = leading_columns([len(g[side]) for g in groups], n)
    lines = []
    for k, g in enumerate(groups):
        label = g[f"{side}_label"]
        is_class = bool(label) and k != total and bool(
            [c for c in lookup.function_codes_by_name(lookup.strip_enumeration(label))
             if len(c) == 3])
        parent = "TOTAL" if is_class and total is not None else None
        lines.append(_line(f"r{k}", "TOTAL" if k == total else None, parent, g[side], n,
                           leading))
    placement.solve([ln for ln in lines if ln.amounts], n)
    return lines


def _starts_item(label: str) -> bool:
    """A name that opens a row of its own: enumerated ("三、…", "2、…"), or a
    side's total."""
    k = label_key(label)
    return lookup.strip_enumeration(label) != label.strip() or "总计" in k or "合计" in k


def _groups(ps: list[Piece]) -> dict:
    """Income and expenditure name and amounts of one two-sided row."""
    runs: list[tuple[str, list[str]]] = []
    for p in ps:
        if p.kind in ("label", "code"):
            if runs and not runs[-1][1] and p.kind == "label" and runs[-1][0] \
                    and not _starts_item(p.text):
                runs[-1] = (f"{runs[-1][0]} {p.text}", [])  # a name in two cells
            else:
                runs.append((p.text, []))
        else:
            if not runs:
                runs.append(("", []))
            runs[-1][1].append(p.text)
    out: dict = {"income_label": "", "income": [], "expenditure_label": "", "expenditure": []}
    if len(runs) >= 2:
        (a, am), (b, bm) = runs[0], runs[1]
        out.update(income_label=a, income=am, expenditure_label=b, expenditure=bm)
    elif runs:
        label, am = runs[0]
        side = _side_of(label) if label else "income"
        out[f"{side}_label"], out[side] = label, am
    return out
