"""Data rows of classification tables → facts.

Rows first get their printed shape back: a row that only continues the one
above — the rest of a wrapped name ("保险缴费支出"), or code digits broken
onto the next line ("8 | | 9" under "20 | 01 | 9") — is merged into it and
the merged row keeps the first row's line. Then each row gets its code
(``codes``), total flag, unit code and project, and every amount cell one
``Fact``; a cell that is neither blank nor an amount becomes an
"unparsed-cell" warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.model import Fact, LoadWarning, Row
from loaders.numbers import is_formatted_amount, is_not_stated, parse_amount
from loaders.tables import codes as C
from loaders.tables import lookup
from loaders.tables.align import realign
from loaders.tables.header import Column, Grid
from loaders.text import label_key


@dataclass
class DataRow:
    row: Row  # the first physical row: its line is the row's line
    texts: list[str]
    lines: list[int] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.row.line


def data_rows(grid: Grid) -> list[DataRow]:
    width = len(grid.columns)
    out = []
    for r in grid.data_rows:
        t = r.texts()
        out.append(DataRow(r, t + [""] * (width - len(t)), [r.line]))
    return out


def is_total_label(label: str) -> bool:
    k = label_key(label)
    return "合计" in k or "总计" in k


def join_text(a: str, b: str) -> str:
    if not a or not b:
        return a or b
    # Chinese wraps without a space; latin words and numbers need one.
    return a + b if not (a[-1].isascii() and b[0].isascii()) else f"{a} {b}"


def has_amount(d: DataRow, amount_cols: list[Column]) -> bool:
    return any(parse_amount(d.texts[c.index]) is not None for c in amount_cols)


def merge_wrapped(rows: list[DataRow], grid: Grid) -> list[DataRow]:
    code_cols = grid.role_columns("code")
    amount_cols = grid.role_columns("amount")
    text_cols = grid.role_columns("label") + grid.role_columns("project")
    if not code_cols:
        return rows
    out: list[DataRow] = []
    for d in rows:
        prev = out[-1] if out else None
        if prev is None or has_amount(d, amount_cols):
            out.append(d)
            continue
        parts = [C.digits_of(d.texts[c.index]) for c in code_cols]
        prev_parts = [C.digits_of(prev.texts[c.index]) for c in code_cols]
        texts = [d.texts[c.index] for c in text_cols if d.texts[c.index]]
        fragments = any(parts) and _incomplete(prev_parts)
        name_only = not any(parts) and texts and any(prev_parts) and not any(
            is_total_label(t) for t in texts)
        if not (fragments or name_only):
            out.append(d)
            continue
        for c in code_cols + text_cols:
            prev.texts[c.index] = join_text(prev.texts[c.index], d.texts[c.index])
        prev.lines.append(d.line)
    return out


def _incomplete(parts: list[str]) -> bool:
    """Code cells cut short: a class under 3 digits or a 款/项 of one digit."""
    return (0 < len(parts[0]) < 3) or any(len(p) == 1 for p in parts[1:])


def row_label(d: DataRow, grid: Grid) -> str:
    """The row's name; a 合计 printed in the project column names the row too."""
    cols = grid.role_columns("label") or grid.role_columns("project")
    labels = [d.texts[c.index] for c in cols if d.texts[c.index]]
    if not labels:
        labels = [d.texts[c.index] for c in grid.role_columns("project")
                  if is_total_label(d.texts[c.index])]
    if not labels:
        # A closing row's name merged across the code columns ("人员经费合计").
        labels = [t for c in grid.role_columns("code")
                  if (t := d.texts[c.index]) and not C.digits_of(t)
                  and (is_total_label(t) or lookup.line_item_keys(t))]
    return labels[0] if labels else ""


@dataclass
class RowInfo:
    code: str | None = None
    unit_code: str | None = None
    label: str = ""
    project: str | None = None
    is_total: bool = False
    unlabelled_total: bool = False


def classify_rows(rows: list[DataRow], grid: Grid, table_type: str | None) -> list[RowInfo]:
    code_cols = grid.role_columns("code")
    unit_cols = {c.index for c in code_cols
                 if any(lookup.column_key(t) == "unit-code" for t in c.path)}
    parts = [[C.digits_of(d.texts[c.index]) for c in code_cols] for d in rows]
    C.complete_truncated(parts)
    infos: list[RowInfo] = []
    previous: str | None = None
    for d, p in zip(rows, parts, strict=True):
        cells = [C.CodeCell(k, p[k], code_cols[k].index in unit_cols) for k in range(len(p))]
        code, unit = C.assemble(cells, previous)
        label = row_label(d, grid)
        info = RowInfo(code=code, unit_code=unit, label=label)
        info.is_total = code is None and is_total_label(label)
        # A classification table's row with neither code nor any name is its
        # unlabelled total line (printed last or first, amounts only).
        info.unlabelled_total = (bool(code_cols) and code is None and unit is None
                                 and not label
                                 and not any(d.texts[c.index] for c in grid.columns
                                             if c.role in ("label", "project")))
        info.is_total = info.is_total or info.unlabelled_total
        previous = code or previous
        infos.append(info)
    amount_cols = grid.role_columns("amount")
    if code_cols:
        candidates = [
            i.code is None and not i.is_total and bool(i.label) and has_amount(d, amount_cols)
            for i, d in zip(infos, rows, strict=True)
        ]
        for k, code, _how in C.infer_group_codes(
            [i.label for i in infos], [i.code for i in infos], candidates
        ):
            infos[k].code = code
    _projects(rows, infos, grid, table_type)
    return infos


def _projects(rows: list[DataRow], infos: list[RowInfo], grid: Grid, table_type: str | None):
    project_cols = grid.role_columns("project")
    if project_cols:
        for d, info in zip(rows, infos, strict=True):
            name = d.texts[project_cols[0].index]
            info.project = name if name and not is_total_label(name) else None
        return
    if table_type != "gpb-project":
        return
    # A project table without a 项目名称 column prints the project in the
    # name column of coded rows, under a group row naming the 项.
    known = lookup.has_labels("function")
    seen: dict[str, int] = {}
    for info in infos:
        if info.code:
            seen[info.code] = seen.get(info.code, 0) + 1
    for info in infos:
        if not info.code or not info.label or info.is_total:
            continue
        if known:
            if not C.label_matches(info.code, info.label) and len(info.code) == 7:
                info.project = info.label
        elif seen[info.code] > 1:
            info.project = info.label


def amount_fact(d: DataRow, col: Column, label: str, warnings: list[LoadWarning],
                cell: int | None = None, **kw) -> Fact | None:
    """The fact of the cell at ``cell`` (default: the column's own position)
    read as column ``col``; None for a blank; a warning for non-amount text."""
    index = col.index if cell is None else cell
    text = d.texts[index] if index < len(d.texts) else ""
    if not text or is_not_stated(text):
        return None
    amount = parse_amount(text)
    if amount is None:
        warnings.append(LoadWarning(
            "unparsed-cell", f"line {d.line} column {index} ('{col.header}'): "
            f"{text!r} is not an amount", d.line))
        return None
    return Fact(amount=amount, raw=text, line=d.line, col_index=index, row_label=label,
                column_header=col.header, column=col.key or "unrecognised", **kw)


def stray_numbers(d: DataRow, grid: Grid, warnings: list[LoadWarning]) -> None:
    """Amount-looking text in a name or code column: name it, never drop it."""
    for col in grid.columns:
        if col.role in ("label", "project", "code", "empty") and is_formatted_amount(
                d.texts[col.index]):
            warnings.append(LoadWarning(
                "unparsed-cell", f"line {d.line} column {col.index} ('{col.header}'): "
                f"{d.texts[col.index]!r} looks like an amount in a {col.role} column", d.line))


def code_table_facts(grid: Grid, table_type: str | None) -> tuple[list[Fact], list[LoadWarning]]:
    rows = merge_wrapped(data_rows(grid), grid)
    infos = classify_rows(rows, grid, table_type)
    warnings: list[LoadWarning] = []
    mappings, moved = realign([d.texts for d in rows], [i.code for i in infos],
                              [i.is_total for i in infos], [d.line for d in rows], grid)
    if moved:
        warnings.append(moved)
    facts: list[Fact] = []
    amount_cols = grid.role_columns("amount")
    for d, info, mapping in zip(rows, infos, mappings, strict=True):
        stray_numbers(d, grid, warnings)
        if info.unlabelled_total and has_amount(d, amount_cols):
            warnings.append(LoadWarning(
                "unlabelled-total", f"line {d.line}: a row with amounts but no code or name is "
                "taken as the table's total", d.line))
        for col in amount_cols:
            if col.index not in mapping:  # blank, or text: amount_fact names the latter
                amount_fact(d, col, info.label, warnings)
        for cell, target in sorted(mapping.items()):
            f = amount_fact(d, grid.columns[target], info.label, warnings, cell=cell,
                            code=info.code, is_total=info.is_total, project=info.project,
                            unit_code=info.unit_code)
            if f:
                facts.append(f)
    return facts, warnings
