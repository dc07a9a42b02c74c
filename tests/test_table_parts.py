"""The table interpreter's parts, and rules the samples do not exercise."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loaders.metadata import read_metadata
from loaders.model import LoadWarning, Table
from loaders.numbers import parse_amount
from loaders.readers import read_blocks
from loaders.tables import extract_tables, ordinal
from loaders.tables.cells import is_numbering_row
from loaders.tables.recognise import number_marker, table_type

D = Decimal


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("35.56", D("35.56")),
        ("35.5 6", D("35.56")),
        ("17,742.62", D("17742.62")),
        ("1 ,010.70", D("1010.70")),
        ("-12.50", D("-12.50")),
        ("（12.50）", D("-12.50")),
        ("(1,200.00)", D("-1200.00")),
        ("－3.00", D("-3.00")),
        ("０.３１", D("0.31")),
        ("0.00", D("0.00")),
        ("208", D("208")),
    ],
)
def test_amounts(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["", "-", "—", "－", "——", "1 2", "12.5万", "见附件", "1.2.3"])
def test_not_amounts(text):
    assert parse_amount(text) is None


def test_numbering_rows():
    assert is_numbering_row(["※", "※", "※", "1", "2", "3"])
    assert is_numbering_row(["栏次", "1", "2", "3", "4"])
    assert is_numbering_row(["", "", "1", "2", "3", "4"])
    assert not is_numbering_row(["208", "01", "09", "社会保险经办机构", "774.29"])
    assert not is_numbering_row(["", "合计", "3", "5"])


@pytest.mark.parametrize(
    ("text", "number", "rest"),
    [
        ("表1", "1", ""),
        ("表 10", "10", ""),
        ("表一：", "一", ""),
        ("单位公开表 3-1", "3-1", ""),
        ("附表2 单位收入总体情况表", "2", "单位收入总体情况表"),
    ],
)
def test_number_markers(text, number, rest):
    marker = number_marker(text)
    assert marker is not None and (marker.number, marker.rest) == (number, rest)


def test_sentence_is_not_a_number_marker():
    assert number_marker("表1显示，收入增加了。") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("2023年阿图什市社会保险中心单位收支总体情况表", "income-expenditure-summary"),
        ("某某局单位收入总体情况表", "income"),
        ("一、单位支出总表", "expenditure"),
        ("《财政拨款收入支出决算总表》", "fiscal-summary"),
        ("一般公共预算支出情况表（按功能分类科目）", "gpb-expenditure"),
        ("一般公共预算“三公”经费支出预算表", "sangong"),
        ("2023年预算项目支出绩效目标表", "performance-target"),
        ("单位资产情况统计表", None),
    ],
)
def test_table_types(title, expected):
    assert table_type(title, "阿图什市社会保险中心") == expected


def test_ordinals():
    got = [ordinal(x) for x in ("1", "九", "十", "十一", "二十三", "3-1")]
    assert got == [1, 9, 10, 11, 23, None]


REPORT = "\n".join([
    "某某局",
    "2024 年部门预算公开",
    "",
    "表1 一般公共预算支出情况表",
    "",
    "编制单位：某某局　　单位：元",
    "",
    "科目编码\t科目名称\t合计\t基本支出\t项目支出",
    "2080101\t行政运行\t1,500.00\t1,500.00\t-",
    "2080199\t其他人力资源和社会保障管理事务支出\t(12.50)\t—\t-12.50",
    "",
    "- 2 -",
    "",
    "科目编码\t科目名称\t合计\t基本支出\t项目支出",
    "2101101\t行政单位医疗\t0.00\t0.00\t",
    "\t合计\t1,487.50\t1,500.00\t（12.50）",
    "",
    "表2 单位支出总体情况表",
    "",
    "类\t款\t项\t科目名称\t合计\t基本支出\t项目支出",
    "208\t\t\t社会保障和就业支出\t100.00\t60.00\t40.00",
    "\t01\t\t人力资源和社会保障管理事务\t100.00\t60.00\t40.00",
    "\t\t01\t行政运行\t60.00\t60.00\t",
    "\t\t99\t其他人力资源和社会保障管理事务支出\t40.00\t见附件\t40.00",
    "",
    "某某局资产情况统计表",
    "",
    "单位：万元",
    "",
    "项目\t金额",
    "房屋\t12.00",
    "",
    "表三：",
    "",
    "第三部分 说明",
    "",
    "这是一段很长的说明文字，介绍本单位的预算安排情况，其中没有任何表格标题。",
    "",
    "名称\t数值",
    "车辆\t3.00",
])


def tables_of(text: str, name: str) -> tuple[list[Table], list[LoadWarning]]:
    """The tables and warnings the loader reads from the report text of file ``name``."""
    blocks = read_blocks(text)
    return extract_tables(blocks, read_metadata(blocks, name))


@pytest.fixture(scope="module")
def synthetic():
    return tables_of(REPORT, "synthetic.txt")


def test_yuan_table_negatives_dashes_and_page_break(synthetic):
    tables, _ = synthetic
    t = tables[0]
    assert (t.number, t.table_type, t.currency, t.compiler) == ("1", "gpb-expenditure", "元",
                                                                "某某局")
    got = {(f.line, f.column): (f.amount, f.code, f.is_total) for f in t.facts}
    assert got[(9, "total")] == (D("1500.00"), "2080101", False)
    assert (9, "project") not in got  # "-" is not stated, not zero
    assert got[(10, "total")] == (D("-12.50"), "2080199", False)
    assert (10, "basic") not in got
    assert got[(10, "project")] == (D("-12.50"), "2080199", False)
    assert got[(15, "basic")] == (D("0.00"), "2101101", False)  # a printed zero is a fact
    assert got[(16, "project")] == (D("-12.50"), None, True)
    assert not [f for f in t.facts if f.line == 14]  # header repeated after the page break
    assert t.end_line == 16


def test_class_printed_once_and_unparsed_cell(synthetic):
    tables, warnings = synthetic
    t = tables[1]
    codes = {f.line: f.code for f in t.facts}
    assert codes == {21: "208", 22: "20801", 23: "2080101", 24: "2080199"}
    (w,) = [w for w in warnings if w.code == "unparsed-cell"]
    assert w.line == 24 and "见附件" in w.message
    assert not [f for f in t.facts if f.line == 24 and f.column == "basic"]


def test_unrecognised_and_untitled_tables_are_kept(synthetic):
    tables, warnings = synthetic
    assert len(tables) == 4
    stats, untitled = tables[2], tables[3]
    assert (stats.table_type, stats.recognised, stats.title) == ("generic", False,
                                                                  "某某局资产情况统计表")
    (f,) = stats.facts
    assert (f.amount, f.column, f.row_label) == (D("12.00"), "total", "房屋")
    assert (untitled.table_type, untitled.recognised, untitled.title) == ("generic", False, "")
    assert untitled.facts[0].amount == D("3.00")
    assert untitled.facts[0].column == "unrecognised"
    unrecognised = [w for w in warnings if w.code == "unrecognised-table"]
    assert [w.line for w in unrecognised] == [26, 39]
    assert any(w.code == "unrecognised-column" and w.line == 39 for w in warnings)


def test_announced_number_without_grid(synthetic):
    _, warnings = synthetic
    (w,) = [w for w in warnings if w.code == "announced-table-missing"]
    assert w.line == 33 and "表三" in w.message


def test_caption_inside_grid_and_side_headers_in_other_words():
    text = "\n".join([
        "某某中心",
        "2023 年单位预算",
        "",
        "单位收支总体情况表\t\t单位：万元（保留两位小数）",
        "收入项目\t预算数\t支出项目\t预算数",
        "一般公共预算拨款收入\t10.00\t社会保障和就业支出\t10.00",
        "收入总计\t10.00\t支出总计\t10.00",
    ])
    tables, warnings = tables_of(text, "s.txt")
    (t,) = tables
    assert (t.table_type, t.currency, t.line) == ("income-expenditure-summary", "万元", 4)
    got = {(f.line, f.side): (f.line_item, f.code, f.amount, f.is_total) for f in t.facts}
    assert got == {
        (6, "income"): ("general-public-budget", None, D("10.00"), False),
        (6, "expenditure"): (None, "208", D("10.00"), False),
        (7, "income"): ("income-total", None, D("10.00"), True),
        (7, "expenditure"): ("expenditure-total", None, D("10.00"), True),
    }
    assert not warnings


def test_untitled_number_typed_from_contents_and_continued_after_page_break():
    text = "\n".join([
        "某某局",
        "2024 年部门预算公开",
        "",
        "目 录",
        "一、单位收支总体情况表",
        "二、一般公共预算支出情况表",
        "",
        "表二：",
        "",
        "科目编码\t科目名称\t合计",
        "2080101\t行政运行\t5.00",
        "",
        "- 3 -",
        "",
        "表二：",
        "",
        "科目编码\t科目名称\t合计",
        "2080102\t一般行政管理事务\t3.00",
    ])
    tables, warnings = tables_of(text, "t.txt")
    (t,) = tables
    assert (t.number, t.title, t.table_type, t.line, t.end_line) == (
        "二", "表二", "gpb-expenditure", 8, 18)
    assert [(f.line, f.code, f.amount) for f in t.facts] == [
        (11, "2080101", D("5.00")), (18, "2080102", D("3.00"))]
    codes = sorted(w.code for w in warnings)
    assert codes == ["announced-table-missing", "currency-not-stated", "title-from-contents"]
    assert "单位收支总体情况表" in next(w.message for w in warnings
                                 if w.code == "announced-table-missing")
