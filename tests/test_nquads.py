"""The load path's N-Quads (loaders.rdf.report_nquads, written without rdflib terms) are the
graph report_graph builds, with the literal forms a store keeps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from fiscal_kg.store import graph_quads
from loaders.nquads import NQuadsSink
from loaders.pipeline import build_graph, load_report
from loaders.rdf import report_nquads
from loaders.vocab import FKG, report_document_iri

# a string, not rdflib's closed XSD namespace: pytest probes module attributes and it warns
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def test_nquads_are_the_report_graph(sample_paths: list[Path]) -> None:
    for path in sample_paths:
        report = load_report(path)
        name = ox.NamedNode(str(report_document_iri(report)))
        text, count = report_nquads(report)
        assert text == report_nquads(report)[0], path.name  # the same text every run
        written = list(ox.parse(text, ox.RdfFormat.N_QUADS))
        assert count == len(written) == len(set(written)), path.name
        assert {q.graph_name for q in written} == {name}
        expected = list(graph_quads(build_graph(report), name))
        assert len(written) == len(expected), path.name
        # blank nodes (the load warnings) are labelled differently; everything else is equal
        assert {q for q in written if not _has_blank(q)} == {
            q for q in expected if not _has_blank(q)}, path.name
        assert sum(map(_has_blank, written)) == sum(map(_has_blank, expected)), path.name


def test_literals_take_the_forms_the_store_keeps() -> None:
    sink = NQuadsSink("https://example.org/g")
    assert sink.dec(Decimal("774.290")) == '"774.29"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert sink.dec(Decimal("8644500.00")) == sink.dec(Decimal("8644500"))
    assert sink.dec(Decimal("-0.00")) == '"0"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert sink.lit(12) == '"12"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert sink.lit(True) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert sink.lit('说明"一"\n') == '"说明\\"一\\"\\n"'
    assert sink.lit("克州", lang="zh") == '"克州"@zh'
    assert sink.lit("2024-01-15", datatype=XSD_DATE) == (
        '"2024-01-15"^^<http://www.w3.org/2001/XMLSchema#date>')
    assert sink.lit(date(2024, 1, 15)) == sink.lit("2024-01-15", datatype=XSD_DATE)
    # each agrees with the rdflib literal as the store converts it
    from fiscal_kg.store import to_ox

    for value in (Decimal("35.56"), 7, False, "x", Decimal("1E+2")):
        assert sink.lit(value) == str(to_ox(Literal(value))), value


def test_blank_nodes_are_distinct_per_report_and_stable() -> None:
    a, b = NQuadsSink("https://example.org/a"), NQuadsSink("https://example.org/b")
    first = a.blank()
    assert first != a.blank() and first != b.blank()
    assert first == NQuadsSink("https://example.org/a").blank()


def test_an_invalid_iri_is_refused() -> None:
    sink = NQuadsSink("https://example.org/g")
    with pytest.raises(ValueError):
        sink.add((URIRef("https://example.org/a b"), FKG.amount, sink.dec(Decimal(1))))
    assert len(sink) == 0


def test_validation_report_nquads_are_its_graph() -> None:
    from fiscal_kg.validation.findings import Finding, report_graph, report_nquads
    from loaders.vocab import VALIDATION_GRAPH

    doc = "https://w3id.org/fiscal-kg/id/doc/abc/2024/budget"
    findings = [
        Finding("Violation", "ARITH-PARENT-SUM", "208: 774.29 printed, sub-items add up to 774.3",
                doc, f"{doc}/table/5", f"{doc}/cell/88-2", 88, Decimal("774.30"),
                Decimal("774.29"), Decimal("-0.01"), "89, 90",
                "https://w3id.org/fiscal-kg/shapes#ParentSumShape"),
        Finding("Warning", "COMPL-NO-TABLES", "no tables", doc, doc, None, None, "9", "0"),
    ]
    name = ox.NamedNode(str(VALIDATION_GRAPH))
    written = set(ox.parse(report_nquads(findings, name.value), ox.RdfFormat.N_QUADS))
    assert written == set(graph_quads(report_graph(findings), name))
    # the report (type, conforms); 7 quads a result, and the first has 7 optional ones, the
    # second 2 (expected, found)
    assert len(written) == 2 + (7 + 7) + (7 + 2)
    conforms = ox.NamedNode("http://www.w3.org/ns/shacl#conforms")
    assert [q.object.value for q in written if q.predicate == conforms] == ["false"]
    without = set(ox.parse(report_nquads(findings, name.value, conforms=False),
                           ox.RdfFormat.N_QUADS))
    assert written - without == {q for q in written if q.predicate == conforms}
