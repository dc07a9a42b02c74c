"""Standard tables of a report → ``Table``/``Fact`` records.

``extract_tables(blocks, meta)`` is the entry point the pipeline calls. The
steps live in small modules:

- ``locate``: where each table is (title, number, 编制单位, currency, grid
  rows across pages, notes) and which titles announce a table with no grid;
- ``recognise``: title → table type (``table-types.ttl``); performance
  tables are left to the performance interpreter;
- ``header``: header rows → column roles and meanings (``columns.ttl``);
- ``rows`` / ``codes``: data rows → codes, totals, projects, facts;
- ``summary``: two-sided 收入/支出 tables → line items and function classes;
- ``sangong``: 三公 tables in row or column form;
- ``cells``: the amount a cell prints.

Nothing is dropped silently: a cell that cannot be read, a title that is not
recognised or a table that was announced and is missing is a ``LoadWarning``.
"""

from __future__ import annotations

import re

from loaders.model import Block, DocumentMeta, Fact, LoadWarning, Table
from loaders.tables import bands, recognise, regrid
from loaders.tables.header import Grid, analyse
from loaders.tables.locate import Region, header_currency, is_note, locate
from loaders.tables.placement import sum_checks
from loaders.tables.rows import code_table_facts
from loaders.tables.sangong import sangong_facts
from loaders.tables.sidebyside import column_groups, side_by_side_facts
from loaders.tables.structure import type_by_structure
from loaders.tables.summary import find_sides, summary_facts

__all__ = ["extract_tables"]

SANGONG_TYPES = frozenset({"sangong", "gov-fund-sangong"})
_NOTE_PREFIX = re.compile(r"^\s*(?:备注|附注|注|说明|空表说明|填表说明)\s*[0-9一二三]*\s*[:：]\s*")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_ORDINAL_HEAD = re.compile(r"^\s*(?:[-*•]\s*)?([一二三四五六七八九十]+|\d+)\s*[、.．]")


def extract_tables(
    blocks: list[Block], meta: DocumentMeta
) -> tuple[list[Table], list[LoadWarning]]:
    located = locate(blocks, meta.unit_name)
    tables: list[Table] = []
    warnings: list[LoadWarning] = []
    contents = _contents(located.announced)
    for region in located.regions:
        if region.skip:
            continue
        entry = contents.get(ordinal(region.number)) if region.number else None
        if region.table_type is None and not region.titled and entry is not None:
            # "表九" printed without its title: the contents say which table it is.
            region.table_type = entry.table_type
            warnings.append(LoadWarning(
                "title-from-contents", f"表{region.number} at line {region.line} prints no "
                f"title; typed from the contents entry '{entry.title}' (line {entry.line})",
                region.line))
        table, found = build_table(region)
        tables.append(table)
        warnings.extend(found)
    warnings.extend(_missing(located.announced, tables))
    warnings.extend(w for b in blocks if b.kind == "table" for w in b.warnings)  # unplaced
    return tables, warnings


def build_table(region: Region) -> tuple[Table, list[LoadWarning]]:
    warnings: list[LoadWarning] = []
    ttype = region.table_type or recognise.GENERIC
    title = region.title or (f"表{region.number}" if region.number else "")
    region.currency = region.currency or header_currency(region.rows)  # "合计（万元）"
    table = Table(
        number=region.number,
        title=title,
        table_type=ttype,
        line=region.line,
        end_line=region.end_line,
        currency=region.currency or "万元",
        compiler=region.compiler,
        recognised=region.table_type is not None,
    )
    if region.currency is None:
        warnings.append(LoadWarning(
            "currency-not-stated", f"table at line {region.line} prints no currency unit; "
            "amounts taken as 万元", region.line))
    if "aligned" not in region.layouts:
        _forget_positions(region)
    grid = analyse(region.rows)
    facts, found = _facts(grid, ttype)
    attached: set[int] = set()  # lines of amounts only, read as parts of other rows
    if regrid.needs_rebuild(region.rows, region.text_lines, region.layouts):
        rebuilt = regrid.rebuild(region.rows, region.pre)
        if rebuilt is not None:
            grid2 = analyse(rebuilt.rows)
            facts2, found2 = _facts(grid2, ttype)
            # Space-aligned columns are kept as read unless some of their sums
            # fail and the rebuilt reading places every amount with every sum
            # holding; merged cells and rows read from text take the rebuilt grid.
            (_, fails), (holds2, fails2) = sum_checks(facts), sum_checks(facts2)
            if regrid.merged(region.rows, region.text_lines) or (
                    fails and holds2 and not fails2 and not rebuilt.unplaced):
                grid, facts, found = grid2, facts2, found2
                warnings.extend(rebuilt.warnings)
                attached = rebuilt.attached
    if region.table_type is None:
        ttype, facts, found = _type_by_structure(region, title, grid, facts, found, warnings)
        table.table_type = ttype
    unread = regrid.unread_rows(region.rows, region.text_lines,
                                {f.line for f in facts} | attached)
    if unread and "aligned" in region.layouts:
        banded = _read_bands(region, ttype, len(facts))
        if banded is not None:
            grid, facts, found = banded
            unread = []
    warnings.extend(grid.warnings)
    warnings.extend(found)
    for line, amounts in unread:
        warnings.append(LoadWarning(
            "row-not-read", f"table at line {region.line}: line {line} prints amounts "
            f"({', '.join(amounts)}) that could not be placed under the table's columns (its "
            "header, as the text gives it, names no order for them)", line))
    unrecognised = {f.col_index for f in facts if f.column == "unrecognised"}  # one pass
    for col in grid.columns:
        if col.index in unrecognised:
            warnings.append(LoadWarning(
                "unrecognised-column", f"table at line {region.line}: column {col.index} header "
                f"'{col.header}' matches no column meaning", region.line))
    table.facts = facts
    # A grid with no title, no number and no amounts (a contents list) is no table that
    # was disclosed empty.
    untitled = not (region.titled or region.number)
    if not facts and not unread and not untitled \
            and not any(w.code == "unparsed-cell" for w in found):
        table.empty = True
        notes = [text for _, text in region.notes]
        table.empty_note = _NOTE_PREFIX.sub("", notes[0]) if notes else None
    elif region.notes and any("空表" in t for _, t in region.notes):
        warnings.append(LoadWarning(
            "empty-note-with-amounts", f"table at line {region.line} has amounts but a note calls "
            "it empty", region.notes[0][0]))
    return table, warnings


def _forget_positions(region: Region) -> None:
    """Where a line of text stands says nothing about columns unless the table is laid out
    in space-aligned columns (some rows read by the aligned reader): a text tool that prints
    one cell a line puts every word at the margin."""
    for row in (*region.pre, *region.rows):
        for cell in row.cells:
            cell.span = None


def _read_bands(region: Region, ttype: str, have: int
                ) -> tuple[Grid, list[Fact], list[LoadWarning]] | None:
    """The table read as bands of lines (``bands``), when that places every amount its data
    lines print and more than the other reading."""
    first = next((k for k, r in enumerate(region.rows) if bands.prints_amounts(r)),
                 len(region.rows))
    rows = bands.rebuild(region.pre + region.rows[:first], region.rows[first:])
    if rows is None:
        return None
    grid = analyse(rows)
    facts, found = _facts(grid, ttype)
    printed = sum(bands.amount_count(r) for r in region.rows[first:])
    if len(facts) != printed or len(facts) <= have:
        return None
    return grid, facts, found


def _type_by_structure(region: Region, title: str, grid: Grid, facts: list[Fact],
                       found: list[LoadWarning], warnings: list[LoadWarning]
                       ) -> tuple[str, list[Fact], list[LoadWarning]]:
    """The type a table with an unknown title has by its columns and rows; its facts
    read again as that type when the type reads differently (三公)."""
    what = f"title '{title}'" if title else "a grid with no title"
    ttype = type_by_structure(facts)
    if ttype is None:
        warnings.append(LoadWarning(
            "unrecognised-table", f"table at line {region.line}: {what} matches no table type "
            "and its columns and rows fit none; kept as a generic table, facts typed by their "
            "columns", region.line))
        return recognise.GENERIC, facts, found
    warnings.append(LoadWarning(
        "table-typed-by-structure", f"table at line {region.line}: {what} matches no table "
        f"type; typed '{ttype}' by its columns and rows", region.line))
    if ttype in SANGONG_TYPES:
        facts, found = _facts(grid, ttype)
    return ttype, facts, found


def _facts(grid: Grid, ttype: str) -> tuple[list[Fact], list[LoadWarning]]:
    sides = find_sides(grid)
    if sides:
        return summary_facts(grid, sides)
    if ttype in SANGONG_TYPES:
        return sangong_facts(grid)
    groups = column_groups(grid)
    if groups:
        return side_by_side_facts(grid, groups, lambda g: code_table_facts(g, ttype))
    return code_table_facts(grid, ttype)


def ordinal(text: str | None) -> int | None:
    """1 for "1"/"一", 11 for "十一", 23 for "二十三"; None otherwise."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if not all(c in _CN_DIGITS or c == "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _listed(announced: list[Region]) -> list[Region]:
    """Recognised standard-table titles with no grid and no number: contents entries."""
    return [r for r in announced if r.number is None and r.table_type
            and r.table_type not in recognise.PERFORMANCE_TYPES and not is_note(r.title)]


def _contents(announced: list[Region]) -> dict[int | None, Region]:
    """Contents entries by their ordinal ("九、政府性基金…表" → 9)."""
    return {ordinal(m.group(1)): r for r in _listed(announced)
            if (m := _ORDINAL_HEAD.match(r.title))}


def _missing(announced: list[Region], tables: list[Table]) -> list[LoadWarning]:
    """Tables a report announces — a number with no grid ("表九："), or an
    entry of the contents — that it does not contain."""
    present_types = {t.table_type for t in tables}
    present_numbers = {ordinal(t.number) for t in tables if t.number}
    out: list[LoadWarning] = []
    numbered: dict[int | None, Region] = {}
    listed = _listed(announced)
    for r in announced:
        if r.number is not None:
            numbered[ordinal(r.number)] = r
    contents = _contents(announced)
    for n, r in numbered.items():
        if n in present_numbers:
            continue
        entry = contents.get(n)
        named = f" ('{entry.title}' in the contents, line {entry.line})" if entry else ""
        out.append(LoadWarning(
            "announced-table-missing", f"表{r.number} is announced at line {r.line}{named} "
            "but no table follows", r.line))
    reported = {contents[n].line for n in numbered if n in contents}
    seen: set[str] = set()
    for r in listed:
        if r.table_type in present_types or r.line in reported or r.table_type in seen:
            continue
        seen.add(r.table_type)
        out.append(LoadWarning(
            "announced-table-missing", f"'{r.title}' is listed at line {r.line} but the report "
            "contains no such table", r.line))
    return out
