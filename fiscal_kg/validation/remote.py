"""Validating a store whose query engine is not in this process (``RemoteStore``).

The shapes' queries are written for pyoxigraph (the fast path, ``fastpath``); a server's engine
plans and answers them its own way (Virtuoso: no LATERAL, other aggregate and regex rules), and
each query would be a request. So the shapes never run on the server: its reports are read a
batch at a time, with their units' other reports and the shared graphs (code lists, ontology,
rule data), through the ``Store`` protocol into in-memory working stores (``run_batched``), and
the results go back through the protocol in one ``Store.change`` (``storage``): one SPARQL Update
request, the same quads as the embedded store holds for the same reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from fiscal_kg.store import OxigraphStore, Store
from fiscal_kg.validation.fastpath import BATCH, Runner, report_units, run_batched
from fiscal_kg.validation.findings import Finding
from fiscal_kg.validation.ruledata import RULES_GRAPH
from fiscal_kg.validation.shapes import ShapeSet
from loaders.vocab import CODES_GRAPH, ONTOLOGY_GRAPH

__all__ = ["SHARED_GRAPHS", "runs_here", "unit_findings"]

# the graphs every working store holds besides its reports
SHARED_GRAPHS = tuple(str(g) for g in (CODES_GRAPH, ONTOLOGY_GRAPH, RULES_GRAPH))


def runs_here(store: Store) -> bool:
    """Whether the shapes may run on ``store`` itself (pyoxigraph in this process)."""
    return isinstance(store, OxigraphStore)


def unit_findings(store: Store, shapes: ShapeSet, rules: Iterable[str]) -> list[Finding]:
    """The findings of the unit-scoped ``rules`` over every report of ``store``. On a remote
    store only the reports of units with more than one report are read (with their unit's
    others, ``plan_batches``): a unit-scoped rule compares a report with another of its unit, so
    a unit's only report has no such finding (the same reason ``merge`` skips them)."""
    chosen = sorted(rules)
    if runs_here(store):
        return Runner(store, shapes).run(chosen)
    units = report_units(store)
    reports = Counter(units.values())
    documents = sorted(d for d, unit in units.items() if reports[unit] > 1)
    if not documents:
        return []
    return run_batched(store, shapes, documents, list(SHARED_GRAPHS), BATCH, chosen)
