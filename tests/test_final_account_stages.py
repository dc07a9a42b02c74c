"""A final account prints the budget beside the actual amount (预算数 | 决算数 under each 三公
item): the budget column is the initial-budget stage, not the actual, and a narrative's actual
figure is never compared with it (report 01, 上海市普陀区财政局 2024年度部门决算)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from validation_models import findings

from loaders.pipeline import load_report

REAL = Path(__file__).resolve().parents[1] / "samples" / "realworld"


def _report(kind: str):
    folder = next(REAL.glob("01_*"))
    return load_report(next(folder.glob(f"*.{kind}")))


@pytest.mark.parametrize("kind", ["pdf", "layout.txt"])
def test_the_budget_beside_the_actual_is_the_initial_budget(kind: str) -> None:
    report = _report(kind)
    sangong = next(t for t in report.tables if t.table_type == "sangong")
    # 财政拨款“三公”经费 合计 and 公务接待费 print 0.95 under 预算数; 决算数 is blank
    assert sorted((f.line_item, f.column, f.amount) for f in sangong.facts) == [
        ("sangong-reception", "initial-budget", Decimal("0.95")),
        ("sangong-total", "initial-budget", Decimal("0.95")),
    ]


def test_the_narratives_actual_zero_is_not_held_against_the_budget() -> None:
    report = _report("pdf")
    # "支出决算为0.00万元 … 公务接待费支出决算为0.00万元" (lines 370–372) restate the blank 决算数
    zero = [c for c in report.claims if c.item in ("sangong-total", "sangong-reception")]
    assert {(c.line, c.amount) for c in zero} == {(370, Decimal("0.00")), (372, Decimal("0.00"))}
    violations = {(f.rule, f.line) for f in findings(report) if f.severity == "Violation"}
    # what remains are the report's own errors: 财政拨款收入支出总计 "0.3万元" (the tables give
    # 2961.68) and 基本支出 "占71.73%" (2106.66 / 2940.05 is 71.65%)
    assert violations == {("NARR-ITEM-AMOUNT", 307), ("NARR-SHARE", 318)}
