"""Listings answered a page of reports at a time (fiscal_kg.queries.paging, `query --page`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import SAMPLES_IN_LISTING_ORDER

from fiscal_kg.cli import main
from fiscal_kg.queries import QueryError, named_queries
from fiscal_kg.queries.paging import PAGE_SIZE, report_order, run_page
from fiscal_kg.queries.sparql_text import typed_group
from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation.findings import Finding, report_graph

NAMED = named_queries()
PAGED = sorted(name for name, query in NAMED.items() if query.pages)
VALUES = {"code-across-units": {"code": "2080505"}, "project-indicators": {"project": "伤残"}}

ORDER = SAMPLES_IN_LISTING_ORDER


def test_the_listings_that_come_in_pages() -> None:
    assert PAGED == [
        "basic-vs-project", "budget-vs-final", "carryover-vs-current", "claims-vs-tables",
        "code-across-units",
        "documents", "economic-breakdown", "findings-by-report", "load-warnings",
        "personnel-cost-per-staff", "project-indicators", "report-completeness",
        "sangong-by-unit", "totals-by-class", "validation-findings"]  # fmt: skip
    # a global top 50 and the totals over many reports are not pages of reports
    assert NAMED["largest-projects"].pages is None and NAMED["totals-by-province"].pages is None


def test_the_reports_come_in_listing_order(sample_store) -> None:
    documents = run_page(sample_store, NAMED["documents"], {}, size=20)
    assert [(str(r["unitName"]), str(r["year"])) for r in documents.result.dicts()] == ORDER
    assert documents.page is not None and documents.page.count == 1
    assert len(report_order(sample_store, NAMED["documents"], {})) == 5


@pytest.mark.parametrize("portable", [False, True], ids=["lateral", "portable"])
@pytest.mark.parametrize("name", PAGED)
def test_the_pages_hold_every_row_once(sample_store, name: str, portable: bool) -> None:
    """Pages of 2 reports: together the rows of the whole answer, none twice, none lost."""
    query, values = NAMED[name], VALUES.get(name, {})
    whole = run_page(sample_store, query, values, size=None, portable=portable)
    assert whole.page is None
    pages, number = [], 1
    while True:
        answer = run_page(sample_store, query, values, page=number, size=2, portable=portable)
        assert answer.page is not None and answer.page.count == 3  # 5 reports
        pages.append(answer.result.rows)
        if answer.page.is_last:
            break
        number += 1
    assert number == 3
    assert Counter(row for page in pages for row in page) == Counter(whole.result.rows)
    assert len(whole.result.rows) > 0, name  # the samples answer every listing


def test_pages_follow_the_order_of_a_listing_sorted_by_report(sample_store) -> None:
    """totals-by-class sorts by unit, year, kind, class: its pages in a row are its whole answer."""
    query = NAMED["totals-by-class"]
    whole = run_page(sample_store, query, {}, size=None).result.rows
    paged = [row for n in (1, 2, 3) for row in run_page(sample_store, query, {}, page=n,
                                                         size=2).result.rows]  # fmt: skip
    assert paged == whole


def test_a_page_holds_the_reports_of_its_slice(sample_store) -> None:
    second = run_page(sample_store, NAMED["findings-by-report"], {}, page=2, size=2)
    assert second.page is not None
    assert second.page.describe() == "page 2 of 3: reports 3–4 of 5"
    assert [(str(r["unitName"]), str(r["year"])) for r in second.result.dicts()] == ORDER[2:4]
    by_unit = {str(r["unitName"]): r for r in second.result.dicts()}
    # 奇台 0 Violations, 9 Warnings, 3 Infos; 苍溪 7/14/15 (as in tests/test_queries.py)
    counts = {u: (int(r["violations"]), int(r["warnings"]), int(r["infos"]))
              for u, r in by_unit.items()}
    assert counts == {"奇台县社会保险管理局": (0, 9, 3), "苍溪县社会保险事务中心": (7, 14, 15)}


def test_parameters_choose_the_reports_before_the_pages(sample_store) -> None:
    """unit and year reach the report list: a page holds only reports the listing shows."""
    query = NAMED["documents"]
    answer = run_page(sample_store, query, {"unit": "社会保险中心"}, page=2, size=2)
    assert answer.page is not None and answer.page.describe() == "page 2 of 2: reports 3–3 of 3"
    assert [str(r["unitName"]) for r in answer.result.dicts()] == ["阿图什市社会保险中心"]
    answer = run_page(sample_store, query, {"year": "2023"}, size=2)
    assert answer.page is not None and answer.page.reports == 3 and answer.page.count == 2
    assert [str(r["unitName"]) for r in answer.result.dicts()] == [u for u, _ in ORDER[0:4:3]]


def test_a_page_past_the_last_is_an_error(sample_store) -> None:
    with pytest.raises(QueryError, match=r"no page 4: 5 report\(s\) make 3 page\(s\) of 2"):
        run_page(sample_store, NAMED["documents"], {}, page=4, size=2)
    with pytest.raises(QueryError, match="1 or more"):
        run_page(sample_store, NAMED["documents"], {}, page=0, size=3)


def test_no_matching_report_is_one_empty_page(sample_store) -> None:
    answer = run_page(sample_store, NAMED["validation-findings"], {"unit": "没有这个单位"})
    assert answer.result.rows == [] and answer.page is not None
    assert answer.page.describe() == "page 1 of 1: no reports of 0"


FINDINGS = """
PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT DATA {
  GRAPH <urn:a> { <urn:a> a fkg:FiscalDocument ; fkg:unit <urn:ua> ; fkg:fiscalYear 2023 ;
                    fkg:documentKind <urn:budget> . <urn:ua> skos:prefLabel "甲单位"@zh }
  GRAPH <urn:b> { <urn:b> a fkg:FiscalDocument ; fkg:unit <urn:ub> ; fkg:fiscalYear 2023 ;
                    fkg:documentKind <urn:budget> . <urn:ub> skos:prefLabel "乙单位"@zh }
  GRAPH <https://w3id.org/fiscal-kg/graph/validation> {
    <urn:r1> a sh:ValidationResult ; fkg:document <urn:a> ; sh:resultSeverity sh:Violation ;
             sh:focusNode <urn:f1> ; fkg:ruleId "R1" .
    <urn:r2> a sh:ValidationResult ; fkg:document <urn:b> ; sh:resultSeverity sh:Violation ;
             sh:focusNode <urn:f2> ; fkg:ruleId "R2" .
    <urn:r3> a sh:ValidationResult, fkg:FindingAboutNoReport ; sh:resultSeverity sh:Warning ;
             sh:focusNode <urn:f3> ; fkg:ruleId "R3" } }
"""


@pytest.mark.parametrize("portable", [False, True], ids=["lateral", "portable"])
def test_findings_about_no_report_come_with_the_first_page(portable: bool) -> None:
    store = OxigraphStore()
    store.update(FINDINGS)
    query = NAMED["validation-findings"]

    def rules(**kw: object) -> set[str]:
        answer = run_page(store, query, {}, portable=portable, **kw)  # type: ignore[arg-type]
        return {str(r["ruleId"]) for r in answer.result.dicts()}

    assert rules(page=1, size=1) == {"R2", "R3"}  # 乙单位 sorts before 甲单位 (U+4E59 < U+7532)
    assert rules(page=2, size=1) == {"R1"}
    assert rules(size=None) == {"R1", "R2", "R3"}


def test_a_finding_about_no_report_is_stated_so() -> None:
    """The validation graph types it, so the listing finds it with one lookup."""
    about = Finding(severity="Warning", rule="R3", message="m", document=None, focus="urn:f3")
    of_a = Finding(severity="Warning", rule="R1", message="m", document="urn:a", focus="urn:f1")
    text = report_graph([about, of_a]).serialize(format="nt")
    typed = [line for line in text.splitlines() if "FindingAboutNoReport" in line]
    assert len(typed) == 1
    subject = typed[0].split()[0]
    assert f"{subject} <http://www.w3.org/ns/shacl#focusNode> <urn:f3> ." in text


def test_the_page_goes_where_the_report_is_bound() -> None:
    text = "SELECT * WHERE { { ?d a fkg:FiscalDocument } UNION { ?x ?y ?z } }"
    assert typed_group(text, "?d", "FiscalDocument") == text.index("{ ?d")
    full = "SELECT * { ?d a <https://w3id.org/fiscal-kg/def#FiscalDocument> }"
    assert typed_group(full, "?d", "FiscalDocument") == full.index("{")
    with pytest.raises(QueryError, match="no `\\?e a …FiscalDocument` pattern"):
        typed_group(text, "?e", "FiscalDocument")


def test_the_command_line_says_which_page(sample_store_dir: Path, capsys) -> None:
    store = str(sample_store_dir)
    assert main(["query", "documents", "--store", store, "--page", "2", "--page-size", "2",
                 "--format", "csv"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == [u for u, _ in ORDER[2:4]]
    assert err == ("fiscal-kg query: page 2 of 3: reports 3–4 of 5; next: --page 3; "
                   "every report: --all\n")
    assert main(["query", "documents", "--store", store, "--page", "3", "--page-size", "2"]) == 0
    assert capsys.readouterr().err == ("fiscal-kg query: page 3 of 3: reports 5–5 of 5; "
                                       "every report: --all\n")
    assert main(["query", "documents", "--store", store, "--all", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 6 and err == ""
    assert main(["query", "documents", "--store", store, "--page", "9"]) == 2
    assert "there is no page 9: 5 report(s) make 1 page(s) of 10" in capsys.readouterr().err
    assert PAGE_SIZE == 10


def test_a_query_without_pages_ignores_them(sample_store_dir: Path, capsys) -> None:
    assert main(["query", "totals-by-province", "--store", str(sample_store_dir),
                 "--page-size", "1", "--format", "csv"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("provinceCode,")


def _report(iri: str, unit: str, name: str, year: int, kind: str, total: int) -> str:
    return f"""GRAPH <{iri}> {{ <{iri}> a fkg:FiscalDocument ; fkg:unit <{unit}> ;
        fkg:fiscalYear {year} ; fkg:documentKind kinds:{kind} . <{unit}> skos:prefLabel "{name}" .
        <{iri}/summary> fkg:summaryOf <{iri}> ; fkg:summaryTableExpenditureTotalYuan {total} }}"""


BUDGETS_AND_FINALS = """PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX kinds: <https://w3id.org/fiscal-kg/code/document-kinds/>
INSERT DATA { """ + " ".join([
    _report("urn:a21f1", "urn:A", "甲单位", 2021, "final-account", 500000),
    _report("urn:a21f2", "urn:A", "甲单位", 2021, "final-account", 600000),
    _report("urn:a22f", "urn:A", "甲单位", 2022, "final-account", 700000),
    _report("urn:a23b", "urn:A", "甲单位", 2023, "budget", 1000000),
    _report("urn:a23f", "urn:A", "甲单位", 2023, "final-account", 900000),
    _report("urn:b23b", "urn:B", "乙单位", 2023, "budget", 2000000)]) + " }"


@pytest.mark.parametrize("portable", [False, True], ids=["lateral", "portable"])
def test_budget_vs_final_rows_belong_to_one_report(portable: bool) -> None:
    """A row per budget (with its year's final accounts) and per final account without a
    budget: pages of one report hold each row once; the final paired with a budget has none."""
    store = OxigraphStore()
    store.update(BUDGETS_AND_FINALS)
    query = NAMED["budget-vs-final"]

    def cells(rows: list[tuple]) -> list[tuple[str, ...]]:
        return [tuple("" if t is None else str(t) for t in row) for row in rows]

    whole = cells(run_page(store, query, {}, size=None, portable=portable).result.rows)
    # unitName year budgetTotal finalTotal difference executionRate budgetDocument finalDocument
    assert sorted(whole) == sorted([
        ("乙单位", "2023", "200", "", "", "", "urn:b23b", ""),
        ("甲单位", "2021", "", "50", "", "", "", "urn:a21f1"),
        ("甲单位", "2021", "", "60", "", "", "", "urn:a21f2"),
        ("甲单位", "2022", "", "70", "", "", "", "urn:a22f"),
        ("甲单位", "2023", "100", "90", "-10", "90", "urn:a23b", "urn:a23f")])  # fmt: skip
    pages = [cells(run_page(store, query, {}, page=n, size=1, portable=portable).result.rows)
             for n in range(1, 7)]  # fmt: skip
    # listing order: 乙 (U+4E59) before 甲 (U+7532); 甲 2021 ×2, 2022, 2023 budget, final
    assert [len(p) for p in pages] == [1, 1, 1, 1, 1, 0]
    assert sorted(row for page in pages for row in page) == sorted(whole)
