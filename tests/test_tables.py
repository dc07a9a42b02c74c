"""Standard tables of the samples → Table/Fact records with cell provenance."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from loaders.metadata import read_metadata
from loaders.model import Fact, LoadWarning, Table
from loaders.readers import read_blocks
from loaders.tables import extract_tables
from tests.layouts import to_aligned, to_html, to_pipe

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"
TABLE_SAMPLES = ("000", "002", "003", "004")


def sample_path(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


@cache
def load(prefix: str) -> tuple[list[Table], list[LoadWarning]]:
    text = sample_path(prefix).read_text(encoding="utf-8")
    blocks = read_blocks(text)
    return extract_tables(blocks, read_metadata(blocks, prefix))


def facts(prefix: str) -> list[Fact]:
    return [f for t in load(prefix)[0] for f in t.facts]


def fact(prefix: str, line: int, column: str, **match) -> Fact:
    """The one fact at ``line`` under ``column`` (and matching ``match``)."""
    hits = [f for f in facts(prefix) if f.line == line and f.column == column
            and all(getattr(f, k) == v for k, v in match.items())]
    assert len(hits) == 1, (line, column, match, [(f.column, f.code, f.amount) for f in
                                                  facts(prefix) if f.line == line])
    return hits[0]


def table(prefix: str, table_type: str) -> Table:
    hits = [t for t in load(prefix)[0] if t.table_type == table_type]
    assert len(hits) == 1, [t.table_type for t in load(prefix)[0]]
    return hits[0]


def warnings(prefix: str, code: str) -> list[LoadWarning]:
    return [w for w in load(prefix)[1] if w.code == code]


D = Decimal

# ---------------------------------------------------------------------------
# Every numeric cell is a fact or a warning
# ---------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
# An amount as these samples print it: decimals, maybe thousands separators,
# maybe broken by a space. Codes and column numbers are integers, so this
# simple rule leaves out code columns and "※ 1 2 3" numbering rows.
_AMOUNT = re.compile(r"^[-(（]?[\d,]+\.\d+[)）]?$")


def numeric_cells(lines: list[str], first: int, last: int) -> set[tuple[int, int]]:
    cells = set()
    for n in range(first, last + 1):
        line = lines[n - 1]
        if "\t" not in line:
            continue
        for i, cell in enumerate(line.split("\t")):
            if _AMOUNT.match(_TAG.sub("", cell).replace(" ", "")):
                cells.add((n, i))
    return cells


@pytest.mark.parametrize("prefix", TABLE_SAMPLES)
def test_every_numeric_cell_is_a_fact_or_a_warning(prefix):
    lines = sample_path(prefix).read_text(encoding="utf-8").split("\n")
    tables, warns = load(prefix)
    warned = {w.line for w in warns if w.code == "unparsed-cell"}
    for t in tables:
        expected = numeric_cells(lines, t.line, t.end_line)
        got = {(f.line, f.col_index) for f in t.facts}
        missing = {c for c in expected - got if c[0] not in warned}
        assert not missing, (t.title, sorted(missing))
        assert got <= expected, (t.title, sorted(got - expected))  # no fact from nowhere
        assert len(got) == len(t.facts)  # one fact per cell
    # Outside the standard tables, amounts appear only in the performance
    # tables (another interpreter's), which begin at a 绩效…表 title.
    perf = min(n for n, line in enumerate(lines, 1)
               if "绩效" in line and line.strip().endswith("表") and "\t" not in line
               and n > max(t.end_line for t in tables))
    covered = set().union(*(range(t.line, t.end_line + 1) for t in tables))
    outside = {c for c in numeric_cells(lines, 1, len(lines)) if c[0] not in covered}
    assert all(n > perf for n, _ in outside), sorted(outside)[:5]


@pytest.mark.parametrize(
    ("prefix", "count", "facts_per_table"),
    [
        ("000", 8, [14, 60, 40, 11, 34, 37, 15, 0]),
        ("002", 8, [9, 24, 20, 10, 19, 39, 12, 4]),
        ("003", 11, [11, 6, 32, 16, 62, 67, 23, 4, 0, 0, 0]),
        ("004", 9, [11, 78, 51, 11, 48, 57, 10, 0, 6]),
    ],
)
def test_tables_and_fact_counts(prefix, count, facts_per_table):
    tables = load(prefix)[0]
    assert len(tables) == count
    assert [len(t.facts) for t in tables] == facts_per_table
    assert all(t.currency == "万元" and t.recognised for t in tables)


def test_report_without_standard_tables():
    tables, warns = load("001")
    assert tables == []  # narrative and performance self-evaluation tables only
    listed = [w for w in warns if w.code == "announced-table-missing"]
    assert len(listed) == 9 and "收入支出决算总表" in listed[0].message


# ---------------------------------------------------------------------------
# 000 阿图什市社会保险中心 2023 budget
# ---------------------------------------------------------------------------


def test_000_summary_table():
    t = table("000", "income-expenditure-summary")
    assert (t.number, t.title, t.compiler) == ("1", "单位收支总体情况表", "阿图什市社会保险中心")
    f = fact("000", 98, "total", side="income")
    assert (f.line_item, f.amount, f.raw, f.col_index) == ("current-year-income", D("908.94"),
                                                          "908.94", 1)
    f = fact("000", 105, "total", side="expenditure")
    assert (f.code, f.amount, f.line_item) == ("208", D("864.45"), None)
    assert fact("000", 128, "total", side="income").line_item == "income-total"
    assert fact("000", 128, "total", side="income").amount == D("911.29")
    assert fact("000", 128, "total", side="expenditure").line_item == "expenditure-total"
    assert fact("000", 128, "total", side="expenditure").amount == D("911.29")
    # Labels shared by several items resolve by the rows above them.
    assert fact("000", 117, "total", side="income").line_item == "fiscal-carryover-gpb"
    assert fact("000", 99, "total", side="income").line_item == "general-public-budget"
    assert fact("000", 100, "total", side="income").line_item == "gpb-general-revenue"


def test_000_income_table_split_number_and_wrapped_name():
    f = fact("000", 142, "unit-funds")
    assert (f.code, f.amount, f.raw, f.col_index) == ("2080104", D("35.56"), "35.5 6", 12)
    assert f.column_header == "单 位 资 金"
    f = fact("000", 147, "total")
    assert (f.code, f.amount) == ("2080505", D("28.66"))
    assert f.row_label == "机关事业单位基本养老保险缴费支出"
    assert not [x for x in facts("000") if x.line == 149]  # the name's second line
    f = fact("000", 140, "fiscal-subtotal")
    assert (f.code, f.amount) == ("208", D("826.54"))
    assert fact("000", 140, "upper-gpb-transfer").amount == D("7.00")


def test_000_page_two_columns_put_back_by_the_sums():
    # Page two of 表2 prints 16 cells under a 15-column header.
    assert (fact("000", 150, "fiscal-carryover").code, fact("000", 150, "fiscal-carryover").amount
            ) == ("20830", D("2.35"))
    total = {f.column: f for f in facts("000") if f.line == 159}
    assert total["unit-funds"].amount == D("35.56") and total["unit-funds"].is_total
    assert total["fiscal-carryover"].amount == D("2.35")
    assert total["total"].amount == D("911.29")
    assert "nonfiscal-carryover" not in total
    realigned = warnings("000", "columns-realigned")
    assert len(realigned) == 1 and "line 159 -2" in realigned[0].message


def test_000_expenditure_tables():
    f = fact("000", 246, "total")
    assert (f.code, f.amount) == ("2080109", D("774.29"))
    assert fact("000", 246, "basic").amount == D("214.17")
    assert fact("000", 246, "project").amount == D("560.12")
    # 表3 prints no names and an unlabelled total line.
    f = fact("000", 189, "total")
    assert (f.is_total, f.code, f.amount) == (True, None, D("911.29"))
    f = fact("000", 288, "personnel")
    assert (f.is_total, f.amount) == (True, D("307.41"))
    assert fact("000", 283, "public").code == "30211"
    f = fact("000", 302, "econ:303")
    assert (f.project, f.code, f.amount) == ("城乡居民养老保险补助金项目", "2080109", D("538.12"))
    assert fact("000", 305, "total").is_total and fact("000", 305, "total").project is None
    f = fact("000", 208, "general-public-budget")
    assert (f.code, f.side, f.amount) == ("208", "expenditure", D("826.54"))


def test_000_empty_sangong_and_missing_tables():
    t = table("000", "sangong")
    assert t.empty and t.number == "10" and t.facts == []
    assert t.empty_note.endswith("为空表。")
    missing = " ".join(w.message for w in warnings("000", "announced-table-missing"))
    assert "政府性基金预算支出情况表" in missing and "国有资本经营预算支出情况表" in missing


# ---------------------------------------------------------------------------
# 002 克州 2022 budget
# ---------------------------------------------------------------------------


def test_002_codes_split_over_two_lines():
    f = fact("002", 153, "total")
    assert (f.code, f.amount) == ("2080109", D("325.07"))
    f = fact("002", 154, "project")
    assert (f.code, f.amount, f.row_label) == ("2080199", D("16.40"),
                                               "其他人力资源和社会保障管理事务支出")
    assert (fact("002", 157, "total").code, fact("002", 157, "total").amount) == (
        "2080505", D("32.88"))
    assert fact("002", 159, "basic").code == "2080501"
    assert fact("002", 151, "total").code == "208"  # "20" completed from the rows below
    assert not [x for x in facts("002") if x.line in (155, 158, 160)]


def test_002_author_error_kept_as_printed():
    f = fact("002", 218, "basic")
    assert (f.code, f.amount) == ("20801", D("352.15"))
    assert not warnings("002", "columns-realigned")


def test_002_other_tables():
    assert fact("002", 118, "total", side="income").line_item == "prior-balance"
    assert fact("002", 117, "total", side="income").amount == D("379.95")
    assert fact("002", 131, "upper-special").amount == D("11.40")
    assert fact("002", 131, "prior-balance").amount == D("9.80")
    assert fact("002", 133, "general-public-budget").amount == D("303.87")
    assert fact("002", 253, "total").row_label == "对个人和家庭的补支"
    f = fact("002", 270, "econ:302")
    assert (f.project, f.amount) == ("代办员经费", D("8.40"))
    assert fact("002", 255, "personnel").is_total


def test_002_sangong_column_form():
    row = {f.line_item: f for f in facts("002") if f.line == 284}
    assert row["sangong-total"].amount == D("9.30")
    assert row["sangong-vehicle"].amount == D("8.00")
    assert row["sangong-vehicle-operation"].amount == D("8.00")
    assert row["sangong-reception"].amount == D("1.30")
    assert {f.column for f in row.values()} == {"total"}
    assert "sangong-vehicle-purchase" not in row


def test_002_announced_table_missing():
    (w,) = warnings("002", "announced-table-missing")
    assert w.line == 286 and "表九" in w.message and "政府性基金预算支出情况表" in w.message


# ---------------------------------------------------------------------------
# 003 苍溪县 2023 budget
# ---------------------------------------------------------------------------


def test_003_economic_codes_and_unit_codes():
    f = fact("003", 283, "total")
    assert (f.code, f.amount, f.unit_code) == ("3010301", D("8.43"), None)
    assert fact("003", 280, "personnel").code == "30101"
    assert fact("003", 279, "total").code == "301"
    assert fact("003", 310, "total").unit_code is None
    f = fact("003", 175, "total")
    assert (f.code, f.unit_code, f.amount) == ("2050202", "316002", D("2000.00"))
    f = fact("003", 164, "carryover")
    assert (f.unit_code, f.amount, f.code) == ("316002", D("6365.36"), None)
    t = table("003", "gpb-basic")
    assert (t.number, t.title) == ("3-1", "一般公共预算基本支出预算表")
    assert t.compiler == "316002-苍溪县社会保险事务中心"


def test_003_totals_at_the_top():
    f = fact("003", 174, "total")
    assert (f.is_total, f.amount, f.code) == (True, D("24107.98"), None)
    assert fact("003", 174, "basic").amount == D("16182.05")
    assert fact("003", 240, "current-year").is_total


def test_003_group_rows_without_codes():
    f = fact("003", 245, "current-year")
    assert (f.code, f.amount, f.row_label) == ("208", D("14652.00"), "社会保障和就业支出")
    codes = {f.line: f.code for f in facts("003") if f.column == "total" and 241 <= f.line <= 266}
    assert codes[241] == "205" and codes[242] == "20502" and codes[246] == "20801"
    assert codes[251] == "20805" and codes[256] == "20808" and codes[262] == "21305"
    assert codes[265] == "22102"


def test_003_summary_by_name_and_numbering():
    f = fact("003", 121, "total", side="income")
    assert (f.line_item, f.amount, f.raw) == ("general-public-budget", D("17742.62"), "17,742.62")
    f = fact("003", 128, "total", side="expenditure")
    assert (f.code, f.amount) == ("208", D("21017.35"))
    assert fact("003", 150, "total", side="income").line_item == "prior-carryover"
    assert fact("003", 149, "total", side="income").line_item == "current-year-income"
    assert fact("003", 149, "total", side="expenditure").line_item == "current-year-expenditure"
    assert fact("003", 203, "total", side="income").line_item == "fiscal-carryover-gpb"
    assert fact("003", 199, "total", side="income").line_item == "general-public-budget"


def test_003_projects_and_sangong():
    f = fact("003", 322, "total")
    assert (f.project, f.code, f.amount) == ("县社保事务中心档案整理工作经费", "2080107", D("5.00"))
    f = fact("003", 321, "total")
    assert (f.project, f.code) == (None, "2080107")
    f = fact("003", 354, "total", line_item="sangong-reception")
    assert (f.amount, f.unit_code, f.is_total) == (D("2.89"), "316002", False)
    assert fact("003", 353, "total", line_item="sangong-total").is_total


def test_003_empty_tables():
    for ttype in ("gov-fund", "gov-fund-sangong", "soe-capital"):
        t = table("003", ttype)
        assert t.empty and t.empty_note == "无此项内容" and t.facts == []
    (w,) = warnings("003", "announced-table-missing")
    assert "财政拨款支出预算表（部门经济分类科目）" in w.message


# ---------------------------------------------------------------------------
# 004 奇台县 2024 budget
# ---------------------------------------------------------------------------


def test_004_totals_on_top_and_numbering_rows():
    f = fact("004", 112, "total")
    assert (f.is_total, f.amount) == (True, D("1010.70"))
    f = fact("004", 150, "project")
    assert (f.is_total, f.amount) == (True, D("82.77"))
    assert not [x for x in facts("004") if x.line in (111, 149, 228, 264, 304, 334)]
    assert fact("004", 129, "total").code == "21011"  # after a page break


def test_004_header_put_back_in_its_group():
    f = fact("004", 113, "unit-funds")
    assert (f.code, f.amount) == ("208", D("0.31"))
    assert fact("004", 116, "unit-funds").code == "2080199"
    assert fact("004", 113, "upper-gpb-transfer").amount == D("1.46")
    assert warnings("004", "header-realigned")


def test_004_sangong_row_form():
    f = fact("004", 340, "total")
    assert (f.line_item, f.amount) == ("sangong-vehicle-operation", D("1.08"))
    assert fact("004", 340, "general-public-budget").line_item == "sangong-vehicle-operation"
    assert fact("004", 338, "total").line_item == "sangong-vehicle"
    f = fact("004", 335, "total")
    assert (f.line_item, f.is_total) == ("sangong-total", True)


def test_004_other_tables():
    f = fact("004", 309, "econ:303")
    assert (f.project, f.code) == ("2024年破产企业生活费(县级配套)", "2080699")
    assert f.amount == D("82.46")
    assert fact("004", 288, "public").code == "30231"
    assert fact("004", 99, "total", side="income").line_item == "income-total"
    assert fact("004", 70, "total", side="income").line_item == "general-public-budget"
    assert fact("004", 192, "general-public-budget").code == "208"
    t = table("004", "soe-capital")
    assert t.empty and t.number is None and "为空表" in t.empty_note
    missing = " ".join(w.message for w in warnings("004", "announced-table-missing"))
    assert "政府性基金预算支出情况表" in missing and "上年结转结余情况明细表" in missing


# ---------------------------------------------------------------------------
# The same facts whatever the text layout
# ---------------------------------------------------------------------------

LAYOUTS = {
    "pipe": to_pipe,
    "pipe-bare": lambda t: to_pipe(t, outer=False),
    "html": to_html,
    "html-multiline": lambda t: to_html(t, multiline=True),
    "html-spans": lambda t: to_html(t, spans=True),
    "aligned": to_aligned,
}


def _fact_key(f: Fact) -> tuple:
    digits = "".join(ch for ch in f.raw if ch.isdigit())
    return tuple(str(x) for x in (f.code, f.column, f.amount, digits, f.line_item, f.is_total,
                                  f.side, f.project, f.unit_code, f.row_label.replace(" ", "")))


def _load_text(text: str) -> tuple[list[Table], list[LoadWarning]]:
    blocks = read_blocks(text)
    return extract_tables(blocks, read_metadata(blocks, "rewritten.txt"))


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("prefix", TABLE_SAMPLES)
def test_facts_do_not_depend_on_the_layout(prefix, layout):
    rewritten = LAYOUTS[layout](sample_path(prefix).read_text(encoding="utf-8"))
    tables, warns = _load_text(rewritten.text)
    expected = sorted((rewritten.line_map[f.line], _fact_key(f)) for f in facts(prefix))
    got = sorted((f.line, _fact_key(f)) for t in tables for f in t.facts)
    assert got == expected
    base = load(prefix)[0]
    assert [(t.table_type, t.number, t.empty, t.empty_note) for t in tables] == [
        (t.table_type, t.number, t.empty, t.empty_note) for t in base]
    # How many cells a row has is only visible in delimited layouts (the aligned
    # rewrite drops trailing empty cells), so that one diagnostic may differ.
    layout_bound = {"column-count-mismatch"}
    assert sorted(w.code for w in warns if w.code not in layout_bound) == sorted(
        w.code for w in load(prefix)[1] if w.code not in layout_bound)
