"""A self-evaluation row against its own explanation (PERF-NOTE-ACTUAL, -TARGET, -DIRECTION).

001's 自评表: 发放人数 "=53 人" explained "一季度特殊工伤人员实际补助发放为 52 人" (line 213);
补贴发放人数 "≥53 人" explained "绩效指标设置大于 50 人属下限指标" (line 283); 发放干部人数 162
(≥150) and 发放工人人数 64 (≥50) explained "截至年末实际发放数小于年初绩效目标值" (lines 400,
401; the same words are right at 376 and 377: 176 < 180, 64 < 70). The other explanations
agree with their rows; wrong values planted into each explanation that restates one are caught.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from report_files import REAL
from report_files import loaded as _loaded
from report_files import sample as _sample
from validation_models import findings, rules_at

from loaders.model import Block, Cell, Indicator, PerformanceTable, Row
from loaders.performance.goals import read_goals
from loaders.pipeline import load_text

D = Decimal
RULES = ["PERF-NOTE-ACTUAL", "PERF-NOTE-TARGET", "PERF-NOTE-DIRECTION", "PERF-GOAL-VALUE"]


def test_explanations_of_001_that_contradict_their_rows() -> None:
    found = sorted((f.line, f.rule, f.found, f.expected)
                   for f in findings(_loaded(_sample("001")), rules=RULES))
    assert found == [(213, "PERF-NOTE-ACTUAL", D("52"), D("53")),
                     # "人均补贴标准 ≤7386.02 元" under "人均不超过 7386.2 元/月" (lines 211, 256)
                     (219, "PERF-GOAL-VALUE", D("7386.02"), D("7386.2")),
                     (264, "PERF-GOAL-VALUE", D("7386.02"), D("7386.2")),
                     (283, "PERF-NOTE-TARGET", D("50"), D("53")),
                     (400, "PERF-NOTE-DIRECTION", D("162"), D("150")),
                     (401, "PERF-NOTE-DIRECTION", D("64"), D("50"))]


def test_what_the_explanations_restate() -> None:
    rows = {i.line: (i.note_actual, i.note_target, i.note_direction)
            for t in _loaded(_sample("001")).performance for i in t.indicators}
    assert rows[236] == (D("51"), None, None)  # "三季度有一人死亡，实际发放 51 人。"
    assert rows[258] == (D("52"), D("50"), None)  # "…实际发放 52 人，该项设置绩效指标为大于 50 人"
    assert rows[376] == (None, None, "below")  # 176 against ≥180: right
    assert rows[352] == (None, None, "above")  # "…参保人数超过预期目标值": 9.24 against ≥8.55
    assert rows[264] == (D("3846"), None, None)  # "2 季度实际人均标准为 3846 元"


def test_002_goal_hires_38_the_indicator_16() -> None:
    (found,) = findings(_loaded(_sample("002")), rules=RULES)
    assert (found.rule, found.severity, found.line, found.found, found.expected) == (
        "PERF-GOAL-VALUE", "Warning", 475, D("16"), D("38"))
    assert "line 473" in found.message


@pytest.mark.parametrize("path", [_sample("000"), _sample("003"),
                                  _sample("004"),
                                  *[next(d.glob("*.layout.txt")) for d in sorted(REAL.iterdir())
                                    if d.is_dir()]])
def test_no_contradiction_elsewhere(path: Path) -> None:
    assert findings(_loaded(path), rules=RULES) == []


_NUMBER_RE = re.compile(r"(实际[^，,。；;\d]{0,12}?(?:为|是|达)?\s*)(\d+)|"
                        r"((?:设置|目标值|指标值)[^，,。；;\d]{0,10}?(?:大于|为)\s*)(\d+)")


def test_planted_explanations_are_caught() -> None:
    # in each right explanation of 001, the restated actual value or target moved by one, and
    # 小于 ↔ 超过 swapped in those that say which side of the target the value lies
    path = _sample("001")
    r = _loaded(path)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    bad = {213, 283, 400, 401}
    planted = caught = 0
    for table in r.performance:
        for ind in table.indicators:
            if ind.line in bad or not (ind.note_actual or ind.note_target or ind.note_direction):
                continue
            row = lines[ind.line - 1]
            mutants = []
            if ind.note_actual is not None or ind.note_target is not None:
                mutants.append(_NUMBER_RE.sub(
                    lambda m: (m.group(1) + str(int(m.group(2)) + 1)) if m.group(1) is not None
                    else (m.group(3) + str(int(m.group(4)) + 1)), row))
            if ind.note_direction:
                swapped = re.sub(r"小于|低于|超过|大于",
                                 lambda m: "超过" if m.group() in ("小于", "低于") else "小于",
                                 row.split("\t")[-1] if "\t" in row else row)
                mutants.append(row.replace(row.split("\t")[-1], swapped) if "\t" in row
                               else swapped)
            for mutated in mutants:
                planted_lines = lines.copy()
                planted_lines[ind.line - 1] = mutated
                mutant = load_text("\n".join(planted_lines), str(path), "0" * 64)
                planted += 1
                caught += any(line == ind.line
                              for _, line in rules_at(findings(mutant, rules=RULES)))
    assert planted >= 10
    assert caught / planted >= 0.9, (caught, planted)


def test_planted_goals_are_caught() -> None:
    # a goal text planted above each table's indicators: a headcount for the people an 人数
    # indicator counts, and an upper limit a hair off a ≤ target; the right ones raise nothing
    def table_with(indicator: Indicator, goal: str) -> list[Indicator]:
        t = PerformanceTable(kind="target", title="t", line=10, end_line=30, project="p",
                             indicators=[indicator])
        block = Block(kind="table", line=12, end_line=12,
                      rows=[Row(cells=[Cell("项目总体目标", 12), Cell(goal, 12)], line=12)])
        read_goals([block], [t])
        return t.indicators

    planted = caught = 0
    for n, people in [(16, "代办员"), (257, "退休人员"), (3, "协管员"), (120, "保洁员")]:
        right = Indicator(line=20, level1="产出指标", level2="数量指标", level3=f"聘用{people}人数",
                          target_text=f"={n}人", target_operator="=", target_value=D(n),
                          target_unit="人")
        assert table_with(right, f"全年聘用 {n} 名{people}，按月发放补助。")[0].goal_value is None
        for wrong in (n + 1, n * 2 + 3):
            ind = Indicator(**{**right.__dict__})
            planted += 1
            caught += table_with(ind, f"全年聘用 {wrong} 名{people}，按月发放补助。")[
                0].goal_value == D(wrong)
    for limit in ("7386.2", "750", "16308", "38772.5"):
        bound = Indicator(line=20, level1="成本指标", level2="经济成本指标", level3="人均补贴标准",
                          target_text=f"≤{limit}元", target_operator="<=",
                          target_value=D(limit), target_unit="元")
        assert table_with(bound, f"人均不超过 {limit} 元/月的标准发放。")[0].goal_value is None
        for wrong in (D(limit) + D("0.1"), D(limit) * D("1.01")):
            ind = Indicator(**{**bound.__dict__})
            planted += 1
            goal = f"人均不超过 {wrong} 元/月的标准发放。"
            caught += table_with(ind, goal)[0].goal_value == wrong
    assert planted == 16
    assert caught / planted >= 0.9, (caught, planted)
