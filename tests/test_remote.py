"""Remote stores: load the samples into a real Oxigraph server, query it like the embedded one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import oxigraph_server
from rdflib import BNode
from rdflib.compare import isomorphic

from fiscal_kg.cli import main
from fiscal_kg.queries import named_queries, run
from fiscal_kg.store.remote import RemoteStore
from loaders.vocab import DIVISIONS_GRAPH, LINKS_GRAPH, VALIDATION_GRAPH

PARAMS = {  # required parameters, and a few others so binding is exercised remotely too
    "code-across-units": {"code": "2080109"},
    "project-indicators": {"project": "伤残津贴"},
    "totals-by-class": {"year": "2023"},
    "units-by-division": {"provinceCode": "650000"},
    # without parameters where-from shows the first 100 amounts an engine finds, which two
    # engines (or versions) may pick differently: one line of sample 000, the same everywhere
    "where-from": {"document": "https://w3id.org/fiscal-kg/id/doc/bfa9e6175624/2023/unit/budget",
                   "line": "175"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    location = tmp_path_factory.mktemp("remote") / "db"
    with oxigraph_server("serve", "--location", str(location), "--union-default-graph") as base:
        yield base


def _normalised(result) -> list[tuple]:
    """Rows with blank nodes blanked out, sorted (row order of ties may differ)."""
    rows = [
        tuple("_:b" if isinstance(t, BNode) else (None if t is None else (type(t), str(t)))
              for t in row)
        for row in result.rows
    ]
    return sorted(rows, key=repr)


def test_load_and_query_through_the_update_endpoint(server, sample_paths, sample_store, capsys):
    code = main(["load", "--endpoint", f"{server}/query", "--update-endpoint", f"{server}/update",
                 *map(str, sample_paths)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "阿图什市社会保险中心 2023 budget" in out and "loaded 5 report(s), 0 failed" in out

    remote = RemoteStore(f"{server}/query", update_endpoint=f"{server}/update")
    # linking and validation write their graphs into the embedded store; copy them over
    loaded = set(remote.graph_names())
    for graph in sorted(set(sample_store.graph_names()) - loaded):
        remote.put_graph(graph, sample_store.graph(graph))
    assert {str(LINKS_GRAPH), str(DIVISIONS_GRAPH), str(VALIDATION_GRAPH)} - loaded
    assert set(sample_store.graph_names()) == set(remote.graph_names())
    for name in sample_store.graph_names():
        assert len(remote.graph(name)) == len(sample_store.graph(name)), name

    compared = 0
    for name, query in named_queries().items():
        if name == "federated-wikidata":  # its SERVICE goes to the remote server itself
            query = dataclasses.replace(
                query, text=query.text.replace("https://query.wikidata.org/sparql",
                                               f"{server}/query"))  # fmt: skip
        params = PARAMS.get(name, {})
        embedded = run(sample_store, query, params)
        over_http = run(remote, query, params)
        assert over_http.variables == embedded.variables, name
        assert _normalised(over_http) == _normalised(embedded), name
        compared += bool(embedded.rows)
    assert compared >= 18  # nearly every query has rows on the samples
    remote.close()


def test_reload_replaces_the_report(server, sample_paths, sample_store) -> None:
    remote = RemoteStore(f"{server}/query", update_endpoint=f"{server}/update")
    assert main(["load", "--endpoint", f"{server}/query", "--update-endpoint",
                 f"{server}/update", str(sample_paths[0])]) == 0  # fmt: skip
    doc = "https://w3id.org/fiscal-kg/id/doc/bfa9e6175624/2023/unit/budget"
    assert len(remote.graph(doc)) == len(sample_store.graph(doc))  # replaced, not doubled
    remote.close()


def test_load_through_the_graph_store_protocol(sample_paths, sample_store, tmp_path: Path):
    with oxigraph_server("serve", "--location", str(tmp_path / "gsp"),
                         "--union-default-graph") as base:  # fmt: skip
        code = main(["load", "--gsp", f"{base}/store", "--endpoint", f"{base}/query",
                     str(sample_paths[2])])  # fmt: skip
        assert code == 0
        remote = RemoteStore(f"{base}/query", gsp=f"{base}/store")
        doc = "https://w3id.org/fiscal-kg/id/doc/afbc89d0428c/2022/unstated/budget"
        assert isomorphic(remote.graph(doc), sample_store.graph(doc))
        result = run(remote, named_queries()["economic-breakdown"], {"level": "3"})
        assert [str(r["code"]) for r in result.dicts()] == ["301", "302", "303"]
        remote.close()


def test_a_remote_store_needs_an_endpoint() -> None:
    with pytest.raises(ValueError, match="endpoint"):
        RemoteStore(None)


def test_a_query_the_server_refuses_is_a_clear_error(server, tmp_path: Path, capsys) -> None:
    with pytest.raises(ValueError, match="did not run the query"):
        RemoteStore(f"{server}/query").query("SELECT ?x WHERE { ?x ?p }")  # malformed
    broken = tmp_path / "broken.rq"
    broken.write_text("# title: broken\nSELECT ?x WHERE { ?x ?p }\n", encoding="utf-8")
    assert main(["query", "--endpoint", f"{server}/query", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "fiscal-kg query: broken:" in err and "did not run the query" in err
    assert "Traceback" not in err
