"""Performance tables of the five samples and the parsing rules behind them.

Every performance table of every sample is checked: its title line, kind,
project, budget and indicator count (counted by hand from the text), and at
least three of its indicators field by field — chosen to include the rows
that wrap, shift or lose a cell. Then the rules themselves on text no sample
has, and layout independence (the samples rewritten as pipe, HTML and
space-aligned tables give the same tables).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from functools import cache
from pathlib import Path

import layouts
import pytest

from loaders.model import DocumentMeta, PerformanceTable
from loaders.performance import extract_performance
from loaders.performance.align import align_row
from loaders.performance.locate import title_kind
from loaders.performance.units import same_unit
from loaders.performance.values import parse_number, parse_quantity
from loaders.readers import read_blocks

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"
META = {
    "000": ("阿图什市社会保险中心", 2023, "budget"),
    "001": ("乌鲁木齐市社会保险中心", 2023, "final-account"),
    "002": ("克孜勒苏柯尔克孜自治州社会保险中心", 2022, "budget"),
    "003": ("苍溪县社会保险事务中心", 2023, "budget"),
    "004": ("奇台县社会保险管理局", 2024, "budget"),
}


def sample_text(sid: str) -> str:
    (path,) = SAMPLES.glob(f"{sid}_*.txt")
    return path.read_text(encoding="utf-8")


def meta(sid: str) -> DocumentMeta:
    unit, year, kind = META[sid]
    return DocumentMeta(unit_name=unit, fiscal_year=year, kind=kind, title="")


def extract(text: str, sid: str) -> list[PerformanceTable]:
    found, warnings = extract_performance(read_blocks(text), meta(sid))
    assert warnings == []
    return found


@cache
def tables(sid: str) -> tuple[PerformanceTable, ...]:
    return tuple(extract(sample_text(sid), sid))


def indicator(sid: str, line: int):
    (found,) = [i for t in tables(sid) for i in t.indicators if i.line == line]
    return found


def table_at(sid: str, line: int) -> PerformanceTable:
    (found,) = [t for t in tables(sid) if t.line == line]
    return found


# One line per table: sample, title line (003: first row of the project),
# kind, budget, indicator count, project. Under it, indicators as
# line|level1|level2|level3|target|operator|value|unit|weight|actual|actual
# operator|actual value|actual unit|score, "~" for not stated.
EXPECTED = """
000 517 target 7.00 10 2023年自治区财政社保经办机构业务补助经费
    526|产出指标|数量指标|代办员补助月数|=7个月|=|7|个月|9|~|~|~|~|~
    530|产出指标|时效指标|资金发放(补助)及时率|=100%|=|100|%|7|~|~|~|~|~
    537|满意度指标|满意度指标|群众满意度|>=95%|>=|95|%|10|~|~|~|~|~
000 539 target 538.12 14 城乡居民养老保险补助金项目
    548|产出指标|数量指标|基础养老金领取人数|>=219420 人|>=|219420|人|6|~|~|~|~|~
    559|成本指标|经济成本指标|个人缴费补贴|=34.03 万元|=|34.03|万元|5|~|~|~|~|~
    562|满意度指标|满意度指标|受益群众满意度|>=90%|>=|90|%|10|~|~|~|~|~
000 564 target 15.00 13 基层平台网络运行维护费
    573|产出指标|数量指标|采购办公用品及耗材数量|>=4 批|>=|4|批|6|~|~|~|~|~
    579|产出指标|时效指标|项目结束时间|2023 年 12 月|~|~|~|5|~|~|~|~|~
    587|满意度指标|满意度指标|工作人员满意度|>=95%|>=|95|%|10|~|~|~|~|~
001 179 self-evaluation 2352.00 7 1995 年以前退休人员生活补助
    191|产出指标|数量指标|补贴发放人数|>=16000 人|>=|16000|人|10|=14390 人|=|14390|人|8.90
    194|产出指标|时效指标|补贴发放时效|每月 25 日前|~|~|~|10|每月 25 日前|~|~|~|10.00
    198|满意度指标|满意度指标|补贴发放对象满意度|>=95%|>=|95|%|10|=100%|=|100|%|10.00
001 201 self-evaluation 60.00 8 2023 年 1-3 月伤残津贴补助
    213|产出指标|数量指标|发放人数|>=50 人|>=|50|人|8|=53 人|=|53|人|8.00
    219|成本指标|经济成本指标|人均补贴标准|≤7386.02 元|<=|7386.02|元|20|=3845 元|=|3845|元|10.40
    221|满意度指标|满意度指标|社会公众对相关工作的满意度|≥95%|>=|95|%|10|=100%|=|100|%|10.00
001 224 self-evaluation 67.10 7 2023 年 10-12 月伤残津贴补助
    236|产出指标|数量指标|补贴发放人数|>=52 人|>=|52|人|10|=51 人|=|51|人|9.80
    239|产出指标|质量指标|补助资金到位率|=100%|=|100|%|10|=100%|=|100|%|10.00
    243|满意度指标|满意度指标|发放对象对相关工作的满意度|>=95%|>=|95|%|10|=100%|=|100|%|10.00
001 246 self-evaluation 60.00 8 2023 年 4-6 月伤残津贴补助
    258|产出指标|数量指标|发放人数|≥50 人|>=|50|人|8|=52 人|=|52|人|8.00
    263|产出指标|时效指标|每月发放日期|每月 25 日前|~|~|~|8|完全达到预期|~|~|~|8.00
    266|满意度指标|满意度指标|受益群众满意度|>=95%|>=|95|%|10|=100%|=|100|%|10.00
001 271 self-evaluation 68.00 7 2023 年 7-9 月伤残津贴补助
    283|产出指标|数量指标|补贴发放人数|≥53 人|>=|53|人|10|=51 人|=|51|人|9.62
    287|产出指标|质量指标|补助资金到位率|=100%|=|100|%|10|=100%|=|100|%|10.00
    290|满意度指标|满意度指标|发放对象对相关工作的满意度|>=95%|>=|95|%|10|=100%|=|100|%|10.00
001 293 self-evaluation 18.00 8 2023 年伤残人员 1-6 月伤残津贴增资
    305|产出指标|数量指标|发放增资人数|>=50 人|>=|50|人|10|=52 人|=|52|人|10.00
    309|产出指标|时效指标|补助发放时效|<=25 日|<=|25|日|10|=25 日|=|25|日|10.00
    313|满意度指标|满意度指标|发放对象对相关工作的满意度|>=95%|>=|95|%|10|=100%|=|100|%|10.00
001 316 self-evaluation 5.60 7 2023 年特殊人员伤残津贴补助（罗文）
    328|产出指标|数量指标|补贴发放人数|=1 人|=|1|人|10|=1 人|=|1|人|10.00
    331|产出指标|质量指标|补助资金到位率|=100%|=|100|%|10|=100%|=|100|%|10.00
    334|满意度指标|满意度指标|发放对象对相关工作的满意度|>=95%|>=|95|%|10|=100%|=|100|%|10.00
001 339 self-evaluation 104.00 9 2023 年社保经办机构业务经费
    351|产出指标|数量指标|聘用代办员人数|≥60 人|>=|60|人|6|=67 人|=|67|人|6.00
    352|产出指标|数量指标|全民参保工资机关事业单位养老保险参保人数|≥8.55 万人|>=|8.55|万人|6|=9.24 万人|=|9.24|万人|6.00
    356|产出指标|数量指标|聘用人员补助月数|>=7 个月|>=|7|个月|7|=7 个月|=|7|个月|7.00
    358|产出指标|时效指标|补助资金每月发放日期|每季度发放一次|~|~|~|8|完全达到预期|~|~|~|8.00
    361|满意度指标|满意度指标|参保群众满意度|>=95%|>=|95|%|10|=99.98%|=|99.98|%|10.00
001 364 self-evaluation 405.00 9 乌鲁木齐市人员绩效奖
    376|产出指标|数量指标|发放干部人数|≥180人|>=|180|人|7|=176人|=|176|人|6.84
    381|产出指标|质量指标|资金到位率|=100%|=|100|%|7|=100%|=|100|%|7.00
    385|满意度指标|满意度指标|人员满意率|>=95%|>=|95|%|10|=100%|=|100|%|10.00
001 388 self-evaluation 326.29 8 乌鲁木齐市人员绩效奖追加
    400|产出指标|数量指标|发放干部人数|≥150 人|>=|150|人|9|=162 人|=|162|人|9.00
    401|产出指标|数量指标|发放工人人数|≥50 人|>=|50|人|9|=64 人|=|64|人|9.00
    403|产出指标|质量指标|资金到位率|=100%|=|100|%|9|=100%|=|100|%|9.00
    408|满意度指标|满意度指标|人员满意率|>=95%|>=|95|%|10|=100%|=|100|%|10.00
001 411 self-evaluation 418.95 13 综合业务费
    423|产出指标|数量指标|聘用保安及非在编人数|>=90 人|>=|90|人|4|=92 人|=|92|人|4.00
    430|产出指标|质量指标|重大安全事故发生率|=0 次|=|0|次|4|=0 次|=|0|次|4.00
    431|产出指标|质量指标|各分中心工作正常开展率|=100%|=|100|%|4|=100%|=|100|%|4.00
    434|成本指标|经济成本指标|保安及非在编人员经费|<=240 万元|<=|240|万元|10|=213.17 万元|=|213.17|万元|8.88
    438|效益指标|社会效益指标|扩大社会保险覆盖面|有效提升参保群众政策知晓率|~|~|~|20|完全达到预期|~|~|~|20.00
    439|满意度指标|满意度指标|参保群众满意度|>=95%|>=|95|%|10|=99.98%|=|99.98|%|10.00
002 448 target 5 10 线路租赁费
    456|产出指标|数量指标|租用专线网络数量(条)|9|~|9|~|~|~|~|~|~|~
    461|成本指标|~|网络线路租赁标准(万元/年)|5|~|5|~|~|~|~|~|~|~
    465|满意度指标|满意度指标|受益群众满意度(%)|≥95%|>=|95|%|~|~|~|~|~|~
002 467 target 8.4 8 代办员经费
    475|产出指标|数量指标|聘用代办员人数|16|~|16|~|~|~|~|~|~|~
    480|产出指标|成本指标|资金发放 (补助) 及时率|100%|~|100|%|~|~|~|~|~|~
    482|满意度指标|满意度指标|补助对象满意度|≥95%|>=|95|%|~|~|~|~|~|~
002 484 target 3 9 企业基本养老保险扩面项目
    492|产出指标|数量指标|企业基本养老保险职工参保新增人数)|≥200 人|>=|200|人|~|~|~|~|~|~
    496|产出指标|时效指标|经费使用及时率|≥95%|>=|95|%|~|~|~|~|~|~
    500|满意度指标|满意度指标|参保群众满意度|≥95%|>=|95|%|~|~|~|~|~|~
003 401 target 1.88 4 全市居民参保扩面
    401|产出指标|数量指标|预算编制准确率(计算方法为： (执行数-预算数)/预算数 )|≤5%|<=|5|%|30|~|~|~|~|~
    403|效果指标|成本效益指标|“三公经费”控制率(计算方法为：(三公经费实际支出数/预算支出数)×100%)|≤100%|<=|100|%|20|~|~|~|~|~
    404|效果指标|社会效益指标|运转保障率|100%|~|100|%|20|~|~|~|~|~
003 405 target 22.88 4 困难群众参保扩面
    405|产出指标|数量指标|预算编制准确率(计算方法为： (执行数-预算数)/预算数 )|≤5%|<=|5|%|30|~|~|~|~|~
    407|产出指标|数量指标|制卡到账次数|≥5次|>=|5|次|20|~|~|~|~|~
    408|效果指标|社会效益指标|运转保障率|100%|~|100|%|20|~|~|~|~|~
003 409 target 10.00 4 城乡居民参保扩面
    409|产出指标|数量指标|预算编制准确率(计算方法为： (执行数-预算数)/预算数 )|≤5%|<=|5|%|30|~|~|~|~|~
    411|产出指标|数量指标|运转保障率|100%|~|100|%|20|~|~|~|~|~
    412|产出指标|数量指标|制卡到账次数|≥5次|>=|5|次|20|~|~|~|~|~
003 413 target 19.15 4 企业职工参保扩面
    413|产出指标|数量指标|预算编制准确率(计算方法为： (执行数-预算数)/预算数 )|≤5%|<=|5|%|30|~|~|~|~|~
    415|产出指标|数量指标|制卡到账次数|≥5次|>=|5|次|20|~|~|~|~|~
    416|效果指标|成本效益指标|“三公经费”控制率(计算方法为：(三公经费实际支出数/预算支出数)×100%)|≤100%|<=|100|%|20|~|~|~|~|~
003 417 target 11.88 4 灵活就业人员参保扩面
    417|产出指标|数量指标|预算编制准确率(计算方法为： (执行数-预算数)/预算数 )|≤5%|<=|5|%|30|~|~|~|~|~
    419|效果指标|社会效益指标|运转保障率|100%|~|100|%|20|~|~|~|~|~
    420|产出指标|数量指标|制卡到账次数|≥5次|>=|5|次|20|~|~|~|~|~
003 421 target 5.00 9 失业保险经办机构中心
    421|产出指标|数量指标|窗口并线订香业务笔数|≥800笔|>=|800|笔|10|~|~|~|~|~
    425|产出指标|数量指标|窗口并线订金业务笔数|≥80笔|>=|80|笔|10|~|~|~|~|~
    429|效果指标|成本效益指标|提高使用率|≥90%|>=|90|%|10|~|~|~|~|~
003 430 target 6.00 9 失业保险经办机构分中心
    430|效果指标|可持續發展指标|长期就业保障业务|好|~|~|~|~|~|~|~|~|~
    431|产出指标|数量指标|社保参保覆盖率|≥90%|>=|90|%|10|~|~|~|~|~
    434|产出指标|数量指标|社保参保人数|≥3000人|>=|3000|人|10|~|~|~|~|~
    438|效果指标|社会效益指标|人员参保水平提高率|≥10%|>=|10|%|10|~|~|~|~|~
003 440 target 13.00 9 总社会保险事务中心社保政策宣传
    440|产出指标|时效指标|一月一次宣传启动|12次|~|12|次|10|~|~|~|~|~
    444|产出指标|数量指标|社保政策宣传覆盖率|≥90%|>=|90|%|10|~|~|~|~|~
    448|产出指标|数量指标|开展进单位宣传启动|≥6批次|>=|6|批次|10|~|~|~|~|~
003 449 target 21.00 9 总社会保险事务中心法律法规
    449|效益指标|社会效益指标|退休人员的待遇|100%|~|100|%|10|~|~|~|~|~
    453|产出指标|时效指标|待遇支付发放|12次/年|~|12|次/年|10|~|~|~|~|~
    457|效益指标|可持续发展指标|常态化资格认证工作|1年|~|1|年|10|~|~|~|~|~
003 458 target 13.20 9 总社会保险事务中心中心保和失业保险征收工作经费
    458|满意度指标|服务对象满意度指标|退休人员满意度|≥95%|>=|95|%|10|~|~|~|~|~
    461|产出指标|数量指标|做好失业保险征收工作|≥1万人|>=|1|万人|10|~|~|~|~|~
    466|产出指标|数量指标|做好失业保险申领工作|≥1万人|>=|1|万人|10|~|~|~|~|~
003 467 target 5.00 9 总社会保险事务中心社村帮扶经费
    467|效益指标|可持续发展指标|可持续发展|优|~|~|~|5|~|~|~|~|~
    474|产出指标|数量指标|做好收入测算|≥75户(户)|>=|75|户(户)|40|~|~|~|~|~
    475|成本指标|经济成本指标|建档立卡|≥4次/年|>=|4|次/年|5|~|~|~|~|~
003 477 target 200.00 4 苍溪县社会保险事务中心对参加城乡居民基本养老保险参保人员开展参保补贴及参保扩面 (2023)
    477|效益指标|一级效益指标|促进城乡居民养老保险|优|~|~|~|40|~|~|~|~|~
    479|产出指标|数量指标|丧葬待遇兑付率|100%|~|100|%|40|~|~|~|~|~
    480|成本指标|一级成本指标|发放金额|≤200万元|<=|200|万元|5|~|~|~|~|~
003 481 target 5000.00 4 苍溪县社会保险事务中心提供人员和养老保险关系转移等人员职业技能培训 (2023)
    481|满意度指标|服务对象满意度指标|服务对象满意度|≥95%|>=|95|%|10|~|~|~|~|~
    483|产出指标|数量指标|培训合格率|100%|~|100|%|40|~|~|~|~|~
    484|成本指标|一级成本指标|培训金额|5000万元|~|5000|万元|20|~|~|~|~|~
003 485 target 1500.00 4 苍溪县社会保险事务中心对养老金领取人员死亡丧葬费及抚恤金系统管理 (2023)
    485|成本指标|一级成本指标|发放金额|≤1500万元|<=|1500|万元|20|~|~|~|~|~
    487|产出指标|时效指标|按时足额发放率|100%|~|100|%|40|~|~|~|~|~
    488|效益指标|社会效益指标|促进社会稳定发展|优等级|~|~|~|20|~|~|~|~|~
004 526 overall 1010.70 5 ~
    539|履职效能|数量指标|指导乡镇社保业务工作次数|=12次|=|12|次|20|~|~|~|~|~
    541|履职效能|数量指标|组织乡镇（村）社保业务工作培训学习次数|=4次|=|4|次|20|~|~|~|~|~
    544|履职效能|质量指标|村“社保基层平台”利用率|=100%|=|100|%|15|~|~|~|~|~
004 549 target 82.46 7 2024年破产企业生活费补助项目
    558|产出指标|数量指标|补助人数（人）|<=257人|<=|257|人|10|~|~|~|~|~
    563|产出指标|时效指标|补助发放及时率(%)|=100%|=|100|%|10|~|~|~|~|~
    566|满意度指标|满意度指标|享受补助人员满意度(%)|>=90%|>=|90|%|10|~|~|~|~|~
"""  # noqa: E501


def _value(text: str) -> str | None:
    return None if text == "~" else text


def _dec(text: str) -> Decimal | None:
    return None if text == "~" else Decimal(text)


def _cases() -> list[tuple[str, int, str, str, int, str, list[list[str]]]]:
    cases: list = []
    for line in EXPECTED.strip().splitlines():
        if line.startswith(" "):
            cases[-1][-1].append(line.strip().split("|"))
        else:
            sid, at, kind, budget, count, project = line.split(" ", 5)
            cases.append((sid, int(at), kind, budget, int(count), project, []))
    return cases


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c[0]}-{c[1]}")
def test_table(case):
    sid, line, kind, budget, count, project, indicators = case
    table = table_at(sid, line)
    assert (table.kind, table.project, table.budget) == (kind, _value(project), _dec(budget))
    assert len(table.indicators) == count
    by_line = {i.line: i for i in table.indicators}
    assert len(by_line) == count  # one source line per indicator
    assert len(indicators) >= 3
    for spec in indicators:
        ind = by_line[int(spec[0])]
        l1, l2, l3, text, op, value, unit, weight, a_text, a_op, a_value, a_unit, score = spec[1:]
        assert (ind.level1, ind.level2, ind.level3) == (_value(l1), _value(l2), l3)
        assert ind.target_text == ("" if text == "~" else text)
        assert (ind.target_operator, ind.target_value, ind.target_unit) == (
            _value(op),
            _dec(value),
            _value(unit),
        )
        assert (ind.weight, ind.score) == (_dec(weight), _dec(score))
        assert (ind.actual_text, ind.actual_operator, ind.actual_value, ind.actual_unit) == (
            _value(a_text),
            _value(a_op),
            _dec(a_value),
            _value(a_unit),
        )


def test_every_table_is_listed():
    listed = {(c[0], c[1]) for c in _cases()}
    found = {(sid, t.line) for sid in META for t in tables(sid)}
    assert found == listed
    assert {sid: len(tables(sid)) for sid in META} == {
        "000": 3,
        "001": 11,
        "002": 3,
        "003": 14,
        "004": 2,
    }
    assert {sid: sum(len(t.indicators) for t in tables(sid)) for sid in META} == {
        "000": 37,
        "001": 91,
        "002": 27,
        "003": 86,
        "004": 12,
    }


def test_weights_add_up_as_printed():
    weights = {sid: [sum(i.weight or 0 for i in t.indicators) for t in tables(sid)] for sid in META}
    assert weights["000"] == [90, 90, 90]
    assert weights["002"] == [0, 0, 0]  # a template without weights
    assert weights["003"] == [90] * 6 + [80] + [90] * 7  # line 430 prints no weight
    assert weights["004"] == [90, 90]
    # Self-evaluations: indicators 90 + funding 10 = the stated total weight 100.
    for table in tables("001"):
        funding_weight = table.funding[0].weight
        assert sum(i.weight for i in table.indicators) + funding_weight == Decimal(100)
        assert table.stated_total_weight == Decimal(100)


def test_self_evaluation_totals_and_funding():
    scores = [t.stated_total_score for t in tables("001")]
    printed = ["98.00", "90.40", "99.80", "90.42", "99.62", "100.00", "100.00", "94.05"]
    printed += ["98.04", "97.34", "98.09"]
    assert scores == [Decimal(s) for s in printed]
    first = tables("001")[0]
    assert first.end_line == 199
    assert first.unit_name == "乌鲁木齐市社会保险中心"
    total, fiscal, other = first.funding
    assert (total.label, total.line) == ("年度资金总额", 185)
    assert (total.initial_budget, total.full_year_budget, total.executed) == (
        Decimal("2352.00"),
        Decimal("2352.00"),
        Decimal("2140.00"),
    )
    assert (total.weight, total.execution_rate, total.score) == (
        Decimal("10"),
        Decimal("90.99"),
        Decimal("9.10"),
    )
    # "—" means not stated.
    assert (fiscal.label, fiscal.line, fiscal.executed) == (
        "其中：当年财政拨款",
        186,
        Decimal("2140.00"),
    )
    assert (fiscal.weight, fiscal.execution_rate, fiscal.score) == (None, None, None)
    assert (other.label, other.initial_budget) == ("其他资金", Decimal("0.00"))
    # The funding block printed one column further right (line 251) reads the same.
    shifted = table_at("001", 246).funding[0]
    assert (shifted.line, shifted.executed, shifted.score) == (
        252,
        Decimal("60.00"),
        Decimal("10.00"),
    )


def test_deviation_notes_joined_with_their_continuation_rows():
    assert indicator("001", 191).deviation_note == (
        "1995 年以前退休人员年龄多为高龄人员，近年来死亡减员明显，带动补助发放人数减少。"
    )
    assert indicator("001", 266).deviation_note == (
        "近年来工伤保险经办服务质量不断提升，服务效率提高明显，通过掌上办、网上办、线上办等"
        "多种方式办理业务，进一步方便群众，业务经办满意度评价在政务信息网满意度评价为 100%，"
        "超过预设指标上限。"
    )
    assert indicator("001", 434).deviation_note.endswith(
        "减少保安班次及非在编人员,使得实际支出减少。"
    )
    assert indicator("001", 359).deviation_note.startswith("根据文件要求代办员补助月数为7个月")
    assert indicator("001", 192).deviation_note is None


def test_wrapped_and_shifted_rows_come_out_whole():
    # 000 530 + 532: a level-3 name wrapped onto a row of its own.
    assert indicator("000", 530).level3 == "资金发放(补助)及时率"
    assert 532 not in {i.line for t in tables("000") for i in t.indicators}
    # 004 558 + 560: level names split in two ("产出" / "指标").
    ind = indicator("004", 558)
    assert (ind.level1, ind.level2, ind.weight) == ("产出指标", "数量指标", Decimal("10"))
    assert indicator("004", 561).level1 == "产出指标"
    # 001 403: the level-3 name printed under 二级指标; the level 2 carries down.
    ind = indicator("001", 403)
    assert (ind.level2, ind.level3, ind.score) == ("质量指标", "资金到位率", Decimal("9.00"))
    # 002 461: the level-2 cell is missing; the rest of the row keeps its columns.
    ind = indicator("002", 461)
    assert (ind.level1, ind.level2, ind.target_value) == ("成本指标", None, Decimal("5"))
    # 003 430: a row pushed four columns right opens its own project.
    table = table_at("003", 430)
    assert (table.project, table.budget, table.end_line) == (
        "失业保险经办机构分中心",
        Decimal("6.00"),
        438,
    )


def test_unit_mismatch_rows_are_kept_and_marked():
    ind = indicator("003", 401)
    assert (ind.unit_mismatch, ind.unit_name) == (True, "苏州市社会保险事务中心")
    units = [(t.line, t.unit_name) for t in tables("003")]
    assert [u for _, u in units] == ["苏州市社会保险事务中心"] * 7 + [
        "奇台县社会保险事务中心"
    ] * 4 + ["苍溪县社会保险事务中心"] * 3
    marked = [i for t in tables("003") for i in t.indicators if i.unit_mismatch]
    assert len(marked) == 74
    assert indicator("003", 440).unit_name == "奇台县社会保险事务中心"
    own = indicator("003", 477)
    assert (own.unit_mismatch, own.unit_name) == (False, None)
    # 004's tables name 奇台县社会保险中心 while the report is titled 奇台县社会保险管理局;
    # its own prose uses the same name (line 49 "奇台县社会保险中心负责…", line 442
    # 项目承担单位), so it is another name of the report's unit, not a foreign row.
    assert not any(i.unit_mismatch for t in tables("004") for i in t.indicators)
    assert {t.unit_name for t in tables("004")} == {"奇台县社会保险中心"}
    assert not any(
        i.unit_mismatch for sid in ("000", "001", "002") for t in tables(sid) for i in t.indicators
    )


def test_overall_table():
    overall = table_at("004", 526)
    assert (overall.kind, overall.project, overall.unit_name) == (
        "overall",
        None,
        "奇台县社会保险中心",
    )
    assert overall.title == "奇台县单位（单位）整体绩效目标申报表"
    assert overall.budget == Decimal("1010.70")
    # Level-1 rows without indicators (运行成本, 管理效率 …) yield none.
    assert [i.line for i in overall.indicators] == [539, 541, 542, 543, 544]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">=95%", (">=", "95", "%")),
        ("=7个月", ("=", "7", "个月")),
        ("≤7386.02 元", ("<=", "7386.02", "元")),
        ("<=240 万元", ("<=", "240", "万元")),
        ("≥8.55 万人", (">=", "8.55", "万人")),
        ("≧90%", (">=", "90", "%")),
        ("=750 元/人/月", ("=", "750", "元/人/月")),
        ("=526.9 元/ 月", ("=", "526.9", "元/月")),
        ("＝１００％", ("=", "100", "%")),
        ("4.07 万人", (None, "4.07", "万人")),
        ("9", (None, "9", None)),
        ("=2,352.00", ("=", "2352.00", None)),
    ],
)
def test_parse_quantity(text: str, expected):
    op, value, unit = expected
    assert parse_quantity(text) == (op, Decimal(value), unit)


@pytest.mark.parametrize(
    "text", ["每月 25 日前", "有效提升", "2022/12/31", "=2023 年 1 月", "完全达到预期", "-"]
)
def test_parse_quantity_leaves_text(text: str):
    assert parse_quantity(text) is None


def test_parse_number_keeps_printed_digits():
    assert parse_number("9.10 分") == Decimal("9.10")
    assert str(parse_number("8.90")) == "8.90"
    assert parse_number("2,352.00") == Decimal("2352.00")
    assert parse_number("90.99%") == Decimal("90.99")
    assert parse_number("5万元") == Decimal("5")
    assert parse_number("—") is None
    assert parse_number("按照正常比例赋分") is None


def test_same_unit_rule():
    assert same_unit("苍溪县社会保险事务中心", "苍溪县 社会保险事务中心")
    assert same_unit("县社保事务中心", "苍溪县社会保险事务中心")
    assert same_unit("苍溪县社保事务中心", "苍溪县社会保险事务中心")
    assert not same_unit("奇台县社会保险事务中心", "苍溪县社会保险事务中心")
    assert not same_unit("苏州市社会保险事务中心", "苍溪县社会保险事务中心")
    assert not same_unit("社保事务中心", "苍溪县社会保险事务中心")  # no level word: not clearly so


ROLES = ["level1", "level2", "level3", "target", "actual", "weight", "score", "deviation"]
GROUPED = [None, *ROLES]  # an unnamed first column, as in 001


@pytest.mark.parametrize(
    ("roles", "cells", "expected", "dropped"),
    [
        (  # as printed
            ROLES,
            ["产出指标", "数量指标", "人数", ">=5人", "=6人", "10", "10.00", ""],
            ["产出指标", "数量指标", "人数", ">=5人", "=6人", "10", "10.00", ""],
            [],
        ),
        (  # one column left: the level-3 name under 二级指标, values follow it
            ROLES,
            ["", "人数", ">=5人", "=6人", "10", "10.00", "", ""],
            ["", "", "人数", ">=5人", "=6人", "10", "10.00", ""],
            [],
        ),
        (  # the unnamed first column dropped; the note stays under its header
            GROUPED,
            [
                "效益指标",
                "社会效益指标",
                "覆盖面",
                "有效提升",
                "达到预期",
                "20",
                "20.00",
                "",
                "说明",
            ],
            [
                "",
                "效益指标",
                "社会效益指标",
                "覆盖面",
                "有效提升",
                "达到预期",
                "20",
                "20.00",
                "说明",
            ],
            [],
        ),
        (  # the level-2 cell missing: the values keep their columns
            ROLES,
            ["成本指标", "人均成本", "≤5元", "=4元", "10", "9.00", "", ""],
            ["成本指标", "", "人均成本", "≤5元", "=4元", "10", "9.00", ""],
            [],
        ),
        (  # a level-3 name starting with digits stays a name
            ROLES,
            ["产出指标", "数量指标", "12333热线接通率", ">=95%", "=96%", "10", "10.00", ""],
            ["产出指标", "数量指标", "12333热线接通率", ">=95%", "=96%", "10", "10.00", ""],
            [],
        ),
        (  # a note printed one column right of its header lands under it
            ROLES,
            ["产出指标", "数量指标", "人数", ">=5人", "=6人", "10", "10.00", "", "说明"],
            ["产出指标", "数量指标", "人数", ">=5人", "=6人", "10", "10.00", "说明"],
            [],
        ),
        (  # more cells than columns: one is left out (and reported), none misplaced
            ROLES,
            ["产出指标", "数量指标", "人数", ">=5人", "=6人", "10", "10.00", "说明", "又一"],
            ["产出指标", "数量指标", "人数", ">=5人", "=6人", "10", "10.00", "说明"],
            ["又一"],
        ),
    ],
)
def test_align_row(roles, cells, expected, dropped):
    assert align_row(cells, roles) == (expected, dropped)


UNSEEN = "\n".join(
    "\t".join(row.split("|")) if "|" in row else row
    for row in [
        "某县教育局2025年部门预算",
        "",
        "部门整体绩效目标表",
        "（2025年）",
        "",
        "部门名称|某县教育局||||",
        "年度预算总额|1,234.50||||",
        "二级指标|一级指标|三级指标|权重|指标值|备注",
        "数量指标|产出指标|培训教师人数|10|≧300人|",
        "||新建校舍面积|10|≥1.5 万平方米|",
        "质量指标||验收合格率|15|100%|",
        "社会效益指标|效益指标|入学率|20|有所提高|",
        "合计|||55||",
        "",
        "项目支出绩效自评表",
        "项目名称|营养餐补助||||||",
        "主管部门|某县教育局||实施单位|县教育局|||",
        "项目资金（万元）||年初预算数|全年预算数|全年执行数|分值|执行率|得分",
        "|年度资金总额|100|120.5|110|10|91.29%|9.13",
        "一级指标|二级指标|三级指标|年度指标值|实际完成值|分值|得分|偏差原因分析及改进措施",
        "产出指标|数量指标|受助学生|≥5000人|=4800人|50|48|转学",
        "||||||||减少",
        "满意度指标|满意度指标|学生满意度|>=90%|=95%|40|40|",
        "总分|||||100|97.13|",
        "项目名称|校车运营||||||",
        "一级指标|二级指标|三级指标|年度指标值|实际完成值|分值|得分|偏差原因分析及改进措施",
        "产出指标|时效指标|按时发车率|=100%|=99%|90|89|",
        "",
        "五、其他",
    ]
)


def test_unseen_layout():
    """Columns in another order, 合计 row, a continuation note, and a second
    project after the first one's body without a new title."""
    found, warnings = extract_performance(
        read_blocks(UNSEEN),
        DocumentMeta(unit_name="某县教育局", fiscal_year=2025, kind="budget", title=""),
    )
    assert warnings == []
    overall, meals, buses = found
    assert (overall.kind, overall.line, overall.project, overall.unit_name) == (
        "overall",
        3,
        None,
        "某县教育局",
    )
    assert (overall.budget, overall.stated_total_weight) == (Decimal("1234.50"), Decimal("55"))
    names = [(i.level1, i.level2, i.level3, i.weight) for i in overall.indicators]
    assert names == [
        ("产出指标", "数量指标", "培训教师人数", Decimal("10")),
        ("产出指标", "数量指标", "新建校舍面积", Decimal("10")),
        ("产出指标", "质量指标", "验收合格率", Decimal("15")),
        ("效益指标", "社会效益指标", "入学率", Decimal("20")),
    ]
    first = overall.indicators[0]
    assert (first.target_operator, first.target_value, first.target_unit) == (">=", 300, "人")
    second = overall.indicators[1]
    assert (second.target_value, second.target_unit) == (Decimal("1.5"), "万平方米")
    assert (meals.kind, meals.project, meals.unit_name, meals.budget) == (
        "self-evaluation",
        "营养餐补助",
        "县教育局",  # an abbreviation of the report's unit: not a mismatch
        Decimal("120.5"),
    )
    assert not any(i.unit_mismatch for i in meals.indicators)
    assert (meals.stated_total_weight, meals.stated_total_score) == (Decimal(100), Decimal("97.13"))
    students = meals.indicators[0]
    assert (students.actual_value, students.score, students.deviation_note) == (
        Decimal("4800"),
        Decimal("48"),
        "转学减少",
    )
    assert (buses.project, buses.line, [i.level3 for i in buses.indicators]) == (
        "校车运营",
        25,
        ["按时发车率"],
    )


VARIANTS = {
    "pipe": layouts.to_pipe,
    "html": lambda t: layouts.to_html(t, multiline=True, spans=True),
    "aligned": lambda t: layouts.to_aligned(t, right_numbers=True),
}


def _canonical(found: list[PerformanceTable], back: dict[int, int]) -> list[dict]:
    """Tables as dicts with every line number mapped back to the TSV text's."""
    out = []
    for table in found:
        d = dataclasses.asdict(table)
        d["line"], d["end_line"] = back[table.line], back[table.end_line]
        for part in (*d["indicators"], *d["funding"]):
            part["line"] = back[part["line"]]
            if part.get("goal_line") is not None:  # the goal text's line (performance/goals.py)
                part["goal_line"] = back[part["goal_line"]]
        out.append(d)
    return out


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("sid", sorted(META))
def test_same_tables_in_every_layout(sid: str, variant: str):
    rewritten = VARIANTS[variant](sample_text(sid))
    back = {new: old for old, new in rewritten.line_map.items()}
    expected = _canonical(list(tables(sid)), {k: k for k in back.values()})
    assert _canonical(extract(rewritten.text, sid), back) == expected


def test_graph_reads_the_fields():
    """The RDF builder turns the tables into indicators with coded levels."""
    from rdflib import RDF

    from loaders.model import Report
    from loaders.rdf import report_graph
    from loaders.vocab import FKG

    report = Report(
        source_path="001.txt",
        sha256="0",
        unit_name=META["001"][0],
        fiscal_year=2023,
        kind="final-account",
        title="",
        performance=list(tables("001")),
    )
    graph = report_graph(report)
    assert len(set(graph.subjects(RDF.type, FKG.PerformanceIndicator))) == 91
    assert len(set(graph.subjects(RDF.type, FKG.FundingLine))) == 33
    assert len(set(graph.subjects(FKG.level1, None))) == 91  # every level-1 name is coded


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("项目支出绩效目标表", "target"),
        ("项目支出绩效目标表（2023年度）", "target"),
        ("2023年预算项目支出绩效目标表", "target"),
        ("项目支出绩效自评表", "self-evaluation"),
        ("奇台县单位（单位）整体绩效目标申报表", "overall"),
        ("详见项目支出绩效目标表。", None),  # a sentence, not a title
        ("一般公共预算项目支出情况表", None),
    ],
)
def test_title_kind(text: str, kind: str | None):
    assert title_kind(text) == kind
