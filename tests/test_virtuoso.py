"""The remote paths against a real Virtuoso (Debian's virtuoso-opensource, started on loopback ports
by ``bench.virtuoso``): the bundled samples (as ``make demo`` loads them) go in through SPARQL
Update and through the Graph Store Protocol, and every named query gives the embedded store's rows.

Compared as they are, in order (on the columns the query sorts by; rows that tie on those may come
in any order). Normalised only where the representation differs, not the value: a decimal's
lexical form ("774.290" and "774.29" are one xsd:decimal), and a blank node's label.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from rdflib import BNode, Literal
from virtuoso_fixtures import virtuoso, virtuoso_load_dir  # noqa: F401 (fixtures)

from fiscal_kg.cli import main
from fiscal_kg.demo import demo_sources, run_demo
from fiscal_kg.queries import NamedQuery, named_queries, run
from fiscal_kg.queries.paging import run_page
from fiscal_kg.store import OxigraphStore, QueryResult
from fiscal_kg.store.remote import GENID, OWN_GRAPHS, RemoteStore, skolemised
from fiscal_kg.store.terms import ntriples

ATUSHI_DOC = "https://w3id.org/fiscal-kg/id/doc/bfa9e6175624/2023/unit/budget"  # sample 000
QUERIES = {name: q for name, q in named_queries().items() if name != "federated-wikidata"}
REQUIRED = {"code-across-units": {"code": "2080109"}, "project-indicators": {"project": "伤残津贴"}}
EXTRA = {  # parameters that reach inside the queries (the CONTAINS on names, a given fact)
    "where-from": [{"fact": f"{ATUSHI_DOC}/cell/246-4"}, {"document": ATUSHI_DOC, "line": "175"}],
    "project-indicators": [{"project": "伤残津贴", "unit": "乌鲁木齐"}],
}
# without parameters where-from keeps any 100 of the samples' amounts (its inner LIMIT): only
# the number of rows is compared
ANY_OF = {("where-from", ())}


def cases() -> list[tuple[str, dict[str, str]]]:
    out = []
    for name, query in sorted(QUERIES.items()):
        out.append((name, REQUIRED.get(name, {})))
        if query.param("unit") and name not in EXTRA:  # a unit name matched with CONTAINS
            out.append((name, {**REQUIRED.get(name, {}), "unit": "普陀区"}))
        out.extend((name, params) for params in EXTRA.get(name, []))
    return out


def cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal) and isinstance(term.value, Decimal):
        return Literal(format(term.value.normalize(), "f"), datatype=term.datatype).n3()
    return term.n3()  # type: ignore[attr-defined]


def order_keys(query: NamedQuery, result: QueryResult) -> list[int]:
    """The result columns the query's final ORDER BY sorts on."""
    clause = re.findall(r"^ORDER BY (.*)$", query.text, re.M)
    names = re.findall(r"\?(\w+)", clause[-1]) if clause else []
    return [result.variables.index(n) for n in names if n in result.variables]


def assert_same_rows(query: NamedQuery, params: dict[str, str], embedded: QueryResult,
                     remote: QueryResult) -> None:  # fmt: skip
    what = f"{query.name} {params}"
    assert remote.variables == embedded.variables, what
    if (query.name, tuple(params)) in ANY_OF:
        assert len(remote.rows) == len(embedded.rows), what
        return
    mine = [tuple(map(cell, row)) for row in embedded.rows]
    theirs = [tuple(map(cell, row)) for row in remote.rows]
    assert sorted(theirs) == sorted(mine), what
    keys = order_keys(query, embedded)
    assert [[r[k] for k in keys] for r in theirs] == [[r[k] for k in keys] for r in mine], what


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory):
    """The store `make demo` builds: the samples loaded, validated and linked."""
    path = tmp_path_factory.mktemp("virtuoso-demo") / "store"
    assert run_demo(path).failed == 0
    store = OxigraphStore(path, read_only=True)
    yield store
    store.close()


def clear(remote: RemoteStore) -> None:
    if graphs := remote.graph_names():
        remote.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs))
    assert remote.graph_names() == []


def load_and_compare(virtuoso, embedded, write: list[str], sources: list[Path],  # noqa: F811
                     reports: int, remote: RemoteStore, capsys) -> None:  # fmt: skip
    clear(remote)
    assert main(["load", "--endpoint", virtuoso.sparql_url, *write, *map(str, sources)]) == 0
    out = capsys.readouterr().out
    assert f"loaded {reports} report(s), 0 failed" in out, out
    # the rest through the same write path: validation and linking write their graphs on the
    # embedded store, and reports not loaded above are copied from it
    for graph in sorted(set(embedded.graph_names()) - set(remote.graph_names())):
        remote.put_ntriples(graph, ntriples(embedded.graph(graph)))
    assert remote.graph_names() == embedded.graph_names()
    sizes = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OWN_GRAPHS} }} "
             "GROUP BY ?g")  # every graph holds as many triples as in the embedded store
    assert sorted(remote.query(sizes).rows) == sorted(embedded.query(sizes).rows)
    assert not remote.supports_lateral  # so the SPARQL 1.1 forms (queries/portable/) ran
    compared = 0
    for name, params in cases():
        query = QUERIES[name]
        mine = run(embedded, query, params)
        assert_same_rows(query, params, mine, run(remote, query, params))
        compared += bool(mine.rows)
    assert compared >= 30  # of 36 cases: nearly all compare rows, not two empty results
    # a page of reports of each listing: the same reports (the same order of reports) and rows
    for name, query in QUERIES.items():
        if query.pages:
            params = REQUIRED.get(name, {})
            mine, theirs = (run_page(store, query, params, page=2, size=4)
                            for store in (embedded, remote))  # fmt: skip
            assert mine.page == theirs.page and mine.page.describe() == (
                "page 2 of 3: reports 5–8 of 11"), name
            assert_same_rows(query, params, mine.result, theirs.result)

    # a few values as the reports print them, read back from Virtuoso
    fact = run(remote, QUERIES["where-from"], {"fact": f"{ATUSHI_DOC}/cell/246-4"}).dicts()
    assert [(str(r["amount"]), str(r["unitName"])) for r in fact] == [
        ("774.29", "阿图什市社会保险中心")]  # fmt: skip
    across = run(remote, QUERIES["code-across-units"], {"code": "2080109"}).dicts()
    assert any(str(r["unitName"]) == "阿图什市社会保险中心" and str(r["year"]) == "2023"
               and Decimal(str(r["amount"])) == Decimal("774.29") for r in across)  # fmt: skip
    completeness = {(str(r["unitName"]), str(r["tableType"])): r["present"].toPython()
                    for r in run(remote, QUERIES["report-completeness"], {}).dicts()}  # fmt: skip
    assert completeness[("阿图什市社会保险中心", "expenditure")] is True
    assert completeness[("阿图什市社会保险中心", "gov-fund")] is False


def test_samples_through_sparql_update_give_the_embedded_rows(virtuoso, embedded, capsys):  # noqa: F811
    remote = RemoteStore(virtuoso.sparql_url, update_endpoint=virtuoso.sparql_url)
    load_and_compare(virtuoso, embedded, ["--update-endpoint", virtuoso.sparql_url],
                     demo_sources(), 11, remote, capsys)  # fmt: skip
    remote.close()


def test_samples_through_the_graph_store_protocol_give_the_embedded_rows(
    virtuoso, embedded, capsys  # noqa: F811
):
    remote = RemoteStore(virtuoso.sparql_url, update_endpoint=virtuoso.sparql_url,
                         gsp=virtuoso.gsp_url)  # fmt: skip
    # the text samples parsed again (the reports read from PDF are sent as the embedded store
    # holds them: parsing them twice would only double the time)
    load_and_compare(virtuoso, embedded, ["--gsp", virtuoso.gsp_url], [demo_sources()[0]], 5,
                     remote, capsys)  # fmt: skip
    remote.close()


def _warning_nodes(virtuoso) -> list[str]:  # noqa: F811
    """The load warnings of sample 000 as Virtuoso stores them (no de-skolemising client)."""
    query = (f"SELECT ?w WHERE {{ GRAPH <{ATUSHI_DOC}> {{ ?w a "
             "<https://w3id.org/fiscal-kg/def#LoadWarning> } } ORDER BY ?w")  # fmt: skip
    accept = {"Accept": "application/sparql-results+json"}
    answer = requests.get(virtuoso.sparql_url, params={"query": query}, headers=accept, timeout=60)
    answer.raise_for_status()
    return [b["w"]["value"] for b in answer.json()["results"]["bindings"]]


def test_blank_nodes_are_stored_as_stable_skolem_iris(virtuoso, embedded, capsys):  # noqa: F811
    remote = RemoteStore(virtuoso.sparql_url, update_endpoint=virtuoso.sparql_url)
    sample_000 = str(next(p for p in Path(demo_sources()[0]).glob("000_*.txt")))
    assert main(["load", "--endpoint", virtuoso.sparql_url, "--update-endpoint",
                 virtuoso.sparql_url, sample_000]) == 0  # fmt: skip
    first = _warning_nodes(virtuoso)
    assert len(first) == 21 and all(w.startswith(GENID) for w in first)
    assert main(["load", "--force", "--endpoint", virtuoso.sparql_url, "--update-endpoint",
                 virtuoso.sparql_url, sample_000]) == 0  # fmt: skip
    assert _warning_nodes(virtuoso) == first  # the same IRIs: replaced, not added
    capsys.readouterr()
    # read back as blank nodes: the report's graph is the embedded store's
    from rdflib.compare import isomorphic

    assert isomorphic(remote.graph(ATUSHI_DOC), embedded.graph(ATUSHI_DOC))
    remote.close()


def test_skolemised_text() -> None:
    text = ('_:b1 <http://x/p> "a _:b1 in a literal" .\n<http://x/s> <http://x/q> _:b1 .\n'
            "<http://x/s> <http://x/q> <http://x/o> .\n")  # fmt: skip
    once = skolemised("http://x/g", text)
    assert once == skolemised("http://x/g", text) and "_:b1 <" not in once
    iri = f"<{GENID}d455ba140ce8601f/b1>"  # sha256 of the graph IRI, 16 hex digits
    assert once.count(iri) == 2 and '"a _:b1 in a literal"' in once
    assert skolemised("http://x/other", text) != once  # scoped by the graph
    assert skolemised("http://x/g", "<http://x/s> <http://x/q> <http://x/o> .\n").endswith(" .\n")
