"""Shapes that name the report's unit read the name of their own report.

A unit's reports share one unit node (its IRI is the normalised name), so when two reports of one
unit print the name differently ("上海市普陀区 财政局" with pdftotext's space, "上海市普陀区财政局")
the node carries both labels. Validated together, a shape that read the unit's label reported
each finding twice, once with the other report's spelling. The shapes read
``fkg:unitNameAsPrinted`` of the finding's document instead.
"""

from __future__ import annotations

from report_files import REAL
from validation_models import claim, findings, indicator, perf_table, report

from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import load_into, validate
from loaders.model import UnitNameMention


def _with_copied_targets(unit: str, kind: str) -> object:
    pt = perf_table(401, kind="target", unit_name="苏州市社会保险事务中心")
    pt.indicators = [indicator(401, "30", unit_name="苏州市社会保险事务中心", unit_mismatch=True)]
    return report(claims=[claim(10, "1.00")], performance=[pt], unit=unit, kind=kind)


def test_one_finding_per_table_with_its_own_reports_name() -> None:
    budget = _with_copied_targets("上海市普陀区 财政局", "budget")
    final = _with_copied_targets("上海市普陀区财政局", "final-account")
    found = findings(budget, final, rules=["PERF-UNIT-MISMATCH"])
    assert len(found) == 2  # one per report, not one per label of the shared unit
    messages = sorted(f.message for f in found)
    assert "report's (上海市普陀区 财政局)" in messages[0]
    assert "report's (上海市普陀区财政局)" in messages[1]


def test_unit_name_mentions_compare_with_their_own_reports_name() -> None:
    reports = []
    for unit, kind in [("奇台县 社会保险管理局", "budget"),
                       ("奇台县社会保险管理局", "final-account")]:
        r = report(claims=[claim(10, "1.00")], unit=unit, kind=kind)
        r.name_mentions = [UnitNameMention(line=49, name="奇台县社会保险中心",
                                                field="subject", relation="variant")]
        reports.append(r)
    found = findings(*reports, rules=["NARR-UNIT-NAME-VARIANT"])
    assert sorted(str(f.expected) for f in found) == ["奇台县 社会保险管理局",
                                                      "奇台县社会保险管理局"]


def test_the_bureaus_two_reports_validated_together() -> None:
    # 01 (2024 决算) and 13 (2025 预算) of 上海市普陀区财政局, one unit node: each report's findings
    # are those it has alone, none doubled
    paths = [next((REAL / d).glob("*.layout.txt")) for d in
             ("01_shanghai-putuo_czj_2024_final", "13_shanghai-putuo_czj_2025_budget-dept")]

    def keys(ps: list) -> list[tuple[str, ...]]:
        store = OxigraphStore()
        load_into(store, ps)
        # every rule that reads one report (NARR-PRIOR-YEAR reads last year's on purpose)
        return sorted((str(f.document), f.rule, str(f.line), f.message)
                      for f in validate(store) if f.rule != "NARR-PRIOR-YEAR")

    together = keys(paths)
    assert together == sorted(keys([paths[0]]) + keys([paths[1]]))
    assert len(together) == len(set(together))
    assert ("NARR-CODE-AMOUNT", "103") in {(k[1], k[2]) for k in together}  # 13's 887.36
