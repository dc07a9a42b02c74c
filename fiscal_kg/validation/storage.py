"""The stored validation report (``VALIDATION_GRAPH``): every change is one transaction.

A kill at any moment must leave the old report or the new one, never none and never half of one
(an empty report reads as "no findings"). So the new report is compared with the stored one, quad
by quad, and the difference — results gone, results new — is applied in one SPARQL update, which
Oxigraph runs as one transaction (only ``extend`` when nothing goes). The difference is small when
little changed (re-validating an unchanged store writes nothing: the shapes list the items of a
message in a defined order, tests/test_validation_deterministic.py); when everything changed it is
still cheaper than a staging graph switched in with ``MOVE``/``ADD`` (measured on 15,000 findings,
180k quads: ``extend`` 2.7 s, ``DELETE DATA``/``INSERT DATA`` ≈ 1 s per 60k quads, ``MOVE`` 15-24 s
and 900 MB). Result IRIs are digests of rule, focus, value and line, so an unchanged finding is the
same quads on every run.

``FISCAL_KG_KILL_BEFORE_SWITCH`` (tests only): the process ends with ``os._exit`` right before the
switching transaction, when the new report is computed but not written — where a non-atomic
write (drop, then bulk load) lost the old report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from fiscal_kg.store.derived import forget_update
from fiscal_kg.validation.findings import REPORT_IRI, Finding, report_nquads
from loaders.vocab import FKG, VALIDATION_GRAPH

if TYPE_CHECKING:
    from fiscal_kg.store.base import Store

__all__ = ["forget", "forget_update", "replace_results", "severity_counts", "write_whole"]

SH = "http://www.w3.org/ns/shacl#"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KILL_HOOK = "FISCAL_KG_KILL_BEFORE_SWITCH"

_GRAPH = ox.NamedNode(str(VALIDATION_GRAPH))
_REPORT = ox.NamedNode(str(REPORT_IRI))
_RESULT = ox.NamedNode(SH + "result")


def _parsed(findings: list[Finding], *, conforms: bool) -> set[ox.Quad]:
    text = report_nquads(findings, _GRAPH.value, conforms=conforms)
    return set(ox.parse(text, format=ox.RdfFormat.N_QUADS))


def _switch(store: Store, old: set[ox.Quad], new: set[ox.Quad]) -> None:
    """Turn ``old`` into ``new`` in one transaction (``Store.change``)."""
    gone, added = old - new, new - old
    if os.environ.get(KILL_HOOK):
        os._exit(int(os.environ[KILL_HOOK]))
    store.change(gone, added)


def write_whole(store: Store, findings: list[Finding]) -> None:
    """Replace the whole validation report with the report of ``findings``."""
    old = set(store.quads(graph_iri=_GRAPH.value))
    _switch(store, old, _parsed(findings, conforms=True))


def _iri_list(values: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(v)) for v in sorted(set(values)))


def _string_list(values: Iterable[str]) -> str:
    return " ".join(str(ox.Literal(v)) for v in sorted(set(values)))


def _results_about(store: Store, documents: Iterable[str], rules: Iterable[str]
                   ) -> set[ox.Quad]:
    """The stored quads of the results about ``documents`` or of ``rules``."""
    doc, rule_id = ox.NamedNode(str(FKG.document)), ox.NamedNode(str(FKG.ruleId))
    rows = store.select(f"""SELECT DISTINCT ?r WHERE {{ GRAPH {_GRAPH} {{
  {{ ?r {doc} ?d VALUES ?d {{ {_iri_list(documents)} }} }}
  UNION {{ ?r {rule_id} ?id VALUES ?id {{ {_string_list(rules)} }} }} }} }}""")
    quads: set[ox.Quad] = set()
    for row in rows:
        result = row["r"]
        quads.add(ox.Quad(_REPORT, _RESULT, result, _GRAPH))  # type: ignore[arg-type]
        quads.update(store.quads(result, graph_iri=_GRAPH.value))
    return quads


def replace_results(store: Store, documents: Iterable[str], rules: Iterable[str],
                    findings: list[Finding]) -> None:
    """In one transaction: replace the results about ``documents`` and those of ``rules`` with
    ``findings``, and set sh:conforms; other results stay."""
    old = _results_about(store, list(documents), list(rules))
    replaced = {q.subject for q in old}
    violation = ox.NamedNode(SH + "Violation")
    elsewhere = any(q.subject not in replaced for q in store.quads(
        None, ox.NamedNode(SH + "resultSeverity"), violation, _GRAPH.value))
    conforms = ox.NamedNode(SH + "conforms")
    # sh:conforms as a quad of both sides: changed in the same transaction as the results (and
    # when it does not change, an insert-only difference can go through the cheaper ``extend``)
    old |= set(store.quads(_REPORT, conforms, None, _GRAPH.value))
    # and the report's own type, which every new side holds: stored already, it is no change
    old |= set(store.quads(_REPORT, ox.NamedNode(RDF_TYPE), None, _GRAPH.value))
    new = _parsed(findings, conforms=False)
    ok = not elsewhere and not any(f.severity == "Violation" for f in findings)
    new.add(ox.Quad(_REPORT, conforms, ox.Literal("true" if ok else "false",
                                                  datatype=ox.NamedNode(XSD_BOOLEAN)), _GRAPH))
    _switch(store, old, new)


def forget(store: Store, documents: Iterable[str]) -> int:
    """Drop the results about ``documents`` (reloaded or removed: the old results describe
    another text) in one transaction; they are not validated until validated again. Returns
    how many of them had results."""
    documents = sorted(set(documents))
    if not documents:
        return 0
    had = store.select(f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ GRAPH {_GRAPH} {{
  ?r {ox.NamedNode(str(FKG.document))} ?d VALUES ?d {{ {_iri_list(documents)} }} }} }}""")
    count = int(next(iter(had))["n"].value)  # type: ignore[union-attr]
    if count:
        store.update(forget_update(documents))
    return count


def severity_counts(store: Store) -> tuple[dict[str, int], int]:
    """Results by severity in the stored report, and how many reports the store holds."""
    result = store.query(f"""PREFIX sh: <{SH}>
SELECT ?severity (COUNT(?r) AS ?n) WHERE {{ GRAPH {_GRAPH} {{
  ?r a sh:ValidationResult ; sh:resultSeverity ?severity }} }} GROUP BY ?severity""")
    counts = {str(severity).removeprefix(SH): int(str(n))
              for severity, n in zip(result.values("severity"), result.values("n"), strict=True)}
    docs = store.query(f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{
  GRAPH ?d {{ ?d a {ox.NamedNode(str(FKG.FiscalDocument))} }} }}""")
    return counts, int(str(docs.values("n")[0]))
