"""One located region → PerformanceTable(s).

The region's rows split into preamble (above the indicator header row), the
header row (one with at least two of 一级指标/二级指标/三级指标) and the
body. Two layouts:

- one table per project (项目支出绩效目标表/自评表, 整体绩效目标表): project,
  unit and budget from the preamble (a self-evaluation's budget is the
  全年预算数 of its first funding line); a second preamble after a body
  (another 项目名称 row) starts another table, dated by its first row;
- one big table with 单位名称/项目名称/预算数 columns (003): every row naming a
  project starts a table for that project, with that row's line (so each
  table has its own line, hence its own IRI) and budget; the unit name
  carries down (merged cell) until another is printed.

A 总分/合计 row gives the stated total weight and score (two numbers: 分值
then 得分; one: by its column).

Each table's indicators are marked ``unit_mismatch`` when the unit it names
is not the report's unit (``units.same_unit``).
"""

from __future__ import annotations

from collections.abc import Iterator

from loaders.model import LoadWarning, PerformanceTable, Row
from loaders.performance.align import align_row
from loaders.performance.body import IndicatorReader
from loaders.performance.locate import Region
from loaders.performance.preamble import Preamble, is_key_row, read_preamble
from loaders.performance.text import despace
from loaders.performance.units import same_unit
from loaders.performance.values import parse_number
from loaders.performance.vocabulary import LEVEL_ROLES, TOTAL_WORDS, header_key, header_role
from loaders.text import label_key

Segment = tuple[list[Row], Row, list[Row]]


def is_header(row: Row) -> bool:
    roles = {header_role(c.text) for c in row.cells}
    return sum(r in roles for r in LEVEL_ROLES) >= 2


def segments(rows: list[Row]) -> Iterator[Segment]:
    preamble: list[Row] = []
    header: Row | None = None
    body: list[Row] = []
    for row in rows:
        if not any(c.text.strip() for c in row.cells):
            continue
        if header is None:
            if is_header(row):
                header = row
            else:
                preamble.append(row)
        elif body and is_key_row(row):
            yield preamble, header, body
            preamble, header, body = [row], None, []
        elif not is_header(row):  # a header repeated after a page break
            body.append(row)
    if header is not None:
        yield preamble, header, body


def read_region(
    region: Region,
    report_unit: str | None,
    warnings: list[LoadWarning],
    narrative_key: str = "",
) -> list[PerformanceTable]:
    tables: list[PerformanceTable] = []
    for k, (preamble, header, body) in enumerate(segments(region.rows)):
        line = region.line if k == 0 else (preamble or [header])[0].line
        tables.extend(_read_segment(region, line, preamble, header, body, warnings))
    if not tables:
        warnings.append(
            LoadWarning("performance-no-indicators", f"no indicator rows under {region.title}",
                        region.line)
        )
    for table in tables:
        if (
            table.unit_name
            and report_unit
            and not same_unit(table.unit_name, report_unit)
            and not _named_in_narrative(table.unit_name, narrative_key)
        ):
            for ind in table.indicators:
                ind.unit_name, ind.unit_mismatch = table.unit_name, True
    return tables


def _named_in_narrative(unit_name: str, narrative_key: str) -> bool:
    """The report's own prose uses this name (its 概况 or 项目承担单位 lines say
    "奇台县社会保险中心负责…" in a report titled 奇台县社会保险管理局): then it is
    another name of the report's unit, not a foreign unit's row."""
    key = label_key(unit_name)
    return len(key) >= 4 and key in narrative_key


def _read_segment(
    region: Region,
    line: int,
    preamble: list[Row],
    header: Row,
    body: list[Row],
    warnings: list[LoadWarning],
) -> list[PerformanceTable]:
    roles = [header_role(c.text) for c in header.cells]
    groups = _group_columns(body, roles)
    reader = IndicatorReader(warnings)
    tables: list[PerformanceTable] = []
    big = "project" in roles
    if not big:
        pre = read_preamble(preamble)
        tables.append(_table(region, line, pre, header.line))
        reader.start(tables[0])
    unit: str | None = None
    for row in body:
        texts = [c.text for c in row.cells]
        if _is_total(texts):
            if reader.table is not None:
                _total(reader.table, texts, roles)
                reader.table.end_line = row.line
            continue
        cells, dropped = align_row(texts, roles, groups)
        if dropped:
            warnings.append(
                LoadWarning("performance-cell-dropped", "cells left out: " + " | ".join(dropped),
                            row.line)
            )
        cols = _by_role(cells, roles)
        if big and cols.get("project"):
            unit = despace(cols.get("unit_name", "")) or unit
            table = PerformanceTable(
                kind=region.kind,
                title=region.title,
                line=row.line,
                end_line=row.line,
                project=despace(cols["project"]),
                unit_name=unit,
                budget=parse_number(cols.get("budget", "")),
            )
            tables.append(table)
            reader.start(table)
        if reader.table is None:
            warnings.append(LoadWarning("performance-row-unread", "row before any project",
                                        row.line))
            continue
        reader.add(cols, row.line)
        reader.table.end_line = row.line
    return tables


def _table(region: Region, line: int, pre: Preamble, header_line: int) -> PerformanceTable:
    budget = None
    if pre.funding:  # self-evaluation: the budget in force is 全年预算数
        total = pre.funding[0]
        budget = total.full_year_budget if total.full_year_budget is not None else (
            total.initial_budget
        )
    elif pre.text("budget"):
        budget = parse_number(pre.text("budget") or "")
    return PerformanceTable(
        kind=region.kind,
        title=region.title,
        line=line,
        end_line=header_line,
        project=None if region.kind == "overall" else pre.text("project"),
        unit_name=pre.text("unit"),
        budget=budget,
        funding=pre.funding,
    )


def _group_columns(body: list[Row], roles: list[str | None]) -> dict[int, str]:
    """Unnamed columns that print one and the same label on several rows."""
    groups: dict[int, str] = {}
    for c, role in enumerate(roles):
        if role is not None:
            continue
        texts = [r.cells[c].text.strip() for r in body if c < len(r.cells)]
        texts = [t for t in texts if t]
        if len(texts) >= 2 and len(set(texts)) == 1:
            groups[c] = texts[0]
    return groups


def _by_role(cells: list[str], roles: list[str | None]) -> dict[str, str]:
    cols: dict[str, str] = {}
    for text, role in zip(cells, roles, strict=True):
        if role and text.strip() and role not in cols:
            cols[role] = text
    return cols


def _is_total(texts: list[str]) -> bool:
    first = next((t for t in texts if t.strip()), "")
    return header_key(first) in TOTAL_WORDS


def _total(table: PerformanceTable, texts: list[str], roles: list[str | None]) -> None:
    """总分 row: the stated total weight (分值) and score (得分)."""
    numbers = [(i, v) for i, t in enumerate(texts) if (v := parse_number(t)) is not None]
    if len(numbers) >= 2:
        table.stated_total_weight, table.stated_total_score = numbers[0][1], numbers[-1][1]
    elif numbers:
        i, value = numbers[0]
        if i < len(roles) and roles[i] == "score":
            table.stated_total_score = value
        else:
            table.stated_total_weight = value
