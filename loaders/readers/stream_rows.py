"""Rows of a cell stream: a row is its code parts and name, then the amounts that follow.

The text tool leaves blank cells out, so a row prints as many amounts as it has non-blank
cells. A row that prints one amount per column is placed where every column order the
header allows agrees and its sums hold (``stream_order``); a row followed by more amounts
than columns keeps the first ones when they must be its own; a shorter row is placed only
where the table's own column sums decide it (``loaders.tables.placement``). A row's code
comes from the code parts printed before its name, checked against the name in the code
lists, or from the name alone when its class above decides it. What stays open — amounts
printed away from any name, a code on two rows, a group whose placed rows do not add up to
their parent — is reported, never placed under a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from loaders.numbers import parse_amount
from loaders.readers.stream_order import certain_cells
from loaders.readers.stream_tokens import Token
from loaders.tables import lookup, placement
from loaders.tables.header import STRUCTURAL
from loaders.text import label_key

TOTAL_KEY = "total"
_TOTAL_ROWS = ("合计", "总计")  # the total row's label (also a column label)
_TOTAL = "TOTAL"  # the total row's key in the sum tree
# Valid code shapes, as lengths of the printed parts: 类, 类+款, 类+款+项, or joined.
_CODE_SHAPES = ((3, 2, 2), (3, 2), (3,), (7,), (5,))


@dataclass
class StreamRow:
    name: Token
    codes: list[Token]  # the code parts printed right before the name
    amounts: list[Token] = field(default_factory=list)
    code: str | None = None
    problem: str | None = None  # why it cannot be placed
    cells: dict[int, Token] | None = None  # column index → the amount placed there
    from_run: bool = False  # its amounts are the first of a longer run

    def unplaced(self) -> list[Token]:
        placed = {id(t) for t in (self.cells or {}).values()}
        return [a for a in self.amounts if id(a) not in placed]


@dataclass
class StreamTable:
    columns: list[Token]  # amount columns, total first
    rows: list[StreamRow]
    orphans: list[list[Token]]  # runs of amounts printed away from a name
    bare: list[StreamRow]  # names printed without amounts (theirs are elsewhere)
    ordered: list[StreamRow] = field(default_factory=list)  # all of them, as printed


def amount_columns(toks: list[Token]) -> list[Token]:
    """The amount columns the header names, each once, in printed order, the total first."""
    seen: dict[str, Token] = {}
    for t in toks:
        if t.kind == "column" and t.column not in STRUCTURAL and t.column not in seen:
            seen[t.column or ""] = t
    cols = list(seen.values())
    return sorted(cols, key=lambda t: t.column != TOTAL_KEY)


def _is_row_start(toks: list[Token], k: int, coded_rows: bool) -> bool:
    t = toks[k]
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if t.kind == "name":
        return bool(lookup.keys_for("function", t.text) or lookup.keys_for("economic", t.text))
    # "合计" is a column label and the label of the total row: a row when amounts follow,
    # in a table that has printed coded rows (a header word over a single row is none).
    return (coded_rows and t.text in _TOTAL_ROWS and nxt is not None and nxt.kind == "amount")


def split_rows(toks: list[Token]) -> StreamTable:
    rows: list[StreamRow] = []
    orphans: list[list[Token]] = []
    pending: list[Token] = []
    current: StreamRow | None = None
    for k, t in enumerate(toks):
        if t.kind == "amount":
            if current is not None:
                current.amounts.append(t)
            elif orphans and orphans[-1] and orphans[-1][-1] is toks[k - 1]:
                orphans[-1].append(t)
            else:
                orphans.append([t])
            pending = []
            continue
        current = None
        if t.kind == "code":
            pending.append(t)
        elif _is_row_start(toks, k, bool(rows)):
            current = StreamRow(name=t, codes=pending)
            rows.append(current)
            pending = []
        else:
            pending = []
    table = StreamTable(amount_columns(toks), [r for r in rows if r.amounts], orphans,
                        [r for r in rows if not r.amounts], rows)
    twice = _named_twice(toks, rows[0].name if rows else None)
    if twice:
        for r in table.rows:
            r.problem = (f"the header names {twice} twice: a table of two sides, whose "
                         "sides a cell stream does not keep apart")
    return table


def _named_twice(toks: list[Token], first_row: Token | None) -> str | None:
    """An amount column label the header prints twice before the first row ("预算数" over
    the income side and over the expenditure side; "支出预算" over "合计" is a group)."""
    seen: set[str] = set()
    for t in toks:
        if t is first_row:
            break
        if t.kind == "column" and t.column not in STRUCTURAL:
            words = label_key(lookup.strip_enumeration(t.text))
            if words in seen:
                return t.text
            seen.add(words)
    return None


def _code_of(parts: list[Token]) -> tuple[str | None, bool]:
    """The code the parts right before a name spell, and whether they spell one."""
    if not parts:
        return None, True
    lengths = [len(p.text) for p in parts]
    for shape in _CODE_SHAPES:
        if tuple(lengths[-len(shape):]) == shape:
            return "".join(p.text for p in parts[-len(shape):]), True
    return None, False


def _names_code(code: str, name: str) -> bool:
    """Whether the code lists allow ``name`` on a row coded ``code``."""
    for scheme in ("function", "economic"):
        labels = lookup.code_labels(scheme, code)
        if labels:
            return label_key(name) in labels or label_key(lookup.strip_enumeration(name)) in labels
    named = lookup.keys_for("function", name) or lookup.keys_for("economic", name)
    return not named  # an unlisted code: only a name the lists give to no other code


def _code_by_name(name: str, context: str | None) -> str | None:
    """The code a row printed without one has: its name's only class (类), or its name's
    only 款/项 under the row printed before it (its parent or a sibling)."""
    keys = [k for scheme in ("function", "economic") for k in lookup.keys_for(scheme, name)
            if k.isdigit()]
    fits = {k for k in keys if len(k) == 3
            or (context and len(k) in (5, 7) and len(context) >= len(k) - 2
                and k[:-2] == context[: len(k) - 2])}
    return fits.pop() if len(fits) == 1 else None


def check_codes(table: StreamTable) -> None:
    """Each row's code from its code parts (checked against its name) or from its name."""
    context: str | None = None
    for row in table.ordered:
        code, ok = _code_of(row.codes)
        if not ok:
            row.problem = "its code parts spell no code"
        elif code and not _names_code(code, row.name.text):
            row.problem = f"code {code} is not the code of '{row.name.text}'"
        elif code is None and row.name.kind == "name" and not lookup.line_item_keys(
                row.name.text):
            code = _code_by_name(row.name.text, context)
            if code is None:
                row.problem = "its name alone does not say its code"
        row.code = code
        context = code if code and not row.problem else context
    lines: dict[str, list[int]] = {}
    for row in table.rows:
        if row.code:
            lines.setdefault(row.code, []).append(row.name.line)
    for row in table.rows:  # a 项 printed without its last part reads as its 款 again
        if row.code and len(lines[row.code]) > 1 and not row.problem:
            row.problem = (f"code {row.code} stands on two rows (lines "
                           f"{', '.join(map(str, lines[row.code]))})")


def _parts_of_total(columns: list[Token]) -> list[int]:
    """Columns that add up to the total column: those with no other printed column
    between them and the total in columns.ttl (人员经费 under 基本支出 is no part)."""
    keys = {t.column for t in columns}
    return [c for c, t in enumerate(columns) if c
            and set(lookup.ancestors("columns", t.column or "")) & keys == {TOTAL_KEY}]


def _full_rows(table: StreamTable, columns: list[Token]) -> int:
    return sum(1 for r in table.rows if r.problem is None and len(r.amounts) == len(columns)
               and certain_cells(r.amounts, columns) is not None)


def _siblings(columns: list[Token]) -> bool:
    parents = {lookup.ancestors("columns", columns[c].column or "")[:1]
               for c in _parts_of_total(columns)}
    return len(parents) == 1


def choose_columns(table: StreamTable) -> None:
    """Drop a group label the header prints over the columns ("一般公共预算支出" over 合计 /
    基本支出 / 项目支出): when no row fills the columns as named and adding up, and leaving
    out exactly one label makes rows fill them and add up, that label spans the others."""
    cols = table.columns
    if len(cols) < 3 or cols[0].column != TOTAL_KEY or _full_rows(table, cols):
        return
    fits = [c for c in range(1, len(cols)) if _full_rows(table, cols[:c] + cols[c + 1:])]
    if len(fits) > 1:  # sums hold in any order: the parts must be siblings in columns.ttl
        fits = [c for c in fits if _siblings(cols[:c] + cols[c + 1:])]
    if len(fits) == 1:
        table.columns = cols[: fits[0]] + cols[fits[0] + 1:]


def place(table: StreamTable) -> None:
    """Columns of each row's amounts: full rows by the header (where its order is sure),
    short ones by the column sums; then only groups that add up as placed are kept."""
    choose_columns(table)
    width = len(table.columns)
    for row in table.rows:
        if row.problem or not width:
            continue
        if len(row.amounts) == width:
            row.cells = certain_cells(row.amounts, table.columns)
            if row.cells is None:
                row.problem = "its amounts do not add up as the header's columns do"
        elif len(row.amounts) > width:
            _place_own_amounts(row, table.columns)
    if not any(c.wrapped for c in table.columns):  # the sums need the columns' order
        _place_by_sums(table, width)
    _keep_whole_groups(table)
    _confirm_runs(table)
    for row in table.rows:
        if row.problem is None and row.unplaced():
            row.problem = (f"{len(row.amounts)} amounts for {width} columns, and the table's "
                           "sums do not decide which" if row.cells is None else
                           "the header's order of its columns is not certain")


def _place_own_amounts(row: StreamRow, columns: list[Token]) -> None:
    """A name followed by more amounts than columns: the extraction put the amounts of rows
    whose names come later right after it. The first ones are its own when they fill the
    columns and add up (the header names parts of the total) with no zero among them: had
    the row printed fewer, the next row's amounts would have to be zeros to add up (and a
    parent row must confirm them, ``_confirm_runs``)."""
    width = len(columns)
    own = row.amounts[:width]
    if _parts_of_total(columns) and all((parse_amount(a.text) or 0) > 0 for a in own):
        row.cells = certain_cells(own, columns)
        row.from_run = bool(row.cells)
    row.problem = (f"{len(row.amounts)} amounts follow it for {width} columns; "
                   + ("the rest belong to rows printed elsewhere" if row.cells else
                      "which are its own is not certain"))


def _parent_of(key: str, nodes: dict[str, StreamRow]) -> str | None:
    """A code's parent row in the sum tree: its 类/款, or the 合计 row over the 类."""
    parent = key[:-2] if len(key) in (5, 7) else (_TOTAL if len(key) == 3 else None)
    return parent if parent in nodes else None


def _totals_add_up(parent: StreamRow, children: list[StreamRow]) -> bool:
    """Every child of the group printed: their totals (first amounts) make the parent's."""
    texts = [r.amounts[0].text for r in (parent, *children)]
    got = sum((parse_amount(r.amounts[0].text) or Decimal(0) for r in children), Decimal(0))
    want = parse_amount(parent.amounts[0].text) or Decimal(0)
    return abs(got - want) <= placement.half_unit(texts) * (len(children) + 1)


def _place_by_sums(table: StreamTable, width: int) -> None:
    """Short rows of groups whose children all printed (their totals make the parent's);
    a group with a child astray is left alone, since its sums would mislead."""
    if width < 2 or table.columns[0].column != TOTAL_KEY:
        return
    nodes: dict[str, StreamRow] = {}
    twice: set[str] = set()
    for r in table.rows:
        key = r.code or (_TOTAL if r.name.text in _TOTAL_ROWS else None)
        if key and r.problem is None and len(r.amounts) <= width:
            if key in nodes:
                twice.add(key)  # printed twice: which one a sum means is unknown
            nodes.setdefault(key, r)
    for key in twice:
        nodes.pop(key, None)
    kids: dict[str, list[str]] = {}
    for key in nodes:
        parent = _parent_of(key, nodes)
        if parent:
            kids.setdefault(parent, []).append(key)
    whole = {p for p, ks in kids.items() if _totals_add_up(nodes[p], [nodes[k] for k in ks])}
    lines = [placement.Line(key=key, parent=p if (p := _parent_of(key, nodes)) in whole else None,
                            amounts=[a.text for a in r.amounts], slots=_slots(r, width),
                            sure=_slots(r, width) is not None)
             for key, r in nodes.items()]
    placement.solve(lines, width)
    for ln in lines:
        row = nodes[ln.key]
        if row.cells is None and ln.slots is not None:
            row.cells = dict(zip(ln.slots, row.amounts, strict=True))


def _slots(row: StreamRow, width: int) -> tuple[int, ...] | None:
    """A row placed whole, as placement's slots."""
    if row.cells is not None and len(row.cells) == width == len(row.amounts):
        return tuple(range(width))
    return None


def _keep_whole_groups(table: StreamTable) -> None:
    """In each column, keep a group's placed rows under a placed parent only when they add
    up to it: a group some of whose rows stay unplaced would read as a table that does not
    add up, which the report is not. Top-down, so a cell left out frees its own children
    from the check."""
    placed = {(r.code or _TOTAL): r for r in table.rows
              if r.cells and (r.code or r.name.text in _TOTAL_ROWS)}
    for key in sorted(placed, key=lambda k: (k != _TOTAL, len(k))):
        parent = placed[key]
        kids = [r for k, r in placed.items() if k != key and _parent_of(k, placed) == key]
        for c, want in list((parent.cells or {}).items()):
            have = [r for r in kids if r.cells and c in r.cells]
            if not have:
                continue
            texts = [want.text, *(r.cells[c].text for r in have if r.cells)]
            got = sum((parse_amount(r.cells[c].text) or Decimal(0) for r in have if r.cells),
                      Decimal(0))
            if abs(got - (parse_amount(want.text) or Decimal(0))) <= placement.half_unit(
                    texts) * (len(have) + 1):
                continue
            for r in have:
                if r.cells:
                    r.cells.pop(c)
                    r.problem = r.problem or (
                        f"the other rows under {parent.code or parent.name.text} could not be "
                        "placed, so its group would not add up")


def _confirm_runs(table: StreamTable) -> None:
    """A row that took the first amounts of a longer run is kept only under a placed parent
    whose sums it passed (``_keep_whole_groups``): the run might have opened with another
    row's amounts."""
    placed = {(r.code or _TOTAL): r for r in table.rows
              if r.cells and (r.code or r.name.text in _TOTAL_ROWS)}
    for row in table.rows:
        if row.from_run and row.cells and not (row.code and _parent_of(row.code, placed)):
            row.cells = None
            row.problem = (f"{len(row.amounts)} amounts follow it for {len(table.columns)} "
                           "columns, and no row above it confirms which are its own")
