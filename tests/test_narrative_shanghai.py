"""The Shanghai district budget explanations: one paragraph per 项, read and judged.

"1、公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元。主要用于：…。2025年当年预算执行数为
1690.69万元，2026年预算安排1672.67万元，比2025年预算执行数减少1.07%。" gives the item's amount, the
prior-year amount with its basis, the current amount stated again and the growth rate. The known
errors of samples/realworld/README.md are found at their lines; the consistent paragraphs raise
nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from validation_models import claim, fact, findings, report, rules_at, table

from fiscal_kg.store import OxigraphStore, graph_quads
from fiscal_kg.validation import validate
from fiscal_kg.validation.findings import Finding
from fiscal_kg.validation.reference import reference_keys
from loaders import vocab
from loaders.model import Claim, DocumentMeta, Report
from loaders.narrative import extract_claims
from loaders.narrative.items import find_paths, resolve_path
from loaders.pipeline import load_report, load_text
from loaders.rdf import report_graph
from loaders.readers import read_blocks
from loaders.text import fold

D = Decimal
REAL = Path(__file__).resolve().parent.parent / "samples" / "realworld"
# The rules that read only the narrative (the table-dependent ones are checked per case below).
OWN = ["NARR-GROWTH-PRIOR", "NARR-GROWTH-PRIOR-LASTDIGIT", "NARR-RESTATED-AMOUNT",
       "NARR-CHANGE-PRIOR", "NARR-GROWTH", "NARR-GROWTH-LASTDIGIT"]


def _path(folder: str, kind: str = "layout") -> Path:
    return next((REAL / folder).glob(f"*.{kind}.txt"))


@cache
def _report(folder: str, kind: str = "layout") -> Report:
    return load_report(_path(folder, kind))


def _at(r: Report, line: int, *, prior: bool) -> Claim:
    found = [c for c in r.claims if c.line == line and (c.prior_amount is not None) == prior]
    assert len(found) == 1, found
    return found[0]


@cache
def _findings(folder: str, kind: str = "layout") -> tuple[Finding, ...]:
    return tuple(findings(_report(folder, kind)))


def _narr(folder: str, rules: list[str], kind: str = "layout") -> set[tuple[str, int | None]]:
    return rules_at([f for f in _findings(folder, kind) if f.rule in rules])


def _one(folder: str, rule: str, line: int) -> Finding:
    found = [f for f in _findings(folder) if f.rule == rule and f.line == line]
    assert len(found) == 1, found
    return found[0]


# -- reading -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "line"), [("layout", 99), ("raw", 86)])
def test_item_paragraph_with_codes_in_brackets(kind: str, line: int) -> None:
    # 04 item 1: the amount on the path's line, then prior, current and rate one sentence later
    # (the layout text wraps "…执行数为" / "1690.69万元" over two lines, the raw text does not).
    r = _report("04_shanghai-putuo_sfj_2026_budget-dept", kind)
    item = _at(r, line, prior=False)
    assert (item.code, item.amount, item.raw) == ("2040601", D("1672.67"), "1672.67")
    assert item.label == "公共安全支出（204类）司法（06款）行政运行（01项）"
    comparison = _at(r, line + 1, prior=True)
    assert (comparison.code, comparison.amount, comparison.prior_amount, comparison.prior_raw,
            comparison.basis, comparison.growth_rate) == (
        "2040601", D("1672.67"), D("1690.69"), "1690.69", "prior-year-execution", D("-1.07"))
    assert comparison.restates is item


@pytest.mark.parametrize(("line", "code", "amount", "prior", "rate"), [
    (115, "2040699", "3845.49", "43269.3", "17.62"),
    (121, "2080505", "183.95", "156.34", "17.66"),  # "主要用于：" ends line 120: no list follows
    (124, "2080506", "91.97", "77.99", "17.66"),
    (128, "2080599", "0.64", "0.50", "28"),
    (134, "2210201", "201.50", "198.34", "5.27"),
])
def test_prior_and_current_amounts_of_04(line: int, code: str, amount: str, prior: str,
                                         rate: str) -> None:
    c = _at(_report("04_shanghai-putuo_sfj_2026_budget-dept"), line, prior=True)
    assert (c.code, c.amount, c.prior_amount, c.growth_rate, c.basis) == (
        code, D(amount), D(prior), D(rate), "prior-year-execution")


def test_two_amounts_for_one_item_are_both_recorded() -> None:
    # 04 item 12: "住房公积金（01项）208.8万元" (line 133), "预算安排201.50万元" (line 134)
    r = _report("04_shanghai-putuo_sfj_2026_budget-dept")
    first, again = _at(r, 133, prior=False), _at(r, 134, prior=True)
    assert (first.code, first.amount, first.raw) == ("2210201", D("208.8"), "208.8")
    assert (again.amount, again.raw, again.restates) == (D("201.50"), "201.50", first)


def test_quoted_paths_new_items_and_flat_rates_of_06() -> None:
    r = _report("06_shanghai-putuo_wanlijd_2024_budget")
    # “住房保障支出（类）住房改革支出（款）住房公积金（项）”350.35万元 … 348.52 → 352.67, 0.53%
    item = _at(r, 175, prior=False)
    assert (item.code, item.amount) == ("2210201", D("350.35"))
    assert item.label == "住房保障支出（类）住房改革支出（款）住房公积金（项）"
    c = _at(r, 176, prior=True)
    assert (c.code, c.amount, c.prior_amount, c.growth_rate, c.basis, c.restates) == (
        "2210201", D("352.67"), D("348.52"), D("0.53"), "prior-year-execution", item)
    # "2023年当年预算执行数为0.00万元，2024年预算安排25.00万元，比…增加100.00%": new this year
    new = _at(r, 105, prior=True)
    assert (new.code, new.prior_amount, new.amount, new.growth_rate) == (
        "2059999", D("0.00"), D("25.00"), D("100.00"))
    # "…预算安排10.00万元，比2023年预算执行数持平": a rate of 0 (科普活动 2060702)
    flat = _at(r, 108, prior=True)
    assert (flat.code, flat.prior_amount, flat.amount, flat.growth_rate) == (
        "2060702", D("10.00"), D("10.00"), D("0"))
    assert flat.restates is _at(r, 107, prior=False)


def test_a_wrapped_line_ending_in_a_full_stop_keeps_the_item() -> None:
    # 06 line 113 ends "…主要用于行政单位离退休。", line 114 goes on "2023年当年预算执行数为
    # 20.30万元": no list marker, no blank line, so the paragraph's item carries on
    c = _at(_report("06_shanghai-putuo_wanlijd_2024_budget"), 114, prior=True)
    assert (c.code, c.prior_amount, c.amount, c.growth_rate) == (
        "2080501", D("20.30"), D("24.31"), D("19.75"))


def test_path_forms() -> None:
    for text, code in [
        ("公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元", "2040601"),
        ("“住房保障支出（类）住房改革支出（款）购房补贴（项）”320.17万元", "2210203"),
        ("“住房保障支出-住房改革支出-购房补贴”科目186.77万元", "2210203"),
    ]:
        paths = find_paths(fold(text))
        assert len(paths) == 1
        label = resolve_path(paths[0][2], 2026)
        assert (label.key if label else None) == code
    assert find_paths(fold("2024-2026年规划")) == []


def test_dash_paths_of_09_name_their_items() -> None:
    codes = {c.line: (c.code, c.amount) for c in _report("09_shanghai-putuo_zfbgs_2025_budget-dept")
             .claims if c.code}
    assert codes[100] == ("2210201", D("174.14"))
    assert codes[102] == ("2210203", D("186.77"))
    # “一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元
    assert codes[79] == ("2010301", D("1202.95"))


def test_final_account_items_named_in_a_sentence_of_their_own() -> None:
    # 01: "5、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于：…。
    # 年初预算为 85.55 万元，支出决算为84.65万元。": the 决算 figure is the item's
    r = _report("01_shanghai-putuo_czj_2024_final")
    final = {c.line: (c.code, c.amount) for c in r.claims if c.code and len(c.code) == 7}
    assert final[596] == ("2080501", D("84.65"))
    assert final[620] == ("2210201", D("187.19"))
    assert final[624] == ("2210203", D("258.50"))
    # line 601 is a path cut off by the text extraction ("…（款）机关事业单位基本养老" +
    # "161.62万元"): the number is about a 项 the line lost, not about the 款 20805
    assert all(c.code is None for c in r.claims if c.line == 601)


def _claims(text: str, year: int = 2026) -> list[Claim]:
    return extract_claims(read_blocks(text), DocumentMeta("某某单位", year, "budget", ""))[1]


def test_comparison_forms() -> None:
    # the prior amount inside the comparison, after the current amount
    first, again = _claims("一、项目经费\n\n1、公共安全支出（204类）司法（06款）行政运行（01项）"
                           "1672.67万元。2026年预算安排1672.67万元，"
                           "比2025年预算执行数1690.69万元减少1.07%。\n")
    assert (again.code, again.amount, again.prior_amount, again.growth_rate, again.basis) == (
        "2040601", D("1672.67"), D("1690.69"), D("-1.07"), "prior-year-execution")
    assert again.restates is first
    # 上年预算数 … 本年预算 …: a prior-year budget basis
    c = _claims("一、项目经费\n\n住房保障支出（类）住房改革支出（款）住房公积金（项）208.8万元，"
                "上年预算数198.34万元，本年预算201.50万元，比上年预算增长5.27%。\n")[1]
    assert (c.amount, c.prior_amount, c.basis, c.restates.amount) == (
        D("201.50"), D("198.34"), "prior-year-budget", D("208.8"))
    # the report's own year is not a prior year: "2026年预算数为…" in a 2026 budget is its amount
    own = _claims("一、支出\n\n行政运行（项）：2026年预算数为303.87万元。\n")
    assert [(x.amount, x.prior_amount) for x in own] == [(D("303.87"), None)]


def test_printed_codes_are_checked_against_the_code_list() -> None:
    # the printed code is what the claim records; a name that says another code is a warning
    meta = DocumentMeta("某某单位", 2026, "budget", "")
    text = ("一、项目经费\n\n住房保障支出（221类）住房改革支出（02款）住房公积金（03项）"
            "208.8万元。\n")
    _, claims, warnings = extract_claims(read_blocks(text), meta)
    assert [(c.code, c.amount) for c in claims] == [("2210203", D("208.8"))]
    assert [(w.code, w.line) for w in warnings] == [("classification-name-mismatch", 3)]
    assert "2210201" in warnings[0].message
    # a code printed in full that the function list lacks (人大事务 is not listed): kept, with a
    # warning; 04's 204 06 01 … are listed (read from that report)
    text = "一、项目经费\n\n一般公共服务支出（201类）人大事务（01款）行政运行（01项）35.5万元。\n"
    _, claims, warnings = extract_claims(read_blocks(text), meta)
    assert [(c.code, c.amount) for c in claims] == [("2010101", D("35.5"))]
    assert [(w.code, w.line) for w in warnings] == [("unlisted-classification", 3)]
    assert ("一般公共服务支出（201类）人大事务（01款）行政运行（01项） = 2010101"
            in warnings[0].message)
    assert [w for w in _report("04_shanghai-putuo_sfj_2026_budget-dept").warnings
            if w.code == "unlisted-classification"] == []


# -- judging -----------------------------------------------------------------------------------

def test_known_errors_of_04() -> None:
    assert _narr("04_shanghai-putuo_sfj_2026_budget-dept", OWN) == {
        ("NARR-GROWTH-PRIOR", 115), ("NARR-GROWTH-PRIOR", 124), ("NARR-GROWTH-PRIOR", 134),
        ("NARR-RESTATED-AMOUNT", 134)}
    folder = "04_shanghai-putuo_sfj_2026_budget-dept"
    # 执行数为43269.3万元 … 增加17.62% (the table and the rate fit 3269.3)
    big = _one(folder, "NARR-GROWTH-PRIOR", 115)
    assert (big.severity, big.found, big.expected) == ("Violation", D("17.62"), D("-91.11"))
    assert "43269.3 to 3845.49" in big.message
    # 77.99 → 91.97 is 17.93%, not 17.66%
    pension = _one(folder, "NARR-GROWTH-PRIOR", 124)
    assert (pension.found, pension.expected, pension.difference) == (
        D("17.66"), D("17.93"), D("-0.27"))
    # 198.34 → 201.50 is 1.59%; 5.27% fits the 208.8 of line 133
    housing = _one(folder, "NARR-GROWTH-PRIOR", 134)
    assert (housing.found, housing.expected) == (D("5.27"), D("1.59"))
    twice = _one(folder, "NARR-RESTATED-AMOUNT", 134)
    assert (twice.severity, twice.found, twice.expected, twice.difference) == (
        "Violation", D("201.5"), D("208.8"), D("-7.3"))
    assert "line 133" in twice.message


def test_known_error_of_06_and_its_two_amounts() -> None:
    folder = "06_shanghai-putuo_wanlijd_2024_budget"
    assert _narr(folder, OWN) == {("NARR-GROWTH-PRIOR", 176), ("NARR-RESTATED-AMOUNT", 176)}
    rate = _one(folder, "NARR-GROWTH-PRIOR", 176)
    assert (rate.found, rate.expected) == (D("0.53"), D("1.19"))
    # the same paragraph opens with 350.35万元 (line 175), which the 0.53% fits: two amounts
    twice = _one(folder, "NARR-RESTATED-AMOUNT", 176)
    assert (twice.found, twice.expected) == (D("352.67"), D("350.35"))


def test_consistent_paragraphs_raise_nothing() -> None:
    # 04 item 1: 1690.69 → 1672.67 is −1.066%, printed −1.07%; item 10: 0.50 → 0.64 is 28%
    found = {f.line for f in _findings("04_shanghai-putuo_sfj_2026_budget-dept")
             if f.rule.startswith("NARR")}
    assert not found & {99, 100, 102, 103, 106, 107, 109, 110, 112, 113, 118, 121, 128, 131, 137}
    for folder in ("01_shanghai-putuo_czj_2024_final", "09_shanghai-putuo_zfbgs_2025_budget-dept",
                   "12_shanghai-putuo_sww_2025_budget-unit",
                   "13_shanghai-putuo_czj_2025_budget-dept"):
        assert _narr(folder, OWN) == set(), folder


def test_the_raw_text_wraps_differently_and_gives_the_same_findings() -> None:
    assert _narr("04_shanghai-putuo_sfj_2026_budget-dept", OWN, "raw") == {
        ("NARR-GROWTH-PRIOR", 99), ("NARR-GROWTH-PRIOR", 106), ("NARR-GROWTH-PRIOR", 113),
        ("NARR-RESTATED-AMOUNT", 113)}
    assert _narr("06_shanghai-putuo_wanlijd_2024_budget", OWN, "raw") == {
        ("NARR-GROWTH-PRIOR", 200), ("NARR-RESTATED-AMOUNT", 200)}


def test_narrative_amounts_against_tables_in_yuan() -> None:
    # The item amounts restate the 元 tables: 04's 201.50 (line 134) and 06's 352.67 (line 176)
    # do not, and 13 prints 887.36万元 for 2080506, whose cells say 873,617.00 元 (twice: the
    # report repeats items 7-11). 13's 87.70 for 877,080.00 元 is a truncation, not an error.
    code = ["NARR-CODE-AMOUNT"]
    assert _narr("04_shanghai-putuo_sfj_2026_budget-dept", code) == {("NARR-CODE-AMOUNT", 134)}
    assert _narr("06_shanghai-putuo_wanlijd_2024_budget", code) == {("NARR-CODE-AMOUNT", 176)}
    assert _narr("13_shanghai-putuo_czj_2025_budget-dept", code) == {
        ("NARR-CODE-AMOUNT", 103), ("NARR-CODE-AMOUNT", 112)}
    typo = _one("13_shanghai-putuo_czj_2025_budget-dept", "NARR-CODE-AMOUNT", 103)
    assert (typo.found, typo.expected) == (D("887.36"), D("87.3617"))


def test_errors_of_the_final_account_01() -> None:
    # Not in the README's list, checked by hand on the PDF: "财政拨款收入支出总计0.3万元" (line 548;
    # the fiscal summary table's 总计 is 2,961.68) and "一般公共服务支出（类）2106.66万元，占71.73%"
    # (line 565; 2106.66 / 2940.05 = 71.65%, and the four shares add up to 100.07%).
    folder = "01_shanghai-putuo_czj_2024_final"
    assert _narr(folder, ["NARR-SHARE", "NARR-SHARE-LASTDIGIT"]) == {("NARR-SHARE", 565)}
    share = _one(folder, "NARR-SHARE", 565)
    assert (share.found, share.expected) == (D("71.73"), D("71.65"))
    total = _one(folder, "NARR-ITEM-AMOUNT", 548)
    assert total.found == D("0.3")


def test_yuan_cells_compare_with_the_rounding_of_the_coarser_print() -> None:
    cells = [fact(20, "16726712.44", code="2040601"), fact(21, "877080.00", code="2080501"),
             fact(22, "873617.00", code="2080506")]
    yuan_table = table("gpb-expenditure", cells, 18)
    yuan_table.currency = "元"
    claims = [claim(30, "1672.67", code="2040601"),  # 16,726,700 ± 50 元: fits
              claim(31, "1672.65", code="2040601"),  # 16,726,500: 212 元 off
              claim(32, "87.70", code="2080501"),  # 877,080 truncated to 87.70: fits
              claim(33, "87.69", code="2080501"),
              claim(34, "887.36", code="2080506")]
    found = findings(report([yuan_table], claims), rules=["NARR-CODE-AMOUNT"])
    assert rules_at(found) == {("NARR-CODE-AMOUNT", 31), ("NARR-CODE-AMOUNT", 33),
                               ("NARR-CODE-AMOUNT", 34)}


def test_growth_prior_rounding_model() -> None:
    def comparison(line: int, prior: str, amount: str, rate: str) -> Claim:
        c = claim(line, amount, code="2080501", growth_rate=D(rate), basis="prior-year-execution")
        c.prior_amount, c.prior_raw = D(prior), prior
        return c

    claims = [comparison(10, "1690.69", "1672.67", "-1.07"),  # −1.066%
              comparison(11, "0.50", "0.64", "28"),  # 28% exactly
              comparison(12, "0.00", "25.00", "100.00"),  # new this year
              comparison(13, "10.00", "10.00", "0"),  # 持平
              comparison(14, "77.99", "91.97", "17.66"),  # 17.93%
              comparison(15, "1690.69", "1672.67", "1.07"),  # wrong sign
              comparison(16, "100.00", "110.00", "10.02")]  # 10.00%: a last-digit slip
    found = findings(report([], claims), rules=OWN)
    assert rules_at(found) == {("NARR-GROWTH-PRIOR", 14), ("NARR-GROWTH-PRIOR", 15),
                               ("NARR-GROWTH-PRIOR-LASTDIGIT", 16)}


def test_change_with_both_amounts() -> None:
    text = ("一、项目经费\n\n住房保障支出（类）住房改革支出（款）购房补贴（项）243.36万元。"
            "2025年当年预算执行数为241.76万元，2026年预算安排243.36万元，增加1.60万元。"
            "购房补贴（项）：2025年预算执行数为241.76万元，2026年预算安排243.36万元，增加2.60万元。\n")
    claims = [c for c in _claims(text) if c.change is not None]
    assert [(c.prior_amount, c.amount, c.change) for c in claims] == [
        (D("241.76"), D("243.36"), D("1.60")), (D("241.76"), D("243.36"), D("2.60"))]
    found = findings(report([], claims), rules=["NARR-CHANGE-PRIOR"])
    assert [(f.found, f.expected) for f in found] == [(D("2.6"), D("1.6"))]


@pytest.mark.parametrize("folder", ["04_shanghai-putuo_sfj_2026_budget-dept",
                                    "06_shanghai-putuo_wanlijd_2024_budget"])
def test_fast_path_agrees_with_pyshacl(folder: str) -> None:
    loaded = _report(folder)
    graph = report_graph(loaded)
    store = OxigraphStore()
    store.add_quads(list(graph_quads(graph, ox.NamedNode(str(vocab.report_document_iri(loaded))))))
    fast = {f.key() for f in validate(store, write_report=False)}
    assert {k for k in fast if k[1] in OWN}
    assert fast == reference_keys(graph)


# -- planted errors ----------------------------------------------------------------------------

_RATE_RE = re.compile(r"(比\d{4}年预算执行数(?:增加|减少))(\d+(?:\.\d+)?)%")
_CURRENT_RE = re.compile(r"(\d{4}年预算安排)(\d+(?:\.\d+)?)(万元)")


def _planted(folder: str, pattern: re.Pattern[str], shift: str) -> tuple[int, set[int], Report]:
    """The report with every match of ``pattern``'s number moved by ``shift`` (as printed)."""
    path = _path(folder)
    text = path.read_text(encoding="utf-8")
    lines: set[int] = set()

    def move(m: re.Match[str]) -> str:
        lines.add(text.count("\n", 0, m.start(2)) + 1)
        value = D(m.group(2))
        places = -value.as_tuple().exponent if "." in m.group(2) else 0
        moved = (value + D(shift)).quantize(D(1).scaleb(-max(places, 2)))
        return m.group(1) + str(moved) + m.group(3) if m.lastindex == 3 else (
            m.group(1) + str(moved) + "%")

    planted, count = pattern.subn(move, text)
    return count, lines, load_text(planted, str(path), "0" * 64)


@pytest.mark.parametrize("folder", ["04_shanghai-putuo_sfj_2026_budget-dept",
                                    "06_shanghai-putuo_wanlijd_2024_budget"])
def test_every_planted_rate_is_caught(folder: str) -> None:
    # each "比…执行数增加/减少 x%" becomes x + 5: the rate no longer fits its two amounts (a
    # shift of 0.5 would not show where the amounts are tiny: 0.50 → 0.64 is 25.7% to 30.3%)
    count, lines, r = _planted(folder, _RATE_RE, "5")
    caught = {f.line for f in findings(r, rules=["NARR-GROWTH-PRIOR"])}
    assert count >= 13
    assert caught == lines  # the real errors' lines are among them


@pytest.mark.parametrize("folder", ["04_shanghai-putuo_sfj_2026_budget-dept",
                                    "06_shanghai-putuo_wanlijd_2024_budget"])
def test_every_planted_second_amount_is_caught(folder: str) -> None:
    # each "…年预算安排 y 万元" becomes y + 1 (beyond the rounding of "686万元"): it no longer
    # restates the item's amount
    count, lines, r = _planted(folder, _CURRENT_RE, "1")
    caught = rules_at(findings(r, rules=["NARR-RESTATED-AMOUNT"]))
    assert count >= 13
    assert caught == {("NARR-RESTATED-AMOUNT", line) for line in lines}
