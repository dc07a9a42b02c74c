"""Validating reports while they are loaded, from the N-Quads the loader's workers make.

Reading a report back from the on-disk store costs more than validating it (RocksDB: ≈ 15 µs a
quad; docs/architecture.md, "Where the time goes"), so ``fiscal-kg load --validate`` checks each
report in the worker that parsed it: a few reports at a time go into a small in-memory store with
the reference data (ontology, code lists, rule data, read once per worker), and every
``report``-scoped rule (shapes/rules.csv) runs once over them. Rules that need other reports of
the unit (``unit`` scope) run over the store after the load (``validation.merge``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import pyoxigraph as ox

from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import prepare
from fiscal_kg.validation.catalogue import rules_of_scope
from fiscal_kg.validation.fastpath import Runner
from fiscal_kg.validation.findings import Finding
from fiscal_kg.validation.shapes import load_shapes


class ReportValidator:
    """Report-scoped rules on reports given as N-Quads, a few at a time (each query has a fixed
    cost of about 1 ms to parse and plan, so one report alone pays it ~50 times over)."""

    def __init__(self, rules: Iterable[str] | None = None) -> None:
        reference = OxigraphStore()  # in memory: the reference graphs, as a store holds them
        reference.ensure_reference_data()
        prepare(reference)
        self.reference = list(reference.quads())
        self.shapes = load_shapes()
        # the report-scoped rules by default; all rules suit reports that come with the unit's
        # other reports (the bench's comparison with pyshacl)
        self.rules = sorted(rules_of_scope("report") if rules is None else rules)

    def validate(self, reports: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        """Each report's findings, for reports given as (graph IRI, N-Quads of that graph). Two
        files can name the same report; each is checked on its own."""
        out: list[list[Finding]] = []
        group: list[tuple[str, str]] = []
        for report in reports:
            if any(report[0] == iri for iri, _ in group):
                out.extend(self._validate_group(group))
                group = []
            group.append(report)
        if group:
            out.extend(self._validate_group(group))
        return out

    def _validate_group(self, reports: list[tuple[str, str]]) -> list[list[Finding]]:
        # A new store each time: one that reports are added to and removed from keeps growing
        # (Oxigraph's in-memory store keeps what was removed: ≈ 1.5 MB a report), and copying
        # the ≈ 7k reference quads costs ≈ 1 ms a report.
        work = ox.Store()
        work.extend(self.reference)
        for iri, text in reports:
            work.load(text, format=ox.RdfFormat.N_QUADS)
            work.add_graph(ox.NamedNode(iri))  # an empty report is still checked
        findings = Runner(OxigraphStore.of(work), self.shapes).run(self.rules)
        by_document: dict[str, list[Finding]] = {iri: [] for iri, _ in reports}
        for finding in findings:
            if finding.document in by_document:  # not the reference graphs' findings
                by_document[finding.document].append(finding)
        return [by_document[iri] for iri, _ in reports]


@lru_cache(maxsize=1)
def report_validator() -> ReportValidator:
    """This process's validator (a loading worker's: its reference data and shapes read once)."""
    return ReportValidator()
