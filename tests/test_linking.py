"""Linking budget units to administrative divisions and Wikidata (issue 7).

Every code asserted here is cross-checked against the CC0 code history in
tests/data/reference/areacodes.csv (a copy; its README gives source and licence), which is
independent of the python-stdnum data the project uses.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from fiscal_kg.divisions import (
    code_from_p442,
    divisions_graph,
    level_iri,
    load_index,
    wikidata_p442,
    wikidata_table,
)
from fiscal_kg.linking import abbreviations, link_store, resolve, short_forms, split_agency
from fiscal_kg.processes import stop_process
from loaders.resources import resource_dir
from loaders.summaries import summary_iri
from loaders.vocab import (
    DIVISIONS_GRAPH,
    FKG,
    LINKS_GRAPH,
    QB,
    WD,
    WDT,
    code_iri,
    division_iri,
    document_iri,
    fact_iri,
    table_iri,
    unit_iri,
)

# A plain Namespace: rdflib's closed XSD namespace warns when pytest probes its attributes.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
REPO = Path(__file__).resolve().parents[1]
AREACODES = Path(__file__).resolve().parent / "data" / "reference" / "areacodes.csv"
SAMPLES = REPO / "samples" / "reports"

# (sample file prefix, unit name as printed, fiscal year, code, parents nearest first)
SAMPLE_UNITS = [
    ("000", "阿图什市社会保险中心", 2023, "653001", ["653000", "650000"]),
    ("001", "乌鲁木齐市社会保险中心", 2023, "650100", ["650000"]),
    ("002", "克孜勒苏柯尔克孜自治州社会保险中心", 2022, "653000", ["650000"]),
    ("003", "苍溪县社会保险事务中心", 2023, "510824", ["510800", "510000"]),
    ("004", "奇台县社会保险管理局", 2024, "652325", ["652300", "650000"]),
    ("004", "奇台县社会保险中心", 2024, "652325", ["652300", "650000"]),
]

# Real agency names of other units: (name, year, code, official division name).
AGENCIES = [
    ("长阳土家族自治县社会保险管理局", 2023, "420528", "长阳土家族自治县"),
    ("长阳县医疗保障局", 2023, "420528", "长阳土家族自治县"),
    ("峨边彝族自治县社会保险事务中心", 2023, "511132", "峨边彝族自治县"),
    ("北京市朝阳区社会保险事业管理中心", 2023, "110105", "朝阳区"),
    ("上海市浦东新区医疗保障局", 2023, "310115", "浦东新区"),
    ("重庆市万州区社会保险事务中心", 2023, "500101", "万州区"),
    ("天津市滨海新区人力资源和社会保障局", 2023, "120116", "滨海新区"),
    ("锡林郭勒盟社会保险事业管理局", 2023, "152500", "锡林郭勒盟"),
    ("达拉特旗社会保险事业管理局", 2023, "150621", "达拉特旗"),
    ("鄂伦春自治旗社会保险事业管理局", 2023, "150723", "鄂伦春自治旗"),
    ("兴安盟科尔沁右翼前旗社会保险事业管理局", 2023, "152221", "科尔沁右翼前旗"),
    ("阿拉善左旗社会保险事业管理局", 2023, "152921", "阿拉善左旗"),
    ("呼和浩特市赛罕区社会保险事业管理局", 2023, "150105", "赛罕区"),
    ("内蒙古自治区社会保险事业管理局", 2023, "150000", "内蒙古自治区"),
    ("广西壮族自治区社会保险事业局", 2023, "450000", "广西壮族自治区"),
    ("宁夏回族自治区社会保险事业管理局", 2023, "640000", "宁夏回族自治区"),
    ("西藏自治区社会保险事业管理局", 2023, "540000", "西藏自治区"),
    ("新疆维吾尔自治区社会保险管理局", 2023, "650000", "新疆维吾尔自治区"),
    ("四川省社会保险事务中心", 2023, "510000", "四川省"),
    ("海南省医疗保障局", 2023, "460000", "海南省"),
    ("成都市医疗保障局", 2023, "510100", "成都市"),
    ("深圳市社会保险基金管理局", 2023, "440300", "深圳市"),
    ("广州市天河区社会保险基金管理中心", 2023, "440106", "天河区"),
    ("杭州市西湖区人力资源和社会保障局", 2023, "330106", "西湖区"),
    ("吉林市船营区医疗保障局", 2023, "220204", "船营区"),
    ("义乌市人力资源和社会保障局", 2023, "330782", "义乌市"),
    ("昆山市社会保险事业管理中心", 2023, "320583", "昆山市"),
    ("延边朝鲜族自治州社会保险事业管理局", 2023, "222400", "延边朝鲜族自治州"),
    ("湘西土家族苗族自治州医疗保障局", 2023, "433100", "湘西土家族苗族自治州"),
    ("黔东南苗族侗族自治州人力资源和社会保障局", 2023, "522600", "黔东南苗族侗族自治州"),
    ("海南藏族自治州医疗保障局", 2023, "632500", "海南藏族自治州"),
    ("恩施州医疗保障局", 2023, "422800", "恩施土家族苗族自治州"),
    ("伊犁州社会保险中心", 2023, "654000", "伊犁哈萨克自治州"),
    ("巴州社会保险中心", 2023, "652800", "巴音郭楞蒙古自治州"),
    ("博州社会保险中心", 2023, "652700", "博尔塔拉蒙古自治州"),
    ("昌吉州医疗保障局", 2023, "652300", "昌吉回族自治州"),
    ("新疆克州社会保险中心", 2023, "653000", "克孜勒苏柯尔克孜自治州"),
    ("喀什地区社会保险中心", 2023, "653100", "喀什地区"),
    ("乌鲁木齐县社会保险中心", 2023, "650121", "乌鲁木齐县"),
    ("昌吉市社会保险中心", 2023, "652301", "昌吉市"),
    ("石河子市社会保险中心", 2023, "659001", "石河子市"),
    ("仙桃市医疗保障局", 2023, "429004", "仙桃市"),
    ("随州市医疗保障局", 2023, "421300", "随州市"),
    ("四川省广元市苍溪县社会保险事务中心", 2023, "510824", "苍溪县"),
    ("苍溪县人力资源和社会保障局社会保险事务中心", 2023, "510824", "苍溪县"),
    ("阿图什市社会保险中心（本级）", 2023, "653001", "阿图什市"),
]

# Year-aware cases: (name, year, code, official name that year).
BY_YEAR = [
    ("阿图什县社会保险中心", 1985, "653021", "阿图什县"),
    ("阿图什市社会保险中心", 2023, "653001", "阿图什市"),
    ("新津县社会保险事务中心", 2018, "510132", "新津县"),  # county until 2020 ...
    ("新津区社会保险事务中心", 2021, "510118", "新津区"),  # ... then a district of 成都市
    ("库车县社会保险中心", 2018, "652923", "库车县"),
    ("库车市社会保险中心", 2023, "652902", "库车市"),
]

# Other (code, name, year) facts the tests rely on.
OTHER_CODES = [
    ("650102", "天山区", 2023),
    ("220104", "朝阳区", 2023),
    ("653000", "克孜勒苏柯尔克孜自治州", 2023),
    ("650000", "新疆维吾尔自治区", 2023),
    ("652300", "昌吉回族自治州", 2023),
    ("510800", "广元市", 2023),
    ("510100", "成都市", 2023),
    ("510000", "四川省", 2023),
    ("110000", "北京市", 2023),
    ("220000", "吉林省", 2023),
    ("220100", "长春市", 2023),
]


# ---------------------------------------------------------------------------
# Independent reference: areacodes.csv
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _areacodes() -> list[dict[str, str]]:
    with AREACODES.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _reference_row(code: str, name: str, year: int) -> dict[str, str] | None:
    """The areacodes row saying ``code`` was called ``name`` in ``year``."""
    for row in _areacodes():
        if row["代码"] != code or row["名称"] != name:
            continue
        start = int(row["启用时间"])
        end = int(row["变更/弃用时间"]) if row["变更/弃用时间"] else 9999
        if start <= year <= end:
            return row
    return None


def _all_asserted() -> list[tuple[str, str, int]]:
    idx = load_index()
    facts = [(c, idx[c].name_in(y) or "", y) for _f, _n, y, c, _p in SAMPLE_UNITS]
    facts += [(p, idx[p].name_in(y) or "", y) for _f, _n, y, _c, ps in SAMPLE_UNITS for p in ps]
    facts += [(c, n, y) for _u, y, c, n in AGENCIES + BY_YEAR]
    facts += OTHER_CODES
    return sorted(set(facts))


@pytest.mark.parametrize(("code", "name", "year"), _all_asserted())
def test_asserted_codes_match_reference(code: str, name: str, year: int) -> None:
    row = _reference_row(code, name, year)
    assert row is not None, f"areacodes.csv has no {code} {name} valid in {year}"
    div = load_index()[code]
    assert div.name_in(year) == name
    level = {"省级": "province", "地级": "prefecture", "县级": "county"}[row["级别"]]
    assert div.level == level
    # Parents agree with the reference's 一级行政区 / 二级行政区 columns.
    parents = [load_index()[p] for p in div.parents]
    provinces = [p.name_in(year) for p in parents if p.level == "province"]
    prefectures = [p.name_in(year) for p in parents if p.level == "prefecture"]
    if div.level == "province":
        assert row["一级行政区"] == name and not parents
    else:
        assert provinces == [row["一级行政区"]]
    if div.level == "county":
        assert prefectures == ([] if row["二级行政区"] == "直辖" else [row["二级行政区"]])


# ---------------------------------------------------------------------------
# Division index
# ---------------------------------------------------------------------------


def test_index_levels_parents_and_history() -> None:
    idx = load_index()
    assert idx["653001"].level == "county"
    assert idx["653001"].parents == ("653000", "650000")
    assert idx["653000"].level == "prefecture" and idx["653000"].parents == ("650000",)
    assert idx["650000"].level == "province" and idx["650000"].parents == ()
    # Municipality districts and province-administered cities hang under the province.
    assert idx["110105"].parents == ("110000",)
    assert idx["659001"].parents == ("650000",)
    # Grouping rows (市辖区, 省直辖县级行政单位) are not divisions.
    assert "110100" not in idx and "659000" not in idx and "429000" not in idx
    assert (idx["653021"].valid_from, idx["653021"].valid_to) == (None, 1986)
    assert (idx["653001"].valid_from, idx["653001"].valid_to) == (1986, None)
    # A code whose name changed keeps every name with its years.
    assert [s.name for s in idx["650107"].names] == ["南山矿区", "南泉区", "达坂城区"]
    assert idx["650107"].name_in(2000) == "南泉区" and idx["650107"].name_in(2023) == "达坂城区"
    assert [d.code for d in idx.lookup("阿图什县", 1985)] == ["653021"]
    assert idx.lookup("阿图什县", 2023) == []
    assert "阿图什市" in idx.names_in(2023) and "阿图什县" not in idx.names_in(2023)
    assert set(idx.children("653000")) >= {"653001", "653022", "653023", "653024"}


def test_wikidata_p442_format() -> None:
    # Wikidata keeps two-digit groups and drops trailing zero groups (Property talk:P442).
    assert wikidata_p442("653001") == "65 30 01"
    assert wikidata_p442("650100") == "65 01"
    assert wikidata_p442("650000") == "65"
    assert wikidata_p442("110105") == "11 01 05"
    assert code_from_p442("65 30 01") == "653001"
    assert code_from_p442("65 01") == "650100"
    assert code_from_p442("65") == "650000"
    assert code_from_p442("653001") == "653001"
    assert code_from_p442("65 30 01 001") is None


def test_data_tables_agree_with_division_data() -> None:
    idx = load_index()
    for short, (code, full) in abbreviations().items():
        assert idx[code].name == full, short
    table = wikidata_table()
    expected = {"653001": "Q668353", "653000": "Q861035", "650100": "Q16959",
                "510824": "Q1033226", "510800": "Q426237", "652325": "Q1023074",
                "652300": "Q989898", "650000": "Q34800", "510000": "Q19770"}
    assert {c: e.qid for c, e in table.items()} == expected
    for code, entry in table.items():
        assert idx[code].name == entry.name_zh
        assert entry.label_en


def test_short_forms_and_agency_split() -> None:
    assert short_forms("苍溪县") == ["苍溪"]
    assert short_forms("长阳土家族自治县") == ["长阳", "长阳县"]
    assert short_forms("克孜勒苏柯尔克孜自治州") == ["克孜勒苏", "克孜勒苏州"]
    assert short_forms("湘西土家族苗族自治州") == ["湘西", "湘西州"]
    assert short_forms("内蒙古自治区") == ["内蒙古"]  # not 内 (蒙古 is part of the place name)
    assert short_forms("易县") == []  # one character is too short to match safely
    assert split_agency("奇台县 社会保险管理局") == ("奇台县", "社会保险管理局")
    assert split_agency("苍溪县人力资源和社会保障局社会保险事务中心") == (
        "苍溪县", "人力资源和社会保障局社会保险事务中心")


# ---------------------------------------------------------------------------
# resolve()
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "name", "year", "code", "parents"), SAMPLE_UNITS)
def test_sample_units(prefix: str, name: str, year: int, code: str, parents: list[str]) -> None:
    (path,) = SAMPLES.glob(f"{prefix}_*.txt")
    assert name in "".join(path.read_text(encoding="utf-8").split())  # the name is really printed
    res = resolve(name, year)
    assert res.status == "linked", res.reason
    assert (res.code, res.parent_codes) == (code, parents)
    assert res.level == load_index()[code].level


def test_city_agency_links_to_city_not_county() -> None:
    res = resolve("乌鲁木齐市社会保险中心", 2023)
    assert (res.code, res.name, res.level) == ("650100", "乌鲁木齐市", "prefecture")
    assert res.parents[0].code == "650000" and res.parents[0].name == "新疆维吾尔自治区"
    # Without 市 the short form fits the city and the county: reported, not guessed.
    short = resolve("乌鲁木齐社会保险中心", 2023)
    assert short.status == "ambiguous"
    assert short.candidate_codes == ["650100", "650121"]


def test_autonomous_prefecture_full_and_abbreviated() -> None:
    names = ("克孜勒苏柯尔克孜自治州社会保险中心", "克州社会保险中心", "克孜勒苏州社会保险中心")
    for name in names:
        res = resolve(name, 2022)
        assert (res.status, res.code, res.level) == ("linked", "653000", "prefecture"), name
    assert "customary short name" in resolve("克州社会保险中心", 2022).reason


@pytest.mark.parametrize(("name", "year", "code", "division"), AGENCIES)
def test_real_agency_names(name: str, year: int, code: str, division: str) -> None:
    res = resolve(name, year)
    assert res.status == "linked", res.reason
    assert (res.code, res.name) == (code, division)


def test_agency_cases_cover_levels_and_provinces() -> None:
    idx = load_index()
    codes = [c for _n, _y, c, _d in AGENCIES]
    assert len(AGENCIES) >= 25
    assert {idx[c].level for c in codes} == {"province", "prefecture", "county"}
    assert len({c[:2] for c in codes}) >= 15
    assert any(n.endswith("旗") for *_r, n in AGENCIES)  # banners
    assert any(n.endswith("盟") for *_r, n in AGENCIES)  # leagues


def test_ambiguous_name_without_and_with_context() -> None:
    name = "朝阳区社会保险事业管理中心"
    res = resolve(name, 2023)
    assert res.status == "ambiguous" and res.code is None
    assert len(res.candidates) >= 2 and {"110105", "220104"} <= set(res.candidate_codes)
    assert "110105" in res.reason and "220104" in res.reason
    beijing = resolve(name, 2023, context="北京市")
    assert (beijing.status, beijing.code, beijing.parent_codes) == ("linked", "110105", ["110000"])
    assert "北京市" in beijing.reason
    changchun = resolve(name, 2023, context="主管部门：长春市人力资源和社会保障局")
    assert (changchun.status, changchun.code) == ("linked", "220104")
    both = resolve(name, 2023, context="北京市、吉林省长春市")
    assert both.status == "ambiguous" and set(both.candidate_codes) == {"110105", "220104"}


def test_unknown_and_inconsistent_names() -> None:
    res = resolve("某某科技有限公司", 2023)
    assert res.status == "unresolved" and res.candidates == []
    assert "no division name" in res.reason and "某某科技有限公司" in res.reason
    res = resolve("自治区社会保险管理局", 2023)
    assert res.status == "unresolved" and "社会保险管理局" in res.reason
    res = resolve("四川省奇台县社会保险管理局", 2024)
    assert res.status == "unresolved"
    assert "not inside" in res.reason and "510000" in res.reason


def test_sub_area_units_are_not_linked_to_the_enclosing_division() -> None:
    res = resolve("新疆生产建设兵团第三师社会保险中心", 2023)
    assert res.status == "unresolved" and res.candidate_codes == ["650000"]
    assert "生产建设兵团" in res.reason
    res = resolve("乌鲁木齐市天山区幸福路街道社区服务中心", 2023)
    assert res.status == "unresolved" and res.candidate_codes == ["650102"]
    # An agency wording missing from the list does not hide a clear place name.
    res = resolve("阿图什市社会保险基金稽核中心", 2023)
    assert (res.status, res.code) == ("linked", "653001")
    assert "'社会保险基金稽核中心'" in res.reason and "not in the agency list" in res.reason


@pytest.mark.parametrize(("name", "year", "code", "division"), BY_YEAR)
def test_year_aware(name: str, year: int, code: str, division: str) -> None:
    res = resolve(name, year)
    assert (res.status, res.code, res.name) == ("linked", code, division), res.reason


def test_names_not_in_force_that_year() -> None:
    res = resolve("阿图什县社会保险中心", 2023)
    assert res.status == "unresolved" and res.candidate_codes == ["653021"]
    assert "2023" in res.reason and "1986" in res.reason
    res = resolve("新津县社会保险事务中心", 2023)
    # 512732 is the same county's code before 1983 (温江地区).
    assert res.status == "unresolved" and res.candidate_codes == ["510132", "512732"]
    assert "2020" in res.reason
    assert resolve("阿图什市社会保险中心", 1985).status == "unresolved"
    # With no year, the current name is used.
    assert resolve("新津区社会保险事务中心", None).code == "510118"


# ---------------------------------------------------------------------------
# RDF of divisions
# ---------------------------------------------------------------------------


def test_divisions_graph_triples() -> None:
    g = divisions_graph(["653001"])
    node = division_iri("653001")
    assert set(g.subjects(RDF.type, FKG.AdministrativeDivision)) == {
        division_iri("653001"), division_iri("653000"), division_iri("650000")}
    assert (node, FKG.divisionCode, Literal("653001")) in g
    assert (node, SKOS.prefLabel, Literal("阿图什市", lang="zh")) in g
    assert (node, SKOS.prefLabel, Literal("Artux", lang="en")) in g
    assert (node, FKG.divisionLevel, URIRef(
        "https://w3id.org/fiscal-kg/code/division-levels/county")) in g
    assert level_iri("county") == URIRef("https://w3id.org/fiscal-kg/code/division-levels/county")
    assert set(g.objects(node, SKOS.broader)) == {division_iri("653000")}
    assert set(g.objects(node, SKOS.broaderTransitive)) == {
        division_iri("653000"), division_iri("650000")}
    assert (node, FKG.validFrom, Literal("1986", datatype=XSD.gYear)) in g
    assert (node, FKG.validTo, None) not in g
    assert (node, WDT.P442, Literal("65 30 01")) in g
    assert (node, OWL.sameAs, WD.Q668353) in g
    assert (division_iri("653000"), WDT.P442, Literal("65 30")) in g
    assert (division_iri("650000"), OWL.sameAs, WD.Q34800) in g
    old = divisions_graph(["653021"])
    assert (division_iri("653021"), FKG.validTo, Literal("1986", datatype=XSD.gYear)) in old
    assert (division_iri("653021"), OWL.sameAs, None) not in old


def test_division_level_scheme() -> None:
    store = ox.Store()
    store.load(path=str(resource_dir("ontology") / "codes" / "division-levels.ttl"),
               format=ox.RdfFormat.TURTLE)
    rows = store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?c ?zh ?en WHERE { "
        "?c skos:inScheme <https://w3id.org/fiscal-kg/code/division-levels> ; "
        "skos:prefLabel ?zh, ?en . FILTER(LANG(?zh) = 'zh' && LANG(?en) = 'en') }")
    labels = {r["c"].value.rsplit("/", 1)[-1]: (r["zh"].value, r["en"].value) for r in rows}
    assert labels == {"province": ("省级", "province level"),
                      "prefecture": ("地级", "prefecture level"),
                      "county": ("县级", "county level")}


# ---------------------------------------------------------------------------
# link_store() and the queries
# ---------------------------------------------------------------------------


def _nn(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _add_report(store: ox.Store, unit: str, year: int, kind: str = "budget",
                total_yuan: str | None = None, supervising: str | None = None) -> None:
    """A unit and one document in the document's own named graph, shaped as loaders/rdf.py
    writes them (fiscalYear an integer, documentKind a code, the department on the unit)."""
    doc = document_iri(unit, year, kind, "department")
    g = _nn(doc)
    u = _nn(unit_iri(unit))
    quads = [
        ox.Quad(u, _nn(RDF.type), _nn(FKG.BudgetUnit), g),
        ox.Quad(u, _nn(SKOS.prefLabel), ox.Literal(unit, language="zh"), g),
        ox.Quad(_nn(doc), _nn(RDF.type), _nn(FKG.FiscalDocument), g),
        ox.Quad(_nn(doc), _nn(FKG.unit), u, g),
        ox.Quad(_nn(doc), _nn(FKG.fiscalYear), ox.Literal(year), g),
        ox.Quad(_nn(doc), _nn(FKG.documentKind), _nn(code_iri("document-kinds", kind)), g),
    ]
    if supervising:
        quads.append(ox.Quad(u, _nn(FKG.supervisingDepartmentName), ox.Literal(supervising), g))
    if total_yuan is not None:
        table = table_iri(doc, 1)
        fact = fact_iri(doc, 20, 3)
        quads += [
            ox.Quad(_nn(table), _nn(FKG.tableType),
                    _nn(code_iri("table-types", "income-expenditure-summary")), g),
            ox.Quad(_nn(table), _nn(FKG.document), _nn(doc), g),
            ox.Quad(_nn(fact), _nn(QB.dataSet), _nn(table), g),
            ox.Quad(_nn(fact), _nn(FKG.lineItem),
                    _nn(code_iri("line-items", "expenditure-total")), g),
            ox.Quad(_nn(fact), _nn(FKG.amountYuan),
                    ox.Literal(total_yuan, datatype=_nn(XSD.decimal)), g),
        ]
        # the report's summary, as loaders/summaries.py writes it at load time: the store-wide
        # totals queries read it instead of every fact
        summary = _nn(summary_iri(URIRef(doc)))
        quads += [
            ox.Quad(summary, _nn(RDF.type), _nn(FKG.ReportSummary), g),
            ox.Quad(summary, _nn(FKG.summaryOf), _nn(doc), g),
            ox.Quad(summary, _nn(FKG.summaryTableExpenditureSumYuan),
                    ox.Literal(total_yuan, datatype=_nn(XSD.decimal)), g),
            ox.Quad(summary, _nn(FKG.summaryTableExpenditureFacts),
                    ox.Literal("1", datatype=_nn(XSD.integer)), g),
        ]
    store.extend(quads)


def _graph_count(store: ox.Store, graph: URIRef) -> int:
    return len(list(store.quads_for_pattern(None, None, None, _nn(graph))))


def _sample_store() -> ox.Store:
    store = ox.Store()
    totals = {"阿图什市社会保险中心": "1000.50", "乌鲁木齐市社会保险中心": "2000",
              "克孜勒苏柯尔克孜自治州社会保险中心": "3000", "苍溪县社会保险事务中心": "400",
              "奇台县社会保险管理局": "500"}
    for _p, name, year, _c, _ps in SAMPLE_UNITS[:5]:
        _add_report(store, name, year, total_yuan=totals[name])
    # A second document of the same unit: budget and final account stay apart.
    _add_report(store, "阿图什市社会保险中心", 2023, kind="final-account", total_yuan="900")
    # An ambiguous name that the report's own text settles.
    _add_report(store, "朝阳区社会保险事业管理中心", 2023,
                supervising="北京市朝阳区人力资源和社会保障局")
    _add_report(store, "某某科技有限公司", 2023)
    return store


def test_link_store_writes_links_and_divisions_idempotently() -> None:
    store = _sample_store()
    results = link_store(store)
    by_name = {r.unit_name: r for r in results}
    assert len(results) == 7
    for _p, name, _y, code, _ps in SAMPLE_UNITS[:5]:
        assert by_name[name].resolution.code == code
    assert by_name["朝阳区社会保险事业管理中心"].resolution.code == "110105"
    assert by_name["某某科技有限公司"].status == "unresolved"
    assert by_name["阿图什市社会保险中心"].wikidata == "Q668353"
    assert by_name["朝阳区社会保险事业管理中心"].wikidata is None
    assert by_name["阿图什市社会保险中心"].line() == (
        "阿图什市社会保险中心\t653001\t阿图什市\tcounty\tQ668353")
    assert by_name["某某科技有限公司"].line().startswith("某某科技有限公司\tunresolved: ")
    assert "no endpoint given" in by_name["朝阳区社会保险事业管理中心"].line()

    links = {(q.subject.value, q.object.value) for q in
             store.quads_for_pattern(None, _nn(FKG.servesDivision), None, _nn(LINKS_GRAPH))}
    assert (str(unit_iri("奇台县社会保险管理局")), str(division_iri("652325"))) in links
    assert len(links) == 6
    codes = {q.object.value for q in store.quads_for_pattern(
        None, _nn(FKG.divisionCode), None, _nn(DIVISIONS_GRAPH))}
    assert codes == {"653001", "650100", "653000", "510824", "652325", "110105",
                     "650000", "510800", "510000", "652300", "110000"}
    first = (_graph_count(store, LINKS_GRAPH), _graph_count(store, DIVISIONS_GRAPH))
    link_store(store)
    assert (_graph_count(store, LINKS_GRAPH), _graph_count(store, DIVISIONS_GRAPH)) == first


def _run(store: ox.Store, name: str, **params: str) -> list[dict[str, str]]:
    query = (resource_dir("queries") / name).read_text(encoding="utf-8")
    subs = {ox.Variable(k): ox.Literal(v) for k, v in params.items()}
    rows = store.query(query, substitutions=subs or None)
    names = [v.value for v in rows.variables]
    return [{n: r[n].value for n in names if r[n] is not None} for r in rows]


def test_query_headers() -> None:
    for path in sorted(resource_dir("queries").glob("*.rq")):
        if path.name not in {"units-by-division.rq", "totals-by-prefecture.rq",
                             "totals-by-province.rq", "federated-wikidata.rq"}:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# title: ") and lines[1].startswith("# question: ")
        params = [ln for ln in lines if ln.startswith("# param ")]
        assert params and all(" — " in p and ": " in p for p in params), path.name


def test_units_by_division_query() -> None:
    store = _sample_store()
    link_store(store)
    rows = _run(store, "units-by-division.rq")
    by_unit = {r["unitName"]: r for r in rows}
    assert len(rows) == 6
    assert by_unit["阿图什市社会保险中心"] == {
        "unit": str(unit_iri("阿图什市社会保险中心")), "unitName": "阿图什市社会保险中心",
        "divisionCode": "653001", "divisionName": "阿图什市", "level": "county",
        "prefectureCode": "653000", "prefectureName": "克孜勒苏柯尔克孜自治州",
        "provinceCode": "650000", "provinceName": "新疆维吾尔自治区"}
    urumqi = by_unit["乌鲁木齐市社会保险中心"]
    assert (urumqi["level"], urumqi["prefectureCode"], urumqi["provinceCode"]) == (
        "prefecture", "650100", "650000")
    assert "prefectureCode" not in by_unit["朝阳区社会保险事业管理中心"]
    sichuan = _run(store, "units-by-division.rq", provinceCode="510000")
    assert [(r["unitName"], r["prefectureName"]) for r in sichuan] == [
        ("苍溪县社会保险事务中心", "广元市")]


def test_totals_queries() -> None:
    store = _sample_store()
    link_store(store)
    pref = {(r["prefectureCode"], r["year"], r["kind"]): r
            for r in _run(store, "totals-by-prefecture.rq")}
    assert set(pref) == {("653000", "2023", "budget"), ("653000", "2023", "final-account"),
                         ("653000", "2022", "budget"), ("650100", "2023", "budget"),
                         ("510800", "2023", "budget"), ("652300", "2024", "budget")}
    assert Decimal(pref[("653000", "2023", "budget")]["totalYuan"]) == Decimal("1000.50")
    assert Decimal(pref[("653000", "2023", "final-account")]["totalYuan"]) == Decimal("900")
    assert Decimal(pref[("510800", "2023", "budget")]["totalYuan"]) == Decimal("400")
    prov = {(r["provinceCode"], r["year"], r["kind"]): r
            for r in _run(store, "totals-by-province.rq")}
    assert Decimal(prov[("650000", "2023", "budget")]["totalYuan"]) == Decimal("3000.50")
    assert prov[("650000", "2023", "budget")]["units"] == "2"
    assert Decimal(prov[("650000", "2024", "budget")]["totalYuan"]) == Decimal("500")
    assert Decimal(prov[("510000", "2023", "budget")]["totalYuan"]) == Decimal("400")
    only = _run(store, "totals-by-prefecture.rq", provinceCode="510000")
    assert [(r["prefectureName"], r["totalYuan"]) for r in only] == [("广元市", "400")]


# ---------------------------------------------------------------------------
# Wikidata lookup against a real (local) Oxigraph server
# ---------------------------------------------------------------------------

# Items shaped like Wikidata's: P442 in Wikidata's own spaced form. 昌吉市 (652301)
# is not in the hand-checked table; 阜康市 (652302) is carried by two items.
WIKIDATA_TTL = """
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
wd:Q900001 wdt:P442 "65 23 01" ; wdt:P1082 "426253"^^xsd:decimal ;
    rdfs:label "昌吉市"@zh, "Changji City"@en .
wd:Q900002 wdt:P442 "65 23 02" ; rdfs:label "阜康市"@zh .
wd:Q900003 wdt:P442 "65 23 02" ; rdfs:label "阜康市 (duplicate)"@en .
wd:Q900004 wdt:P442 "65 23 01 100" ; rdfs:label "宁边路街道"@zh .
"""


def _oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    assert Path(found).exists(), "the oxigraph CLI (PyPI package oxigraph) is not installed"
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    ask = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    for _ in range(300):  # bounded: about 30 s at most
        assert proc.poll() is None, "oxigraph server exited early"
        try:
            with urllib.request.urlopen(ask, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("oxigraph server did not answer")


def test_wikidata_lookup_against_oxigraph_server() -> None:
    binary = _oxigraph_binary()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "wikidata.ttl"
        data.write_text(WIKIDATA_TTL, encoding="utf-8")
        location = Path(tmp) / "db"
        subprocess.run([binary, "load", "--location", str(location), "--file", str(data)],
                       check=True, capture_output=True, timeout=120)
        port = _free_port()
        proc = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "RUST_LOG": "error"},
        )
        try:
            endpoint = f"http://127.0.0.1:{port}/query"
            _wait_until_up(endpoint, proc)
            store = ox.Store()
            _add_report(store, "昌吉市社会保险中心", 2023)
            _add_report(store, "阜康市社会保险中心", 2023)
            results = {r.unit_name: r for r in link_store(store, wikidata_endpoint=endpoint)}

            changji = results["昌吉市社会保险中心"]
            assert (changji.resolution.code, changji.wikidata) == ("652301", "Q900001")
            assert changji.line() == "昌吉市社会保险中心\t652301\t昌吉市\tcounty\tQ900001"
            fukang = results["阜康市社会保险中心"]
            assert fukang.resolution.code == "652302" and fukang.wikidata is None
            assert "several Wikidata items" in fukang.wikidata_note
            same_as = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(
                None, _nn(OWL.sameAs), None, _nn(DIVISIONS_GRAPH))}
            assert same_as == {
                (str(division_iri("652301")), str(WD.Q900001)),
                (str(division_iri("652300")), str(WD.Q989898)),  # hand-checked table
                (str(division_iri("650000")), str(WD.Q34800)),
            }
            # Re-linking offline keeps what the lookup found.
            again = {r.unit_name: r for r in link_store(store)}
            assert again["昌吉市社会保险中心"].wikidata == "Q900001"

            # The federated example query, pointed at the local server instead of Wikidata.
            query = (resource_dir("queries") / "federated-wikidata.rq").read_text(encoding="utf-8")
            assert "SERVICE <https://query.wikidata.org/sparql>" in query
            local = query.replace("https://query.wikidata.org/sparql", endpoint)
            rows = store.query(local, substitutions={
                ox.Variable("divisionCode"): ox.Literal("652301")})
            got = [(r["item"].value, r["population"].value, r["itemLabelEn"].value)
                   for r in rows]
            assert got == [(str(WD.Q900001), "426253", "Changji City")]
        finally:
            stop_process(proc)


def test_wikidata_lookup_failure_is_reported() -> None:
    port = _free_port()  # nothing listens there
    store = ox.Store()
    _add_report(store, "昌吉市社会保险中心", 2023)
    (result,) = link_store(store, wikidata_endpoint=f"http://127.0.0.1:{port}/query")
    assert result.resolution.code == "652301" and result.wikidata is None
    assert "Wikidata lookup failed" in result.wikidata_note
