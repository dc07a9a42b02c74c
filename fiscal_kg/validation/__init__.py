"""Validation: the SHACL shapes in shapes/ run set-based on a store.

Public API:

- ``validate(store, documents=None) -> list[Finding]`` — run every shape on the store (or on the
  given report graphs), write the sh:ValidationReport into ``VALIDATION_GRAPH`` (replacing the
  previous one, or only the given reports' results; one transaction, ``storage.py``) and return
  the findings.
- ``validate_store(store) -> ValidationRun`` — the same with counts (``by_severity()``).
- ``validate_files(paths) -> ValidationRun`` — load report files into a temporary in-memory
  store first.
- ``fiscal-kg validate`` is ``validation.cli.main``.

Every store is reached through the ``Store`` protocol (``fiscal_kg.store.base``); the rules run
on in-memory pyoxigraph working stores (``fastpath``) or, for a small embedded store, on it
directly. A remote store's reports are always copied into working stores (``remote.py``).
pyshacl over the same shapes and data is the reference (``reference.py``); the equivalence test
shows both report the same findings.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from fiscal_kg.store import OxigraphStore, Store
from fiscal_kg.validation.fastpath import BATCH, Runner, report_units, run_batched, run_parallel
from fiscal_kg.validation.findings import Finding, ValidationRun
from fiscal_kg.validation.remote import SHARED_GRAPHS, runs_here
from fiscal_kg.validation.ruledata import RULES_GRAPH, rule_data
from fiscal_kg.validation.shapes import load_shapes
from fiscal_kg.validation.storage import replace_results, write_whole
from loaders.vocab import CODES_GRAPH

__all__ = [
    "Finding", "ValidationRun", "load_into", "prepare", "validate", "validate_files",
    "validate_store",
]


def prepare(store: Store) -> None:
    """Make sure the code lists and the rule data are in the store (the shapes read both)."""
    if str(CODES_GRAPH) not in store.graph_names():
        store.ensure_reference_data()
    data = rule_data()
    if sum(1 for _ in store.quads(graph_iri=str(RULES_GRAPH))) != len(data):
        store.put_graph(str(RULES_GRAPH), data)


def validate(store: Store, documents: Iterable[str] | None = None, *,
             rules: Iterable[str] | None = None, write_report: bool = True,
             batch: int = BATCH, workers: int | None = None) -> list[Finding]:
    """Run the shapes; findings of the chosen documents (all when None). An on-disk store with
    more than a few batches is validated by ``workers`` processes (default: one per core, at
    most 2)."""
    prepare(store)
    known = sorted(report_units(store))
    chosen = known if documents is None else sorted({str(d) for d in documents} & set(known))
    shared = list(SHARED_GRAPHS)
    workers = workers or min(2, os.cpu_count() or 1)
    parallel = workers > 1 and len(chosen) > 2 * batch
    # the workers open the store's folder read-only (an on-disk store has one)
    path = store.reader_path() if parallel else None
    if len(known) <= batch and documents is None and runs_here(store):
        findings = Runner(store, load_shapes()).run(rules)  # a small store: one pass over all
    elif path is not None:
        try:
            findings = run_parallel(store, path, chosen, shared, workers, batch, rules)
        except (OSError, BrokenProcessPool) as exc:
            print(f"validation workers failed ({exc}); validating in this process",
                  file=sys.stderr)
            findings = run_batched(store, load_shapes(), chosen, shared, batch, rules)
    else:
        findings = run_batched(store, load_shapes(), chosen, shared, batch, rules)
    findings.sort(key=Finding.sort_key)
    if write_report and documents is None:
        write_whole(store, findings)  # one transaction
    elif write_report:  # only the chosen reports' results change; the others' stay
        replace_results(store, chosen, (), findings)
    return findings


def validate_store(store: Store, documents: Iterable[str] | None = None) -> ValidationRun:
    start = time.perf_counter()
    findings = validate(store, documents)
    docs = sorted({f.document for f in findings if f.document})
    return ValidationRun(findings, docs, time.perf_counter() - start)


def load_into(store: Store, paths: Iterable[str | Path]) -> list[str]:
    """Load report files into ``store`` (one named graph each); returns the document IRIs."""
    from loaders import vocab
    from loaders.pipeline import load_report
    from loaders.rdf import report_nquads

    docs: list[str] = []
    for path in paths:
        report = load_report(path)
        doc = str(vocab.report_document_iri(report))
        store.put_nquads(doc, report_nquads(report)[0])  # as the loader writes it
        docs.append(doc)
    return docs


def validate_files(paths: Iterable[str | Path]) -> ValidationRun:
    """Validate report files given directly, in a temporary in-memory store."""
    store = OxigraphStore()
    start = time.perf_counter()
    docs = load_into(store, paths)
    findings = validate(store)
    return ValidationRun(findings, docs, time.perf_counter() - start)
