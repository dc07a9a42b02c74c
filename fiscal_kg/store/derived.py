"""What hangs off a report's graph in other graphs, and goes when the report goes.

The validation report (``VALIDATION_GRAPH``) holds results that name their report with
``fkg:document``; when a report's graph is dropped, its results describe a report that is gone,
so both stores drop them in the same request (``remove_graph``). The SPARQL is here, in the
store layer, so that the store needs nothing from ``fiscal_kg.validation`` (which uses the
store): the imports go one way.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from loaders.vocab import FKG, VALIDATION_GRAPH

SH = "http://www.w3.org/ns/shacl#"
_GRAPH = ox.NamedNode(str(VALIDATION_GRAPH))

# full IRIs: Oxigraph takes a PREFIX only at the start of an update request
_CONFORMS = f"""
DELETE {{ GRAPH {_GRAPH} {{ ?report <{SH}conforms> ?c }} }}
WHERE {{ GRAPH {_GRAPH} {{ ?report <{SH}conforms> ?c }} }};
INSERT {{ GRAPH {_GRAPH} {{ ?report <{SH}conforms> ?ok }} }}
WHERE {{ GRAPH {_GRAPH} {{ ?report a <{SH}ValidationReport> }}
  BIND(NOT EXISTS {{ GRAPH {_GRAPH} {{ ?r <{SH}resultSeverity> <{SH}Violation> }} }} AS ?ok) }}"""


def forget_update(documents: Iterable[str]) -> str:
    """The SPARQL update that drops the validation results about ``documents`` and recomputes
    sh:conforms: to run in the same request as the removal of their graphs."""
    iris = " ".join(str(ox.NamedNode(v)) for v in sorted(set(documents)))
    drop = f"""
DELETE {{ GRAPH {_GRAPH} {{ ?report <{SH}result> ?r . ?r ?p ?o }} }}
WHERE {{ GRAPH {_GRAPH} {{
  ?r {ox.NamedNode(str(FKG.document))} ?d VALUES ?d {{ {iris} }}
  ?report <{SH}result> ?r . ?r ?p ?o }} }}"""
    return f"{drop} ;\n{_CONFORMS}"
