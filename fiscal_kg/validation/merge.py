"""Updating the validation report in the store after ``fiscal-kg load --validate``.

The workers have checked each loaded report with the report-scoped rules. Here the unit-scoped
rules (shapes/rules.csv ``scope``: last year's report of the same unit) run once over the whole
store when a loaded report's unit has other reports — a new report can change the findings of
its successor as well as its own; a unit with one report has none to change — and the
sh:ValidationReport in ``VALIDATION_GRAPH`` is updated in place: the results of the loaded reports
and of the unit-scoped rules are replaced, every other report's results stay as they were.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pyoxigraph as ox

from fiscal_kg.validation.catalogue import rules_of_scope
from fiscal_kg.validation.fastpath import Runner, report_units
from fiscal_kg.validation.findings import Finding
from fiscal_kg.validation.shapes import load_shapes

if TYPE_CHECKING:  # the report is written with pyoxigraph (.raw): the embedded store
    from fiscal_kg.store.embedded import OxigraphStore


def merge_loaded(store: OxigraphStore, checked: dict[str, list[Finding]],
                 unchecked: set[str] | None = None) -> list[Finding]:
    """Write the findings of the reports in ``checked`` (document IRI → its report-scoped
    findings) and of the unit-scoped rules into the validation report, and drop the results of
    the ``unchecked`` ones (reloaded, but their validation failed: old results would describe
    the old text); returns the checked reports' findings, all rules."""
    from fiscal_kg.validation import prepare

    raw: ox.Store = store.raw  # type: ignore[attr-defined]
    prepare(store)
    unit_rules, across = rules_of_scope("unit"), []
    if _units_with_other_reports(raw, set(checked)):
        across = Runner(raw, load_shapes()).run(sorted(unit_rules))
    else:  # no loaded report has another of its unit: no unit-scoped finding can change
        unit_rules = frozenset()
    mine = [f for findings in checked.values() for f in findings]
    replace_results(raw, set(checked) | (unchecked or set()), unit_rules, mine + across)
    loaded = set(checked)
    return sorted(mine + [f for f in across if f.document in loaded], key=Finding.sort_key)


def _units_with_other_reports(raw: ox.Store, documents: set[str]) -> set[str]:
    """The units of ``documents`` that have more than one report in the store."""
    units = report_units(raw)
    count = Counter(units.values())
    return {units[d] for d in documents if d in units and count[units[d]] > 1}


def replace_results(raw: ox.Store, documents: set[str], rules: frozenset[str],
                    findings: list[Finding]) -> None:
    """In the validation report, in one transaction: drop the results about ``documents`` and
    those of ``rules``, add ``findings``, and recompute sh:conforms (``storage``)."""
    from fiscal_kg.validation import storage

    storage.replace_results(raw, documents, rules, findings)
