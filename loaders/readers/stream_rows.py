"""Rows of a cell stream: a row is its code parts and name, then the amounts that follow.

The text tool leaves blank cells out, so a row prints as many amounts as it has non-blank
cells. A row that prints one amount per column is placed as printed, once its total column
is the sum of its parts (columns.ttl ``skos:broader``); a shorter row is placed only where
the table's own column sums decide it (``loaders.tables.placement``). Everything else — a
row longer than the table, amounts printed away from any name (the extraction moved them),
a code that does not name the row's name — is reported, never placed under a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from loaders.codelists import label_key
from loaders.readers.stream_tokens import Token
from loaders.tables import lookup, placement
from loaders.tables.cells import parse_amount
from loaders.tables.header import STRUCTURAL, SUBTOTAL_WORDS

TOTAL_KEY = "total"
# Valid code shapes, as lengths of the printed parts: 类, 类+款, 类+款+项, or joined.
_CODE_SHAPES = ((3, 2, 2), (3, 2), (3,), (7,), (5,))


@dataclass
class StreamRow:
    name: Token
    codes: list[Token]  # the code parts printed right before the name
    amounts: list[Token] = field(default_factory=list)
    code: str | None = None
    problem: str | None = None  # why it cannot be placed
    slots: tuple[int, ...] | None = None  # column index of each amount


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


def _is_row_start(toks: list[Token], k: int) -> bool:
    t = toks[k]
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if t.kind == "name":
        return True
    # "合计" is a column label and the label of the total row: a row when amounts follow.
    return t.text in SUBTOTAL_WORDS and nxt is not None and nxt.kind == "amount"


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
        elif _is_row_start(toks, k):
            current = StreamRow(name=t, codes=pending)
            rows.append(current)
            pending = []
        else:
            pending = []
    return StreamTable(amount_columns(toks), [r for r in rows if r.amounts], orphans,
                       [r for r in rows if not r.amounts], rows)


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


def _children_of_total(columns: list[Token]) -> list[int]:
    return [c for c, t in enumerate(columns) if c
            and lookup.ancestors("columns", t.column or "")[:1] == (columns[0].column,)]


def _adds_up(row: StreamRow, columns: list[Token]) -> bool:
    """A full row's total is the sum of its parts (when the header names parts of it)."""
    kids = _children_of_total(columns)
    if columns[0].column != TOTAL_KEY or not kids:
        return True
    texts = [row.amounts[c].text for c in (0, *kids)]
    parts = sum((parse_amount(row.amounts[c].text) or Decimal(0) for c in kids), Decimal(0))
    total = parse_amount(row.amounts[0].text) or Decimal(0)
    return abs(total - parts) <= placement.half_unit(texts) * (len(kids) + 1)


def place(table: StreamTable) -> None:
    """Columns of each row's amounts: full rows directly, short ones by the column sums."""
    width = len(table.columns)
    for row in table.rows:
        if row.problem or not width:
            continue
        if len(row.amounts) == width:
            if _adds_up(row, table.columns):
                row.slots = tuple(range(width))
            else:
                row.problem = "its total is not the sum of its parts"
        elif len(row.amounts) > width:
            row.problem = f"{len(row.amounts)} amounts for {width} columns"
    _place_by_sums(table, width)
    for row in table.rows:
        if row.slots is None and row.problem is None:
            row.problem = (f"{len(row.amounts)} amounts for {width} columns, "
                           "and the table's sums do not decide which")


def _parent_key(code: str | None, rows_by_code: dict[str, StreamRow]) -> str | None:
    if code and len(code) in (5, 7) and code[:-2] in rows_by_code:
        return code[:-2]
    return None


def _place_by_sums(table: StreamTable, width: int) -> None:
    """Short rows under a placed parent whose children all printed (no amounts astray)."""
    if table.orphans or table.bare or width < 2 or table.columns[0].column != TOTAL_KEY:
        return  # amounts printed away from their rows: a group's children may be missing
    coded = {r.code: r for r in table.rows if r.code and r.problem is None}
    lines = [placement.Line(key=code, parent=_parent_key(code, coded),
                            amounts=[a.text for a in r.amounts], slots=r.slots,
                            sure=r.slots is not None)
             for code, r in coded.items() if len(r.amounts) <= width]
    placement.solve(lines, width)
    for ln in lines:
        row = coded[ln.key]
        if row.slots is None and ln.slots is not None:
            row.slots = ln.slots
