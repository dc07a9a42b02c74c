"""Completeness and structure shapes."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
from validation_models import claim, document, fact, findings, report, rules_at, store_of, table

from fiscal_kg.validation import validate
from loaders.model import LoadWarning, Section

D = Decimal
BUDGET_TABLES = ["income-expenditure-summary", "income", "expenditure", "fiscal-summary",
                 "gpb-expenditure", "gpb-basic", "sangong", "gov-fund", "soe-capital"]
SECTIONS = ["一、收支预算总体情况说明", "（一）机关运行经费情况", "（二）政府采购情况",
            "（三）国有资产占用使用情况", "（四）预算绩效情况"]


def _complete(missing: tuple[str, ...] = ()) -> object:
    tables = [table(t, [fact(100 + i, "1.00", code="208")], 90 + i, str(i))
              for i, t in enumerate(BUDGET_TABLES) if t not in missing]
    r = report(tables, [claim(484, "0.00", item="sangong-total")])
    r.sections = [Section(f"s{i}", title, 300 + i, 300 + i) for i, title in enumerate(SECTIONS)]
    return r


def _by_rule(found: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in found:
        out.setdefault(f.rule, []).append(f)
    return out


def test_a_complete_budget_scores_one() -> None:
    found = _by_rule(findings(_complete(), rules=None))
    assert set(found) == {"COMPL-SCORE"}
    assert found["COMPL-SCORE"][0].found == D("1")


def test_missing_tables_and_explanations() -> None:
    r = _complete(missing=("gov-fund", "soe-capital"))
    r.sections = r.sections[:2]  # no 政府采购, 国有资产, 绩效
    found = _by_rule(findings(r))
    assert {f.value for f in found["COMPL-TABLE-MISSING"]} == {
        "https://w3id.org/fiscal-kg/code/table-types/gov-fund"}
    assert found["COMPL-TABLE-RECOMMENDED"][0].severity == "Info"
    assert {f.value for f in found["COMPL-EXPLANATION-MISSING"]} == {
        "explain-procurement", "explain-assets", "explain-performance"}
    score = found["COMPL-SCORE"][0]
    assert (score.found, score.expected) == (D("0.714"), D("1"))  # 10 of 14
    assert "gov-fund" in score.message


def test_an_announced_table_is_reported_once() -> None:
    r = _complete(missing=("gov-fund",))
    note = "'八、政府性基金预算支出情况表' is listed at line 30 but missing"
    r.warnings = [LoadWarning("announced-table-missing", note, 30)]
    found = _by_rule(findings(r))
    assert "COMPL-TABLE-MISSING" not in found
    assert [(f.severity, f.line) for f in found["COMPL-ANNOUNCED-MISSING"]] == [("Warning", 30)]


def test_a_text_without_tables_is_said_once() -> None:
    r = report([], [claim(131, "32.29", item="sangong-total")], kind="final-account")
    r.warnings = [LoadWarning("announced-table-missing", f"table {i} missing", 35 + i)
                  for i in range(9)]
    found = _by_rule(findings(r))
    assert [f.severity for f in found["COMPL-NO-TABLES"]] == ["Warning"]
    assert "COMPL-TABLE-MISSING" not in found and "COMPL-ANNOUNCED-MISSING" not in found


def test_structure_of_facts_codes_and_documents() -> None:
    r = report([table("gpb-expenditure", [fact(100, "1.00", code="2080"),
                                          fact(101, "2.00", code="208")])])
    store = store_of(r)
    cell = ox.NamedNode(f"{document(r)}/cell/101-4")
    fkg = "https://w3id.org/fiscal-kg/def#"
    store.change(removed=[ox.Quad(ox.NamedNode(document(r)), ox.NamedNode(fkg + "fiscalYear"),
                                  ox.Literal("2023", datatype=ox.NamedNode(
                                      "http://www.w3.org/2001/XMLSchema#integer")),
                                  ox.NamedNode(document(r)))],
                 added=[ox.Quad(cell, ox.NamedNode(fkg + "amount"),
                                ox.Literal("3.00", datatype=ox.NamedNode(
                                    "http://www.w3.org/2001/XMLSchema#decimal")),
                                ox.NamedNode(document(r)))])
    found = validate(store, rules=["STRUCT-FACT-REQUIRED", "STRUCT-CODE-FORM",
                                   "STRUCT-DOC-REQUIRED", "STRUCT-CODE-LIST"])
    assert rules_at(found) == {("STRUCT-CODE-FORM", 100), ("STRUCT-FACT-REQUIRED", 101),
                               ("STRUCT-DOC-REQUIRED", None)}
    code = next(f for f in found if f.rule == "STRUCT-CODE-FORM")
    assert code.value == "2080"


def test_codes_outside_the_code_list() -> None:
    r = report([table("gpb-expenditure", [fact(100, "1.00", code="2089998"),
                                          fact(101, "2.00", code="2080505")])])
    found = findings(r, rules=["STRUCT-CODE-LIST"])
    assert rules_at(found) == {("STRUCT-CODE-LIST", 100)}


def test_two_facts_for_one_cell() -> None:
    r = report([table("gpb-expenditure", [fact(100, "1.00", code="208"),
                                          fact(100, "1.00", "basic", 5, code="208"),
                                          fact(101, "2.00", code="20801")])])
    store = store_of(r)
    graph = ox.NamedNode(document(r))
    cell = ox.NamedNode(f"{document(r)}/cell/100-4")
    # a second fact for line 100, column 4 (as a store written by another tool could hold):
    # same table, line and column index under another IRI
    twin = ox.NamedNode(f"{document(r)}/cell/100-4-twin")
    store.add_quads([ox.Quad(twin, q.predicate, q.object, graph)
                     for q in store.quads(cell, graph_iri=graph.value)])
    found = validate(store, rules=["STRUCT-DUPLICATE-CELL"])
    assert [(f.rule, f.line, f.value) for f in found] == [
        ("STRUCT-DUPLICATE-CELL", 100, cell.value)]
    assert found[0].message.startswith("Line 100, column 4: two facts for one cell")
    assert not validate(store_of(r), rules=["STRUCT-DUPLICATE-CELL"])
