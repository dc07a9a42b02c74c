"""The real graphs of the five samples pass the W3C Data Cube integrity constraints.

pyshacl (advanced mode) runs tests/data/reference/datacube.shapes.ttl (a copy; source and licence
in its README) on each sample's graph together with the ontology (its qb:DataStructureDefinitions)
and the code lists. pyshacl's SPARQL queries are answered by pyoxigraph on a copy of the same data
(see fiscal_kg.validation.reference.OxigraphQueryGraph); the shapes' recursive helper function
qb:hasZeroOrMore (``?s ?p* ?o`` with ?p a variable) is given to pyoxigraph as a Python function.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from ontology_fixtures import cube_background, datacube_shapes
from rdflib import RDF, Graph, Namespace

from fiscal_kg.validation.reference import OxigraphQueryGraph, checked_once
from loaders.pipeline import load_report
from loaders.rdf import report_graph
from loaders.vocab import QB

SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return datacube_shapes()


@pytest.fixture(scope="module")
def background() -> Graph:
    return cube_background()


def _has_zero_or_more(data: OxigraphQueryGraph):
    def reachable(subject, predicate, obj):
        seen, todo = set(), [subject]
        while todo:
            node = todo.pop()
            if node == obj:
                return ox.Literal("true", datatype=ox.NamedNode(
                    "http://www.w3.org/2001/XMLSchema#boolean"))
            if node in seen or not isinstance(node, (ox.NamedNode, ox.BlankNode)):
                continue
            seen.add(node)
            todo.extend(q.object for q in data._ox.quads_for_pattern(node, predicate, None))
        return ox.Literal("false", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#boolean"))

    return reachable


@pytest.mark.parametrize("index", range(5))
def test_sample_graph_is_a_valid_data_cube(sample_paths: list[Path], index: int, shapes: Graph,
                                           background: Graph) -> None:
    graph = report_graph(load_report(sample_paths[index]))
    data = OxigraphQueryGraph(graph + background)
    data._functions[ox.NamedNode(str(QB.hasZeroOrMore))] = _has_zero_or_more(data)
    with checked_once():
        conforms, results, text = pyshacl.validate(
            data, shacl_graph=shapes, advanced=True, inference="none", inplace=True
        )
    assert conforms, text
    assert not list(results.subjects(RDF.type, SH.ValidationResult))
    observations = len(set(graph.subjects(RDF.type, QB.Observation)))
    assert observations == sum(1 for _ in graph.subjects(QB.dataSet, None))
