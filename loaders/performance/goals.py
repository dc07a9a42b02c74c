"""A performance table's goal text against its own indicators.

The goal (项目总体目标, 年度目标) and the indicators state the same things: "聘用 38 名社会保险工作
代办员" above an indicator "聘用代办员人数 16" (002), "人均不超过 7386.2 元/月" above "人均补贴标准
≤7386.02 元" (001). Each indicator records the goal's headcount for the same people, or the
goal's upper limit closest to its own, when the goal states one that differs; the shapes
PERF-GOAL-COUNT and PERF-GOAL-LIMIT report them. Grammar words only.
"""

from __future__ import annotations

import re
from decimal import Decimal

from loaders.model import Block, Indicator, PerformanceTable
from loaders.performance.text import despace

_MIN_GOAL = 10  # characters: shorter cells are labels, not goal text
# "聘用 38 名社会保险工作代办员": the verb before, the people after
_HEADCOUNT_RE = re.compile(r"([\u4e00-\u9fff]{0,4})\s*(\d+)\s*名\s*([\u4e00-\u9fff]{1,12})")
# "人均不超过 7386.2 元/月", "最高 500 元"
_LIMIT_RE = re.compile(r"(?:不超过|不高于|最高|上限为?|≤|<=)\s*(\d+(?:\.\d+)?)\s*(万元|元)")
_NEAR = Decimal("0.05")  # a limit within 5 % of the target's is the same limit printed otherwise


def read_goals(blocks: list[Block], tables: list[PerformanceTable]) -> None:
    rows = [(row.line, despace(cell.text)) for block in blocks for row in block.rows
            for cell in row.cells if len(cell.text) >= _MIN_GOAL]
    for table in tables:
        if not table.indicators:
            continue
        first = min(i.line for i in table.indicators)
        goal = [(line, text) for line, text in rows if table.line <= line < first]
        for indicator in table.indicators:
            _count(indicator, goal)
            _limit(indicator, goal)


def _words(text: str) -> set[str]:
    """Two-character pieces of a name, to see whether two phrases speak of the same people."""
    return {text[k : k + 2] for k in range(len(text) - 1)}


def _count(indicator: Indicator, goal: list[tuple[int, str]]) -> None:
    name = indicator.level3 or ""
    if "人数" not in name or indicator.target_value is None or indicator.target_operator not in (
            None, "="):
        return
    wanted = _words(name.replace("人数", ""))
    for line, text in goal:
        for m in _HEADCOUNT_RE.finditer(text):
            said = _words(m.group(1)) | _words(m.group(3))
            if len(wanted & said) >= 2 and Decimal(m.group(2)) != indicator.target_value:
                indicator.goal_value, indicator.goal_line = Decimal(m.group(2)), line
                return


def _limit(indicator: Indicator, goal: list[tuple[int, str]]) -> None:
    target = indicator.target_value
    if target is None or target <= 0 or indicator.target_operator not in ("<=", "<"):
        return
    unit = indicator.target_unit or ""
    limits = [(Decimal(m.group(1)), line) for line, text in goal
              for m in _LIMIT_RE.finditer(text) if unit.startswith(m.group(2))]
    if not limits or any(value == target for value, _ in limits):
        return
    value, line = min(limits, key=lambda vl: abs(vl[0] - target))
    if abs(value - target) <= _NEAR * target:
        indicator.goal_value, indicator.goal_line = value, line
