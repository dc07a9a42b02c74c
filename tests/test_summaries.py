"""Each report's summary (loaders/summaries.py): written with the report into its own graph by
both sinks, right figures, declared in the ontology, and invisible to the shapes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from ontology_fixtures import ontology_graph
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from loaders.pipeline import load_report
from loaders.rdf import report_graph, report_nquads
from loaders.summaries import summary_iri
from loaders.vocab import FKG, QB, report_document_iri

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"
ATUSHI = SAMPLES / "000_f35cf930234f7c72.txt"  # 阿图什市社会保险中心, 2023 budget, 万元
FUNCTION = "https://w3id.org/fiscal-kg/code/function/"


@pytest.fixture(scope="module")
def atushi() -> tuple[URIRef, Graph]:
    report = load_report(ATUSHI)
    return report_document_iri(report), report_graph(report)


def _summary_triples(graph: Graph, doc: URIRef) -> set[tuple]:
    prefix = str(summary_iri(doc))
    return {t for t in graph if str(t[0]).startswith(prefix)}


def test_the_figures_of_000(atushi) -> None:
    doc, g = atushi
    s = summary_iri(doc)

    def value(name: str) -> Decimal:
        return g.value(s, FKG[name]).toPython()  # type: ignore[union-attr]

    assert (s, FKG.summaryOf, doc) in g and (s, RDF.type, FKG.ReportSummary) in g
    # 表三 (支出总体情况表), 合计 row: 911.29 = 313.26 basic + 598.03 project
    assert (value("expenditureTableTotal"), value("expenditureTableBasic"),
            value("expenditureTableProject")) == (Decimal("911.29"), Decimal("313.26"),
                                                  Decimal("598.03"))
    # 表一 (收支总体情况表): 本年收入 908.94 + 上年结转 2.35; 支出总计 911.29 万元 in yuan
    assert value("currentYearIncome") == Decimal("908.94")
    assert value("carriedOverIncome") == Decimal("2.35")
    assert value("summaryTableExpenditureTotalYuan") == Decimal("9112900")
    assert value("statedPersonnelYuan") == Decimal("3074100")  # 人员经费 307.41 万元
    classes = {}
    for node in g.objects(s, FKG.functionClassTotal):
        classes[str(g.value(node, FKG.classNotation))] = (
            g.value(node, FKG.summedAmount).toPython(),  # type: ignore[union-attr]
            g.value(node, FKG.summedLevel).toPython())  # type: ignore[union-attr]
    assert classes["208"] == (Decimal("864.45"), 3) and classes["210"] == (Decimal("23.6"), 3)


def test_the_counts_are_those_of_the_graph(atushi) -> None:
    doc, g = atushi
    s = summary_iri(doc)
    count = {name: g.value(s, FKG[name]).toPython()  # type: ignore[union-attr]
             for name in ("tableCount", "factCount", "claimCount", "indicatorCount",
                          "loadWarningCount")}
    assert count == {
        "tableCount": len(set(g.objects(doc, FKG.hasTable))),
        "factCount": len(set(g.subjects(RDF.type, FKG.AmountFact))),
        "claimCount": len(set(g.subjects(RDF.type, FKG.NarrativeClaim))),
        "indicatorCount": len(set(g.subjects(RDF.type, FKG.PerformanceIndicator))),
        "loadWarningCount": len(set(g.objects(doc, FKG.loadWarning))),
    }
    assert count["factCount"] == 211 and count["tableCount"] == 8
    per_type = {str(g.value(n, FKG.summaryTableType)).rsplit("/", 1)[-1]:
                g.value(n, FKG.factCount).toPython()  # type: ignore[union-attr]
                for n in g.objects(s, FKG.tableTypeTotal)}
    assert sum(per_type.values()) == count["factCount"]


def test_both_sinks_write_the_same_summary(atushi) -> None:
    doc, g = atushi
    text, _ = report_nquads(load_report(ATUSHI))
    prefix = str(summary_iri(doc))
    from_nquads = {q for q in ox.parse(text, format=ox.RdfFormat.N_QUADS)
                   if q.subject.value.startswith(prefix)}
    assert all(q.graph_name == ox.NamedNode(str(doc)) for q in from_nquads)  # the report's graph
    assert len(from_nquads) == len(_summary_triples(g, doc)) > 50


def test_every_summary_term_is_declared_with_zh_and_en_labels(atushi) -> None:
    doc, g = atushi
    onto = ontology_graph()
    terms = {p for _, p, _ in _summary_triples(g, doc)} | {
        o for _, p, o in _summary_triples(g, doc) if p == RDF.type}
    fkg_terms = {t for t in terms if str(t).startswith(str(FKG))}
    assert len(fkg_terms) > 25
    for term in fkg_terms:
        langs = {label.language for label in onto.objects(term, RDFS.label)
                 if isinstance(label, Literal)}
        assert {"zh", "en"} <= langs, term


def test_a_summary_is_no_stated_data(atushi) -> None:
    """None of the properties of facts and claims, no Data Cube observation: shapes and queries
    that read stated data do not see it."""
    doc, g = atushi
    stated = {FKG.amount, FKG.amountYuan, FKG.lineItem, FKG.codeNotation, FKG.document,
              FKG.sourceLine, QB.dataSet, FKG.column}
    triples = _summary_triples(g, doc)
    assert not {p for _, p, _ in triples} & stated
    assert not {o for _, p, o in triples if p == RDF.type} & {
        QB.Observation, QB.DataSet, FKG.AmountFact, FKG.NarrativeClaim}


def test_no_shape_finds_anything_else_with_the_summaries() -> None:
    """The five samples validated with and without their summaries: the same findings."""
    from fiscal_kg.validation.per_report import ReportValidator

    with_summary, without = [], []
    for path in sorted(SAMPLES.glob("*.txt")):
        report = load_report(path)
        doc = str(report_document_iri(report))
        text, _ = report_nquads(report)
        with_summary.append((doc, text))
        prefix = f"<{summary_iri(URIRef(doc))}"
        without.append((doc, "".join(line for line in text.splitlines(keepends=True)
                                     if not line.startswith(prefix))))
    validator = ReportValidator()
    found = [sorted(f.key() for f in fs) for fs in validator.validate(with_summary)]
    assert found == [sorted(f.key() for f in fs) for fs in validator.validate(without)]
    assert sum(map(len, found)) > 50
    assert not any("/summary" in str(k) for keys in found for k in keys)


def test_claims_no_table_matches_and_project_amounts_of_003() -> None:
    """苍溪县社会保险事务中心 2023: the narrative's 社会保障和就业支出 14652 万元 (line 524) is
    in no table, which print 21017.35 for 208; its project rows give each project's amount."""
    report = load_report(SAMPLES / "003_964a15e45ca13e4e.txt")
    doc = report_document_iri(report)
    g = report_graph(report)
    s = summary_iri(doc)
    unmatched = {str(g.value(n, FKG.summaryClaim)).rsplit("/", 1)[-1]:
                 str(g.value(n, FKG.tableAmounts)) for n in g.objects(s, FKG.unmatchedClaim)}
    assert unmatched["524-18"] == ("单位收支总表 line 128: 21017.35; 财政拨款收支预算总表 "
                                   "line 206: 21017.35; 一般公共预算支出预算表 line 245: 21017.35")
    assert len(unmatched) == 6
    amounts = {(g.value(n, FKG.largestAmount).toPython(),  # type: ignore[union-attr]
                str(g.value(n, FKG.amountSources)), g.value(n, FKG.firstLine).toPython())  # type: ignore[union-attr]
               for n in g.objects(s, FKG.projectTotal)}
    assert (Decimal("36.00"), "project table", 323) in amounts
    assert all((p, RDF.type, FKG.Project) in g
               for n in g.objects(s, FKG.projectTotal) for p in g.objects(n, FKG.summaryProject))


def test_a_reloaded_report_replaces_its_summary_and_a_removed_one_takes_it() -> None:
    """The summary lives in the report's graph: replaced with it, dropped with it."""
    from fiscal_kg.store import OxigraphStore

    report = load_report(ATUSHI)
    doc = str(report_document_iri(report))
    ask = (f"SELECT ?total WHERE {{ GRAPH <{doc}> {{ ?s <{FKG.summaryOf}> <{doc}> ; "
           f"<{FKG.expenditureTableTotal}> ?total }} }}")
    store = OxigraphStore()
    store.put_reports([(doc, report_nquads(report)[0])])
    assert [str(r["total"].value) for r in store.select(ask)] == ["911.29"]  # type: ignore[union-attr]
    for table in report.tables:  # a corrected re-publication: every amount doubled
        for fact in table.facts:
            fact.amount *= 2
    store.put_reports([(doc, report_nquads(report)[0])])
    assert [str(r["total"].value) for r in store.select(ask)] == ["1822.58"]  # type: ignore[union-attr]
    store.remove_graph(doc)
    assert not list(store.select(f"SELECT * WHERE {{ ?s <{FKG.summaryOf}> ?d }}"))
