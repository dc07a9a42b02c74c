"""`fiscal-kg link` on a remote store: the samples bulk-loaded into Virtuoso (`load --from-shards
--virtuoso`, the scale path), linked there through SPARQL (`link --endpoint --update-endpoint`),
give the division queries the embedded store's rows (the comparison of tests/test_virtuoso.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_virtuoso import (  # the SPARQL Update path's comparison, reused as it is
    QUERIES,
    assert_same_rows,
    clear,
    embedded,  # noqa: F401  (fixture: the store `make demo` builds, linked)
)
from virtuoso_fixtures import virtuoso, virtuoso_load_dir  # noqa: F401  (fixtures)

from fiscal_kg.cli import main
from fiscal_kg.demo import demo_sources
from fiscal_kg.queries import run
from fiscal_kg.shards import extract
from fiscal_kg.store.remote import RemoteStore
from loaders.vocab import DIVISIONS_GRAPH, LINKS_GRAPH

DIVISION_QUERIES = [("units-by-division", {}), ("totals-by-province", {}),
                    ("units-by-division", {"provinceCode": "650000"}),
                    ("totals-by-province", {"provinceCode": "310000"})]


@pytest.fixture(scope="module")
def remote(virtuoso, virtuoso_load_dir: Path) -> RemoteStore:  # noqa: F811
    """The samples `make demo` loads, bulk-loaded into an emptied server; not linked."""
    shards = virtuoso_load_dir / "link-samples"
    assert extract(demo_sources(), shards, workers=2).failed == []
    store = RemoteStore(virtuoso.sparql_url, update_endpoint=virtuoso.sparql_url)
    clear(store)
    assert main(["load", "--from-shards", str(shards), "--virtuoso",
                 f"127.0.0.1:{virtuoso.sql_port}"]) == 0
    return store


def _quads(store, graph) -> set:
    return set(store.quads(graph_iri=str(graph)))


def test_link_on_the_server_gives_the_embedded_division_rows(
        virtuoso, embedded, remote: RemoteStore, capsys) -> None:  # noqa: F811
    for name, params in DIVISION_QUERIES:  # nothing linked yet: the rows below are the link's
        assert run(remote, QUERIES[name], params).rows == [], name
    capsys.readouterr()
    assert main(["link", "--endpoint", virtuoso.sparql_url, "--update-endpoint",
                 virtuoso.sparql_url]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "9 of 10 unit(s) linked"  # 11 reports, one unit has two
    compared = 0
    for name, params in DIVISION_QUERIES:
        mine = run(embedded, QUERIES[name], params)
        assert_same_rows(QUERIES[name], params, mine, run(remote, QUERIES[name], params))
        compared += len(mine.rows)
    assert compared >= 20
    for graph in (LINKS_GRAPH, DIVISIONS_GRAPH):  # the graphs themselves, quad for quad
        assert _quads(remote, graph) == _quads(embedded, graph) != set()
    assert len(_quads(remote, LINKS_GRAPH)) == 9  # one fkg:servesDivision per linked unit


def test_linking_again_changes_nothing(virtuoso, embedded, remote: RemoteStore,  # noqa: F811
                                       capsys) -> None:
    assert main(["link", "--endpoint", virtuoso.sparql_url, "--update-endpoint",
                 virtuoso.sparql_url]) == 0
    before = {g: _quads(remote, g) for g in (LINKS_GRAPH, DIVISIONS_GRAPH)}
    assert main(["link", "--endpoint", virtuoso.sparql_url, "--update-endpoint",
                 virtuoso.sparql_url]) == 0
    assert {g: _quads(remote, g) for g in (LINKS_GRAPH, DIVISIONS_GRAPH)} == before
    assert before[LINKS_GRAPH] == _quads(embedded, LINKS_GRAPH)


def test_link_wants_both_endpoints_of_a_remote_store(capsys) -> None:
    # refused before anything is sent (nothing listens on port 9)
    assert main(["link", "--endpoint", "http://127.0.0.1:9/sparql"]) == 2
    assert "give --endpoint URL and --update-endpoint URL" in capsys.readouterr().err
    assert main(["link", "--gsp", "http://127.0.0.1:9/sparql-graph-crud"]) == 2
