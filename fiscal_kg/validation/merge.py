"""Updating the validation report in the store after ``fiscal-kg load --validate``.

The workers have checked each loaded report with the report-scoped rules. Here the unit-scoped
rules (shapes/rules.csv ``scope``: last year's report of the same unit) run once over the whole
store (a remote one's reports copied into working stores, ``remote.py``) when a loaded
report's unit has other reports — a new report can change the findings of its successor as well
as its own; a unit with one report has none to change — and the
sh:ValidationReport in ``VALIDATION_GRAPH`` is updated in place: the results of the loaded reports
and of the unit-scoped rules are replaced, every other report's results stay as they were.

The loaded reports' results go in a few thousand at a time, each report's in one transaction,
then the unit-scoped rules' results with sh:conforms: Oxigraph holds a transaction in memory
(≈ 1.8 kB a quad, ≈ 11 quads a finding), and the 19k findings of 1,000 synthetic reports in one
transaction took ≈ 400 MB on top of the loader's peak. A kill in between leaves each loaded
report with its new results or none — "not validated", as the load left it when it dropped its
old ones (``ingest.forget_findings``) — and every other report's results as they were.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from fiscal_kg.store import Store
from fiscal_kg.validation import prepare, storage
from fiscal_kg.validation.catalogue import rules_of_scope
from fiscal_kg.validation.fastpath import report_units
from fiscal_kg.validation.findings import Finding
from fiscal_kg.validation.remote import unit_findings
from fiscal_kg.validation.shapes import load_shapes

RESULTS_PER_TRANSACTION = 2_000  # findings of loaded reports written in one transaction


def merge_loaded(store: Store, checked: dict[str, list[Finding]],
                 unchecked: set[str] | None = None) -> list[Finding]:
    """Write the findings of the reports in ``checked`` (document IRI → its report-scoped
    findings) and of the unit-scoped rules into the validation report, and drop the results of
    the ``unchecked`` ones (reloaded, but their validation failed: old results would describe
    the old text); returns the checked reports' findings, all rules."""
    prepare(store)
    unit_rules, across = rules_of_scope("unit"), []
    if _units_with_other_reports(store, set(checked)):
        across = unit_findings(store, load_shapes(), unit_rules)  # a remote store: copied
    else:  # no loaded report has another of its unit: no unit-scoped finding can change
        unit_rules = frozenset()
    for documents, findings in _transactions(checked, unchecked or set()):
        replace_results(store, documents, frozenset(), findings)
    replace_results(store, set(), unit_rules, across)  # the same end as all in one go: the
    # workers' findings are of report-scoped rules only, so no result is in both steps
    mine = [f for findings in checked.values() for f in findings]
    loaded = set(checked)
    return sorted(mine + [f for f in across if f.document in loaded], key=Finding.sort_key)


def _transactions(checked: dict[str, list[Finding]], unchecked: set[str]
                  ) -> Iterator[tuple[set[str], list[Finding]]]:
    """The loaded reports in groups of about ``RESULTS_PER_TRANSACTION`` findings, with their
    findings; a report is never split between two groups."""
    documents: set[str] = set()
    findings: list[Finding] = []
    for document in sorted(set(checked) | unchecked):
        documents.add(document)
        findings.extend(checked.get(document, ()))
        if len(findings) >= RESULTS_PER_TRANSACTION:
            yield documents, findings
            documents, findings = set(), []
    if documents:
        yield documents, findings


def _units_with_other_reports(store: Store, documents: set[str]) -> set[str]:
    """The units of ``documents`` that have more than one report in the store."""
    units = report_units(store)
    count = Counter(units.values())
    return {units[d] for d in documents if d in units and count[units[d]] > 1}


def replace_results(store: Store, documents: set[str], rules: frozenset[str],
                    findings: list[Finding]) -> None:
    """In the validation report, in one transaction: drop the results about ``documents`` and
    those of ``rules``, add ``findings``, and recompute sh:conforms (``storage``)."""
    storage.replace_results(store, documents, rules, findings)
