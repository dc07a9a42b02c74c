"""The embedded, persistent RDF store: one Oxigraph (RocksDB) directory on disk.

Every report lives in its own named graph (IRI = the report's document IRI),
so replacing a report never touches another one, and queries see the union of
all named graphs as their default graph.

Measured on the 2-core reference machine (see ``python -m fiscal_kg.measure_store``):
Oxigraph's on-disk writes cost ~25-40k quads/s inside a transaction, while a
SPARQL ``MOVE`` of a staging graph costs about three times as much as writing
it. So ``put_report`` does not stage: a new graph is written with one
transactional ``extend``; an existing one is replaced by one SPARQL update
that deletes only the quads that changed and inserts the new ones. Both are
single Oxigraph transactions: either the whole report lands or nothing does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Self

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from fiscal_kg.endpoint_lock import hold_for_writing
from loaders.nquads import ox_literal
from loaders.resources import resource_dir
from loaders.vocab import CODES_GRAPH, ONTOLOGY_GRAPH

DEFAULT_STORE_DIR = "fiscal-kg-store"
STORE_ENV = "FISCAL_KG_STORE"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"

RDFTerm = URIRef | BNode | Literal


def default_store_path() -> Path:
    """$FISCAL_KG_STORE, else ./fiscal-kg-store."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE_DIR)


class NoStoreError(Exception):
    """A read command named a store that does not exist (or is no store): never create one."""


def existing_store_path(path: str | Path | None) -> Path:
    """The store folder a read command (query, validate, export, serve, link) works on; raises
    NoStoreError naming the path when there is none, so a mistyped --store or another working
    folder is an error rather than an empty store that answers "0 rows"."""
    where = Path(path) if path is not None else default_store_path()
    if where.is_file() or (where.exists() and not where.is_dir()):
        raise NoStoreError(f"{where.resolve()} is a file, not a store folder")
    if not (where / "CURRENT").is_file():
        what = "no store" if not where.exists() or not any(where.iterdir()) else "not a store"
        raise NoStoreError(f"{what} at {where.resolve()} (create one with fiscal-kg load "
                           f"--store {where} REPORT…)")
    return where


# ---------------------------------------------------------------------------
# Term conversion (hot path: every triple of every report passes here)
# ---------------------------------------------------------------------------


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
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
    cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
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


def _is_blank_quad(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _triple_text(quads: Iterable[ox.Quad]) -> str:
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


# ---------------------------------------------------------------------------
# Query results
# ---------------------------------------------------------------------------


@dataclass
class QueryResult:
    """A SELECT (variables + rows of rdflib terms, None when unbound) or ASK (boolean) result."""

    variables: list[str] = field(default_factory=list)
    rows: list[tuple[RDFTerm | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def dicts(self) -> list[dict[str, RDFTerm | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def values(self, variable: str) -> list[object]:
        """Python values of one column (Decimal, int, str ...; None when unbound)."""
        index = self.variables.index(variable)
        out: list[object] = []
        for row in self.rows:
            term = row[index]
            out.append(term.toPython() if term is not None else None)
        return out


class Store(Protocol):
    """What the CLI, the exporters, validation and linking need from a store."""

    def put_report(self, graph_iri: str, graph: Graph) -> int: ...

    def put_graph(self, graph_iri: str, graph: Graph) -> int: ...

    def put_ntriples(self, graph_iri: str, text: str) -> int: ...

    def put_reports(self, reports: Sequence[tuple[str, str]], *, checked: bool = False
                    ) -> list[str | None]: ...

    def remove_graph(self, graph_iri: str) -> None: ...

    def ensure_reference_data(self) -> None: ...

    def query(self, sparql: str) -> QueryResult: ...

    @property
    def supports_lateral(self) -> bool: ...

    def update(self, sparql: str) -> None: ...

    def graph(self, graph_iri: str) -> Graph: ...

    def graph_names(self) -> list[str]: ...

    def close(self) -> None: ...


class StoreBase:
    """What every store shares: a context manager, and a report written as one named graph."""

    def close(self) -> None:
        raise NotImplementedError

    def put_graph(self, graph_iri: str, graph: Graph) -> int:
        raise NotImplementedError

    @property
    def supports_lateral(self) -> bool:
        """Whether queries may use LATERAL (SEP-0006); else the named queries' SPARQL 1.1 forms
        are sent (fiscal_kg.query.wants_portable)."""
        return False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def put_report(self, graph_iri: str, graph: Graph) -> int:
        """Replace the named graph of one report atomically; returns its triple count."""
        return self.put_graph(graph_iri, graph)

    def put_ntriples(self, graph_iri: str, text: str) -> int:
        raise NotImplementedError

    def put_nquads(self, graph_iri: str, text: str) -> int:
        """Like ``put_ntriples`` for N-Quads text whose quads all name ``graph_iri``."""
        quads = ox.parse(text, format=ox.RdfFormat.N_QUADS)
        triples = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
        return self.put_ntriples(graph_iri, (triples or b"").decode())

    def put_reports(self, reports: Sequence[tuple[str, str]], *, checked: bool = False
                    ) -> list[str | None]:
        """Write several reports, each (graph IRI, N-Quads of that graph); one error message
        (None when stored) per report. Each report lands whole or not at all, and a report
        that cannot be stored does not stop the others. ``checked``: the text was written by
        ``loaders.nquads`` (every IRI already checked), so a store may skip checking it."""
        errors: list[str | None] = []
        for graph_iri, text in reports:
            try:
                self.put_nquads(graph_iri, text)
                errors.append(None)
            except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
                errors.append(f"cannot store the report: {exc}")
        return errors


def reference_files() -> dict[str, list[Path]]:
    """Turtle files of the ontology and the code lists, by the named graph they go to."""
    root = resource_dir("ontology")
    return {
        str(ONTOLOGY_GRAPH): sorted(root.glob("*.ttl")),
        str(CODES_GRAPH): sorted((root / "codes").glob("*.ttl")),
    }


# ---------------------------------------------------------------------------
# The embedded store
# ---------------------------------------------------------------------------


class OxigraphStore(StoreBase):
    """A pyoxigraph store, on disk when ``path`` is given (else in memory, for tests)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        if self.path is not None and self.path.exists() and not self.path.is_dir():
            raise OSError(f"store {self.path} is a file, not a store folder")
        if self.path is not None and _foreign_directory(self.path):
            # Oxigraph would add its RocksDB files to any folder it is given.
            raise OSError(f"{self.path} is a non-empty folder that is not an Oxigraph store")
        # refused while `fiscal-kg serve` serves the store (see fiscal_kg/endpoint_lock.py)
        writing = self.path is not None and not read_only
        self._serve_lock = hold_for_writing(self.path) if writing else None
        try:
            if self.path is None:
                self._store: ox.Store | None = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            self._release_serve_lock()
            # RocksDB holds a LOCK file: a second writer (another `fiscal-kg load`,
            # or a running `serve`) is the usual reason.
            if "lock" in str(exc).lower():
                raise OSError(f"cannot open store {self.path}: it is in use by another process "
                              "(a running load, validate, link or serve); try again when it "
                              "has finished") from exc
            raise OSError(f"cannot open store {self.path}: {exc}") from exc

    # -- lifecycle -----------------------------------------------------------

    @property
    def raw(self) -> ox.Store:
        if self._store is None:
            raise RuntimeError("store is closed")
        return self._store

    def close(self) -> None:
        """Release the RocksDB lock (pyoxigraph closes when the object is dropped)."""
        if self._store is not None and self.path is not None and not self.read_only:
            self._store.flush()  # memtables to disk files: the next opening replays no log
        self._store = None
        self._release_serve_lock()

    def _release_serve_lock(self) -> None:
        if self._serve_lock is not None:
            self._serve_lock.close()  # closing the file drops the flock
            self._serve_lock = None

    # -- writing -------------------------------------------------------------

    def put_graph(self, graph_iri: str, graph: Graph) -> int:
        name = ox.NamedNode(str(graph_iri))
        return self._replace(name, graph_quads(graph, name))

    def put_ntriples(self, graph_iri: str, text: str) -> int:
        """Like ``put_graph`` for N-Triples text."""
        return self._put_text(graph_iri, text, ox.RdfFormat.N_TRIPLES)

    def put_nquads(self, graph_iri: str, text: str) -> int:
        """Like ``put_graph`` for N-Quads of that one graph (what the loader's workers send)."""
        return self._put_text(graph_iri, text, ox.RdfFormat.N_QUADS)

    def _put_text(self, graph_iri: str, text: str, fmt: ox.RdfFormat) -> int:
        name = ox.NamedNode(str(graph_iri))
        if not self.raw.contains_named_graph(name):
            # First load: parsed and written by Oxigraph in one transaction, no Python objects.
            self.raw.load(text, fmt, to_graph=name if fmt == ox.RdfFormat.N_TRIPLES else None)
            return text.count("\n")
        parsed = ox.parse(text, format=fmt)
        quads = (ox.Quad(q.subject, q.predicate, q.object, name) for q in parsed)
        return self._replace(name, quads)

    def put_reports(self, reports: Sequence[tuple[str, str]], *, checked: bool = False
                    ) -> list[str | None]:
        """Reports new to the store go in through Oxigraph's bulk loader, all at once — about
        three times cheaper than one transaction each (docs/architecture.md, "Where the time
        goes"). The bulk loader is not transactional, so when it fails the graphs it was
        writing are dropped again (they were not in the store before) and those reports are
        retried one transaction each. Reports already in the store, or given twice, are
        replaced one transaction each, in order."""
        raw = self.raw
        fresh: list[int] = []
        seen: set[str] = set()
        for i, (graph_iri, _) in enumerate(reports):
            if graph_iri not in seen and not raw.contains_named_graph(ox.NamedNode(graph_iri)):
                fresh.append(i)
            seen.add(graph_iri)
        errors: list[str | None] = [None] * len(reports)
        if len(fresh) > 1:
            try:
                # lenient: no second check of IRIs the workers checked (≈ 10 % of a bulk load)
                raw.bulk_load("".join(reports[i][1] for i in fresh).encode(), ox.RdfFormat.N_QUADS,
                              lenient=checked)
            except (OSError, ValueError, SyntaxError, RuntimeError):
                for i in fresh:
                    self.remove_graph(reports[i][0])
            else:
                done = set(fresh)
                rest = [i for i in range(len(reports)) if i not in done]
                for i, error in zip(rest, super().put_reports([reports[i] for i in rest]),
                                    strict=True):
                    errors[i] = error
                return errors
        return super().put_reports(reports)

    def _replace(self, name: ox.NamedNode, quads: Iterable[ox.Quad]) -> int:
        store = self.raw
        if not store.contains_named_graph(name):
            # The common case (first load): one transaction, rolled back by
            # Oxigraph if the iterator or the write fails part way.
            counted = _Counter(quads)
            store.extend(counted)
            return counted.count
        new = set(quads)
        old = set(store.quads_for_pattern(None, None, None, name))
        if not new:
            store.update(f"DROP SILENT GRAPH {name}")
            return 0
        # Blank nodes get fresh labels on every load and DELETE DATA may not
        # name them, so every blank-node quad is deleted by pattern and re-inserted.
        removed = [q for q in old - new if not _is_blank_quad(q)]
        old_blank = any(_is_blank_quad(q) for q in old)
        added = [q for q in new if _is_blank_quad(q)] if old_blank else []
        added += [q for q in new - old if not (old_blank and _is_blank_quad(q))]
        operations = []
        if old_blank:
            operations.append(
                f"DELETE {{ GRAPH {name} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {name} "
                "{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"
            )
        if removed:
            operations.append(f"DELETE DATA {{ GRAPH {name} {{\n{_triple_text(removed)}\n}} }}")
        if added:
            operations.append(f"INSERT DATA {{ GRAPH {name} {{\n{_triple_text(added)}\n}} }}")
        if operations:
            store.update(" ;\n".join(operations))  # one update = one transaction
        return len(new)

    def remove_graph(self, graph_iri: str) -> None:
        """Drop a report's graph and, in the same transaction, its findings in the validation
        report (they describe a report that is gone)."""
        from fiscal_kg.validation.storage import forget_update

        name = ox.NamedNode(str(graph_iri))
        self.raw.update(f"DROP SILENT GRAPH {name} ;\n{forget_update([name.value])}")

    def update(self, sparql: str) -> None:
        self.raw.update(sparql)

    def ensure_reference_data(self) -> None:
        """Load ontology/*.ttl and ontology/codes/*.ttl into their graphs (no-op when unchanged)."""
        for graph_iri, paths in reference_files().items():
            name = ox.NamedNode(graph_iri)
            quads: list[ox.Quad] = []
            for path in paths:
                for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                    quads.append(ox.Quad(q.subject, q.predicate, q.object, name))
            self._replace(name, quads)

    # -- reading -------------------------------------------------------------

    @property
    def supports_lateral(self) -> bool:
        return True  # Oxigraph implements SEP-0006

    def query(self, sparql: str) -> QueryResult:
        """Run a SELECT or ASK query over the union of all named graphs."""
        result = self.raw.query(sparql, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            raise ValueError("CONSTRUCT/DESCRIBE queries are not supported here; use SELECT")
        variables = [v.value for v in result.variables]
        rows = [
            tuple(None if solution[v] is None else from_ox(solution[v]) for v in variables)
            for solution in result
        ]
        return QueryResult(variables=variables, rows=rows)

    def graph(self, graph_iri: str) -> Graph:
        g = Graph()
        for q in self.raw.quads_for_pattern(None, None, None, ox.NamedNode(str(graph_iri))):
            g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        return g

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.raw.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self, graph_iri: str | None = None) -> int:
        if graph_iri is None:
            return len(self.raw)
        return sum(1 for _ in self.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))

    def dump(self, output: object, fmt: ox.RdfFormat, graph_iri: str | None = None) -> None:
        """Write the dataset (or one graph) to a binary file object or path."""
        from_graph = ox.NamedNode(graph_iri) if graph_iri else None
        self.raw.dump(output, fmt, from_graph=from_graph)


def _foreign_directory(path: Path) -> bool:
    if not path.is_dir():
        return False
    entries = {p.name for p in path.iterdir()}
    return bool(entries) and "CURRENT" not in entries


class _Counter:
    """Counts the quads an iterator yields while ``extend`` consumes it."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self._it = iter(quads)
        self.count = 0

    def __iter__(self) -> _Counter:
        return self

    def __next__(self) -> ox.Quad:
        quad = next(self._it)
        self.count += 1
        return quad


def open_store(
    path: str | Path | None = None,
    *,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    gsp: str | None = None,
    must_exist: bool = False,
) -> Store:
    """The embedded store at ``path`` (default ./fiscal-kg-store), or a remote one. With
    ``must_exist`` (read commands) a missing store is a NoStoreError, not a new empty store."""
    if endpoint or update_endpoint or gsp:
        from fiscal_kg.remote import RemoteStore  # local: SPARQLWrapper only when used

        return RemoteStore(endpoint, update_endpoint=update_endpoint, gsp=gsp)
    if must_exist:
        return OxigraphStore(existing_store_path(path))
    return OxigraphStore(path if path is not None else default_store_path())
