"""The ``Store`` protocol, the same on the embedded store and on a remote one (a real Oxigraph
server): what validation, linking and export use besides writing reports — quads of a pattern,
SELECT rows in pyoxigraph terms, adding quads, changing a graph's difference in one request,
dumping, removing a report with its findings."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import oxigraph_server

from fiscal_kg.store import OxigraphStore, Store
from fiscal_kg.store.remote import RemoteStore
from loaders import vocab
from loaders.pipeline import load_report
from loaders.rdf import report_nquads

FKG = "https://w3id.org/fiscal-kg/def#"
SAMPLE_002 = Path(__file__).resolve().parent.parent / "samples" / "reports" / \
    "002_0692fe3ff6bbe2a2.txt"
DOC = "https://w3id.org/fiscal-kg/id/doc/afbc89d0428c/2022/unstated/budget"
CELL = ox.NamedNode(DOC + "/cell/133-5")  # 表五 2080109, 一般公共预算拨款, as printed: 303.87
AMOUNT = ox.NamedNode(FKG + "amount")
DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
FINDINGS = ox.NamedNode(str(vocab.VALIDATION_GRAPH))
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def nquads() -> str:
    report = load_report(SAMPLE_002)
    assert str(vocab.report_document_iri(report)) == DOC
    return report_nquads(report)[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    location = tmp_path_factory.mktemp("protocol") / "db"
    with oxigraph_server("serve", "--location", str(location), "--union-default-graph") as base:
        yield base


@pytest.fixture(params=["embedded", "remote"])
def store(request: pytest.FixtureRequest, server: str, nquads: str) -> Iterator[Store]:
    if request.param == "embedded":
        opened: Store = OxigraphStore()
    else:
        opened = RemoteStore(f"{server}/query", update_endpoint=f"{server}/update")
        opened.update("CLEAR ALL")
    opened.put_nquads(DOC, nquads)
    yield opened
    opened.close()


def _amount(store: Store) -> list[str]:
    return [q.object.value for q in store.quads(CELL, AMOUNT, None, DOC)]


def test_quads_of_a_pattern_and_of_a_graph(store: Store, nquads: str) -> None:
    assert _amount(store) == ["303.87"]
    assert [q.graph_name.value for q in store.quads(CELL, AMOUNT)] == [DOC]
    assert len(list(store.quads(graph_iri=DOC))) == nquads.count("\n")  # every quad, once
    assert list(store.quads(CELL, AMOUNT, None, str(vocab.CODES_GRAPH))) == []


def test_select_answers_in_pyoxigraph_terms(store: Store) -> None:
    rows = list(store.select(f"""SELECT ?cell ?amount ?missing WHERE {{
        ?cell <{FKG}codeNotation> "2080109" ; <{FKG}amount> ?amount ; <{FKG}sourceLine> 219 ;
              <{FKG}columnIndex> 5 OPTIONAL {{ ?cell <{FKG}nothing> ?missing }} }}"""))
    assert rows == [{"cell": ox.NamedNode(DOC + "/cell/219-5"),
                     "amount": ox.Literal("303.87", datatype=DECIMAL), "missing": None}]


def test_change_swaps_quads_in_one_request_and_add_quads_adds(store: Store) -> None:
    old = ox.Quad(CELL, AMOUNT, ox.Literal("303.87", datatype=DECIMAL), ox.NamedNode(DOC))
    new = ox.Quad(CELL, AMOUNT, ox.Literal("303.88", datatype=DECIMAL), ox.NamedNode(DOC))
    store.change([old], [new])
    assert _amount(store) == ["303.88"]
    store.change([new], [])
    assert _amount(store) == []
    store.add_quads([old])
    assert _amount(store) == ["303.87"]


def test_dump_of_one_graph_is_its_triples(store: Store, nquads: str) -> None:
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_TRIPLES, DOC)
    triples = [q.triple for q in ox.parse(out.getvalue(), format=ox.RdfFormat.N_TRIPLES)]
    assert len(triples) == nquads.count("\n")
    assert ox.Triple(CELL, AMOUNT, ox.Literal("303.87", datatype=DECIMAL)) in triples


def test_removing_a_report_drops_its_findings(store: Store) -> None:
    report = ox.NamedNode(str(vocab.ID["validation/report"]))
    result = ox.NamedNode(str(vocab.ID["validation/report/result/0123456789abcdef"]))
    sh = {name: ox.NamedNode(SH + name) for name in ("result", "resultSeverity", "conforms")}
    store.add_quads([
        ox.Quad(report, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(SH + "ValidationReport"), FINDINGS),
        ox.Quad(report, sh["conforms"], ox.Literal("false", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#boolean")), FINDINGS),
        ox.Quad(report, sh["result"], result, FINDINGS),
        ox.Quad(result, ox.NamedNode(FKG + "document"), ox.NamedNode(DOC), FINDINGS),
        ox.Quad(result, sh["resultSeverity"], ox.NamedNode(SH + "Violation"), FINDINGS),
    ])
    store.remove_graph(DOC)
    assert DOC not in store.graph_names()
    assert list(store.quads(result)) == []  # the finding went with its report…
    assert [q.object.value for q in store.quads(report, sh["conforms"])] == ["true"]  # …and so


def test_only_an_on_disk_store_has_a_folder_for_readers(store: Store, tmp_path: Path) -> None:
    assert store.reader_path() is None  # in memory, or remote
    with OxigraphStore(tmp_path / "disk") as disk:
        assert disk.reader_path() == str(tmp_path / "disk")
