"""rdflib ↔ pyoxigraph terms (hot path: every triple of every report passes here).

The stores keep pyoxigraph terms; query results (``QueryResult``) and graphs built with rdflib
carry rdflib's. These functions convert between the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from loaders.nquads import ox_literal

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"

RDFTerm = URIRef | BNode | Literal
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_ox(term: Node) -> OxTerm:
    """One rdflib term as a pyoxigraph term (raises ValueError on an invalid IRI)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        return ox_literal(term)
    raise TypeError(f"cannot store RDF term {term!r}")


def from_ox(term: object) -> RDFTerm:
    """One pyoxigraph term as an rdflib term (xsd:string literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported query result term {term!r}")


def graph_quads(graph: Graph, graph_name: ox.NamedNode) -> Iterator[ox.Quad]:
    """The triples of ``graph`` as quads in ``graph_name``.

    Terms repeat a lot inside a report (predicates, the document IRI, column
    codes), so converted terms are cached for the duration of one graph.
    """
    cache: dict[Node, OxTerm] = {}
    for triple in graph:
        converted = []
        for term in triple:
            value = cache.get(term)
            if value is None:
                value = cache[term] = to_ox(term)
            converted.append(value)
        yield ox.Quad(converted[0], converted[1], converted[2], graph_name)


def ntriples(graph: Iterable[tuple[Node, Node, Node]], graph_iri: str | None = None) -> str:
    """N-Triples text of ``graph`` — an rdflib Graph or any iterable of triples — or N-Quads
    when ``graph_iri`` is given (cheap to send between processes, bulk-loadable, or over HTTP).

    Each distinct term is serialised once (by pyoxigraph, which escapes
    correctly); a report has ~5x fewer distinct terms than term occurrences.
    """
    cache: dict[Node, str] = {}

    def text(term: Node) -> str:
        value = cache.get(term)
        if value is None:
            value = cache[term] = str(to_ox(term))
        return value

    end = f" {ox.NamedNode(graph_iri)} .\n" if graph_iri else " .\n"
    return "".join(f"{text(s)} {text(p)} {text(o)}{end}" for s, p, o in graph)


def quad_data(quads: Iterable[ox.Quad]) -> str:
    """The body of ``INSERT DATA { … }`` / ``DELETE DATA { … }`` for ``quads``: one
    ``GRAPH <g> { … }`` block per named graph (quads of the default graph go outside)."""
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        by_graph.setdefault(graph, []).append(f"{q.subject} {q.predicate} {q.object} .")
    return "\n".join("\n".join(lines) if not graph else
                     f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}"
                     for graph, lines in by_graph.items())
