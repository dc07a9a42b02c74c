"""What a store is: the ``Store`` protocol, its query results, and what every store shares.

Implemented by the embedded store (``embedded.OxigraphStore``) and the remote one
(``remote.RemoteStore``); neither this module nor the protocol knows either of them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol, Self

import pyoxigraph as ox
from rdflib import Graph

from fiscal_kg.store.terms import OxTerm, RDFTerm
from loaders.resources import resource_dir
from loaders.vocab import CODES_GRAPH, ONTOLOGY_GRAPH


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
    """What the CLI, the exporters, validation and linking need from a store.

    Reports are written as rdflib graphs or N-Triples/N-Quads text; everything else that reads
    or writes quads does so in pyoxigraph's terms (``OxTerm``, ``ox.Quad``), the term model of
    the hot paths (validation, linking, export). ``query`` answers in rdflib terms for the
    named queries and their formatters; ``select`` answers in pyoxigraph terms.

    Both stores implement every operation. Where a remote server cannot do what the embedded
    store does, the remote store does the nearest thing and says so here:

    - ``change`` and ``add_quads`` are one SPARQL Update request: atomic when the server runs
      a request as one transaction (Oxigraph, Fuseki, GraphDB; Virtuoso per statement);
    - ``reader_path``: a remote store has no folder for other processes, so None;
    - ``dump`` fetches the quads with one query and serialises them with pyoxigraph.
    """

    def put_report(self, graph_iri: str, graph: Graph) -> int: ...

    def put_graph(self, graph_iri: str, graph: Graph) -> int: ...

    def put_ntriples(self, graph_iri: str, text: str) -> int: ...

    def put_nquads(self, graph_iri: str, text: str) -> int: ...

    def put_reports(self, reports: Sequence[tuple[str, str]], *, checked: bool = False
                    ) -> list[str | None]: ...

    def remove_graph(self, graph_iri: str) -> None: ...

    def ensure_reference_data(self) -> None: ...

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads (any graphs) in one transaction."""
        ...

    def change(self, removed: Collection[ox.Quad], added: Collection[ox.Quad]) -> None:
        """Remove ``removed`` and add ``added`` in one transaction (the difference between
        what a graph holds and what it should hold)."""
        ...

    def quads(self, subject: OxTerm | None = None, predicate: ox.NamedNode | None = None,
              object: OxTerm | None = None, graph_iri: str | None = None
              ) -> Iterator[ox.Quad]:
        """The quads that match (None matches anything; ``graph_iri`` None: every graph)."""
        ...

    def query(self, sparql: str) -> QueryResult: ...

    def select(self, sparql: str) -> Iterator[dict[str, OxTerm | None]]:
        """A SELECT over the union of the named graphs, each row in pyoxigraph terms (None when
        unbound)."""
        ...

    @property
    def supports_lateral(self) -> bool: ...

    def update(self, sparql: str) -> None: ...

    def graph(self, graph_iri: str) -> Graph: ...

    def graph_names(self) -> list[str]: ...

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph_iri: str | None = None, *,
             prefixes: dict[str, str] | None = None) -> None:
        """The dataset (or one graph, as triples) serialised to a binary file object."""
        ...

    def reader_path(self) -> str | None:
        """A folder that other processes may open read-only to read the store in parallel,
        made ready for them (written to disk, compacted); None when there is none."""
        ...

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
        are sent (fiscal_kg.queries.wants_portable)."""
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

    def quads(self, subject: OxTerm | None = None, predicate: ox.NamedNode | None = None,
              object: OxTerm | None = None, graph_iri: str | None = None
              ) -> Iterator[ox.Quad]:
        raise NotImplementedError

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph_iri: str | None = None, *,
             prefixes: dict[str, str] | None = None) -> None:
        """The quads (``quads``), serialised by pyoxigraph; one graph as the embedded store
        writes it: its triples (in the default graph of a dataset format)."""
        quads = self.quads(graph_iri=graph_iri)
        data: Iterable[ox.Quad | ox.Triple] = quads
        if graph_iri:
            data = (ox.Quad(q.subject, q.predicate, q.object) if fmt.supports_datasets
                    else q.triple for q in quads)
        ox.serialize(data, output, fmt, **({"prefixes": prefixes} if prefixes else {}))

    def reader_path(self) -> str | None:
        return None

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
