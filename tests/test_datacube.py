"""Report graphs pass the W3C Data Cube integrity constraints (IC-1 … IC-21).

The constraints are the W3C SHACL translation (a copy in tests/data/reference/
datacube.shapes.ttl); the data is what
loaders.rdf.report_graph makes of two hand-made reports, together with the
ontology, the Data Cube structures and the code lists.
"""

from __future__ import annotations

import pyshacl
import pytest
from ontology_fixtures import cube_background, datacube_shapes, report_graphs
from rdflib import RDF, RDFS, Graph, Namespace, URIRef

from loaders.vocab import FKG, QB

SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return datacube_shapes()


@pytest.fixture(scope="module")
def reports() -> Graph:
    return report_graphs()


@pytest.fixture(scope="module")
def background() -> Graph:
    return cube_background()


def _failing_constraints(data: Graph, shapes: Graph) -> tuple[bool, set[str]]:
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True, inference="none"
    )
    ids = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        constraint = results.value(result, SH.sourceConstraint)
        shape = results.value(result, SH.sourceShape)
        comment = shapes.value(constraint, RDFS.comment) or shapes.value(shape, RDFS.comment)
        ids.add(str(comment).split(".")[0] if comment else str(shape))
    return conforms, ids


def test_report_graphs_look_like_real_ones(reports: Graph) -> None:
    observations = set(reports.subjects(RDF.type, QB.Observation))
    datasets = set(reports.subjects(RDF.type, QB.DataSet))
    assert len(observations) == 22
    assert len(datasets) == 5
    structures = {reports.value(d, QB.structure) for d in datasets}
    assert structures == {FKG["dsd-income-expenditure-summary"], FKG["dsd-gpb-expenditure"],
                          FKG["dsd-gpb-project"], FKG["dsd-sangong"]}
    codes = {str(o).rsplit("/", 1)[-1] for o in reports.objects(None, FKG.classification)}
    assert {"208", "2080109", "2080505", "2080699"} <= codes
    econ = {str(o) for o in reports.objects(None, FKG.economicClassification)}
    assert econ == {"https://w3id.org/fiscal-kg/code/economic/303"}


def test_reports_conform_to_data_cube_integrity_constraints(
    reports: Graph, background: Graph, shapes: Graph
) -> None:
    conforms, failing = _failing_constraints(reports + background, shapes)
    assert failing == set()
    assert conforms


def test_the_constraints_catch_broken_cubes(
    reports: Graph, background: Graph, shapes: Graph
) -> None:
    """Break four facts: the validator reports exactly the matching constraints."""
    data = reports + background
    facts = sorted(data.subjects(RDF.type, QB.Observation))
    # IC-11: a fact without its column dimension
    data.remove((facts[0], FKG.column, None))
    # IC-12: a second fact with the same line, column index and column as another
    twin = URIRef(str(facts[1]) + "-twin")
    for p, o in data.predicate_objects(facts[1]):
        data.add((twin, p, o))
    # IC-19: a column value that is not in the columns code list
    data.set((facts[2], FKG.column, URIRef("https://w3id.org/fiscal-kg/code/columns/nonsense")))
    # IC-14: a fact without its measure
    data.remove((facts[3], FKG.amountYuan, None))
    conforms, failing = _failing_constraints(data, shapes)
    assert not conforms
    assert failing == {"IC-11", "IC-12", "IC-14", "IC-19"}
