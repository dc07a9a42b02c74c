"""Tables from plain text extractions that write one cell per line (``loaders/readers/stream.py``).

The six Shanghai reports' ``*.raw.txt`` (plain ``pdftotext``) are read cell by cell against
their ``cells.csv`` with the matcher of ``test_realworld_tables`` (there without the layout
line, which these files do not have): every fact must be one of the report's cells, and the
counts say how many cells can be placed with certainty. What stays open is not guessed: these
extractions leave blank cells out and print some header labels out of order, so many rows
cannot say which column an amount is in.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from fiscal_kg.validation import validate_files
from loaders.model import Report
from loaders.pipeline import load_report, load_text
from loaders.readers import read_blocks
from tests.test_realworld_tables import FOLDERS, NOT_TABLES, ROOT, TABLE_RULES, cells, matches

# Cells of cells.csv each raw text gives (of 195, 366, 875, 221, 300, 241).
MATCHED = {"01": 1, "04": 209, "06": 368, "09": 15, "12": 15, "13": 96}


@cache
def raw_report(folder: str) -> Report:
    return load_report(next((ROOT / folder).glob("*.raw.txt")))


@pytest.mark.parametrize("folder", FOLDERS)
def test_raw_text_cells_and_no_wrong_fact(folder: str) -> None:
    report = raw_report(folder)
    facts = [(t, f) for t in report.tables for f in t.facts]
    wrong = [(t.table_type, f.code, f.row_label, f.column, f.amount, f.line) for t, f in facts
             if not any(matches(c, t, f, "raw") for c in cells(folder))]
    assert wrong == []
    found = [c for c in cells(folder) if any(matches(c, t, f, "raw") for t, f in facts)]
    assert (len(found), len(facts)) == (MATCHED[folder[:2]], MATCHED[folder[:2]])


def _fact(folder: str, ttype: str, code: str, column: str) -> tuple[Decimal, str, int]:
    t = next(t for t in raw_report(folder).tables if t.table_type == ttype)
    f = next(f for f in t.facts if f.code == code and f.column == column)
    return f.amount, f.raw, f.line


def test_pinned_cells() -> None:
    """Values, codes, columns and the line of the row's name in the raw text."""
    czj, sfj, wanli = FOLDERS[5], FOLDERS[1], FOLDERS[2]
    # 13: "一般公共服务支出" (line 788) then its three amounts: 合计 = 基本 + 项目.
    assert _fact(czj, "gpb-expenditure", "201", "basic") == (
        Decimal("16093326.00"), "16,093,326.00", 788)
    assert _fact(czj, "gpb-expenditure", "201", "project") == (
        Decimal("6093114.80"), "6,093,114.80", 788)
    # 13: "财政事务" is followed by six amounts, its own and 行政运行's (whose name comes
    # later): the first three fill the columns, add up and hold no zero, so they are its own.
    assert _fact(czj, "gpb-expenditure", "20106", "project") == (
        Decimal("6093114.80"), "6,093,114.80", 796)
    w = next(w for w in raw_report(czj).warnings if w.code == "row-not-placed" and w.line == 796)
    assert "16,231,840.80, 16,093,326.00, 138,514.80 not placed" in w.message
    # 13: "基本工资" printed without its code: 30101 from its name under 301 above it.
    assert _fact(czj, "gpb-basic", "30101", "total") == (Decimal("2642448.00"), "2,642,448.00",
                                                       1110)
    # 04 prints 0.00 in blank cells: every row fills its columns.
    assert _fact(sfj, "expenditure", "204", "basic") == (
        Decimal("16726725.44"), "16726725.44", 590)
    assert _fact(sfj, "income", "204", "total") == (Decimal("87267272.44"), "87267272.44", 205)
    # 06 prints whole yuan ("257,700", "0").
    assert _fact(wanli, "expenditure", "20105", "project") == (Decimal("257700"), "257,700",
                                                              1503)
    assert _fact(wanli, "expenditure", "20105", "basic") == (Decimal("0"), "0", 1503)


def test_header_order_that_is_not_certain_leaves_columns_open() -> None:
    """06's income table: "事业单位" / "经营收入" is printed over two lines and comes out
    before "事业收入", so the order of its part columns is not certain. The row 20105
    (257,700 257,700 0 0 0) keeps its total; its parts are named in the warning."""
    report = raw_report(FOLDERS[2])
    t = next(t for t in report.tables if t.table_type == "income")
    assert {(f.column, f.amount) for f in t.facts if f.code == "20105"} == {
        ("total", Decimal("257700"))}
    w = next(w for w in report.warnings if w.code == "row-not-placed" and w.line == 374)
    assert "'统计信息事务' 20105" in w.message and "257,700, 0, 0, 0 not placed" in w.message


def test_no_table_violation_from_raw_texts() -> None:
    for folder in FOLDERS:
        run = validate_files([next((ROOT / folder).glob("*.raw.txt"))])
        found = [(f.rule, f.line) for f in run.findings if f.severity == "Violation"
                 and f.rule.startswith(TABLE_RULES) and not f.rule.startswith(NOT_TABLES)]
        assert found == [], folder


def test_other_layouts_are_not_claimed() -> None:
    texts = sorted(Path(ROOT.parent / "reports").glob("*.txt")) + sorted(
        ROOT.glob("*/*.layout.txt"))
    assert len(texts) == 11
    for path in texts:
        assert [b.line for b in read_blocks(path.read_text(encoding="utf-8"))
                if b.layout == "stream"] == [], path.name


# A made-up stream table, so the mechanism is shown outside the six reports.
MADE_UP = """某某市某某局2025年部门预算
预算主管部门：某某市某某局

2025年部门支出预算总表
编制单位：某某市某某局
单位：元
科目编码
科目名称
合计
基本支出
项目支出
201
一般公共服务支出
300.00
200.00
100.00
201
03
政府办公厅（室）及相关机构事务
300.00
200.00
100.00
201
03
01
行政运行
200.00
200.00
201
03
02
一般行政管理事务
100.00
100.00
208
社会保障和就业支出
60.00
30.00
30.00
208
05
行政事业单位养老支出
60.00
30.00
30.00
208
05
01
行政单位离退休
30.00
30.00
208
05
02
事业单位离退休
30.00
30.00
合计
360.00
230.00
130.00
"""


def _line(text: str, last: bool = False) -> int:
    lines = MADE_UP.split("\n")
    return len(lines) - lines[::-1].index(text) if last else lines.index(text) + 1


def test_made_up_stream_table() -> None:
    report = load_text(MADE_UP, "made-up.txt", "0" * 64)
    t = next(t for t in report.tables if t.table_type == "expenditure")
    got = {(f.code or ("合计" if f.is_total else None), f.column): (f.amount, f.line)
           for f in t.facts}
    # Full rows as printed; 行政运行 (200.00 200.00) and 一般行政管理事务 (100.00 100.00) by
    # the sums of 20103: its 基本支出 200.00 can only be 行政运行's, its 项目支出 100.00 only
    # 一般行政管理事务's.
    assert got[("20103", "basic")] == (Decimal("200.00"), _line("政府办公厅（室）及相关机构事务"))
    assert got[("2010301", "basic")] == (Decimal("200.00"), _line("行政运行"))
    assert got[("2010302", "project")] == (Decimal("100.00"), _line("一般行政管理事务"))
    assert ("2010301", "project") not in got and ("2010302", "basic") not in got
    assert got[("20805", "total")] == (Decimal("60.00"), _line("行政事业单位养老支出"))
    # 行政单位离退休 and 事业单位离退休 both print 30.00 30.00 under 20805's 30.00 / 30.00:
    # either may be the 基本 one, so neither is placed, and each is named.
    assert not [k for k in got if k[0] in ("2080501", "2080502")]
    unplaced = [w.message for w in report.warnings if w.code == "row-not-placed"]
    assert len(unplaced) == 2
    assert "'行政单位离退休' 2080501" in unplaced[0] and "30.00, 30.00 not placed" in unplaced[0]
    assert "'事业单位离退休' 2080502" in unplaced[1]
    assert got[("合计", "project")] == (Decimal("130.00"), _line("合计", last=True))
    assert len(t.facts) == 5 * 3 + 2 * 2
