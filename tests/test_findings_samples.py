"""Every Violation and Warning the validator reports on the five samples, checked by hand.

Each pinned finding is (sample, rule, line, severity, found, expected) with the reason it is a
real inconsistency of the report. Anything else reported at Violation or Warning level is a
false alarm and fails the test; so does a pinned finding that disappears.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import Finding, load_into, validate

D = Decimal

PINNED = [
    # 000 阿图什市社会保险中心 2023 预算
    # 八、政府性基金预算支出情况表 listed in the contents (the narrative, line 476, calls
    # it an empty table) but not in the text
    ("000", "COMPL-ANNOUNCED-MISSING", 30, "Warning", None, None),
    # 九、国有资本经营预算支出情况表 listed, likewise missing
    ("000", "COMPL-ANNOUNCED-MISSING", 32, "Warning", None, None),
    # 资金分配 个人缴费补贴 34.02 万元 vs the performance target "=34.03 万元" (line 559);
    # the parts of 538.12 need 34.02
    ("000", "NARR-PERF-AMOUNT", 430, "Warning", "34.02", "34.03"),
    # 001 乌鲁木齐市社会保险中心 2023 决算
    # 部门决算报表（见附表）: none of the nine tables is in the text
    ("001", "COMPL-NO-TABLES", None, "Warning", None, None),
    # "下设 27 个处室，分别是：…" lists 市社会保险中心水磨沟区分中心 twice: 26 different offices
    ("001", "NARR-COUNT-LIST", 55, "Violation", "26", "27"),
    # 自评表 发放人数 "=53 人", its explanation "一季度特殊工伤人员实际补助发放为 52 人"
    ("001", "PERF-NOTE-ACTUAL", 213, "Violation", "52", "53"),
    # 补贴发放人数 target "≥53 人", its explanation "绩效指标设置大于 50 人属下限指标"
    ("001", "PERF-NOTE-TARGET", 283, "Violation", "50", "53"),
    # 发放干部人数 162 (≥150) and 发放工人人数 64 (≥50): "截至年末实际发放数小于年初绩效目标值"
    ("001", "PERF-NOTE-DIRECTION", 400, "Violation", "162", "150"),
    ("001", "PERF-NOTE-DIRECTION", 401, "Violation", "64", "50"),
    # 人均补贴标准 "≤7386.02 元" under the goal "人均不超过 7386.2 元/月" (lines 211, 256)
    ("001", "PERF-GOAL-VALUE", 219, "Warning", "7386.02", "7386.2"),
    ("001", "PERF-GOAL-VALUE", 264, "Warning", "7386.02", "7386.2"),
    # 002 克州社会保险中心 2022 预算
    # 表五 208 基本支出 352.15 ≠ 20801 352.15 + 20805 48.28 (caused by line 218)
    ("002", "ARITH-PARENT-SUM", 217, "Violation", "352.15", "400.43"),
    # 表五 20801 基本支出 352.15 ≠ Σ项 303.87 (2080109)
    ("002", "ARITH-PARENT-SUM", 218, "Violation", "352.15", "303.87"),
    # 表五 20801 合计 320.27 ≠ 基本 352.15 + 项目 16.40
    ("002", "ARITH-ROW-SPENDING", 218, "Violation", "320.27", "368.55"),
    # 表九 (政府性基金) heading with no table
    ("002", "COMPL-ANNOUNCED-MISSING", 286, "Warning", None, None),
    # narrative 20801 = 352.15; the tables give 341.47 (total) / 320.27 (一般公共预算)
    ("002", "NARR-CODE-AMOUNT", 328, "Violation", "352.15", "341.47"),
    # 208 368.55 "主要用于" 20801 352.15 + 20805 48.28 = 400.43 > 368.55
    ("002", "NARR-PARTS-EXCEED", 328, "Violation", "368.55", "400.43"),
    # "2021 年单位预算未安排购置车辆经费" in the 2022 budget (000, 003 and 004 say their own year)
    ("002", "NARR-YEAR-OWN", 442, "Warning", "2021", "2022"),
    # "预算安排规模：8.40 万元" (line 382) for "聘用 38 名…每人每月 750 元…全年补助 7 个月":
    # 19.95万元
    ("002", "NARR-PRODUCT-AMOUNT", 386, "Violation", "84000", "199500"),
    # 代办员经费's goal "聘用 38 名社会保险工作代办员" (line 473), its indicator 聘用代办员人数 16
    ("002", "PERF-GOAL-VALUE", 475, "Warning", "16", "38"),
    # last year's totals: 收入 by source (302–310, 389.75 − 19.63 = 370.12) vs 支出 基本 + 项目
    # (316, 318: 389.75 − 25.93 = 363.82); 一般公共预算 368.55 (+54.05, line 302: 314.50) vs its
    # 基本 + 项目 (336: 368.55 − 41.05 = 327.50) vs its four 项 (344–352: 368.55 − 59.05 = 309.50)
    ("002", "NARR-PRIOR-SECTIONS", 316, "Violation", "363.82", "370.12"),
    ("002", "NARR-PRIOR-SECTIONS", 336, "Violation", "327.5", "314.5"),
    ("002", "NARR-PRIOR-SECTIONS", 344, "Violation", "309.5", "327.5"),
    ("002", "NARR-PRIOR-SECTIONS", 344, "Violation", "309.5", "314.5"),
    # 003 苍溪县社会保险事务中心 2023 预算
    # 五、财政拨款支出预算表（部门经济分类科目） listed, not in the text
    ("003", "COMPL-ANNOUNCED-MISSING", 19, "Warning", None, None),
    # 住房保障支出 41.53 vs every table 41.54
    ("003", "NARR-CODE-AMOUNT", 524, "Violation", "41.53", "41.54"),
    # 41.53 / 17742.62 = 0.234% prints 0.23; 0.24 makes the shares total 100
    ("003", "NARR-SHARE-LASTDIGIT", 524, "Warning", "0.24", "0.23"),
    # 2210201 住房公积金 41.53 vs table 41.54
    ("003", "NARR-CODE-AMOUNT", 552, "Violation", "41.53", "41.54"),
    # performance targets of 苏州市 (lines 401–430) and 奇台县 (440–467) units
    *[("003", "PERF-UNIT-MISMATCH", line, "Warning", None, None)
      for line in (401, 405, 409, 413, 417, 421, 430, 440, 449, 458, 467)],
    # 人员经费 "主要包括：…工会经费、福利费、…公务交通补贴等" (line 558); the economic table
    # prints 30228 工会经费 8.74 and 30239 其他交通费用 19.96 under 公用经费 (lines 304, 305);
    # 福利费 (30229) is a 商品和服务支出 in no table
    ("003", "NARR-ITEM-SIDE", 558, "Violation", "工会经费", "public"),
    ("003", "NARR-ITEM-SIDE", 558, "Violation", "公务交通补贴", "public"),
    ("003", "NARR-ITEM-SIDE-CODE", 558, "Warning", "福利费", "public"),
    # 小学教育 2000, 初中教育 1026, 其他行政事业单位养老支出 7375.6 "…方面的项目支出"; 单位支出总表
    # (lines 175, 176, 184) has them wholly in 基本支出, and the 项目支出 table has no row of them
    *[("003", "NARR-CODE-SIDE", line, "Violation", "项目支出", "基本支出")
      for line in (528, 530, 542)],
    # 004 奇台县社会保险管理局 2024 预算
    # 八、政府性基金预算支出情况表 listed (narrative line 474 calls it empty) but missing
    ("004", "COMPL-ANNOUNCED-MISSING", 21, "Warning", None, None),
    # 十一、上年结转结余情况明细表 listed but missing
    ("004", "COMPL-ANNOUNCED-MISSING", 24, "Warning", None, None),
    # "预算安排规模：82.46万元" (line 440) for 补贴人数257人 × (生活费120元/月/人 × 12 + 冬碳费
    # 920元/年/人) = 60.65万元; no months printed, so a Warning
    ("004", "NARR-PRODUCT-AMOUNT-IMPLIED", 452, "Warning", "824600", "606520"),
    # the performance table's 项目总体目标 (line 556) cites the explanation's (line 438)
    # 奇财预〔2024〕6号 as 奇财预【2024】5号 and 昌州财建〔2024〕161号 as 昌州财建[2023]161号, each
    # under the same title
    ("004", "NARR-CITATION-CONFLICT", 556, "Warning", "奇财预〔2024〕5号", "奇财预〔2024〕6号"),
    ("004", "NARR-CITATION-CONFLICT", 556, "Warning", "昌州财建〔2023〕161号",
     "昌州财建〔2024〕161号"),
    # the title and every 编制单位 say 奇台县社会保险管理局; the 职能 paragraph's subject (49), the
    # 项目承担单位 (442) and the performance table's 单位名称 (529) and 预算单位 (553) say
    # 奇台县社会保险中心: the same place and words, another institution type
    *[("004", "NARR-UNIT-NAME-VARIANT", line, "Warning", "奇台县社会保险中心",
       "奇台县社会保险管理局") for line in (49, 442, 529, 553)],
]

COMPLETENESS = {"000": D("0.929"), "001": D("0.429"), "002": D("0.929"), "003": D("1"),
                "004": D("0.929")}


@pytest.fixture(scope="module")
def sample_findings(sample_paths: list[Path]) -> list[tuple[str, Finding]]:
    store = OxigraphStore()
    docs = load_into(store, sample_paths)
    name = {doc: path.name[:3] for doc, path in zip(docs, sample_paths, strict=True)}
    return [(name[f.document or ""], f) for f in validate(store)]


def _key(sample: str, f: Finding) -> tuple[object, ...]:
    found = str(f.found) if f.found is not None else None
    expected = str(f.expected) if f.expected is not None else None
    return (sample, f.rule, f.line, f.severity, found, expected)


def test_violations_and_warnings_are_exactly_the_pinned_ones(sample_findings) -> None:
    def order(k: tuple[object, ...]) -> tuple[str, ...]:
        return tuple(map(str, k))  # one order for both sides (None and ints mixed)

    reported = sorted((_key(s, f) for s, f in sample_findings if f.severity != "Info"), key=order)
    assert reported == sorted(PINNED, key=order)


def test_every_finding_names_its_rule_document_and_line(sample_findings) -> None:
    for _, f in sample_findings:
        assert f.rule and f.document and f.focus and f.message
        if f.severity != "Info" and not f.rule.startswith("COMPL"):
            assert f.line is not None


def test_completeness_scores(sample_findings) -> None:
    scores = {s: f.found for s, f in sample_findings if f.rule == "COMPL-SCORE"}
    assert scores == COMPLETENESS


def test_weight_totals_are_reported_not_judged(sample_findings) -> None:
    weights = {(s, f.line): f.found for s, f in sample_findings if f.rule == "PERF-WEIGHT-SUM"}
    assert weights[("000", 517)] == D("90")  # Xinjiang target tables total 90
    assert weights[("001", 179)] == D("100")  # self-evaluation: 90 + 10 for budget execution
    assert weights[("003", 430)] == D("80")
    assert not any(f.rule == "PERF-WEIGHT-TOTAL" for _, f in sample_findings)
