"""Facts, claims and indicators read from a PDF carry their page and box, in RDF too."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from rdflib import Literal, URIRef

from loaders.model import Report
from loaders.pipeline import load_report
from loaders.rdf import report_graph, report_nquads
from loaders.vocab import FKG
from tests.pdf_fixtures import sample_pdf

POSITIVE = "http://www.w3.org/2001/XMLSchema#positiveInteger"


@cache
def report_04() -> Report:
    return load_report(sample_pdf("04_"))


def _fact(report: Report, code: str, raw: str):
    found = [f for t in report.tables for f in t.facts if f.code == code and f.raw == raw]
    assert found, (code, raw)
    return found[0]


def test_a_fact_has_the_page_and_box_of_its_cell() -> None:
    fact = _fact(report_04(), "2040601", "16726725.44")
    assert fact.amount == Decimal("16726725.44")
    assert fact.page == 11
    assert fact.bbox == (375.28, 375.88, 438.28, 392.38)


def test_every_fact_and_claim_of_a_pdf_has_a_page() -> None:
    report = report_04()
    facts = [f for t in report.tables for f in t.facts]
    assert len(facts) >= 366
    assert all(f.page is not None and f.bbox is not None for f in facts)
    assert report.claims and all(c.page is not None for c in report.claims)


def test_a_claim_has_the_page_of_its_sentence() -> None:
    claims = [c for c in report_04().claims if "183.95" in c.sentence]
    assert claims and claims[0].page == 9  # pdftotext puts it on page 9 too


def test_page_and_bbox_in_the_graph_and_in_the_nquads() -> None:
    report = report_04()
    fact = _fact(report, "2040601", "16726725.44")
    graph = report_graph(report)
    node = next(
        s for s in graph.subjects(FKG.rawText, Literal("16726725.44"))
        if graph.value(s, FKG.sourceLine) == Literal(fact.line)
        and graph.value(s, FKG.columnIndex) == Literal(fact.col_index)
    )
    assert graph.value(node, FKG.page) == Literal(11, datatype=POSITIVE)
    assert graph.value(node, FKG.bbox) == Literal("375.28 375.88 438.28 392.38")
    text, _ = report_nquads(report)
    assert isinstance(node, URIRef)
    assert (
        f'<{node}> <{FKG.page}> "11"^^<{POSITIVE}>' in text
        and f'<{node}> <{FKG.bbox}> "375.28 375.88 438.28 392.38"' in text
    )


def test_a_text_report_has_no_page() -> None:
    report = load_report(next(sample_pdf("04_").parent.glob("*.layout.txt")))
    assert all(f.page is None for t in report.tables for f in t.facts)
    assert FKG.page not in set(report_graph(report).predicates())
