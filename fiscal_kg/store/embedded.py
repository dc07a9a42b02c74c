"""The embedded, persistent RDF store: one Oxigraph (RocksDB) directory on disk.

Every report lives in its own named graph (IRI = the report's document IRI),
so replacing a report never touches another one, and queries see the union of
all named graphs as their default graph.

Measured on the 2-core reference machine (see ``python -m bench.measure_store``):
Oxigraph's on-disk writes cost ~25-40k quads/s inside a transaction, while a
SPARQL ``MOVE`` of a staging graph costs about three times as much as writing
it. So ``put_report`` does not stage: a new graph is written with one
transactional ``extend``; an existing one is replaced by one SPARQL update
that deletes only the quads that changed and inserts the new ones. Both are
single Oxigraph transactions: either the whole report lands or nothing does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Graph

from fiscal_kg.endpoint_lock import hold_for_writing
from fiscal_kg.store.base import QueryResult, StoreBase, reference_files
from fiscal_kg.store.derived import forget_update
from fiscal_kg.store.terms import OxTerm, from_ox, graph_quads, quad_data
from fiscal_kg.store.utf8_stream import Utf8Stream


def _is_blank_quad(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


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

    @classmethod
    def of(cls, store: ox.Store) -> OxigraphStore:
        """The ``Store`` interface over a pyoxigraph store made elsewhere (validation's
        in-memory working stores, a test's)."""
        self = cls.__new__(cls)
        self.path, self.read_only, self._serve_lock, self._store = None, False, None, store
        return self

    # -- lifecycle -----------------------------------------------------------

    @property
    def raw(self) -> ox.Store:
        """pyoxigraph's store itself: for tests and measurements. The application goes
        through the ``Store`` protocol (tests/test_architecture.py checks)."""
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
                # read report by report, not joined: ≈ 180 MB less at 250k quads (utf8_stream)
                raw.bulk_load(Utf8Stream(reports[i][1] for i in fresh), ox.RdfFormat.N_QUADS,
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
            operations.append(f"DELETE DATA {{ {quad_data(removed)} }}")
        if added:
            operations.append(f"INSERT DATA {{ {quad_data(added)} }}")
        if operations:
            store.update(" ;\n".join(operations))  # one update = one transaction
        return len(new)

    def remove_graph(self, graph_iri: str) -> None:
        """Drop a report's graph and, in the same transaction, its findings in the validation
        report (they describe a report that is gone; ``derived``)."""
        name = ox.NamedNode(str(graph_iri))
        self.raw.update(f"DROP SILENT GRAPH {name} ;\n{forget_update([name.value])}")

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        self.raw.extend(quads)  # one transaction

    def change(self, removed: Collection[ox.Quad], added: Collection[ox.Quad]) -> None:
        """One transaction: ``extend`` when nothing goes (no query text to parse), else one
        SPARQL update (``DELETE DATA`` may not name blank nodes: ``removed`` has none)."""
        if not removed:
            if added:
                self.raw.extend(added)
            return
        operations = [f"DELETE DATA {{ {quad_data(removed)} }}"]
        if added:
            operations.append(f"INSERT DATA {{ {quad_data(added)} }}")
        self.raw.update(" ;\n".join(operations))

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

    def select(self, sparql: str) -> Iterator[dict[str, OxTerm | None]]:
        result = self.raw.query(sparql, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("select() runs SELECT queries only")
        names = [v.value for v in result.variables]
        for solution in result:
            yield {n: solution[n] for n in names}

    def quads(self, subject: OxTerm | None = None, predicate: ox.NamedNode | None = None,
              object: OxTerm | None = None, graph_iri: str | None = None
              ) -> Iterator[ox.Quad]:
        graph = ox.NamedNode(graph_iri) if graph_iri is not None else None
        return self.raw.quads_for_pattern(subject, predicate, object, graph)

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

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph_iri: str | None = None, *,
             prefixes: dict[str, str] | None = None) -> None:
        """Write the dataset (or one graph) to a binary file object or path."""
        from_graph = ox.NamedNode(graph_iri) if graph_iri else None
        self.raw.dump(output, fmt, from_graph=from_graph,
                      **({"prefixes": prefixes} if prefixes else {}))

    def reader_path(self) -> str | None:
        """The folder of an on-disk store open for writing, flushed and compacted so that no
        background compaction deletes a file under the readers; None in memory or read-only."""
        if self.path is None or self.read_only:
            return None
        self.raw.flush()
        self.raw.optimize()
        return str(self.path)


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
