"""Arithmetic shapes on small hand-made tables: each planted error found where it is, with the
expected and found amounts; sums that differ only within rounding are not findings."""

from __future__ import annotations

from decimal import Decimal

from validation_models import fact, findings, report, rules_at, table

D = Decimal


def _expenditure(basic_20801: str = "214.17", total_2080501: str = "21.83") -> list:
    # 208 = 20801 + 20805; 20805 = 2080501 + 2080502; total = basic + project per row
    return [
        fact(100, "826.54", code="208"), fact(100, "266.42", "basic", 5, code="208"),
        fact(100, "560.12", "project", 6, code="208"),
        fact(101, "774.29", code="20801"), fact(101, basic_20801, "basic", 5, code="20801"),
        fact(101, "560.12", "project", 6, code="20801"),
        fact(102, "52.25", code="20805"), fact(102, "52.25", "basic", 5, code="20805"),
        fact(103, total_2080501, code="2080501"), fact(103, "21.83", "basic", 5, code="2080501"),
        fact(104, "30.42", code="2080502"), fact(104, "30.42", "basic", 5, code="2080502"),
        fact(105, "826.54", is_total=True), fact(105, "266.42", "basic", 5, is_total=True),
        fact(105, "560.12", "project", 6, is_total=True),
    ]


def test_a_clean_table_has_no_arithmetic_finding() -> None:
    found = findings(report([table("gpb-expenditure", _expenditure())]))
    assert not [f for f in found if f.rule.startswith("ARITH")]


def test_parent_and_row_errors_point_at_the_changed_cell() -> None:
    found = findings(report([table("gpb-expenditure", _expenditure(basic_20801="352.15"))]))
    arith = {(f.rule, f.line): f for f in found if f.rule.startswith("ARITH")}
    assert set(arith) == {
        ("ARITH-PARENT-SUM", 100),  # 208 basic 266.42 vs 352.15 + 52.25
        ("ARITH-ROW-SPENDING", 101),  # 774.29 vs 352.15 + 560.12
    }
    parent = arith[("ARITH-PARENT-SUM", 100)]
    assert parent.found == D("266.42") and parent.expected == D("404.40")
    assert parent.difference == D("-137.98") and parent.severity == "Violation"
    row = arith[("ARITH-ROW-SPENDING", 101)]
    assert (row.found, row.expected) == (D("774.29"), D("912.27"))


def test_a_leaf_error_breaks_its_parent_sum_only() -> None:
    found = findings(report([table("gpb-expenditure", _expenditure(total_2080501="25.83"))]))
    assert rules_at(found, "Violation") == {("ARITH-PARENT-SUM", 102), ("ARITH-ROW-SPENDING", 103)}


def test_differences_within_rounding_are_not_findings() -> None:
    # eight parts printed to 0.01 may miss their printed total by up to 8 × 0.005 + 0.005
    parts = ["93.21", "127.73", "7.77", "32.88", "23.90", "0.56", "27.06", "1.53"]  # 314.64
    facts = [fact(200, "314.65", code="301")]
    facts += [fact(201 + i, p, code=f"301{i + 1:02d}") for i, p in enumerate(parts)]
    assert not findings(report([table("gpb-basic", facts)]), rules=["ARITH-PARENT-SUM"])
    facts[0] = fact(200, "314.70", code="301")  # 0.06 off: beyond 0.045
    assert rules_at(findings(report([table("gpb-basic", facts)]), rules=["ARITH-PARENT-SUM"])) == {
        ("ARITH-PARENT-SUM", 200)}


def test_total_row_and_fund_columns() -> None:
    facts = [
        fact(140, "864.45", code="208"), fact(140, "826.54", "fiscal-subtotal", 5, code="208"),
        fact(140, "819.54", "general-public-budget", 6, code="208"),
        fact(140, "7.00", "upper-gpb-transfer", 7, code="208"),
        fact(140, "35.56", "unit-funds", 12, code="208"),
        fact(140, "2.35", "fiscal-carryover", 13, code="208"),
        fact(152, "23.60", code="210"), fact(152, "23.60", "fiscal-subtotal", 5, code="210"),
        fact(152, "23.60", "general-public-budget", 6, code="210"),
        fact(159, "888.05", is_total=True),
        fact(159, "850.14", "fiscal-subtotal", 5, is_total=True),
        fact(159, "35.56", "unit-funds", 12, is_total=True),
        fact(159, "2.35", "fiscal-carryover", 13, is_total=True),
    ]
    assert not [f for f in findings(report([table("income", facts)])) if f.rule.startswith("ARITH")]
    facts[2] = fact(140, "812.54", "general-public-budget", 6, code="208")  # 7.00 short
    found = findings(report([table("income", facts)]))
    assert rules_at(found, "Violation") == {("ARITH-ROW-FUNDS", 140)}
    facts[2] = fact(140, "819.54", "general-public-budget", 6, code="208")
    facts[9] = fact(159, "898.05", is_total=True)
    found = findings(report([table("income", facts)]))
    # the 合计 row's total no longer matches the rows above nor its own fund columns
    assert rules_at(found, "Violation") == {("ARITH-TOTAL-ROW", 159), ("ARITH-ROW-FUNDS", 159)}
    total = next(f for f in found if f.rule == "ARITH-TOTAL-ROW")
    assert (total.found, total.expected) == (D("898.05"), D("888.05"))


def test_summary_line_items_and_income_equals_expenditure() -> None:
    inc, exp = "income", "expenditure"
    facts = [
        fact(98, "908.94", col=1, line_item="current-year-income", side=inc),
        fact(99, "873.38", col=1, line_item="general-public-budget", side=inc),
        fact(109, "35.56", col=1, line_item="unit-funds", side=inc),
        fact(115, "2.35", col=1, line_item="prior-carryover", side=inc),
        fact(105, "864.45", col=3, code="208", side=exp),
        fact(107, "46.84", col=3, code="210", side=exp),
        fact(128, "911.29", col=1, line_item="income-total", is_total=True, side=inc),
        fact(128, "911.29", col=3, line_item="expenditure-total", is_total=True, side=exp),
    ]
    clean = findings(report([table("income-expenditure-summary", facts)]))
    assert not [f for f in clean if f.rule.startswith("ARITH")]
    facts[1] = fact(99, "875.38", col=1, line_item="general-public-budget", side=inc)
    facts[6] = fact(128, "913.29", col=1, line_item="income-total", is_total=True, side=inc)
    found = findings(report([table("income-expenditure-summary", facts)]))
    assert rules_at(found, "Violation") == {
        ("ARITH-LINE-ITEMS", 98),  # 本年收入 908.94 vs 875.38 + 35.56
        ("ARITH-LINE-ITEMS", 128),  # 收入总计 913.29 vs 908.94 + 2.35
        ("ARITH-INCOME-EXPENDITURE", 128),  # 913.29 vs 911.29
    }


def test_sangong_across_one_row_and_down_one_column() -> None:
    # one row (items as columns) — a second row with the same items is another unit's row
    across = [fact(284, "9.30", col=0, line_item="sangong-total"),
              fact(284, "8.00", col=2, line_item="sangong-vehicle"),
              fact(284, "8.00", col=4, line_item="sangong-vehicle-operation"),
              fact(284, "1.30", col=5, line_item="sangong-reception"),
              fact(285, "9.30", col=0, line_item="sangong-total"),
              fact(285, "1.30", col=5, line_item="sangong-reception")]
    found = findings(report([table("sangong", across)]), rules=["ARITH-LINE-ITEMS"])
    assert rules_at(found) == {("ARITH-LINE-ITEMS", 285)}  # 9.30 vs 1.30 on its own row
    down = [fact(335, "1.08", col=1, line_item="sangong-total", is_total=True),
            fact(338, "1.08", col=1, line_item="sangong-vehicle"),
            fact(340, "1.18", col=1, line_item="sangong-vehicle-operation")]
    found = findings(report([table("sangong", down)]), rules=["ARITH-LINE-ITEMS"])
    assert rules_at(found) == {("ARITH-LINE-ITEMS", 338)}


def test_project_tables() -> None:
    facts = [
        fact(300, "560.12", col=5, code="20801"), fact(300, "22.00", col=7, code="20801"),
        fact(301, "545.12", col=5, code="2080109", project="甲"),
        fact(302, "15.00", col=5, code="2080109", project="乙"),
        fact(303, "560.12", col=5, is_total=True),
    ]
    facts[1].column = "econ:302"
    found = findings(report([table("gpb-project", facts)]))
    # the economic columns (22.00) do not add up to the row's 560.12
    assert rules_at(found, "Violation") == {("ARITH-ROW-ECON", 300)}
    subtotal = [fact(321, "88.20", col=5, code="2080107"),
                fact(322, "5.00", col=5, code="2080107", project="甲"),
                fact(323, "83.00", col=5, code="2080107", project="乙"),
                fact(320, "88.20", col=5, is_total=True)]
    found = findings(report([table("gpb-project", subtotal)]))
    assert rules_at(found, "Violation") == {("ARITH-PROJECT-SUBTOTAL", 321)}
