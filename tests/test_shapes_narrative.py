"""Narrative shapes: restated amounts, shares, growth rates, listed parts, prior years."""

from __future__ import annotations

from decimal import Decimal

from validation_models import claim, document, fact, findings, report, rules_at, table

D = Decimal
NARR = ["NARR-CODE-AMOUNT", "NARR-ITEM-AMOUNT", "NARR-SHARE", "NARR-SHARE-LASTDIGIT",
        "NARR-GROWTH", "NARR-GROWTH-LASTDIGIT", "NARR-PARTS-EXCEED", "NARR-LISTED-TOTAL",
        "NARR-PRIOR-YEAR", "NARR-BUDGET-FINAL", "NARR-BUDGET-FINAL-LASTDIGIT"]


def _tables() -> list:
    gpb = [fact(244, "368.55", code="208"), fact(244, "352.15", "basic", 5, code="208"),
           fact(245, "320.27", code="20801"), fact(246, "48.28", code="20805"),
           fact(250, "368.55", is_total=True), fact(250, "352.15", "basic", 5, is_total=True)]
    summary = [fact(98, "389.75", col=1, line_item="income-total", is_total=True, side="income")]
    return [table("gpb-expenditure", gpb, 240), table("income-expenditure-summary", summary, 90)]


def test_restated_amounts() -> None:
    claims = [
        claim(328, "352.15", code="20801"),  # the table says 320.27 (352.15 is a basic cell)
        claim(329, "48.28", code="20805"),
        claim(356, "352.15", item="basic-expenditure"),  # the 基本支出 合计
        claim(357, "389.75", item="budget-total"),  # 收支总预算 = 收入总计
        claim(358, "389.76", item="income-total"),
    ]
    found = findings(report(_tables(), claims), rules=NARR)
    assert rules_at(found) == {("NARR-CODE-AMOUNT", 328), ("NARR-ITEM-AMOUNT", 358)}
    code = next(f for f in found if f.line == 328)
    assert (code.found, code.expected) == (D("352.15"), D("320.27"))
    assert code.severity == "Violation"


def test_same_amount_printed_coarser_is_not_a_finding() -> None:
    # 368.6 and 368.5 may both be 368.55… rounded to one decimal; 368.4 cannot
    claims = [claim(10, "368.6", code="208"), claim(11, "368.5", code="208"),
              claim(12, "368.4", code="208")]
    found = findings(report(_tables(), claims), rules=NARR)
    assert rules_at(found) == {("NARR-CODE-AMOUNT", 12)}


def test_shares_with_and_without_a_named_base() -> None:
    claims = [
        claim(300, "389.75", item="income-total", section="s7"),
        claim(302, "368.55", item="general-public-budget", share=D("94.56"), section="s7"),
        claim(308, "11.40", item="upper-special", share=D("2.93"), section="s7"),
        claim(309, "9.80", item="prior-balance", share=D("2.52"), section="s7"),  # within rounding
        claim(310, "9.80", item="prior-balance", share=D("2.53"), section="s7"),  # 2.51
        claim(311, "9.80", item="prior-balance", share=D("3.51"), section="s7"),  # way off
        claim(89, "368.55", item="gpb-expenditure", share=D("100.00"),
              share_of="income-total", section="s9"),  # 368.55 / 389.75 = 94.56
    ]
    found = findings(report(_tables(), claims), rules=NARR)
    assert rules_at(found) == {("NARR-SHARE-LASTDIGIT", 310), ("NARR-SHARE", 311),
                               ("NARR-SHARE", 89)}
    last = next(f for f in found if f.line == 310)
    assert last.severity == "Warning" and last.expected == D("2.51")
    named = next(f for f in found if f.line == 89)
    assert named.expected == D("94.56")


def test_growth_rates_new_items_and_rounding() -> None:
    claims = [
        claim(340, "866.38", change=D("560.71"), growth_rate=D("183.44")),  # right
        claim(344, "7.00", change=D("7.00"), growth_rate=D("100.00")),  # new this year
        claim(336, "16.4", change=D("-2.9"), growth_rate=D("-15.02")),  # 15.03 within rounding
        claim(403, "18.26", change=D("-3.36"), growth_rate=D("-15.55")),  # within rounding
        claim(404, "18.26", change=D("-3.36"), growth_rate=D("-15.57")),  # 15.54: last digit
        claim(405, "18.26", change=D("-3.36"), growth_rate=D("-16.54")),  # wrong
        claim(406, "24.91", change=D("24.91"), growth_rate=D("50.00")),  # new item is +100%
    ]
    found = findings(report([], claims), rules=NARR)
    assert rules_at(found) == {("NARR-GROWTH-LASTDIGIT", 404), ("NARR-GROWTH", 405),
                               ("NARR-GROWTH", 406)}
    wrong = next(f for f in found if f.line == 405)
    assert wrong.expected == D("-15.54")


def test_change_stated_without_its_amount_uses_the_section_amount() -> None:
    claims = [claim(63, "10938.34", item="income-total", section="s5"),
              claim(67, None, item="income-total", change=D("402.32"), growth_rate=D("4.82"),
                    section="s5", raw="402.32")]
    found = findings(report([], claims), rules=NARR)
    assert rules_at(found) == {("NARR-GROWTH", 67)}


def test_listed_parts() -> None:
    sentence = "三公 …"
    claims = [claim(404, "9.3", item="sangong-total", sentence=sentence),
              claim(404, "8", item="sangong-vehicle-operation", sentence=sentence),
              claim(404, "1.3", item="sangong-reception", sentence=sentence),
              claim(328, "368.55", code="208", sentence="支出 …"),
              claim(328, "352.15", code="20801", sentence="支出 …"),
              claim(330, "48.28", code="20805", sentence="支出 …")]
    found = findings(report([], claims), rules=NARR)
    assert rules_at(found) == {("NARR-PARTS-EXCEED", 328)}
    listed = [claim(430, "272.61", label="基础养老金成本", sentence="分配"),
              claim(430, "100.19", label="丧葬补助金", sentence="分配"),
              claim(430, "165.33", label="个人缴费", sentence="分配"),
              claim(430, "538.12", label="共计", sentence="分配"),
              claim(468, "750", label="每人每月补助标准金额", currency="元", sentence="七万"),
              claim(468, "7.00", label="共计", sentence="七万")]
    assert not findings(report([], listed), rules=NARR)
    listed[2] = claim(430, "166.33", label="个人缴费", sentence="分配")
    assert rules_at(findings(report([], listed), rules=NARR)) == {("NARR-LISTED-TOTAL", 430)}


def test_prior_year_from_last_years_report() -> None:
    last = report([table("gpb-expenditure", [fact(246, "207.04", code="2080109")])], year=2022)
    this = report([], [claim(396, "774.29", code="2080109", change=D("567.25"),
                             growth_rate=D("273.98"), basis="prior-year-budget")], year=2023)
    assert not findings(last, this, rules=NARR)
    this.claims[0].change = D("557.25")
    this.claims[0].growth_rate = D("256.75")
    found = findings(last, this, rules=NARR)
    assert rules_at(found) == {("NARR-PRIOR-YEAR", 396)}
    prior = found[0]
    assert prior.severity == "Warning" and prior.document == document(this)
    assert (prior.found, prior.expected) == (D("217.04"), D("207.04"))


def test_budget_to_final_rate() -> None:
    sentence = "与年初预算相比 …"
    claims = [claim(83, "10343.79", item="initial-budget", sentence=sentence),
              claim(83, "10671.52", item="fiscal-income-total", sentence=sentence),
              claim(83, None, item="budget-final-difference", growth_rate=D("3.17"),
                    sentence=sentence, basis="initial-budget")]
    assert not findings(report([], claims, kind="final-account"), rules=NARR)
    claims[2].growth_rate = D("3.71")
    found = findings(report([], claims, kind="final-account"), rules=NARR)
    assert rules_at(found) == {("NARR-BUDGET-FINAL", 83)}


def test_zero_amounts_recompute_to_zero_not_to_nothing() -> None:
    """Oxigraph 0.5.13 leaves 0 ÷ a decimal with a fraction unbound; the shapes guard it, so
    a zero amount's share and an unchanged amount's growth recompute to 0 (pyshacl agrees)."""
    claims = [
        claim(300, "389.75", item="income-total", section="s7"),
        claim(312, "0.00", item="prior-balance", share=D("0.00"), section="s7"),  # right
        claim(313, "0.00", item="prior-balance", share=D("1.50"), section="s7"),  # 0.00
        claim(350, "18.26", change=D("0.00"), growth_rate=D("0.00")),  # unchanged: right
        claim(351, "18.26", change=D("0.00"), growth_rate=D("5.00")),  # 0.00 (±2.7: ±0.5 change)
    ]
    found = findings(report(_tables(), claims), rules=NARR)
    assert rules_at(found) == {("NARR-SHARE", 313), ("NARR-GROWTH", 351)}
    assert [f.expected for f in sorted(found, key=lambda f: f.line)] == [D("0"), D("0")]
