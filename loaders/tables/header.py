"""Header rows → one ``Column`` per grid column: its role and its meaning.

Header rows are the rows above the first data row (numbering rows such as
"※ ※ 1 2 3" are dropped wherever they are). A header cell with empty
cells to its right spans them when the row below has text under them
("财政拨款（补助）" over "小计 | 一般公共预算 | …"), so every column gets
the path of header texts above it. The path is matched against
``ontology/codes/columns.ttl``: structural columns (科目编码, 类/款/项,
单位代码, 科目名称, 项目名称, 行次) get a role, amount columns a meaning
key ("total", "fiscal-subtotal", …) or an economic class ("econ:302").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from loaders.model import LoadWarning, Row
from loaders.numbers import is_not_stated, parse_amount
from loaders.tables import lookup
from loaders.tables.cells import is_code_digits, is_numbering_row
from loaders.text import label_key

# Structural concepts of columns.ttl and the role each gives a column.
STRUCTURAL = {
    "classification-code": "code",
    "unit-code": "code",
    "item-name": "label",
    "project-name": "project",
    "row-number": "index",
}
UNRECOGNISED = "unrecognised"
# Budget stages a final account prints beside its actual amounts (columns.ttl).
BUDGET_STAGES = frozenset({"initial-budget", "full-year-budget"})
# Header words meaning "the sum of the group above me", whatever the group.
SUBTOTAL_WORDS = frozenset({"合计", "小计", "总计"})
_MAX_HEADER_ROWS = 6


@dataclass
class Column:
    index: int
    path: list[str] = field(default_factory=list)
    role: str = "empty"  # code | label | project | index | amount | empty
    key: str | None = None  # meaning of an amount column

    @property
    def header(self) -> str:
        out: list[str] = []
        for t in self.path:
            if t and (not out or out[-1] != t):
                out.append(t)
        return " / ".join(out)


@dataclass
class Grid:
    header_rows: list[Row]
    data_rows: list[Row]
    columns: list[Column]
    numbering_lines: list[int]
    warnings: list[LoadWarning] = field(default_factory=list)

    def role_columns(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]


def _texts(row: Row, width: int) -> list[str]:
    t = row.texts()
    return t + [""] * (width - len(t))


def _is_summary_label(text: str) -> bool:
    k = label_key(text)
    return k in ("合计", "总计") or bool(lookup.line_item_keys(text))


def _is_row_code(text: str) -> bool:
    # Classification codes have 3/5/7 digits, unit codes 6 or more; a
    # 4-digit number in a header is more likely a year.
    s = text.replace(" ", "")
    return is_code_digits(s) and len(s) >= 3 and len(s) != 4


def is_data_row(row: Row) -> bool:
    texts = [t for t in row.texts() if t]
    if any(parse_amount(t) is not None or _is_row_code(t) for t in texts):
        return True
    # A total or a 三公 item row of a table that prints no amounts.
    return len(texts) == 1 and _is_summary_label(texts[0])


def split_rows(rows: list[Row]) -> tuple[list[Row], list[Row], list[int]]:
    """(header rows, data rows, lines of numbering rows)."""
    numbering = [r.line for r in rows if is_numbering_row(r.texts())]
    kept = [r for r in rows if r.line not in set(numbering)]
    first = next((k for k, r in enumerate(kept) if is_data_row(r)), len(kept))
    header, data = kept[:first], kept[first:]
    if data:
        words, rest = _header_words(data[0])
        if words is not None:  # "类 | 款 | 项 | 合计 | 2,946.25": one row, two roles
            header, data = [*header, words], [rest, *data[1:]]
    if len(header) > _MAX_HEADER_ROWS and not data:
        header, data = header[:_MAX_HEADER_ROWS], header[_MAX_HEADER_ROWS:]
    # A header repeated on a later page is not data.
    seen = {tuple(t for t in r.texts() if t) for r in header}
    data = [r for r in data if tuple(t for t in r.texts() if t) not in seen]
    return header, data, numbering


def _header_words(row: Row) -> tuple[Row | None, Row]:
    """A first data row that also prints the 类/款/项 headers of its code
    columns, split into a header row of those words and the data row."""
    texts = row.texts()
    words = {i for i, t in enumerate(texts) if t and not is_code_digits(t)
             and STRUCTURAL.get(lookup.column_key(t) or "") == "code"}
    if not words:
        return None, row
    head = Row([replace(c, text=c.text if i in words else "") for i, c in enumerate(row.cells)],
               row.line)
    rest = Row([replace(c, text="" if i in words else c.text) for i, c in enumerate(row.cells)],
               row.line)
    return head, rest


def header_paths(header: list[Row], width: int) -> list[list[str]]:
    grid = [_texts(r, width) for r in header]
    paths: list[list[str]] = [[] for _ in range(width)]
    above = [False] * width  # a header starts in this column in some row above
    for r, row in enumerate(grid):
        below = grid[r + 1 :]
        left = ""  # the nearest text to the left (tracked, not searched: linear in the width)
        blocked = False  # a header above starts between ``left`` and here: spans nest
        for c in range(width):
            text = row[c]
            if text:
                left, blocked = text, False
            else:
                blocked = blocked or above[c]
                # Spanning parent: text to the left, children below this cell.
                if left and not blocked and any(b[c] for b in below):
                    text = left
                else:
                    continue
            paths[c].append(text)
        above = [a or bool(t) for a, t in zip(above, row, strict=True)]
    return paths


def _structural_role(path: list[str]) -> str | None:
    for text in reversed(path):
        key = lookup.column_key(text)
        if key in STRUCTURAL:
            return STRUCTURAL[key]
    return None


def _role(path: list[str], cells: list[str], first_text_col: int | None, c: int) -> str:
    hint = _structural_role(path)
    filled = [t for t in cells if t and not is_not_stated(t)]
    amounts = [t for t in filled if parse_amount(t) is not None]
    codes = [t for t in filled if is_code_digits(t)]
    texts = [t for t in filled if parse_amount(t) is None and not is_code_digits(t)]
    if hint == "code" and len(texts) <= len(codes):
        return "code"
    if hint in ("project", "index"):
        return hint
    # Digits left of the name column: codes even without a 类/款/项 header.
    left_of_names = first_text_col is not None and c < first_text_col
    if codes and len(codes) == len(filled) and left_of_names:
        return "code"
    if texts and len(texts) >= len(amounts):
        return "label"
    if amounts:
        return "amount"
    if hint:
        return hint
    return "amount" if amount_key(path) else "empty"


def amount_key(path: list[str]) -> str | None:
    """Meaning of an amount column from its header path: the deepest header
    that names a column concept ("财政拨款（补助）" over "小计" names the
    subtotal), else an economic class ("商品和服务支出" → "econ:302")."""
    keys = [lookup.column_key(t) for t in path]
    for k in reversed(keys):
        if k and k not in STRUCTURAL:
            return k
    for text in reversed(path):
        econ = lookup.economic_class_by_name(text)
        if econ:
            return f"econ:{econ}"
    return None


def analyse(rows: list[Row]) -> Grid:
    header, data, numbering = split_rows(rows)
    width = max((len(r.cells) for r in rows), default=0)
    header_width = max((len(r.cells) for r in header), default=0)
    paths = header_paths(header, width)
    warnings: list[LoadWarning] = []
    realigned = _realign_orphans(paths, header)
    if realigned:
        warnings.append(realigned)
    data_cells = [_texts(r, width) for r in data]
    first_text_col = None
    for c in range(width):
        col = [cells[c] for cells in data_cells]
        if any(t and parse_amount(t) is None and not is_code_digits(t) and not is_not_stated(t)
               for t in col):
            first_text_col = c
            break
    columns: list[Column] = []
    for c in range(width):
        col = Column(index=c, path=paths[c])
        col.role = _role(paths[c], [cells[c] for cells in data_cells], first_text_col, c)
        if col.role == "amount":
            col.key = amount_key(paths[c]) or UNRECOGNISED
        columns.append(col)
    _budget_beside_actual(columns)
    grid = Grid(header, data, columns, numbering, warnings)
    if header and width > header_width:
        lines = [r.line for r in data if len(r.cells) > header_width]
        warnings.append(LoadWarning(
            "column-count-mismatch",
            f"rows have {width} cells but the header {header_width} (rows at lines "
            f"{_span(lines)}); their cells are read by position unless the table's sums place "
            "them (columns-realigned)",
            lines[0] if lines else None,
        ))
    return grid


def _budget_beside_actual(columns: list[Column]) -> None:
    """A column whose heading also names a budget stage (预算数: the amount of a budget, or the
    initial budget, columns.ttl) is that stage when a sibling under the same heading is the
    actual amount (决算数), as a final account's 三公 table prints them."""
    amounts = [c for c in columns if c.role == "amount" and c.key == "total" and c.path]
    for col in amounts:
        stages = [k for k in lookup.keys_for("columns", col.path[-1]) if k in BUDGET_STAGES]
        if stages and any(other.path[:-1] == col.path[:-1] and other is not col
                          and not any(k in BUDGET_STAGES
                                      for k in lookup.keys_for("columns", other.path[-1]))
                          for other in amounts):  # fmt: skip
            col.key = stages[0]


def _span(lines: list[int]) -> str:
    if not lines:
        return "-"
    return ", ".join(str(x) for x in lines[:8]) + (" …" if len(lines) > 8 else "")


def _realign_orphans(paths: list[list[str]], header: list[Row]) -> LoadWarning | None:
    """Put back a sub-header the text extraction moved out of its group.

    A sub-header is taken to sit under the header cell to its left when the
    cell above it is empty. If that parent is not a broader concept of the
    sub-header (columns.ttl skos:broader) but another spanning header is —
    "上级国有资本经营预算安排的转移支付" printed after "非财政拨款结转结余"
    instead of inside "财政拨款（补助）" — the sub-header is moved to the end
    of that group and the columns in between shift one to the right.
    """
    width = len(paths)
    for c in range(width):
        path = paths[c]
        if len(path) < 2:
            continue
        child, parent = lookup.column_key(path[-1]), lookup.column_key(path[-2])
        if not child or not parent or parent == child:
            continue
        broader = lookup.ancestors("columns", child)
        if parent in broader:
            continue
        depth = len(path) - 2
        groups = [g for g in range(c) if len(paths[g]) > depth
                  and lookup.column_key(paths[g][depth]) in broader
                  and (g == 0 or len(paths[g - 1]) <= depth
                       or paths[g - 1][depth] != paths[g][depth])]
        if not groups:
            continue
        g = groups[-1]
        end = g
        while end + 1 < width and len(paths[end + 1]) > depth \
                and paths[end + 1][depth] == paths[g][depth]:
            end += 1
        if end + 1 >= c:
            continue
        moved = [paths[g][depth], path[-1]]
        for k in range(c, end + 1, -1):
            paths[k] = paths[k - 1]
        paths[end + 1] = moved
        return LoadWarning(
            "header-realigned",
            f"header '{path[-1]}' printed in column {c} under '{path[-2]}' belongs to "
            f"'{moved[0]}'; moved to column {end + 1}, columns {end + 1}–{c - 1} shift right",
            header[-1].line if header else None,
        )
    return None
