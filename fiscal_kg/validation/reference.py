"""The reference: pyshacl over the same shapes and data, for the equivalence test and benchmarks.

pyshacl evaluates each SPARQL constraint once per focus node with ``$this`` pre-bound, on an
rdflib graph: the report's graph plus the code lists and the rule data (the same data the fast
path queries in the store). Two ways to run it:

- ``engine="rdflib"``: plain pyshacl (rdflib's SPARQL engine). Slow on real reports (minutes
  each: rdflib re-evaluates OPTIONAL parts and un-nests joins per focus node), so the tests run
  it on small reports. ``parse_cache()`` only avoids re-parsing identical query text.
- ``engine="oxigraph"``: pyshacl's SHACL engine unchanged (targets, core components,
  pre-binding, results), with each SPARQL query it issues evaluated by pyoxigraph on a copy of
  the same data, ``$this`` pre-bound through pyoxigraph's substitutions (SEP-0007). This checks
  what the fast path changes — one set-based query with ``?this`` free instead of one query per
  focus node with ``$this`` bound — at the speed needed to compare whole reports.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache

import pyoxigraph as ox
import pyshacl
from rdflib import Graph, URIRef, Variable
from rdflib.namespace import SH
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result

from fiscal_kg.validation.ruledata import codes_graph, rule_data
from fiscal_kg.validation.shapes import SEVERITY_NAMES, load_shapes
from loaders.vocab import FKG

Key = tuple[str, str, str, "str | None"]
# rdflib knows these prefixes without a declaration; shapes written for it rely on that
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcterms": "http://purl.org/dc/terms/",
}


@lru_cache(maxsize=1)
def _support() -> Graph:
    g = Graph()
    g += codes_graph()
    g += rule_data()
    return g


def data_graph(report: Graph) -> Graph:
    g = Graph()
    g += _support()
    g += report
    return g


@contextlib.contextmanager
def parse_cache() -> Iterator[None]:
    """Translate each distinct query text once while the block runs."""
    original = sparql_processor.SPARQLProcessor.query
    cache: dict[tuple[str, str | None], object] = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base)
            if key not in cache:
                cache[key] = sparql_processor.translateQuery(
                    parseQuery(strOrQuery), base, initNs or {}
                )
            strOrQuery = cache[key]
        return original(self, strOrQuery, initBindings or {}, initNs or {}, base, DEBUG)

    sparql_processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        sparql_processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


class OxigraphQueryGraph(Graph):
    """An rdflib graph whose SPARQL queries run on pyoxigraph (initBindings → substitutions).

    Triples added later (SHACL rules' inferences) are added to both copies; a query pyoxigraph
    cannot parse is left to rdflib."""

    def __init__(self, source: Graph, functions: dict[str, object] | None = None) -> None:
        super().__init__()
        from fiscal_kg.store import from_ox, to_ox

        self._to_ox, self._from_ox = to_ox, from_ox
        self._ox = ox.Store()
        self._functions = {ox.NamedNode(k): f for k, f in (functions or {}).items()}
        self += source

    def _quad(self, triple) -> ox.Quad:
        s, p, o = (self._to_ox(t) for t in triple)
        return ox.Quad(s, p, o, ox.DefaultGraph())  # type: ignore[arg-type]

    def add(self, triple):  # type: ignore[override]
        self._ox.add(self._quad(triple))
        return super().add(triple)

    def addN(self, quads):  # type: ignore[override]
        quads = list(quads)
        self._ox.extend(self._quad(q[:3]) for q in quads)
        return super().addN((s, p, o, self) for s, p, o, _ in quads)

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,
              initBindings=None, use_store_provided=True, **kwargs):
        subs = {ox.Variable(str(k)): self._to_ox(v) for k, v in (initBindings or {}).items()}
        try:
            answer = self._ox.query(str(query_object), substitutions=subs, prefixes=PREFIXES,
                                    custom_functions=self._functions or None)
        except (SyntaxError, RuntimeError):  # rdflib-only syntax or functions: let rdflib answer
            return super().query(query_object, processor, result, initNs, initBindings,
                                 use_store_provided, **kwargs)
        if isinstance(answer, ox.QueryBoolean):
            out = Result("ASK")
            out.askAnswer = bool(answer)
            return out
        if isinstance(answer, ox.QueryTriples):
            out = Result("CONSTRUCT")
            graph = Graph()
            for t in answer:
                graph.add((self._from_ox(t.subject), self._from_ox(t.predicate),
                           self._from_ox(t.object)))
            out.graph = graph
            return out
        names = [v.value for v in answer.variables]
        out = Result("SELECT")
        out.vars = [Variable(n) for n in names]
        out.bindings = [
            {Variable(n): self._from_ox(row[n]) for n in names if row[n] is not None}
            for row in answer
        ]
        return out


@contextlib.contextmanager
def checked_once() -> Iterator[None]:
    """pyshacl re-checks each query's text (MINUS, VALUES, nested SELECT …) with a dozen regular
    expressions for every focus node; the text does not change, so check each text once."""
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    original = SPARQLQueryHelper.check_invalid_sparql
    done: set[tuple[int, str, bool, tuple[str, ...]]] = set()

    def check(self, sparql_text, valuenode=None, extravars=None):
        key = (id(self), sparql_text, valuenode is None, tuple(sorted(extravars or ())))
        if key not in done:
            original(self, sparql_text, valuenode=valuenode, extravars=extravars)
            done.add(key)
        return True

    SPARQLQueryHelper.check_invalid_sparql = check  # type: ignore[method-assign]
    try:
        yield
    finally:
        SPARQLQueryHelper.check_invalid_sparql = original  # type: ignore[method-assign]


def run_pyshacl(report: Graph, *, engine: str = "oxigraph") -> Graph:
    """pyshacl's validation report graph for one report graph."""
    shapes = load_shapes()
    data = data_graph(report)
    ctx = contextlib.ExitStack()
    ctx.enter_context(checked_once())
    if engine == "oxigraph":
        data = OxigraphQueryGraph(data)
    else:
        ctx.enter_context(parse_cache())
    with ctx:
        _conforms, results, _text = pyshacl.validate(
            data, shacl_graph=shapes.graph, advanced=True, inference="none",
            allow_warnings=True, inplace=True,
        )
    return results


def result_keys(results: Graph) -> set[Key]:
    """(focus, rule, severity, value) of each pyshacl result, as the fast path reports them."""
    shapes = load_shapes()
    keys: set[Key] = set()
    for r in results.subjects(SH.resultSeverity, None):
        focus = results.value(r, SH.focusNode)
        severity = SEVERITY_NAMES[results.value(r, SH.resultSeverity)]  # type: ignore[index]
        source = results.value(r, SH.sourceConstraint) or results.value(r, SH.sourceShape)
        rule = shapes.graph.value(source, FKG.ruleId)  # type: ignore[arg-type]
        if rule is None:
            rule = shapes.graph.value(results.value(r, SH.sourceShape), FKG.ruleId)  # type: ignore[arg-type]
        value = results.value(r, SH.value)
        text = None if value is None or value == focus else str(value)
        keys.add((str(focus), str(rule), severity, text))
    return keys


def reference_keys(report: Graph, *, engine: str = "oxigraph") -> set[Key]:
    return result_keys(run_pyshacl(report, engine=engine))


__all__ = [
    "OxigraphQueryGraph",
    "URIRef",
    "checked_once",
    "data_graph",
    "parse_cache",
    "reference_keys",
    "result_keys",
    "run_pyshacl",
]
