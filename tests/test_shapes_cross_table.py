"""Cross-table shapes: declared table ties, economic/function ties, 三公 vs basic table,
project table vs general public budget table, project narrative vs project table."""

from __future__ import annotations

from decimal import Decimal

from validation_models import fact, findings, report, rules_at, table

from loaders.model import Project

D = Decimal
XT = ["XT-TABLE-TIE", "XT-ECON-FUNCTION", "XT-SANGONG-ECON", "XT-PROJECT-TABLE",
      "XT-PROJECT-AMOUNT"]


def _tables(income_208: str = "864.45", econ_30108: str = "28.66") -> list:
    income = table("income", [fact(140, income_208, code="208"),
                              fact(152, "23.60", code="210")], 130)
    expenditure = table("expenditure", [fact(172, "864.45", code="208"),
                                        fact(182, "23.60", code="210")], 161)
    gpb = table("gpb-expenditure", [
        fact(250, "28.66", code="2080505"), fact(250, "28.66", "basic", 5, code="2080505"),
        fact(253, "18.26", code="2101101"), fact(253, "18.26", "basic", 5, code="2101101"),
        fact(254, "5.34", code="2101102"), fact(254, "5.34", "basic", 5, code="2101102"),
        fact(258, "313.26", "basic", 5, is_total=True),
    ], 233)
    basic = table("gpb-basic", [
        fact(275, econ_30108, code="30108"), fact(276, "23.60", code="30110"),
        fact(280, "1.30", code="30217"), fact(288, "313.26", is_total=True),
    ], 262)
    sangong = table("sangong", [fact(284, "1.00", line_item="sangong-reception")], 276)
    return [income, expenditure, gpb, basic, sangong]


def test_clean_ties_and_the_30217_excess() -> None:
    found = findings(report(_tables()), rules=XT)
    # basic-table 公务接待费 1.30 exceeds the 三公 table's 1.00
    assert rules_at(found) == {("XT-SANGONG-ECON", 280)}
    assert found[0].severity == "Warning"


def test_a_code_that_disagrees_between_tables() -> None:
    found = findings(report(_tables(income_208="865.45")), rules=["XT-TABLE-TIE"])
    assert rules_at(found) == {("XT-TABLE-TIE", 140)}
    assert (found[0].found, found[0].expected) == (D("865.45"), D("864.45"))
    # a final account's income and spending per code may differ: that tie is for budgets
    assert not findings(report(_tables(income_208="865.45"), kind="final-account"),
                        rules=["XT-TABLE-TIE"])


def test_economic_class_restating_function_items() -> None:
    found = findings(report(_tables(econ_30108="27.66")), rules=["XT-ECON-FUNCTION"])
    assert rules_at(found, "Warning") == {("XT-ECON-FUNCTION", 275)}
    assert found[0].expected == D("28.66")


def test_project_table_against_the_general_public_budget_table() -> None:
    gpb = table("gpb-expenditure", [fact(246, "560.12", "project", 6, code="2080109")], 240)
    projects = table("gpb-project", [
        fact(302, "538.12", col=5, code="2080109", project="补助金项目"),
        fact(303, "15.00", col=5, code="2080109", project="运行维护费"),
    ], 290)
    r = report([gpb, projects])
    r.projects = [Project(name="补助金项目", line=426, amount=D("538.12")),
                  Project(name="运行维护费", line=452, amount=D("15.50"))]
    found = findings(r, rules=XT)
    assert rules_at(found) == {("XT-PROJECT-TABLE", 246), ("XT-PROJECT-AMOUNT", 452)}
    tie = next(f for f in found if f.rule == "XT-PROJECT-TABLE")
    assert (tie.found, tie.expected) == (D("560.12"), D("553.12"))
