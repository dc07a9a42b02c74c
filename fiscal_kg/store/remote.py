"""A store behind SPARQL 1.1 Protocol endpoints (Oxigraph, Fuseki, GraphDB, Virtuoso, QLever).

Queries go through SPARQLWrapper (JSON results). Writes use either SPARQL
Update (``DROP SILENT GRAPH`` + ``INSERT DATA`` in ONE request, so a server
that runs a request as one transaction replaces the report atomically) or the
Graph Store Protocol (``PUT URL?graph=<iri>`` with N-Triples, atomic by the
protocol's definition). The server must use the union of its named graphs as
the default graph (Oxigraph: ``--union-default-graph``; Fuseki:
``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso do so by default), since
the named queries rely on it exactly as they do on the embedded store.

Blank nodes are skolemised on the way in (``skolemised``): a server need not accept them in
``INSERT DATA`` (Virtuoso refuses them: "SP031 Blank node … not allowed in a constant clause"),
and two loads of one report must give the same graph. Each becomes an IRI under
``https://w3id.org/fiscal-kg/.well-known/genid/`` from the graph's IRI and the node's label (the
report builders label them from the graph IRI; an rdflib graph is first given canonical labels),
and the IRIs are read back as the same blank nodes (``term_from_json``), so a remote store
answers like the embedded one, which keeps blank nodes.

Whether the server runs LATERAL (Oxigraph, Jena >= 4.7) is asked once per store with a
tiny query; a server that answers it with an error (GraphDB, Virtuoso, QLever) gets the
named queries' SPARQL 1.1 forms (``fiscal_kg.queries.wants_portable``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from urllib.error import HTTPError

import pyoxigraph as ox
import requests
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from fiscal_kg.store.base import QueryResult, StoreBase, reference_files
from fiscal_kg.store.derived import forget_update
from fiscal_kg.store.terms import XSD_STRING, OxTerm, RDFTerm, ntriples, quad_data, to_ox
from loaders.vocab import BASE, short_hash

TIMEOUT_S = 300  # per HTTP request; a report or a named query takes far less
# ?y is 1 only where the block sees the binding of ?x from outside it
LATERAL_PROBE = "SELECT ?y WHERE { BIND(1 AS ?x) LATERAL { BIND(?x AS ?y) } }"
# triples per INSERT DATA operation (all in one request): Virtuoso's parser runs out of stack
# ("SP030 … memory exhausted") near 5,000 in one operation
INSERT_CHUNK = 2000
# Skolem IRIs (RDF 1.1 §3.5): GENID + 16 hex digits of the graph IRI's hash + "/" + the label
GENID = BASE + ".well-known/genid/"
# the project's graphs (reports under id/, the others under graph/), not a server's own
OWN_GRAPHS = f'FILTER(STRSTARTS(STR(?g), "{BASE}"))'


def skolemised(graph_iri: str, text: str) -> str:
    """N-Triples ``text`` of graph ``graph_iri`` with every blank node replaced by its skolem IRI
    (the same text gives the same IRIs; text without blank nodes is returned as it is)."""
    if "_:" not in text:
        return text
    prefix = f"{GENID}{short_hash(str(graph_iri), 16)}/"

    def named(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
        return ox.NamedNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term

    triples = [
        ox.Triple(named(t.subject), t.predicate, named(t.object))
        for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
    ]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()


def with_stable_blank_nodes(graph: Graph) -> Graph:
    """``graph`` itself, or, when it has blank nodes (whose rdflib labels are random, e.g. the
    ontology's ``owl:unionOf`` lists parsed from Turtle), a copy with canonical labels."""
    has_blank = any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in graph)
    return to_canonical_graph(graph) if has_blank else graph


def term_from_json(binding: dict[str, str]) -> RDFTerm:
    """One SPARQL 1.1 Query Results JSON binding as an rdflib term."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        if value.startswith(GENID):  # a blank node we skolemised: its label again
            return BNode(value.rpartition("/")[2])
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
        self.put_ntriples(graph_iri, ntriples(with_stable_blank_nodes(graph)))
        return len(graph)

    def put_ntriples(self, graph_iri: str, text: str) -> int:
        iri = URIRef(graph_iri).n3()
        text = skolemised(graph_iri, text)  # every remote write passes here
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
            lines = text.splitlines(keepends=True)
            inserts = [
                f"INSERT DATA {{ GRAPH {iri} {{\n{''.join(lines[i : i + INSERT_CHUNK])}}} }}"
                for i in range(0, len(lines), INSERT_CHUNK)
            ]
            self.update(" ;\n".join([f"DROP SILENT GRAPH {iri}", *inserts]))
        return text.count("\n")

    def remove_graph(self, graph_iri: str) -> None:
        """As the embedded store: the graph and its validation results, in one request."""
        self.update(f"DROP SILENT GRAPH {URIRef(graph_iri).n3()} ;\n"
                    f"{forget_update([str(graph_iri)])}")

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """``INSERT DATA`` in one request (blank nodes skolemised as ``put_ntriples`` does)."""
        self.change([], list(quads))

    def change(self, removed: Collection[ox.Quad], added: Collection[ox.Quad]) -> None:
        """``DELETE DATA`` + ``INSERT DATA`` in one request, ``INSERT_CHUNK`` quads an operation
        (blank nodes are skolem IRIs on the server, so removed blank-node quads are named by
        them)."""
        operations = [f"{verb} DATA {{ {quad_data(chunk)} }}"
                      for verb, quads in (("DELETE", removed), ("INSERT", added))
                      for chunk in _chunks(_skolemised(quads))]
        if operations:
            self.update(" ;\n".join(operations))

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
        """The project's named graphs: a server may hold others (Virtuoso its own ``virtrdf#``)."""
        result = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OWN_GRAPHS} }}")
        return sorted(str(row[0]) for row in result.rows)

    def select(self, sparql: str) -> Iterator[dict[str, OxTerm | None]]:
        result = self.query(sparql)
        for row in result.rows:
            yield {v: None if t is None else to_ox(t)
                   for v, t in zip(result.variables, row, strict=True)}

    def quads(self, subject: OxTerm | None = None, predicate: ox.NamedNode | None = None,
              object: OxTerm | None = None, graph_iri: str | None = None
              ) -> Iterator[ox.Quad]:
        """One SELECT for the pattern (a blank node matches the skolem IRI it is stored as); a
        whole graph as N-Triples (``_graph_quads``)."""
        whole = (self._graph_quads(graph_iri)
                 if graph_iri is not None and (subject, predicate, object) == (None,) * 3 else None)
        if whole is not None:
            yield from whole
            return
        terms = {"s": subject, "p": predicate, "o": object,
                 "g": ox.NamedNode(graph_iri) if graph_iri is not None else None}
        filters = []
        for name, term in terms.items():
            if isinstance(term, ox.BlankNode):
                filters.append(f'FILTER(STRSTARTS(STR(?{name}), "{GENID}") && '
                               f'STRENDS(STR(?{name}), "/{term.value}"))')
            elif term is not None:
                filters.append(f"VALUES ?{name} {{ {term} }}")
        if graph_iri is None:
            filters.append(OWN_GRAPHS)  # as graph_names: not a server's own graphs
        rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                           + " ".join(filters) + " }")
        for row in rows:
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])  # type: ignore[arg-type]

    def _graph_quads(self, graph_iri: str) -> list[ox.Quad] | None:
        """A graph's quads from a CONSTRUCT answered in N-Triples, parsed by pyoxigraph: how
        validation reads each report (Virtuoso: 5 samples in 0.2 s, 1.3 s as JSON rows and
        rdflib terms); None when the server answers in no RDF format pyoxigraph reads."""
        if not self.endpoint:
            raise ValueError("this remote store has no --endpoint for queries")
        name = ox.NamedNode(graph_iri)
        response = self._http.post(
            self.endpoint,
            data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}"},
            headers={"Accept": "application/n-triples, text/turtle;q=0.5"},
            timeout=self.timeout,
        )
        _check(response, f"reading graph {graph_iri}")
        fmt = ox.RdfFormat.from_media_type(response.headers.get("Content-Type", ""))
        if fmt is None or fmt.supports_datasets:
            return None
        return [ox.Quad(_unskolemised(t.subject), t.predicate, _unskolemised(t.object), name)
                for t in ox.parse(response.content, format=fmt)]

    def dataset(self) -> Dataset:
        """Every named graph of the project, fetched with one query (for export)."""
        ds = Dataset()
        result = self.query(f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OWN_GRAPHS} }}")
        for g, s, p, o in result.rows:
            ds.add((s, p, o, URIRef(str(g))))
        return ds


def _chunks(quads: list[ox.Quad]) -> list[list[ox.Quad]]:
    return [quads[i : i + INSERT_CHUNK] for i in range(0, len(quads), INSERT_CHUNK)]


def _skolemised(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """``quads`` with each graph's blank nodes skolemised (``skolemised``)."""
    by_graph: dict[str, list[ox.Triple]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q.triple)  # type: ignore[union-attr]
    named = []
    for graph, triples in by_graph.items():
        text = skolemised(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode())
        name = ox.NamedNode(graph)
        named += [ox.Quad(t.subject, t.predicate, t.object, name)
                  for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]
    return named


def _unskolemised(term: OxTerm) -> OxTerm:
    """A skolem IRI we wrote as the blank node it stands for (as ``term_from_json``)."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
        return ox.BlankNode(term.value.rpartition("/")[2])
    return term


def _check(response: requests.Response, what: str) -> None:
    if response.status_code >= 400:
        raise OSError(f"{what} failed: HTTP {response.status_code}: {response.text[:500]}")
