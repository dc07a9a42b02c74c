"""largest-projects (queries/largest-projects.rq): the 50 largest projects across the store, read
from the reports' summaries; only the projects of the 50 largest amounts (ties included) are joined
to their report and sorted.

On the samples, the rows the reports print. On a store of more projects than 50 (synthetic reports,
with a tie at the 50th row), exactly the first 50 rows of every project sorted — in both forms of
the query — and, on both stores, what that rests on: each fkg:ProjectTotal is one row.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bench.measure_queries import build
from fiscal_kg.queries import named_queries, run
from fiscal_kg.store import OxigraphStore, Store

D = Decimal
QUERY = named_queries()["largest-projects"]
CANGXI, URUMQI = "苍溪县社会保险事务中心", "乌鲁木齐市社会保险中心"
ATUSHI, KIZILSU = "阿图什市社会保险中心", "克孜勒苏柯尔克孜自治州社会保险中心"

PREFIXES = """PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# Every project of every report with the columns of the query: what it sorts, none left out.
EVERY_PROJECT = PREFIXES + """
SELECT ?unitName ?year ?kind ?projectName ?amount ?sources ?line ?project WHERE {
  ?doc a fkg:FiscalDocument ; fkg:unit ?unitIri ; fkg:fiscalYear ?year ;
       fkg:documentKind ?kindConcept .
  GRAPH ?doc {
    ?unitIri skos:prefLabel ?unitName .
    ?summary fkg:summaryOf ?doc ; fkg:projectTotal ?total .
    ?total fkg:largestAmount ?amount ; fkg:summaryProject ?project ; fkg:amountSources ?sources ;
           fkg:firstLine ?line .
    ?project rdfs:label ?projectName }
  BIND(STRAFTER(STR(?kindConcept), "/document-kinds/") AS ?kind) }"""
PROJECT_TOTALS = PREFIXES + """
SELECT (COUNT(*) AS ?n) WHERE {
  ?doc a fkg:FiscalDocument . GRAPH ?doc { ?total a fkg:ProjectTotal } }"""


COLUMNS = ["unitName", "year", "kind", "projectName", "amount", "sources", "line", "project"]


def python_rows(rows: list[tuple]) -> list[dict[str, object]]:
    return [{k: None if v is None else v.toPython() for k, v in zip(COLUMNS, row, strict=True)}
            for row in rows]  # fmt: skip


def rows(store: Store, portable: bool = False, **params: str) -> list[dict[str, object]]:
    result = run(store, QUERY, params, portable=portable)
    assert result.variables == COLUMNS
    return python_rows(result.rows)


def shown(rows_: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(r["unitName"], r["projectName"], r["amount"], r["line"]) for r in rows_]


# ---------------------------------------------------------------------------
# The samples: the amounts their reports print
# ---------------------------------------------------------------------------


def test_the_largest_projects_of_the_samples(sample_store) -> None:
    every = rows(sample_store)
    assert len(every) == 42  # all the samples' projects: fewer than 50
    assert [r["amount"] for r in every] == sorted((r["amount"] for r in every), reverse=True)
    assert shown(every[:3]) == [
        (CANGXI, "县社保事务中心退休人员和养老保险关系转移等人员职业年金虚账做实", D("5000"), 336),
        (CANGXI, "苍溪县社会保险事务中心提供人员和养老保险关系转移等人员职业技能培训 (2023)",
         D("5000"), 481),
        (URUMQI, "1995 年以前退休人员生活补助", D("2352"), 179)]  # fmt: skip
    assert (every[0]["year"], every[0]["kind"], every[0]["sources"]) == (
        2023, "budget", "project table")
    assert (every[2]["year"], every[2]["kind"], every[2]["sources"]) == (
        2023, "final-account", "performance table")


def test_one_unit_one_year_and_a_minimum_of_the_samples(sample_store) -> None:
    atushi = rows(sample_store, unit="阿图什")
    assert shown(atushi) == [
        (ATUSHI, "城乡居民养老保险补助金项目", D("538.12"), 302),
        (ATUSHI, "基层平台网络运行维护费", D("15"), 303),
        (ATUSHI, "2023 年自治区财政社保经办机构业务补助经费", D("7"), 304)]  # fmt: skip
    assert {r["sources"] for r in atushi} == {"description, performance table, project table"}
    assert shown(rows(sample_store, year="2022")) == [
        (KIZILSU, "代办员经费", D("8.4"), 270), (KIZILSU, "线路租赁费", D("5"), 269),
        (KIZILSU, "企业基本养老保险扩面项目", D("3"), 271)]  # fmt: skip
    big = rows(sample_store, minimum="1000")
    assert [r["amount"] for r in big] == [D(a) for a in ("5000", "5000", "2352", "1500", "1500",
                                                          "1112.52")]  # fmt: skip
    assert {r["unitName"] for r in big} == {CANGXI, URUMQI}
    assert rows(sample_store, minimum="2352")[-1]["amount"] == D("2352")  # at least: included
    cangxi = rows(sample_store, unit="苍溪", year="2023", minimum="300")
    assert len(cangxi) == 5 and {r["unitName"] for r in cangxi} == {CANGXI}
    assert shown(cangxi[-1:]) == [(CANGXI, "县社保事务中心职业年金虚账做实资金", D("1112.52"), 334)]
    assert rows(sample_store, unit="苍溪", year="2022") == []


# ---------------------------------------------------------------------------
# More than 50 projects: exactly the first 50 rows, ties at the 50th included
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory):
    """40 synthetic reports (bench.synthetic, seed 0): 336 projects, the 50th row in a tie."""
    path: Path = tmp_path_factory.mktemp("largest") / "store"
    build(path, 40)
    store = OxigraphStore(path, read_only=True)
    yield store
    store.close()


def first_50(store: Store, unit: str | None = None, year: int | None = None,
             minimum: Decimal | None = None) -> list[dict[str, object]]:  # fmt: skip
    """The query's rows computed in Python: every project, filtered, sorted, cut at 50."""
    kept = [r for r in python_rows(store.query(EVERY_PROJECT).rows)
            if (unit is None or unit in str(r["unitName"]))
            and (year is None or r["year"] == year)
            and (minimum is None or r["amount"] >= minimum)]  # type: ignore[operator]
    kept.sort(key=lambda r: (-r["amount"], str(r["unitName"]), str(r["projectName"])))  # type: ignore[operator]
    return kept[:50]


def test_each_project_total_is_one_row(sample_store, synthetic_store) -> None:
    # the query keeps the projects of the 50 largest amounts of the ProjectTotals: the first
    # 50 rows only if each ProjectTotal is one row
    for store, count in ((sample_store, 42), (synthetic_store, 336)):
        assert int(store.query(PROJECT_TOTALS).rows[0][0].toPython()) == count
        assert len(store.query(EVERY_PROJECT).rows) == count


CASES = [
    {}, {"year": "2024"}, {"year": "2022"}, {"minimum": "1000"}, {"minimum": "1076.24"},
    {"minimum": "10000"}, {"minimum": "20000"}, {"unit": "合成0000"}, {"unit": "合成"},
    {"unit": "合成00003", "year": "2026"}, {"minimum": "500", "year": "2023"},
]  # fmt: skip


@pytest.mark.parametrize("params", CASES, ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
def test_the_first_50_rows_of_every_project(synthetic_store, params: dict[str, str]) -> None:
    expected = first_50(synthetic_store, params.get("unit"),
                        int(params["year"]) if "year" in params else None,
                        D(params["minimum"]) if "minimum" in params else None)  # fmt: skip
    assert rows(synthetic_store, **params) == expected
    assert rows(synthetic_store, portable=True, **params) == expected


def test_a_tie_at_the_50th_row_is_cut_by_unit_and_project_name(synthetic_store) -> None:
    every = python_rows(synthetic_store.query(EVERY_PROJECT).rows)
    amounts = sorted((r["amount"] for r in every), reverse=True)  # type: ignore[type-var]
    assert amounts[48] == amounts[49] == amounts[50] == D("1076.24")  # rows 49–51 tie
    got = rows(synthetic_store)
    assert len(got) == 50 and got[-1]["amount"] == D("1076.24")
    tied = sorted((str(r["unitName"]), str(r["projectName"])) for r in every
                  if r["amount"] == D("1076.24"))  # fmt: skip
    assert [(str(r["unitName"]), str(r["projectName"])) for r in got[-2:]] == tied[:2]
