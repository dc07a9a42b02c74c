"""``load --validate`` writes the loaded reports' results a few thousand findings per transaction
(fiscal_kg/validation/merge.py: one transaction for 1,000 reports held ≈ 400 MB): the store it
leaves is the same, quad for quad, whatever the number of transactions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from fiscal_kg.ingest import load_paths
from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import merge, storage
from loaders.vocab import VALIDATION_GRAPH

SH = "http://www.w3.org/ns/shacl#"


def _load(paths: list[Path], per_transaction: int, monkeypatch: pytest.MonkeyPatch
          ) -> tuple[set[str], int, Counter[str]]:
    """The validation graph (quads as text) after ``load --validate`` of ``paths``, how many
    transactions wrote it, and its results by severity (which must be the load's findings)."""
    calls = []
    write = storage.replace_results
    monkeypatch.setattr(merge, "RESULTS_PER_TRANSACTION", per_transaction)
    monkeypatch.setattr(storage, "replace_results", lambda *a: calls.append(a) or write(*a))
    store = OxigraphStore()
    summary = load_paths(store, paths, workers=1, quiet=True, validate=True)
    assert not summary.failed
    graph = str(VALIDATION_GRAPH)
    quads = {str(q) for q in store.quads(graph_iri=graph)}
    severities = Counter(str(q.object).removeprefix(f"<{SH}").removesuffix(">")
                         for q in store.quads(
                             None, ox.NamedNode(SH + "resultSeverity"), None, graph))
    assert severities == Counter(f.severity for f in summary.findings or [])
    return quads, len(calls), severities


def test_one_transaction_per_report_leaves_the_same_report(
        sample_paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    whole, writes, severities = _load(sample_paths, 2_000, monkeypatch)
    assert writes == 2  # the 5 samples' findings, then the unit-scoped rule's (none here)
    assert severities["Violation"] > 0 and sum(severities.values()) < 2_000
    split, writes, _ = _load(sample_paths, 1, monkeypatch)
    assert writes == 6  # a report a transaction, then the unit-scoped rule's
    assert split == whole
    assert f'<{SH}conforms> "false"^^<http://www.w3.org/2001/XMLSchema#boolean>' in "\n".join(split)
