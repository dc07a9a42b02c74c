"""Spreadsheets a user opens directly: ``export --format xlsx`` (openpyxl) and the BOM that
makes Excel read a CSV file as UTF-8.

Column keys stay the CSV's (stable for scripts); the workbook's header row gives each in
Chinese and English.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only when it starts with this

HEADERS_ZH = {
    "document": "报告", "table": "表格/段落", "code": "科目编码", "label": "名称", "column": "栏目",
    "amount": "金额", "unit": "金额单位", "source_line": "行号", "kind": "类别",
    "line_item": "项目", "raw": "原文", "column_header": "表头", "amount_yuan": "金额（元）",
    "share": "占比", "change": "增减", "budget_unit": "预算单位", "fiscal_year": "年度",
    "document_kind": "报告类型", "page": "页码", "bbox": "位置框", "performance_table": "绩效表",
    "project": "项目名称", "level1": "一级指标", "level2": "二级指标", "level3": "三级指标",
    "target_operator": "目标比较", "target_value": "目标值", "target_unit": "目标单位",
    "target_text": "目标原文", "weight": "分值", "actual": "实际完成", "actual_value": "实际值",
    "actual_unit": "实际单位", "score": "得分", "severity": "严重程度", "rule": "规则",
    "message": "说明", "related_lines": "相关行", "expected": "期望值", "found": "实际值",
    "difference": "差额", "value": "所指单元", "focus": "焦点", "review_state": "复核状态",
    "review_note": "复核说明", "reviewed_at": "复核时间", "finding": "发现",
}
NUMERIC = {"amount", "amount_yuan", "share", "change", "source_line", "fiscal_year", "page",
           "target_value", "weight", "actual_value", "score", "expected", "found", "difference"}
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def bilingual(column: str) -> str:
    """``amount`` → ``金额 amount``."""
    zh = HEADERS_ZH.get(column)
    return f"{zh} {column}" if zh else column


def _cell(column: str, text: str) -> object:
    if column in NUMERIC and _NUMBER.fullmatch(text):
        return int(text) if "." not in text else Decimal(text)
    return text


def write_workbook(sheets: dict[str, tuple[list[str], list[list[str]]]], out: IO[bytes]) -> None:
    """One sheet per (columns, rows); numbers in numeric columns as numbers, the header bold
    and frozen."""
    book = Workbook()
    book.remove(book.active)
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title=name[:31])  # Excel's limit on sheet names
        sheet.append([bilingual(c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([_cell(c, v) for c, v in zip(columns, row, strict=True)])
        as_text(sheet)
    book.save(out)


def as_text(sheet: Worksheet, first_row: int = 2) -> None:
    """Keep the cells from ``first_row`` on as data: openpyxl stores a text that starts with
    "=" as a formula (a unit named ``=HYPERLINK(…)`` would open as a live link)."""
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
