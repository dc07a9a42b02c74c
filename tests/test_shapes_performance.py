"""Performance shapes: scores, weights, execution rates, funding lines, another unit's targets."""

from __future__ import annotations

from decimal import Decimal

from validation_models import claim, findings, funding, indicator, perf_table, report, rules_at

D = Decimal
PERF = ["PERF-SCORE-TOTAL", "PERF-WEIGHT-TOTAL", "PERF-WEIGHT-SUM", "PERF-EXEC-RATE",
        "PERF-EXEC-SCORE", "PERF-FUNDING-SUM", "PERF-UNIT-MISMATCH", "NARR-PERF-AMOUNT"]


def _self_evaluation(score: str = "98.00", rate: str = "90.99", total: str = "2352.00") -> object:
    pt = perf_table(179, stated_total_score=D(score), stated_total_weight=D("100"))
    pt.funding = [
        funding(185, "年度资金总额", initial_budget=total, full_year_budget="2352.00",
                executed="2140.00", weight="10", execution_rate=rate, score="9.10"),
        funding(186, "其中：当年财政拨款", initial_budget="2352.00", full_year_budget="2352.00",
                executed="2140.00"),
        funding(187, "其他资金", initial_budget="0.00", full_year_budget="0.00", executed="0.00"),
    ]
    pt.indicators = [indicator(191, "10", "8.90"), indicator(192, "10", "10.00"),
                     indicator(193, "10", "10.00"), indicator(194, "10", "10.00"),
                     indicator(196, "20", "20.00"), indicator(197, "20", "20.00"),
                     indicator(198, "10", "10.00")]
    return pt


def test_a_consistent_self_evaluation_reports_only_its_weight_total() -> None:
    found = findings(report(performance=[_self_evaluation()]), rules=PERF)
    assert rules_at(found) == {("PERF-WEIGHT-SUM", 179)}
    assert found[0].severity == "Info" and found[0].found == D("100")


def test_score_rate_and_funding_errors() -> None:
    found = findings(report(performance=[_self_evaluation("99.00", "91.99", "2362.00")]),
                     rules=PERF)
    assert rules_at(found, "Violation") == {
        ("PERF-SCORE-TOTAL", 179),  # 99.00 vs 98.00
        ("PERF-EXEC-RATE", 185),  # 2140 / 2352 = 90.99
        ("PERF-FUNDING-SUM", 185),  # 年初预算数 2362.00 vs 2352.00 + 0.00
    }
    assert rules_at(found, "Warning") == {("PERF-EXEC-SCORE", 185)}  # 10 × 91.99% ≠ 9.10
    rate = next(f for f in found if f.rule == "PERF-EXEC-RATE")
    assert rate.expected == D("90.99")


def test_weights_need_not_total_100() -> None:
    pt = perf_table(517, kind="target", budget=D("7.00"))
    pt.indicators = [indicator(526 + i, w) for i, w in enumerate(["9", "9", "8", "7", "7", "10",
                                                                   "10", "10", "10", "10"])]
    found = findings(report(performance=[pt]), rules=PERF)
    assert rules_at(found) == {("PERF-WEIGHT-SUM", 517)}
    assert found[0].found == D("90")
    pt.stated_total_weight = D("100")
    assert ("PERF-WEIGHT-TOTAL", 517) in rules_at(findings(report(performance=[pt]), rules=PERF))


def test_another_units_targets_and_a_restated_target() -> None:
    pt = perf_table(401, kind="target", unit_name="苏州市社会保险事务中心")
    pt.indicators = [indicator(401, "30", unit_name="苏州市社会保险事务中心", unit_mismatch=True),
                     indicator(559, "5", level3="个人缴费 补贴", target_text="=34.03 万元",
                               target_operator="=", target_value=D("34.03"), target_unit="万元")]
    claims = [claim(430, "34.02", label="个人缴费补贴", sentence="资金分配情况")]
    found = findings(report(claims=claims, performance=[pt]), rules=PERF)
    assert rules_at(found, "Warning") == {("PERF-UNIT-MISMATCH", 401), ("NARR-PERF-AMOUNT", 430)}
    restated = next(f for f in found if f.rule == "NARR-PERF-AMOUNT")
    assert (restated.found, restated.expected) == (D("34.02"), D("34.03"))
