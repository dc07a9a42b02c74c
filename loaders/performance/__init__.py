"""Performance tables: 项目支出绩效目标表, 项目支出绩效自评表, 整体绩效目标表.

``extract_performance(blocks, meta)`` finds each table (``locate``), splits
its rows into preamble, indicator header and body (``build``), lines every
body row up with the header by content (``align``), and reads indicators
with their levels carried down and wrapped rows joined (``body``). Header
words live in ``vocabulary``; indicator level names come from the
indicator-levels code list (``levels``); numbers are kept as printed
(``values``).
"""

from __future__ import annotations

from loaders.model import Block, DocumentMeta, LoadWarning, PerformanceTable
from loaders.performance.build import read_region
from loaders.performance.goals import read_goals
from loaders.performance.locate import find_regions
from loaders.performance.notes import read_note
from loaders.text import label_key

__all__ = ["extract_performance"]


def extract_performance(
    blocks: list[Block], meta: DocumentMeta | None
) -> tuple[list[PerformanceTable], list[LoadWarning]]:
    warnings: list[LoadWarning] = []
    tables: list[PerformanceTable] = []
    report_unit = meta.unit_name if meta is not None else None
    # Names the prose itself uses count as the report's own unit (see build.py).
    narrative_key = "".join(label_key(b.text) for b in blocks if b.kind != "table")
    for region in find_regions(blocks):
        tables.extend(read_region(region, report_unit, warnings, narrative_key))
    for table in tables:
        for indicator in table.indicators:
            read_note(indicator)
    read_goals(blocks, tables)
    return tables, warnings
