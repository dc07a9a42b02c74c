"""Year labels that contradict the report's year (NARR-YEAR-COMPARISON, NARR-YEAR-OWN).

04, a 2026 budget, compares its income and spending "比2026年预算增加793.14万元" and "与2026年预算
持平" (lines 91, 93, 94 twice, 95 of the layout text): the base must be 2025. 002, a 2022 budget,
says "2021 年单位预算未安排购置车辆经费" (line 442), where the other samples say their own year.
Every other year label of the five samples and the six real reports is right and raises nothing;
a wrong year planted into each of them is caught.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_files import REAL
from report_files import loaded as _loaded
from report_files import sample as _sample
from validation_models import findings, report, rules_at

from loaders.model import Report, YearLabel
from loaders.narrative.year_labels import extract_year_labels
from loaders.readers import read_blocks

RULES = ["NARR-YEAR-COMPARISON", "NARR-YEAR-OWN"]
FOLDERS = ["01_shanghai-putuo_czj_2024_final", "04_shanghai-putuo_sfj_2026_budget-dept",
           "06_shanghai-putuo_wanlijd_2024_budget", "09_shanghai-putuo_zfbgs_2025_budget-dept",
           "12_shanghai-putuo_sww_2025_budget-unit", "13_shanghai-putuo_czj_2025_budget-dept"]


def _real(folder: str, kind: str = "layout") -> Path:
    return next((REAL / folder).glob(f"*.{kind}.txt"))


def _found(path: Path) -> set[tuple[str, int | None]]:
    return rules_at(findings(_loaded(path), rules=RULES))


@pytest.mark.parametrize(("kind", "lines"), [("layout", (91, 93, 94, 95)),
                                             ("raw", (79, 81, 82, 83))])
def test_04_compares_its_2026_budget_with_2026(kind: str, lines: tuple[int, ...]) -> None:
    path = _real("04_shanghai-putuo_sfj_2026_budget-dept", kind)
    assert _found(path) == {("NARR-YEAR-COMPARISON", line) for line in lines}
    found = findings(_loaded(path), rules=RULES)
    assert len(found) == 5  # line 94 (82) has two: 比2026年预算增加 and 与2026年预算持平
    assert {(f.severity, f.found, f.expected) for f in found} == {("Violation", 2026, 2026)}
    phrases = sorted(f.message.split('"')[1] for f in found)
    assert phrases == ["与2026年预算持平"] * 2 + ["比2026年预算增加"] * 3
    # the item paragraphs compare with 2025 and raise nothing
    labels = [x for x in _loaded(path).year_labels if x.year == 2025]
    assert len(labels) >= 14


def test_002_labels_its_own_budget_2021() -> None:
    path = _sample("002")
    (found,) = findings(_loaded(path), rules=RULES)
    assert (found.rule, found.severity, found.line, found.found, found.expected) == (
        "NARR-YEAR-OWN", "Warning", 442, 2021, 2022)
    assert "2021 年单位预算未安排购置车辆经费" in found.message


@pytest.mark.parametrize("path", [_sample("000"), _sample("001"), _sample("003"),
                                  _sample("004"), *[_real(f) for f in FOLDERS if f[:2] != "04"]])
def test_right_years_raise_nothing(path: Path) -> None:
    assert _found(path) == set()


def test_what_is_read() -> None:
    def labels(text: str) -> list[tuple[str, int, str]]:
        return [(x.role, x.year, x.basis) for x in extract_year_labels(read_blocks(text))]

    assert labels("支出预算100万元，较2022年预算执行数减少5万元。\n") == [
        ("comparison", 2022, "预算执行数")]
    assert labels("2024年度收入总计2995.39万元。与2023年度相比，收入增加1%。\n") == [
        ("comparison", 2023, "度")]
    # the unit's name between the year and 预算
    assert labels("2023 年某某社会保险中心预算未安排购置车辆经费。\n") == [
        ("own-statement", 2023, "某某社会保险中心预算未安排")]
    # a sentence that looks back, or names two years, is about the other year
    assert labels("2022年预算安排50万元，2023年预算安排40万元。\n") == []
    assert labels("2022年底，单位共有车辆3辆。\n") == []
    assert labels("2025年当年预算执行数为1690.69万元。\n") == []


def test_a_final_account_may_compare_with_its_own_years_budget() -> None:
    def label(line: int, year: int, basis: str) -> YearLabel:
        return YearLabel(line=line, year=year, role="comparison", basis=basis,
                         text=f"比{year}年{basis}")

    final = report(year=2024, kind="final-account")
    final.year_labels = [label(11, 2024, "预算"), label(12, 2023, "度"), label(13, 2025, "预算"),
                         label(14, 2024, "度")]
    assert rules_at(findings(final, rules=RULES)) == {("NARR-YEAR-COMPARISON", 13),
                                                      ("NARR-YEAR-COMPARISON", 14)}
    budget = report(year=2024, kind="budget")
    budget.year_labels = [label(11, 2024, "预算"), label(12, 2023, "预算"),
                          YearLabel(13, 2023, "own-statement", "部门预算安排", "2023年部门预算")]
    assert rules_at(findings(budget, rules=RULES)) == {("NARR-YEAR-COMPARISON", 11),
                                                       ("NARR-YEAR-OWN", 13)}


_YEAR_RE = re.compile(r"(?:19|20)\d\d")


def _planted(path: Path, r: Report) -> tuple[int, set[int]]:
    """Each year label of a clean report made wrong, one at a time, in place: a comparison's year
    becomes the report's own year (a later one in a final account), an own statement's year the
    year before. Returns (planted, caught)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    planted: list[YearLabel] = []
    wrong_base = r.fiscal_year + (1 if r.kind == "final-account" else 0)
    for k, label in enumerate(r.year_labels):
        wrong = wrong_base if label.role == "comparison" else r.fiscal_year - 1
        row = lines[label.line - 1]
        # the label's year where the label starts on its line (the same phrase may repeat)
        at = row.replace(" ", "").find(label.text.replace(" ", ""))
        assert at >= 0, label
        spaced = [i for i, ch in enumerate(row) if ch != " "]
        start = spaced[at]
        m = _YEAR_RE.search(row, start)
        assert m is not None
        mutated = row[: m.start()] + str(wrong) + row[m.end():]
        again = [x for x in extract_year_labels(read_blocks(
            "\n".join([*lines[: label.line - 1], mutated, *lines[label.line:]])))
            if x.line == label.line and x.year == wrong and x.role == label.role]
        planted += [YearLabel(line=1000 + k, year=x.year, role=x.role, basis=x.basis,
                              text=x.text) for x in again[:1]]
    mutant = report(year=r.fiscal_year, kind=r.kind)
    mutant.year_labels = planted
    caught = {f.line for f in findings(mutant, rules=RULES) if f.line is not None}
    return len(r.year_labels), caught


def test_planted_wrong_years_are_caught() -> None:
    paths = [_sample("000"), _sample("001"), _sample("003"), _sample("004"),
             *[_real(f) for f in FOLDERS if f[:2] != "04"]]
    planted = caught = 0
    for path in paths:
        count, found = _planted(path, _loaded(path))
        planted, caught = planted + count, caught + len(found)
    assert planted >= 40
    assert caught / planted >= 0.9
    assert caught == planted
