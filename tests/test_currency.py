"""Every table's currency comes from its title block and every yuan value from the factor in
ontology/codes/currency-units.ttl (issues 15 and 17): a 千元 table is stored with factor 1,000."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rdflib import Literal, URIRef

from loaders.pipeline import load_text
from loaders.rdf import report_graph

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
SAMPLE_000 = SAMPLES / "000_f35cf930234f7c72.txt"
FKG = "https://w3id.org/fiscal-kg/def#"
CODE = "https://w3id.org/fiscal-kg/code/"


def _with_table5_in(unit: str):
    """Sample 000 with 表 5 (一般公共预算支出情况表) headed "单位：{unit}" instead of 万元."""
    lines = SAMPLE_000.read_text(encoding="utf-8").split("\n")
    title = lines.index("一般公共预算支出情况表")
    head = next(i for i in range(title, title + 8) if lines[i] == "单位：万元")
    lines[head] = f"单位：{unit}"
    return load_text("\n".join(lines), str(SAMPLE_000), "0" * 64)


def _fact_2080109(report) -> tuple[object, object]:
    table = next(t for t in report.tables if t.number == "5")
    fact = next(f for f in table.facts if f.code == "2080109" and f.column == "total")
    return table, fact


def test_a_thousand_yuan_table_has_factor_1000_in_the_graph() -> None:
    report = _with_table5_in("千元")
    table, fact = _fact_2080109(report)
    assert (table.currency, fact.amount, fact.line) == ("千元", Decimal("774.29"), 246)
    graph = report_graph(report)
    cell = next(s for s in graph.subjects(URIRef(FKG + "amount"), Literal(Decimal("774.29")))
                if (s, URIRef(FKG + "classification"), None) in graph
                and str(graph.value(s, URIRef(FKG + "classification"))).endswith("/2080109")
                and graph.value(s, URIRef(FKG + "sourceLine")) == Literal(246))
    assert graph.value(cell, URIRef(FKG + "amountYuan")).toPython() == Decimal("774290")
    table_node = graph.value(cell, URIRef("http://purl.org/linked-data/cube#dataSet"))
    assert graph.value(table_node, URIRef(FKG + "currencyUnit")) == URIRef(
        CODE + "currency-units/qian-yuan")
    # the other tables of the report keep their own 万元
    other = next(t for t in report.tables if t.number == "6")
    assert other.currency == "万元"


def test_the_same_table_in_wanyuan_and_yuan() -> None:
    for unit, factor in (("万元", Decimal(10000)), ("元", Decimal(1))):
        report = _with_table5_in(unit)
        table, _ = _fact_2080109(report)
        graph = report_graph(report)
        yuan = {graph.value(s, URIRef(FKG + "amountYuan")).toPython()
                for s in graph.subjects(URIRef(FKG + "sourceLine"), Literal(246))
                if graph.value(s, URIRef(FKG + "amount")) == Literal(Decimal("774.29"))}
        assert table.currency == unit and yuan == {Decimal("774.29") * factor}
