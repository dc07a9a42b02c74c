"""Every named query runs on the five samples and gives the numbers the reports print."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pyoxigraph as ox
import pytest
import requests
from conftest import oxigraph_server

from fiscal_kg.ingest import load_paths
from fiscal_kg.queries import (
    NamedQuery,
    QueryError,
    bind,
    format_csv,
    format_table,
    named_queries,
    parse_query,
    run,
    to_json,
)
from fiscal_kg.store import OxigraphStore

D = Decimal
ATUSHI, URUMQI = "阿图什市社会保险中心", "乌鲁木齐市社会保险中心"
KIZILSU = "克孜勒苏柯尔克孜自治州社会保险中心"
CANGXI, QITAI = "苍溪县社会保险事务中心", "奇台县社会保险管理局"
ATUSHI_DOC = "https://w3id.org/fiscal-kg/id/doc/bfa9e6175624/2023/unit/budget"


def rows(store, name: str, **params: str) -> list[dict[str, object]]:
    """The rows of a named query as Python values (Decimal, int, str; None when unbound)."""
    result = run(store, named_queries()[name], params)
    return [
        {k: (None if v is None else v.toPython()) for k, v in row.items()}
        for row in result.dicts()
    ]


def by(rows_: list[dict], *keys: str) -> dict:
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows_}


# ---------------------------------------------------------------------------
# One test per named query
# ---------------------------------------------------------------------------


def test_documents(sample_store) -> None:
    docs = by(rows(sample_store, "documents"), "unitName")
    assert set(docs) == {ATUSHI, URUMQI, KIZILSU, CANGXI, QITAI}
    atushi = docs[ATUSHI]
    assert (atushi["year"], atushi["kind"], atushi["file"]) == (
        2023, "budget", "000_f35cf930234f7c72.txt")
    assert atushi["document"] == ATUSHI_DOC
    assert atushi["tables"] >= 8 and atushi["facts"] >= 200 and atushi["claims"] > 0
    assert (docs[URUMQI]["year"], docs[URUMQI]["kind"]) == (2023, "final-account")
    assert (docs[KIZILSU]["year"], docs[QITAI]["year"], docs[CANGXI]["year"]) == (2022, 2024, 2023)
    assert {r["unitName"] for r in rows(sample_store, "documents", year="2023")} == {
        ATUSHI, URUMQI, CANGXI}
    assert [r["unitName"] for r in rows(sample_store, "documents", unit="奇台")] == [QITAI]


def test_totals_by_class(sample_store) -> None:
    totals = by(rows(sample_store, "totals-by-class"), "unitName", "class")
    atushi_208 = totals[(ATUSHI, "208")]
    assert (atushi_208["amount"], atushi_208["basis"], atushi_208["year"]) == (
        D("864.45"), "类 row", 2023)
    assert atushi_208["classLabel"] == "社会保障和就业支出"
    assert atushi_208["amountYuan"] == D("8644500") and atushi_208["currency"] == "万元"
    assert totals[(ATUSHI, "210")]["amount"] == D("23.6")
    assert totals[(ATUSHI, "221")]["amount"] == D("23.24")
    # 苍溪 prints only 项 rows: summed to the 类, equal to its 财政拨款 summary (21,017.35)
    assert totals[(CANGXI, "208")]["amount"] == D("21017.35")
    assert totals[(CANGXI, "208")]["basis"] == "sum of 9 项 rows"
    assert totals[(KIZILSU, "208")]["amount"] == D("389.75")
    only = rows(sample_store, "totals-by-class", **{"class": "208", "year": "2023"})
    assert {(r["unitName"], r["amount"]) for r in only} == {
        (ATUSHI, D("864.45")), (CANGXI, D("21017.35"))}
    # unit and year reach inside the query's sub-query (the sums are made for that unit only)
    cangxi = rows(sample_store, "totals-by-class", unit="苍溪", year="2023")
    assert {(r["unitName"], r["class"], r["amount"]) for r in cangxi} >= {
        (CANGXI, "208", D("21017.35"))}
    assert {r["unitName"] for r in cangxi} == {CANGXI}


def test_basic_vs_project(sample_store) -> None:
    shares = by(rows(sample_store, "basic-vs-project"), "unitName")
    atushi = shares[ATUSHI]
    assert (atushi["total"], atushi["basic"], atushi["project"]) == (
        D("911.29"), D("313.26"), D("598.03"))
    assert (atushi["basicShare"], atushi["projectShare"]) == (D("34.38"), D("65.62"))
    assert atushi["source"] == "expenditure table"
    # 乌鲁木齐 final account: "本年支出 10,938.34 万元，其中：基本支出 5,631.87 万元，占 51.49%"
    urumqi = shares[URUMQI]
    assert (urumqi["total"], urumqi["basic"], urumqi["basicShare"]) == (
        D("10938.34"), D("5631.87"), D("51.49"))


def test_personnel_cost_per_staff(sample_store) -> None:
    per = by(rows(sample_store, "personnel-cost-per-staff"), "unitName")
    atushi = per[ATUSHI]  # 人员经费 307.41 万元; 实有人数 46, 在职 19
    assert atushi["personnelYuan"] == D("3074100")
    assert (atushi["actualStaff"], atushi["activeStaff"]) == (46, 19)
    assert atushi["perStaffYuan"] == D("66828.26")
    assert atushi["perActiveStaffYuan"] == D("161794.74")
    assert per[URUMQI]["actualStaff"] == 435


def test_sangong_by_unit(sample_store) -> None:
    sangong = by(rows(sample_store, "sangong-by-unit"), "unitName", "item")
    kizilsu = sangong[(KIZILSU, "sangong-total")]
    assert (kizilsu["tableAmount"], kizilsu["statedAmount"]) == (D("9.3"), D("9.3"))
    assert sangong[(KIZILSU, "sangong-reception")]["tableAmount"] == D("1.3")
    assert sangong[(URUMQI, "sangong-total")]["statedAmount"] == D("32.29")
    assert sangong[(URUMQI, "sangong-total")]["itemLabel"] == "“三公”经费合计"
    assert sangong[(ATUSHI, "sangong-total")]["statedAmount"] == D("0")


def test_largest_projects(sample_store) -> None:
    projects = rows(sample_store, "largest-projects")
    amounts = [r["amount"] for r in projects]
    assert amounts == sorted(amounts, reverse=True)
    assert projects[0]["amount"] == D("5000") and projects[0]["unitName"] == CANGXI
    named = by(projects, "projectName")
    atushi = named["城乡居民养老保险补助金项目"]
    assert (atushi["unitName"], atushi["amount"]) == (ATUSHI, D("538.12"))
    assert "project table" in atushi["sources"]
    assert named["1995 年以前退休人员生活补助"]["amount"] == D("2352")
    big = rows(sample_store, "largest-projects", minimum="1000")
    assert big and all(r["amount"] >= 1000 for r in big)
    assert {r["unitName"] for r in big} == {CANGXI, URUMQI}


def test_code_across_units(sample_store) -> None:
    found = rows(sample_store, "code-across-units", code="2080109")
    atushi = [r for r in found if r["unitName"] == ATUSHI and r["tableType"] == "expenditure"]
    assert {(r["column"], r["amount"], r["line"]) for r in atushi} == {
        ("total", D("774.29"), 175), ("basic", D("214.17"), 175), ("project", D("560.12"), 175)}
    urumqi = [r for r in found if r["unitName"] == URUMQI]
    assert [(r["source"], r["amount"], r["line"]) for r in urumqi] == [
        ("narrative", D("2662.39"), 101)]
    assert {r["code"] for r in found} == {"2080109"}
    only = rows(sample_store, "code-across-units", code="2080109", unit="乌鲁木齐")
    assert [(r["unitName"], r["source"], r["amount"]) for r in only] == [
        (URUMQI, "narrative", D("2662.39"))]
    with pytest.raises(QueryError, match="required"):
        rows(sample_store, "code-across-units")


def test_budget_vs_final(sample_store) -> None:
    pairs = by(rows(sample_store, "budget-vs-final"), "unitName", "year")
    assert pairs[(ATUSHI, 2023)]["budgetTotal"] == D("911.29")
    assert pairs[(ATUSHI, 2023)]["finalTotal"] is None
    urumqi = pairs[(URUMQI, 2023)]  # "2023 年度支出总计 10,938.34 万元"
    assert (urumqi["finalTotal"], urumqi["budgetTotal"], urumqi["difference"]) == (
        D("10938.34"), None, None)
    assert pairs[(CANGXI, 2023)]["budgetTotal"] == D("24107.98")


def test_claims_vs_tables(sample_store) -> None:
    disagreeing = rows(sample_store, "claims-vs-tables")
    cangxi = by([r for r in disagreeing if r["unitName"] == CANGXI], "code")
    # "社会保障和就业支出 14652 万元" while its tables print 21,017.35
    assert cangxi["208"]["claimedAmount"] == D("14652")
    assert "21017.35" in cangxi["208"]["tableAmounts"]
    assert cangxi["208"]["claimLine"] == 524
    # 阿图什's narrative agrees with its tables
    assert not [r for r in disagreeing if r["unitName"] == ATUSHI]
    assert {r["code"] for r in rows(sample_store, "claims-vs-tables", code="208")} == {"208"}


def test_validation_findings(sample_store) -> None:
    findings = rows(sample_store, "validation-findings")
    stored = sum(
        1
        for _ in sample_store.quads(
            None,
            ox.NamedNode("http://www.w3.org/ns/shacl#resultSeverity"),
            None,
            "https://w3id.org/fiscal-kg/graph/validation",
        )
    )
    assert findings and len(findings) == stored  # one row per sh:ValidationResult
    # 苍溪's narrative: "住房公积金（项）…41.53 万元" while its tables print 41.54
    housing = [r for r in findings if r["unitName"] == CANGXI and r["line"] == 552]
    assert [(r["ruleId"], r["expected"], r["found"]) for r in housing] == [
        ("NARR-CODE-AMOUNT", D("41.54"), D("41.53"))]
    assert housing[0]["severityName"] == "Violation" and housing[0]["year"] == 2023
    for severity in {r["severityName"] for r in findings}:
        subset = rows(sample_store, "validation-findings", severity=severity)
        assert subset and {r["severityName"] for r in subset} == {severity}
    by_rule = rows(sample_store, "validation-findings", rule="NARR-CODE-AMOUNT")
    assert by_rule and {r["ruleId"] for r in by_rule} == {"NARR-CODE-AMOUNT"}
    cangxi = rows(sample_store, "validation-findings", unit="苍溪")
    assert {r["unitName"] for r in cangxi} == {CANGXI}
    assert len(cangxi) == len([r for r in findings if r["unitName"] == CANGXI])
    assert ("NARR-CODE-AMOUNT", 552) in {(r["ruleId"], r["line"]) for r in cangxi}


def test_findings_by_report(sample_store, sample_paths) -> None:
    counts = {r["unitName"]: (r["violations"], r["warnings"], r["infos"], r["validated"])
              for r in rows(sample_store, "findings-by-report")}
    assert counts == {  # the samples' findings (22 Violations, 32 Warnings, 36 Infos)
        URUMQI: (5, 3, 12, True), KIZILSU: (10, 3, 2, True), QITAI: (0, 9, 3, True),
        CANGXI: (7, 14, 15, True), ATUSHI: (0, 3, 4, True)}
    # the same numbers as the findings listed one by one
    for r in rows(sample_store, "findings-by-report", unit="苍溪"):
        listed = rows(sample_store, "validation-findings", unit="苍溪")
        assert [sum(f["severityName"] == s for f in listed) for s in
                ("Violation", "Warning", "Info")] == [r["violations"], r["warnings"], r["infos"]]
    # a report loaded again after validation is "not validated" until validated again
    store = OxigraphStore()
    store.add_quads(sample_store.quads())
    atushi = next(p for p in sample_paths if p.name.startswith("000"))
    load_paths(store, [atushi], quiet=True, force=True)
    after = by(rows(store, "findings-by-report"), "unitName")
    assert (after[ATUSHI]["violations"], after[ATUSHI]["infos"], after[ATUSHI]["validated"]) == (
        0, 0, False)
    assert (after[CANGXI]["violations"], after[CANGXI]["validated"]) == (7, True)
    assert [r["unitName"] for r in rows(store, "findings-by-report", year="2024")] == [QITAI]


def test_where_from(sample_store) -> None:
    line = rows(sample_store, "where-from", document=ATUSHI_DOC, line="175")
    assert {(r["column"], r["amount"]) for r in line} == {
        ("支出预算 / 合 计", D("774.29")), ("支出预算 / 基本支出", D("214.17")),
        ("支出预算 / 项目支出", D("560.12"))}
    first = line[0]
    assert (first["table"], first["file"], first["line"], first["unitName"]) == (
        "单位支出总体情况表", "000_f35cf930234f7c72.txt", 175, ATUSHI)
    (one,) = rows(sample_store, "where-from", fact=first["fact"])
    assert one["raw"] == str(first["amount"]) or one["raw"] == first["raw"]
    claim = rows(sample_store, "where-from", document=ATUSHI_DOC, line="416")
    assert [(r["row"], r["amount"]) for r in claim] == [("人员经费", D("307.41"))]
    assert claim[0]["table"].startswith("六、关于阿图什市社会保险中心")
    everywhere = rows(sample_store, "where-from", line="175")  # line alone: every report
    assert {(r["unitName"], r["amount"]) for r in line} <= {
        (r["unitName"], r["amount"]) for r in everywhere}
    assert {r["line"] for r in everywhere} == {175} and len({r["document"] for r in everywhere}) > 1
    # without fact, document or line: some amounts, at most 100, each with its source line
    some = rows(sample_store, "where-from")
    assert len(some) == 100 and all(r["line"] and r["document"] for r in some)


def test_report_completeness(sample_store) -> None:
    have = by(rows(sample_store, "report-completeness"), "unitName", "tableType")
    assert have[(ATUSHI, "expenditure")]["present"] is True
    assert have[(ATUSHI, "expenditure")]["facts"] >= 40
    # "八、政府性基金预算支出情况表" is listed in its contents but not printed
    assert have[(ATUSHI, "gov-fund")]["present"] is False
    assert have[(ATUSHI, "gov-fund")]["typeLabel"] == "政府性基金预算支出情况表"
    assert have[(CANGXI, "gov-fund")]["present"] is True  # printed, disclosed empty
    assert have[(CANGXI, "gov-fund")]["facts"] == 0
    assert ("generic" not in {t for _, t in have}) and not any(
        t.startswith("performance") for _, t in have)


def test_project_indicators(sample_store) -> None:
    indicators = rows(sample_store, "project-indicators", project="1-3 月伤残津贴")
    assert {r["unitName"] for r in indicators} == {URUMQI}
    people = by(indicators, "level3")["发放人数"]
    assert (people["level1"], people["level2"], people["target"], people["actual"]) == (
        "产出指标", "数量指标", ">=50人", "=53 人")
    assert (people["weight"], people["score"], people["line"]) == (D("8"), D("8"), 213)
    with pytest.raises(QueryError, match="required"):
        rows(sample_store, "project-indicators")


def test_load_warnings(sample_store) -> None:
    warnings = rows(sample_store, "load-warnings", unit=ATUSHI)
    missing = [r for r in warnings if r["warningCode"] == "announced-table-missing"]
    assert [r["line"] for r in missing][:2] == [30, 32]
    assert "政府性基金预算支出情况表" in missing[0]["message"]
    assert {r["file"] for r in warnings} == {"000_f35cf930234f7c72.txt"}
    only = rows(sample_store, "load-warnings", code="announced-table-missing")
    assert {r["warningCode"] for r in only} == {"announced-table-missing"}


def test_economic_breakdown(sample_store) -> None:
    econ = by(rows(sample_store, "economic-breakdown", unit="克孜勒苏"), "code")
    assert (econ["301"]["label"], econ["301"]["amount"], econ["301"]["line"]) == (
        "工资福利支出", D("314.65"), 237)
    assert econ["30101"]["amount"] == D("93.21")
    classes = rows(sample_store, "economic-breakdown", unit="克孜勒苏", level="3")
    assert [r["code"] for r in classes] == ["301", "302", "303"]
    assert sum(r["share"] for r in classes) == D("100")


def test_carryover_vs_current(sample_store) -> None:
    funding = by(rows(sample_store, "carryover-vs-current"), "unitName")
    assert (funding[ATUSHI]["currentYear"], funding[ATUSHI]["carryover"]) == (
        D("908.94"), D("2.35"))
    assert funding[ATUSHI]["carryoverShare"] == D("0.26")
    assert (funding[CANGXI]["currentYear"], funding[CANGXI]["carryover"]) == (
        D("17742.62"), D("6365.36"))
    # 奇台 2024 prints no carry-over: a share of 0, not unbound (Oxigraph 0.5.13 leaves
    # 0 ÷ 1010.7 unbound; the query guards the division)
    qitai = next(r for name, r in funding.items() if "奇台" in name)
    assert (qitai["currentYear"], qitai["carryover"], qitai["carryoverShare"]) == (
        D("1010.7"), None, D("0"))


def test_units_by_division(sample_store) -> None:
    units = by(rows(sample_store, "units-by-division"), "unitName")
    assert (units[ATUSHI]["divisionCode"], units[ATUSHI]["prefectureCode"],
            units[ATUSHI]["provinceCode"]) == ("653001", "653000", "650000")  # fmt: skip
    sichuan = rows(sample_store, "units-by-division", provinceCode="510000")
    assert [(r["unitName"], r["prefectureName"]) for r in sichuan] == [(CANGXI, "广元市")]


def test_totals_by_prefecture_and_province(sample_store) -> None:
    pref = by(rows(sample_store, "totals-by-prefecture"), "prefectureCode", "year", "kind")
    assert pref[("653000", 2023, "budget")]["totalYuan"] == D("9112900")  # 阿图什 911.29 万元
    assert pref[("510800", 2023, "budget")]["totalYuan"] == D("241079800")  # 苍溪 24,107.98
    prov = by(rows(sample_store, "totals-by-province"), "provinceCode", "year", "kind")
    assert prov[("510000", 2023, "budget")]["totalYuan"] == D("241079800")
    assert prov[("650000", 2022, "budget")]["totalYuan"] == D("3897500")  # 克州 389.75 万元
    only = rows(sample_store, "totals-by-province", provinceCode="510000")
    assert [r["provinceCode"] for r in only] == ["510000"]


WIKIDATA_LIKE = """
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
wd:Q668353 wdt:P442 "65 30 01" ; wdt:P1082 "272000" ; rdfs:label "阿图什市"@zh, "Artux"@en .
"""


def test_federated_wikidata(sample_store) -> None:
    """The SERVICE block pointed at a local server holding Wikidata-shaped data."""
    with oxigraph_server("serve") as base:
        put = requests.put(f"{base}/store", params={"default": ""}, data=WIKIDATA_LIKE.encode(),
                           headers={"Content-Type": "text/turtle"}, timeout=30)  # fmt: skip
        assert put.ok, put.text
        query = named_queries()["federated-wikidata"]
        assert "SERVICE <https://query.wikidata.org/sparql>" in query.text
        local = dataclasses.replace(
            query, text=query.text.replace("https://query.wikidata.org/sparql", f"{base}/query")
        )
        result = run(sample_store, local, {"divisionCode": "653001"})
    got = [{k: str(v) for k, v in r.items() if v is not None} for r in result.dicts()]
    assert [(r["divisionName"], r["item"], r["itemLabelEn"]) for r in got] == [
        ("阿图什市", "http://www.wikidata.org/entity/Q668353", "Artux")]


def test_every_named_query_is_covered() -> None:
    tested = {
        name.removeprefix("test_").replace("_", "-")
        for name in globals() if name.startswith("test_")
    }
    tested |= {"totals-by-prefecture", "totals-by-province"}
    assert set(named_queries()) <= tested
    assert len(named_queries()) >= 19


# ---------------------------------------------------------------------------
# Headers and parameter binding
# ---------------------------------------------------------------------------


def test_every_query_has_a_header() -> None:
    for name, query in named_queries().items():
        assert query.title and query.question, name
        for param in query.params:
            assert param.type in {"iri", "string", "integer", "decimal", "code", "year"}, name
            assert param.meaning, (name, param.name)


HOSTILE = ['x" } UNION { ?s ?p ?o } #', "it's {braces} \\ \"quotes\"\n} UNION {", "}"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_parameter_value_cannot_change_the_query(value: str) -> None:
    text = """# title: echo
# param needle: string — any text
PREFIX ex: <http://example.org/>
SELECT ?needle (STRLEN(?needle) AS ?length) WHERE { # a comment with { and WHERE
  BIND("WHERE { not the clause }" AS ?decoy)
}"""
    query = parse_query(text, "echo")
    sent = bind(query, {"needle": value})
    values_block = re.search(r" VALUES \(\?needle\) \{ \((.*)\) \}\n", sent, re.S)
    assert values_block is not None
    assert sent.replace(values_block.group(0), "", 1) == text  # only the VALUES block was added
    assert sent.index("VALUES") > sent.index("WHERE {")  # in the real WHERE, not the comment
    result = OxigraphStore().query(sent)
    assert len(result.rows) == 1
    assert result.rows[0][0].toPython() == value  # one literal, byte for byte
    assert result.rows[0][1].toPython() == len(value)


def test_parameters_reach_sub_queries_that_read_them() -> None:
    text = """# param unit: string — u
# param class: code — c
SELECT * WHERE {
  { SELECT ?d WHERE { ?d <urn:name> ?n FILTER(CONTAINS(?n, ?unit)) } }
  { SELECT ?d ?class WHERE { ?d <urn:code> ?code BIND(SUBSTR(?code, 1, 3) AS ?class) } }
  ?d <urn:p> ?o LATERAL { SELECT ?d WHERE { ?d <urn:q> ?unit } }
}"""
    sent = bind(parse_query(text), {"unit": "x", "class": "208"})
    blocks = re.findall(r"VALUES \(([^)]*)\)", sent)
    # the query's own group gets both; the sub-query reading ?unit gets ?unit; the one that
    # computes ?class joins on it; LATERAL passes the values in by itself
    assert blocks == ["?unit ?class", "?unit"]
    assert sent.index("VALUES (?unit)") < sent.index("CONTAINS")


def test_typed_parameters_are_checked() -> None:
    query = parse_query(
        "# param y: year — y\n# param i: iri — i\n# param c: code — c\n# param d: decimal — d\n"
        "SELECT * WHERE { }"
    )
    sent = bind(query, {"y": "2023", "i": "https://w3id.org/x", "c": "2080109", "d": "1.50"})
    assert '"2023"^^<http://www.w3.org/2001/XMLSchema#integer>' in sent
    assert "<https://w3id.org/x>" in sent and '"2080109"' in sent
    assert '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>' in sent
    for bad in ({"y": "20x3"}, {"i": "http://x/a> } UNION { <b"}, {"c": "208' OR"}, {"d": "NaN"},
                {"nope": "1"}):  # fmt: skip
        with pytest.raises(QueryError):
            bind(query, bad)


def test_output_formats(sample_store) -> None:
    result = run(sample_store, named_queries()["totals-by-class"], {"class": "210"})
    table = format_table(result)
    lines = table.splitlines()
    assert lines[0].startswith("unitName") and lines[-1] == f"({len(result.rows)} rows)"
    # CJK aware: the amount column starts at the same display column on every row
    from fiscal_kg.queries import display_width

    starts = {display_width(line[: line.index("23.6")]) for line in lines if "23.6" in line}
    header_end = display_width(lines[0][: lines[0].index("amount") + len("amount")])
    assert len(starts) == 1 and starts.pop() + len("23.6") == header_end
    csv_text = format_csv(result)
    assert csv_text.startswith("unitName,year,kind,class,classLabel,amount,")
    assert f"{ATUSHI},2023,budget,210,卫生健康支出,23.6," in csv_text
    data = to_json(result)
    assert data["head"]["vars"][:2] == ["unitName", "year"]
    first = next(b for b in data["results"]["bindings"] if b["unitName"]["value"] == ATUSHI)
    assert first["amount"] == {
        "type": "literal", "value": "23.6",
        "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}  # fmt: skip
    assert first["unitName"] == {"type": "literal", "value": ATUSHI, "xml:lang": "zh"}


def test_named_query_objects() -> None:
    query = named_queries()["code-across-units"]
    assert isinstance(query, NamedQuery) and query.param("code").required
    assert query.param("year").type == "year"
