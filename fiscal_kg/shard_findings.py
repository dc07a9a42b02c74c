"""Findings in shards: ``fiscal-kg extract --shards DIR --validate``.

The parser workers run the report-scoped shapes on each report, as ``load --validate`` does
(``ingest.parse_files(validate=True)``, ``validation.per_report``). The unit-scoped rules
(shapes/rules.csv ``scope`` unit: last year's report of the same unit) need the unit's other
reports: they run once the shards are written, over the extracted reports of each unit that has
more than one, a few units per working store (``load --validate`` runs them over the store,
``validation.merge``; a unit with one report can have no such finding). Every finding goes into
the shard ``validation.nq``: the validation graph as ``load --validate`` leaves it in a new store
(sh:ValidationReport, one sh:ValidationResult per finding with its fkg:document), lines sorted.

Loading: a bulk loader (Virtuoso's) reads ``validation.nq`` as it is, the graph replaced whole;
the embedded store (``load --from-shards``) reads the loaded reports' findings back from it and
merges them as ``load --validate`` does (``merge_loaded``: the other reports' results stay, and
the unit-scoped rules run again over the store, which may hold more reports of the units).

This module knows nothing of shard files (``fiscal_kg.shards`` calls it): no import cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import pyoxigraph as ox

from fiscal_kg.validation.findings import Finding, report_nquads
from loaders.vocab import FKG, VALIDATION_GRAPH

if TYPE_CHECKING:
    from fiscal_kg.store import Store

SH = "http://www.w3.org/ns/shacl#"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
UNIT_BATCH = 8  # reports per working store for the unit-scoped rules (fastpath.BATCH)


def unit_of(graph_iri: str, nquads: str) -> str:
    """The unit IRI a report's N-Quads give it (``<doc> fkg:unit <unit>``), or the document
    itself when none (``fastpath.report_units``: such a report is its own unit)."""
    head = f"<{graph_iri}> <{FKG.unit}> <"
    at = nquads.find(head)
    while at > 0 and nquads[at - 1] != "\n":  # at a line's start, not inside a literal
        at = nquads.find(head, at + 1)
    if at < 0:
        return graph_iri
    start = at + len(head)
    return nquads[start:nquads.index(">", start)]


def shared_units(units: dict[str, str]) -> set[str]:
    """The documents of ``units`` (document → unit) whose unit has another report."""
    count = Counter(units.values())
    return {doc for doc, unit in units.items() if count[unit] > 1}


def unit_findings(graphs: Iterable[tuple[str, str]], units: dict[str, str]) -> list[Finding]:
    """The unit-scoped rules' findings over the reports ``graphs`` gives as (graph IRI,
    N-Quads), in any order; ``units``: document → unit of every report of the run. A unit's
    reports are checked together once all have come (``UNIT_BATCH`` reports or so a store)."""
    from fiscal_kg.validation.catalogue import rules_of_scope
    from fiscal_kg.validation.per_report import ReportValidator

    wanted = shared_units(units)
    count = Counter(units[d] for d in wanted)
    validator = None
    waiting: dict[str, list[tuple[str, str]]] = {}
    ready: list[tuple[str, str]] = []
    found: set[Finding] = set()

    def check() -> None:
        nonlocal validator
        validator = validator or ReportValidator(rules_of_scope("unit"))
        found.update(f for fs in validator.validate(ready) for f in fs)
        ready.clear()

    for iri, text in graphs:
        if iri not in wanted:
            continue
        unit = units[iri]
        waiting.setdefault(unit, []).append((iri, text))
        if len(waiting[unit]) == count[unit]:
            ready.extend(waiting.pop(unit))
            if len(ready) >= UNIT_BATCH:
                check()
    if ready:
        check()
    return sorted(found, key=Finding.sort_key)


def findings_nquads(findings: list[Finding]) -> str:
    """The validation graph of ``findings`` as ``load --validate`` leaves it in a new store,
    as N-Quads with sorted lines (the same text on every run)."""
    text = report_nquads(sorted(findings, key=Finding.sort_key), str(VALIDATION_GRAPH))
    return "".join(sorted({line + "\n" for line in text.split("\n") if line}))


def _text(term: ox.NamedNode | ox.Literal | None) -> str | None:
    return None if term is None else term.value


def _amount(term: ox.NamedNode | ox.Literal | None) -> Decimal | str | None:
    """An expected/found value as the shapes gave it: a decimal, or text."""
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_DECIMAL:
        return Decimal(term.value)
    return _text(term)


def read_findings(text: str) -> dict[str, list[Finding]]:
    """The findings of a validation graph's N-Quads (``report_nquads`` read back), by
    document; written out again they give the same quads."""
    results: dict[str, dict[str, ox.NamedNode | ox.Literal]] = {}
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        if quad.predicate.value != SH + "result":  # the report's: one per result
            results.setdefault(quad.subject.value, {})[quad.predicate.value] = quad.object  # type: ignore[assignment]
    out: dict[str, list[Finding]] = {}
    for props in results.values():
        severity = props.get(SH + "resultSeverity")
        if severity is None:  # the sh:ValidationReport itself
            continue
        line, shape = props.get(str(FKG.sourceLine)), props.get(SH + "sourceShape")
        difference = _amount(props.get(str(FKG.difference)))
        finding = Finding(
            severity=severity.value.removeprefix(SH),
            rule=str(_text(props.get(str(FKG.ruleId)))),
            message=str(_text(props.get(SH + "resultMessage"))),
            document=_text(props.get(str(FKG.document))),
            focus=str(_text(props.get(SH + "focusNode"))),
            value=_text(props.get(SH + "value")),
            line=int(line.value) if line is not None else None,
            expected=_amount(props.get(str(FKG.expectedValue))),
            found=_amount(props.get(str(FKG.foundValue))),
            difference=difference if isinstance(difference, Decimal) else None,
            lines=_text(props.get(str(FKG.relatedLines))),
            source_shape=_text(shape),
        )
        out.setdefault(finding.document or "", []).append(finding)
    return out


def merge_findings(store: Store, text: str, checked: set[str], unchecked: set[str]
                   ) -> list[Finding]:
    """Into ``store``'s validation report: the report-scoped findings that ``text`` (a
    ``validation.nq``) holds for the ``checked`` documents, the unit-scoped rules run again over
    the store, and no results for the ``unchecked`` ones (loaded, not validated): what
    ``load --validate`` writes for the same reports (``merge_loaded``). Returns the checked
    reports' findings."""
    from fiscal_kg.validation.catalogue import rules_of_scope
    from fiscal_kg.validation.merge import merge_loaded

    report_rules = rules_of_scope("report")
    found = read_findings(text)
    mine = {doc: [f for f in found.get(doc, []) if f.rule in report_rules] for doc in checked}
    return merge_loaded(store, mine, unchecked)
