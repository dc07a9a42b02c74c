"""Code lists cover what real reports print, and STRUCT-CODE-LIST says no more than it knows.

The function and economic code lists are complete only where they say so
(``fkg:listsAllNarrowerIn``): a code missing there, or one that no classification can have, is a
Violation (STRUCT-CODE-LIST); a code missing where the list is partial is an Info
(STRUCT-CODE-UNLISTED), since the report may well be right.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from validation_models import claim, document, fact, findings, report, store_of, table

from fiscal_kg.store import OxigraphStore, graph_quads
from fiscal_kg.validation import load_into, prepare, validate, validate_files
from fiscal_kg.validation.reference import reference_keys
from loaders.codelists import code_list
from loaders.rdf import report_graph
from loaders.text import label_key
from loaders.vocab import CODES_GRAPH

REALWORLD = Path(__file__).resolve().parent.parent / "samples" / "realworld"
FOLDERS = sorted(p.name for p in REALWORLD.iterdir() if (p / "cells.csv").is_file())
CODE_RULES = ("STRUCT-CODE-LIST", "STRUCT-CODE-UNLISTED", "STRUCT-CODE-FORM")


def _printed(folder: str) -> dict[str, set[str]]:
    """code → the names printed beside it, from the report's cells.csv."""
    out: dict[str, set[str]] = {}
    with (REALWORLD / folder / "cells.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"]:
                out.setdefault(row["code"], set()).add(row["row_label"])
    return out


def test_the_realworld_folders_are_there() -> None:
    assert len(FOLDERS) == 6


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_printed_code_is_listed_under_its_printed_name(folder: str) -> None:
    printed = _printed(folder)
    assert len(printed) >= 20
    for code, names in sorted(printed.items()):
        concept = code_list("economic" if code.startswith("3") else "function").get(code)
        assert concept is not None, code
        labels = {label_key(x) for x in [concept.pref_zh or "", *concept.alt]}
        assert {label_key(n) for n in names} <= labels, (code, names, concept.pref_zh)


def test_codes_read_from_reports_carry_their_source_and_parent() -> None:
    f = code_list("function")
    for code, name in (("2010301", "行政运行"), ("20406", "司法"), ("2040604", "基层司法业务"),
                       ("2120104", "城管执法"), ("21508", "支持中小企业发展和管理支出")):
        concept = f.get(code)
        assert concept is not None and concept.pref_zh == name
        assert concept.broader == [code[:-2]]
    graph = Graph().parse(Path(__file__).resolve().parent.parent / "ontology" / "codes"
                          / "function.ttl")
    rows = graph.query("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?s WHERE { ?c skos:notation "2040613" ; dcterms:source ?s }""")
    assert [str(r[0]) for r in rows] == [
        "上海市普陀区2024-2026年部门预算、决算公开（科目编码与名称按报告所印）"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_realworld_reports_raise_no_code_list_finding(folder: str) -> None:
    path = next((REALWORLD / folder).glob("*.layout.txt"))
    run = validate_files([path])
    found = sorted((f.rule, f.severity, f.line, f.message) for f in run.findings
                   if f.rule in CODE_RULES)
    assert found == []


def _planted(year: int = 2024) -> object:
    gpb = table("gpb-expenditure", [
        fact(100, "1.00", code="9990101"),  # no classification starts with 9
        fact(101, "1.00", code="2250101"),  # 225 is no 类 (the list has every 类 of 2024)
        fact(102, "1.00", code="2210204"),  # 住房改革支出 has 01-03 only
        fact(103, "1.00", code="2010199"),  # 20101 人大事务: fiscal-kg lists none of its 项
        fact(104, "1.00", code="2040608"),  # 20406 司法: listed in part
        fact(105, "1.00", code="30104"),  # 301's 款 are not marked complete
        fact(106, "1.00", code="50101"),  # government economic classification: no list here
        fact(107, "1.00", code="2080"),  # four digits: STRUCT-CODE-FORM's
        fact(108, "1.00", code="2210201"),  # listed
        fact(109, "1.00", code="2040601"),  # listed (read from a Shanghai report)
    ], 90)
    claims = [claim(200, "1.00", code="2101104", sentence="行政事业单位医疗"),
              claim(201, "1.00", code="2069901", sentence="科技奖励")]
    return report([gpb], claims, year=year)


def _by_line(found: list) -> dict[int | None, tuple[str, str, str]]:
    return {f.line: (f.rule, f.severity, f.message) for f in found if f.rule in CODE_RULES}


def test_impossible_and_missing_codes_are_violations_the_others_info() -> None:
    found = _by_line(findings(_planted(), rules=list(CODE_RULES)))
    assert {line: (rule, sev) for line, (rule, sev, _) in found.items()} == {
        100: ("STRUCT-CODE-LIST", "Violation"),
        101: ("STRUCT-CODE-LIST", "Violation"),
        102: ("STRUCT-CODE-LIST", "Violation"),
        103: ("STRUCT-CODE-UNLISTED", "Info"),
        104: ("STRUCT-CODE-UNLISTED", "Info"),
        105: ("STRUCT-CODE-UNLISTED", "Info"),
        106: ("STRUCT-CODE-UNLISTED", "Info"),
        107: ("STRUCT-CODE-FORM", "Violation"),
        200: ("STRUCT-CODE-LIST", "Violation"),
        201: ("STRUCT-CODE-UNLISTED", "Info"),
    }
    assert found[100][2] == ("Code 9990101 (line 100; 1 in all) is not in the function "
                             "classification of 2024: no classification of 政府收支分类科目 has "
                             "codes that start with 9.")
    assert found[101][2].endswith("its 类 225 does not exist (the list has every 类 of that year).")
    assert found[102][2].endswith("款 22102 has no 项 2210204 (the list has all its 项 of that "
                                  "year).")
    assert found[103][2] == ("Code 2010199 (line 103; 1 in all) is not in fiscal-kg's function "
                             "code list: fiscal-kg's list does not have every 款 of 类 201.")
    assert found[104][2].endswith("fiscal-kg's list does not have every 项 of 款 20406.")
    assert "economic" in found[105][2] and "every 款 of 类 301" in found[105][2]
    assert "5 政府预算支出经济分类" in found[106][2]
    assert found[200][2].startswith("Code 2101104 (line 200; 1 in all) is not in the function")


def test_one_finding_per_code_and_report() -> None:
    r = report([table("gpb-expenditure", [fact(105, "1.00", code="2040608"),
                                          fact(100, "2.00", code="2040608"),
                                          fact(101, "3.00", code="2040608", col=5)])],
               [claim(200, "1.00", code="2040608", sentence="社区矫正")], year=2024)
    found = [f for f in findings(r, rules=["STRUCT-CODE-UNLISTED"])]
    assert [(f.severity, f.line, f.value) for f in found] == [("Info", 100, "2040608")]
    assert found[0].message.startswith("Code 2040608 (line 100; 4 in all) is not in")


def test_completeness_is_claimed_only_for_the_years_it_is_known() -> None:
    # 2026: no part of the function list is stated complete, so nothing is certain but the 9
    found = _by_line(findings(_planted(2026), rules=["STRUCT-CODE-LIST",
                                                     "STRUCT-CODE-UNLISTED"]))
    assert {line for line, (_, sev, _) in found.items() if sev == "Violation"} == {100}
    assert found[101][:2] == ("STRUCT-CODE-UNLISTED", "Info")
    assert "its 类 225 is not in fiscal-kg's list" in found[101][2]
    assert found[102][:2] == ("STRUCT-CODE-UNLISTED", "Info")
    # the economic 类 list is stated complete for 2018-2025: 308 is no 类 in 2025; in 2026, Info
    econ = report([table("gpb-expenditure", [fact(100, "1.00", code="30801")])], year=2025)
    assert _by_line(findings(econ, rules=["STRUCT-CODE-LIST"]))[100][:2] == (
        "STRUCT-CODE-LIST", "Violation")
    econ = report([table("gpb-expenditure", [fact(100, "1.00", code="30801")])], year=2026)
    assert _by_line(findings(econ, rules=["STRUCT-CODE-UNLISTED"]))[100][:2] == (
        "STRUCT-CODE-UNLISTED", "Info")


def test_the_fast_path_and_plain_pyshacl_agree_on_planted_codes() -> None:
    r = _planted()
    graph = report_graph(r)
    store = OxigraphStore()
    store.add_quads(list(graph_quads(graph, ox.NamedNode(document(r)))))
    fast = {f.key() for f in validate(store, write_report=False)}
    reference = reference_keys(graph, engine="rdflib")
    assert fast == reference
    coded = {(rule, severity) for _, rule, severity, _ in fast if rule in CODE_RULES}
    assert coded == {("STRUCT-CODE-LIST", "Violation"), ("STRUCT-CODE-UNLISTED", "Info"),
                     ("STRUCT-CODE-FORM", "Violation")}


READ_FROM_REPORTS = "上海市普陀区2024-2026年部门预算、决算公开（科目编码与名称按报告所印）"


def _read_from_reports() -> set[str]:
    """The notations the function list has only because the Shanghai reports print them."""
    graph = Graph().parse(Path(__file__).resolve().parent.parent / "ontology" / "codes"
                          / "function.ttl")
    rows = graph.query("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?n WHERE { ?c skos:notation ?n ; dcterms:source ?s . FILTER(STR(?s) = ?src) }""",
                        initBindings={"src": Literal(READ_FROM_REPORTS)})
    return {str(r[0]) for r in rows}


@pytest.mark.parametrize("folder", FOLDERS)
def test_real_codes_missing_from_the_list_are_only_info(folder: str) -> None:
    # as a report of another province would meet the list: its real codes are not listed
    unknown = _read_from_reports()
    assert len(unknown) == 57 and {"20406", "2040601", "2120104"} <= unknown
    store = OxigraphStore()
    load_into(store, [next((REALWORLD / folder).glob("*.layout.txt"))])
    prepare(store)
    for notation in unknown:
        concept = ox.NamedNode(f"https://w3id.org/fiscal-kg/code/function/{notation}")
        store.change(list(store.quads(concept, graph_iri=str(CODES_GRAPH))), [])
    found = validate(store, rules=["STRUCT-CODE-LIST", "STRUCT-CODE-UNLISTED"],
                     write_report=False)
    assert [f for f in found if f.severity != "Info"] == []
    printed = set(_printed(folder)) & unknown
    assert printed  # every report prints some of them
    flagged = {f.message.split()[1] for f in found}
    assert flagged == printed


def test_completeness_statements_are_years_on_schemes_classes_and_sections() -> None:
    store = ox.Store()
    for name in ("function.ttl", "economic.ttl"):
        store.bulk_load(path=str(Path(__file__).resolve().parent.parent / "ontology" / "codes"
                                 / name), format=ox.RdfFormat.TURTLE)
    rows = store.query("""
        PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
        SELECT ?s (GROUP_CONCAT(STR(?y); separator=",") AS ?years)
               (SAMPLE(DATATYPE(?y)) AS ?type)
        WHERE { ?s fkg:listsAllNarrowerIn ?y } GROUP BY ?s""")
    stated = {r["s"].value.rsplit("/", 1)[1]: (sorted(r["years"].value.split(",")),
                                               r["type"].value) for r in rows}
    gyear = "http://www.w3.org/2001/XMLSchema#gYear"
    assert stated == {
        "function": (["2023", "2024"], gyear),
        "economic": ([str(y) for y in range(2018, 2026)], gyear),
        "20899": (["2023", "2024"], gyear),
        "21011": (["2023", "2024"], gyear),
        "22102": (["2023", "2024"], gyear),
    }
    f = code_list("function")
    narrower = {k: sorted(c for c in f.concepts if f.concepts[c].broader == [k])
                for k in ("20899", "21011", "22102")}
    assert narrower == {"20899": ["2089999"],
                        "21011": ["2101101", "2101102", "2101103", "2101199"],
                        "22102": ["2210201", "2210202", "2210203"]}


def test_a_listed_code_outside_its_years_is_a_violation() -> None:
    r = report([table("gpb-expenditure", [fact(100, "1.00", code="2210203"),
                                          fact(101, "1.00", code="2210201")])], year=2024)
    store = store_of(r)
    prepare(store)
    gyear = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
    store.add_quads([ox.Quad(ox.NamedNode("https://w3id.org/fiscal-kg/code/function/2210203"),
                             ox.NamedNode("https://w3id.org/fiscal-kg/def#validTo"),
                             ox.Literal("2020", datatype=gyear), ox.NamedNode(str(CODES_GRAPH)))])
    found = validate(store, rules=["STRUCT-CODE-LIST", "STRUCT-CODE-UNLISTED"],
                     write_report=False)
    assert [(f.rule, f.severity, f.line, f.message) for f in found] == [
        ("STRUCT-CODE-LIST", "Violation", 100, "Code 2210203 (line 100; 1 in all) is not in the "
         "function classification of 2024: the code is not valid in that year.")]
