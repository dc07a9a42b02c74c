"""What a store is: the ``Store`` protocol, its query results, and what every store shares.

Implemented by the embedded store (``embedded.OxigraphStore``) and the remote one
(``remote.RemoteStore``); neither this module nor the protocol knows either of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Self

import pyoxigraph as ox
from rdflib import Graph

from fiscal_kg.store.terms import RDFTerm
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
