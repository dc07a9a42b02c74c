"""A store behind SPARQL 1.1 Protocol endpoints (Oxigraph, Fuseki, GraphDB, Virtuoso, QLever).

Queries go through SPARQLWrapper (JSON results). Writes use either SPARQL
Update (``DROP SILENT GRAPH`` + ``INSERT DATA`` in ONE request, so a server
that runs a request as one transaction replaces the report atomically) or the
Graph Store Protocol (``PUT URL?graph=<iri>`` with N-Triples, atomic by the
protocol's definition). The server must use the union of its named graphs as
the default graph (Oxigraph: ``--union-default-graph``; Fuseki:
``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso do so by default), since
the named queries rely on it exactly as they do on the embedded store.

Whether the server runs LATERAL (Oxigraph, Jena >= 4.7) is asked once per store with a
tiny query; a server that answers it with an error (GraphDB, Virtuoso, QLever) gets the
named queries' SPARQL 1.1 forms (``fiscal_kg.query.wants_portable``).
"""

from __future__ import annotations

from urllib.error import HTTPError

import requests
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from fiscal_kg.store.base import QueryResult, StoreBase, reference_files
from fiscal_kg.store.terms import XSD_STRING, RDFTerm, ntriples

TIMEOUT_S = 300  # per HTTP request; a report or a named query takes far less
# ?y is 1 only where the block sees the binding of ?x from outside it
LATERAL_PROBE = "SELECT ?y WHERE { BIND(1 AS ?x) LATERAL { BIND(?x AS ?y) } }"


def term_from_json(binding: dict[str, str]) -> RDFTerm:
    """One SPARQL 1.1 Query Results JSON binding as an rdflib term."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype and datatype != XSD_STRING:
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


class RemoteStore(StoreBase):
    """Same interface as ``OxigraphStore`` over HTTP."""

    def __init__(
        self,
        endpoint: str | None,
        *,
        update_endpoint: str | None = None,
        gsp: str | None = None,
        timeout: int = TIMEOUT_S,
    ) -> None:
        if not endpoint and not (update_endpoint or gsp):
            raise ValueError("a remote store needs --endpoint (and --update-endpoint or --gsp)")
        self.endpoint, self.update_endpoint, self.gsp = endpoint, update_endpoint, gsp
        self.timeout = timeout
        self._http = requests.Session()
        self._lateral: bool | None = None  # asked on first use

    def close(self) -> None:
        self._http.close()

    # -- writing -------------------------------------------------------------

    def put_graph(self, graph_iri: str, graph: Graph) -> int:
        self.put_ntriples(graph_iri, ntriples(graph))
        return len(graph)

    def put_ntriples(self, graph_iri: str, text: str) -> int:
        iri = URIRef(graph_iri).n3()
        if self.gsp:
            response = self._http.put(
                self.gsp,
                params={"graph": str(graph_iri)},
                data=text.encode("utf-8"),
                headers={"Content-Type": "application/n-triples; charset=utf-8"},
                timeout=self.timeout,
            )
            _check(response, f"PUT graph {graph_iri}")
        else:
            self.update(f"DROP SILENT GRAPH {iri} ;\nINSERT DATA {{ GRAPH {iri} {{\n{text}}} }}")
        return text.count("\n")

    def remove_graph(self, graph_iri: str) -> None:
        self.update(f"DROP SILENT GRAPH {URIRef(graph_iri).n3()}")

    def update(self, sparql: str) -> None:
        if not self.update_endpoint:
            raise ValueError("this remote store has no --update-endpoint")
        response = self._http.post(
            self.update_endpoint,
            data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            timeout=self.timeout,
        )
        _check(response, "SPARQL update")

    def ensure_reference_data(self) -> None:
        for graph_iri, paths in reference_files().items():
            g = Graph()
            for path in paths:
                g.parse(path, format="turtle")
            self.put_graph(graph_iri, g)

    # -- reading -------------------------------------------------------------

    @property
    def supports_lateral(self) -> bool:
        """Whether the server runs LATERAL: asked once, with a probe query. An error answer
        (a parser that does not know the keyword) or a wrong one means no; a server that
        cannot be reached raises, as the query itself would."""
        if self._lateral is None:
            try:
                rows = self.query(LATERAL_PROBE).rows
            except (HTTPError, ValueError):  # query() turns a refusal into ValueError
                rows = []
            self._lateral = [tuple(str(term) for term in row) for row in rows] == [("1",)]
        return self._lateral

    def query(self, sparql: str) -> QueryResult:
        if not self.endpoint:
            raise ValueError("this remote store has no --endpoint for queries")
        client = SPARQLWrapper(self.endpoint)
        client.setMethod(POST)  # named queries are long; GET URLs have length limits
        client.setReturnFormat(JSON)
        client.setTimeout(self.timeout)
        client.setQuery(sparql)
        # SPARQLWrapper guesses the query form from keywords and is fooled by comments
        # ("# … reports loaded …" reads as LOAD, sent as an update); this method only
        # runs SELECT/ASK queries, and both are sent the same way.
        client.queryType = SELECT
        try:
            data = client.queryAndConvert()
        except SPARQLWrapperException as exc:  # 400, 404, 500…: the server's words, no traceback
            raise ValueError(f"{self.endpoint} did not run the query: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"endpoint {self.endpoint} did not answer with SPARQL JSON results")
        if "boolean" in data:
            return QueryResult(boolean=bool(data["boolean"]))
        variables = list(data["head"]["vars"])
        rows = []
        for binding in data["results"]["bindings"]:
            rows.append(
                tuple(term_from_json(binding[v]) if v in binding else None for v in variables)
            )
        return QueryResult(variables=variables, rows=rows)

    def graph(self, graph_iri: str) -> Graph:
        g = Graph()
        result = self.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH {URIRef(graph_iri).n3()} {{ ?s ?p ?o }} }}"
        )
        for s, p, o in result.rows:
            g.add((s, p, o))
        return g

    def graph_names(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(row[0]) for row in result.rows)

    def dataset(self) -> Dataset:
        """Every named graph, fetched with one query (for export)."""
        ds = Dataset()
        result = self.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        for g, s, p, o in result.rows:
            ds.add((s, p, o, URIRef(str(g))))
        return ds


def _check(response: requests.Response, what: str) -> None:
    if response.status_code >= 400:
        raise OSError(f"{what} failed: HTTP {response.status_code}: {response.text[:500]}")
