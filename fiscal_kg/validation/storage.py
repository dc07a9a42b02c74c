"""The stored validation report (``VALIDATION_GRAPH``): every change is one transaction.

A kill at any moment must leave the old report or the new one, never none and never half of one
(an empty report reads as "no findings"). Oxigraph's bulk loader is fast but not transactional,
so new results go first into a staging graph that no query reads, and one SPARQL update — one
Oxigraph transaction — then switches them in: ``MOVE`` for a whole new report, or drop the
replaced results + ``ADD`` the staged ones + recompute sh:conforms for a partial one. A staging
graph left by a killed run is dropped by the next write.

``FISCAL_KG_KILL_AFTER_STAGING`` (tests only): the process ends with ``os._exit`` right after the
staging write, in the window where the old report must survive.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pyoxigraph as ox

from fiscal_kg.validation.findings import REPORT_IRI, Finding, report_nquads
from loaders.vocab import FKG, VALIDATION_GRAPH

SH = "http://www.w3.org/ns/shacl#"
STAGING_GRAPH = f"{VALIDATION_GRAPH}/staging"
KILL_HOOK = "FISCAL_KG_KILL_AFTER_STAGING"

_GRAPH = ox.NamedNode(str(VALIDATION_GRAPH))
_STAGING = ox.NamedNode(STAGING_GRAPH)
_REPORT = ox.NamedNode(str(REPORT_IRI))


def _stage(raw: ox.Store, findings: list[Finding], *, conforms: bool) -> None:
    raw.update(f"DROP SILENT GRAPH {_STAGING}")  # what a killed run left
    # the bulk loader: a transaction of 180k quads (1,000 reports' results) would cost ≈ 150 MB
    raw.bulk_load(report_nquads(findings, STAGING_GRAPH, conforms=conforms),
                  format=ox.RdfFormat.N_QUADS)
    if os.environ.get(KILL_HOOK):
        os._exit(int(os.environ[KILL_HOOK]))


def write_whole(raw: ox.Store, findings: list[Finding]) -> None:
    """Replace the whole validation report with the report of ``findings``."""
    _stage(raw, findings, conforms=True)
    raw.update(f"MOVE SILENT GRAPH {_STAGING} TO GRAPH {_GRAPH}")


def _iri_list(values: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(v)) for v in sorted(set(values)))


def _string_list(values: Iterable[str]) -> str:
    return " ".join(str(ox.Literal(v)) for v in sorted(set(values)))


def _drop_results(documents: Iterable[str], rules: Iterable[str]) -> str:
    doc, rule_id = ox.NamedNode(str(FKG.document)), ox.NamedNode(str(FKG.ruleId))
    return f"""
DELETE {{ GRAPH {_GRAPH} {{ {_REPORT} <{SH}result> ?r . ?r ?p ?o }} }}
WHERE {{ GRAPH {_GRAPH} {{
  {{ ?r {doc} ?d VALUES ?d {{ {_iri_list(documents)} }} }}
  UNION {{ ?r {rule_id} ?id VALUES ?id {{ {_string_list(rules)} }} }}
  {_REPORT} <{SH}result> ?r . ?r ?p ?o }} }}"""


# full IRIs: Oxigraph takes a PREFIX only at the start of an update request
_CONFORMS = f"""
DELETE {{ GRAPH {_GRAPH} {{ {_REPORT} <{SH}conforms> ?c }} }}
WHERE {{ GRAPH {_GRAPH} {{ {_REPORT} <{SH}conforms> ?c }} }};
INSERT {{ GRAPH {_GRAPH} {{ {_REPORT} <{SH}conforms> ?ok }} }}
WHERE {{ GRAPH {_GRAPH} {{ {_REPORT} a <{SH}ValidationReport> }}
  BIND(NOT EXISTS {{ GRAPH {_GRAPH} {{ ?r <{SH}resultSeverity> <{SH}Violation> }} }} AS ?ok) }}"""


def replace_results(raw: ox.Store, documents: Iterable[str], rules: Iterable[str],
                    findings: list[Finding]) -> None:
    """In one transaction: drop the results about ``documents`` and those of ``rules``, add
    ``findings`` (staged first), and recompute sh:conforms; other results stay."""
    _stage(raw, findings, conforms=False)
    raw.update(f"{_drop_results(documents, rules)} ;\n"
               f"ADD SILENT GRAPH {_STAGING} TO GRAPH {_GRAPH} ;\n"
               f"DROP SILENT GRAPH {_STAGING} ;\n{_CONFORMS}")


def forget_update(documents: Iterable[str]) -> str:
    """The SPARQL update that drops the results about ``documents`` and recomputes
    sh:conforms: to run in the same request as the removal of their graphs."""
    return f"{_drop_results(documents, [])} ;\n{_CONFORMS}"


def forget(raw: ox.Store, documents: Iterable[str]) -> int:
    """Drop the results about ``documents`` (reloaded or removed: the old results describe
    another text) in one transaction; they are not validated until validated again. Returns
    how many of them had results."""
    documents = sorted(set(documents))
    if not documents:
        return 0
    had = raw.query(f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ GRAPH {_GRAPH} {{
  ?r {ox.NamedNode(str(FKG.document))} ?d VALUES ?d {{ {_iri_list(documents)} }} }} }}""")
    count = int(next(iter(had))["n"].value)  # type: ignore[index,union-attr,call-overload]
    if count:
        raw.update(forget_update(documents))
    return count


def severity_counts(raw: ox.Store) -> tuple[dict[str, int], int]:
    """Results by severity in the stored report, and how many reports the store holds."""
    rows = raw.query(f"""PREFIX sh: <{SH}>
SELECT ?severity (COUNT(?r) AS ?n) WHERE {{ GRAPH {_GRAPH} {{
  ?r a sh:ValidationResult ; sh:resultSeverity ?severity }} }} GROUP BY ?severity""")
    counts = {r["severity"].value.removeprefix(SH): int(r["n"].value) for r in rows}  # type: ignore[index,union-attr]
    docs = raw.query(f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{
  GRAPH ?d {{ ?d a {ox.NamedNode(str(FKG.FiscalDocument))} }} }}""")
    return counts, int(next(iter(docs))["n"].value)  # type: ignore[index,union-attr,call-overload]
