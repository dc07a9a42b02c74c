"""The structural words of performance tables, in one place.

These are not code lists (nothing here becomes an RDF term): they say which
column or preamble field a printed header word stands for, so the table
reader can find each value whatever the column order. Indicator *level*
names (产出指标, 数量指标 …) are not here; they come from the SKOS code list
``ontology/codes/indicator-levels.ttl`` (see ``levels``). Words are compared
after ``header_key`` (NFKC, no spaces, parenthesised asides and colons
dropped), so "指标分 值权重", "项目资金（万元）" and "年度预算总额：" match.
"""

from __future__ import annotations

from functools import lru_cache

from loaders.text import HEADER_MARKS, match_key

# Column header word → role of the column in the indicator part of a table.
# Roles: level1/level2/level3 (names), target (指标值), operator / unit (指标性质
# and 度量单位 when a table splits the target over three columns), actual,
# weight, score, deviation (偏差原因), unit_name / project / budget / goal (the
# per-row project columns of one-big-table layouts), other (read, not kept).
HEADER_ROLES: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "指标名称": "level3",
    "指标值": "target",
    "年度指标值": "target",
    "目标值": "target",
    "指标目标值": "target",
    "实际完成值": "actual",
    "实际值": "actual",
    "全年实际值": "actual",
    "分值": "weight",
    "权重": "weight",
    "分值权重": "weight",
    "指标分值权重": "weight",
    "指标权重": "weight",
    "得分": "score",
    "偏差原因分析及改进措施": "deviation",
    "偏差原因": "deviation",
    "指标性质": "operator",
    "度量单位": "unit",
    "计量单位": "unit",
    "单位名称": "unit_name",
    "预算单位": "unit_name",
    "项目名称": "project",
    "预算数": "budget",
    "年度预算数": "budget",
    "年度目标": "goal",
    "指标值设置依据": "other",
    "指标值设定依据": "other",
    "上年完成值": "other",
    "指标赋分规则": "other",
    "佐证资料": "other",
    "指标方向性": "other",
    "备注": "other",
}

# Roles that make a row the indicator header row (at least two of them).
LEVEL_ROLES = ("level1", "level2", "level3")

# Preamble cells (before the indicator header): key word → field. The value
# is the next non-empty cell that is not itself a key (for budget keys: a
# number). "ignore" keys are listed so that their own values are never taken
# for another key.
PREAMBLE_KEYS: dict[str, str] = {
    "项目名称": "project",
    "预算单位": "unit",
    "单位名称": "unit",
    "部门名称": "unit",
    "实施单位": "unit",
    "主管部门": "supervisor",
    "年度预算总额": "budget",
    "年度资金总额": "budget",
    "预算数": "budget",
    "合计": "budget",
    "年度预算": "budget",
    "项目负责人": "ignore",
    "项目资金": "ignore",
    "其中财政拨款": "ignore",
    "财政拨款": "ignore",
    "其他资金": "ignore",
    "项目总体目标": "ignore",
    "年度总体目标": "ignore",
    "年度绩效目标": "ignore",
    "资金来源": "ignore",
    "预期目标": "ignore",
    "实际完成情况": "ignore",
}

# Column words of a self-evaluation funding block → FundingLine field.
FUNDING_COLUMNS: dict[str, str] = {
    "年初预算数": "initial_budget",
    "全年预算数": "full_year_budget",
    "全年执行数": "executed",
    "分值": "weight",
    "执行率": "execution_rate",
    "得分": "score",
}

# First cell of the row that states the table's total weight and score.
TOTAL_WORDS = frozenset({"总分", "合计", "总计"})

# Comparison operators as printed → the model's operator.
OPERATORS: dict[str, str] = {
    ">=": ">=",
    "≥": ">=",
    "≧": ">=",
    "<=": "<=",
    "≤": "<=",
    "≦": "<=",
    "=": "=",
    ">": ">",
    "<": "<",
    "≈": "≈",
}

# Words a separate 指标性质 column prints instead of an operator: the target
# is then a plain value or qualitative text (no comparison stated).
NON_COMPARISON_WORDS = frozenset({"-", "—", "--", "——", "/", "定性", "定量"})

@lru_cache(maxsize=8192)
def header_key(text: str) -> str:
    """Normalise a header or key cell: NFKC, asides in brackets, spaces, colons and * dropped."""
    return match_key(text, drop=HEADER_MARKS, asides=True)


def header_role(text: str) -> str | None:
    """Role of a column header cell, None when the word is unknown or empty."""
    return HEADER_ROLES.get(header_key(text))
