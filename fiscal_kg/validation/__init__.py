"""Validation: the SHACL shapes in shapes/ run set-based on the Oxigraph store.

Public API (the CLI and other modules use only these):

- ``validate(store, documents=None) -> list[Finding]`` — run every shape on the store (or on the
  given report graphs), write the sh:ValidationReport into ``VALIDATION_GRAPH`` (replacing the
  previous one, or only the given reports' results; one transaction, ``storage.py``) and return
  the findings.
- ``validate_store(store) -> ValidationRun`` — the same with counts (``by_severity()``).
- ``validate_files(paths) -> ValidationRun`` — load report files into a temporary in-memory
  store first.
- ``main(argv)`` / ``run_cli(args)`` — ``fiscal-kg validate [--format text|json|ttl] [FILE…]``;
  exit code 1 when any Violation is found.

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
from typing import TYPE_CHECKING

import pyoxigraph as ox

from fiscal_kg.validation.fastpath import BATCH, Runner, report_units, run_batched, run_parallel
from fiscal_kg.validation.findings import Finding, ValidationRun
from fiscal_kg.validation.ruledata import RULES_GRAPH, codes_graph, rule_data
from fiscal_kg.validation.shapes import load_shapes
from loaders.vocab import CODES_GRAPH, ONTOLOGY_GRAPH

if TYPE_CHECKING:  # validation runs on the embedded store: it reads pyoxigraph's store (.raw)
    from fiscal_kg.store.embedded import OxigraphStore

__all__ = [
    "Finding", "ValidationRun", "main", "run_cli", "validate", "validate_files", "validate_store",
]


def _raw(store: OxigraphStore) -> ox.Store:
    return getattr(store, "raw", store)  # type: ignore[return-value]


def _quads(graph: object, name: ox.NamedNode) -> list[ox.Quad]:
    from fiscal_kg.store import graph_quads  # local: the store module is the converter

    return list(graph_quads(graph, name))  # type: ignore[arg-type]


def _replace_graph(raw: ox.Store, name: ox.NamedNode, quads: list[ox.Quad]) -> None:
    raw.update(f"DROP SILENT GRAPH {name}")
    raw.extend(quads)


def prepare(store: OxigraphStore) -> None:
    """Make sure the code lists and the rule data are in the store (the shapes read both)."""
    raw = _raw(store)
    codes = ox.NamedNode(str(CODES_GRAPH))
    if not raw.contains_named_graph(codes):
        if hasattr(store, "ensure_reference_data"):
            store.ensure_reference_data()  # type: ignore[attr-defined]
        else:
            _replace_graph(raw, codes, _quads(codes_graph(), codes))
    rules = ox.NamedNode(str(RULES_GRAPH))
    data = _quads(rule_data(), rules)
    current = sum(1 for _ in raw.quads_for_pattern(None, None, None, rules))
    if current != len(data):
        _replace_graph(raw, rules, data)


def _disk_path(store: OxigraphStore) -> str | None:
    """The directory of an embedded on-disk store open for writing (worker processes can then
    open it read-only), else None."""
    path = getattr(store, "path", None)
    return None if path is None or getattr(store, "read_only", True) else str(path)


def validate(store: OxigraphStore, documents: Iterable[str] | None = None, *,
             rules: Iterable[str] | None = None, write_report: bool = True,
             batch: int = BATCH, workers: int | None = None) -> list[Finding]:
    """Run the shapes; findings of the chosen documents (all when None). An on-disk store with
    more than a few batches is validated by ``workers`` processes (default: one per core, at
    most 2)."""
    raw = _raw(store)
    prepare(store)
    known = sorted(report_units(raw))
    chosen = known if documents is None else sorted({str(d) for d in documents} & set(known))
    shared = [str(g) for g in (CODES_GRAPH, ONTOLOGY_GRAPH, RULES_GRAPH)]
    workers = workers or min(2, os.cpu_count() or 1)
    path = _disk_path(store)
    if len(known) <= batch and documents is None:
        findings = Runner(raw, load_shapes()).run(rules)  # a small store: one pass over all
    elif path is not None and workers > 1 and len(chosen) > 2 * batch:
        # The workers open the directory read-only: flush, and compact now so that no
        # background compaction deletes a file under them while they read.
        raw.flush()
        raw.optimize()
        try:
            findings = run_parallel(raw, path, chosen, shared, workers, batch, rules)
        except (OSError, BrokenProcessPool) as exc:
            print(f"validation workers failed ({exc}); validating in this process",
                  file=sys.stderr)
            findings = run_batched(raw, load_shapes(), chosen, shared, batch, rules)
    else:
        findings = run_batched(raw, load_shapes(), chosen, shared, batch, rules)
    findings.sort(key=Finding.sort_key)
    if write_report and documents is None:
        write_report_graph(raw, findings)
    elif write_report:  # only the chosen reports' results change; the others' stay
        from fiscal_kg.validation.storage import replace_results

        replace_results(raw, chosen, (), findings)
    return findings


def write_report_graph(raw: ox.Store, findings: list[Finding]) -> None:
    """Replace the validation graph with the report of ``findings``, in one transaction
    (``storage.write_whole``: staged with the bulk loader, then moved in)."""
    from fiscal_kg.validation.storage import write_whole

    write_whole(raw, findings)


def validate_store(store: OxigraphStore, documents: Iterable[str] | None = None) -> ValidationRun:
    start = time.perf_counter()
    findings = validate(store, documents)
    docs = sorted({f.document for f in findings if f.document})
    return ValidationRun(findings, docs, time.perf_counter() - start)


def load_into(store: OxigraphStore, paths: Iterable[str | Path]) -> list[str]:
    """Load report files into ``store`` (one named graph each); returns the document IRIs."""
    from loaders import vocab
    from loaders.pipeline import load_report
    from loaders.rdf import report_nquads

    raw = _raw(store)
    docs: list[str] = []
    for path in paths:
        report = load_report(path)
        doc = str(vocab.report_document_iri(report))
        raw.update(f"DROP SILENT GRAPH {ox.NamedNode(doc)}")
        raw.load(report_nquads(report)[0], format=ox.RdfFormat.N_QUADS)  # as the loader writes it
        docs.append(doc)
    return docs


def validate_files(paths: Iterable[str | Path]) -> ValidationRun:
    """Validate report files given directly, in a temporary in-memory store."""
    from fiscal_kg.store import OxigraphStore

    store = OxigraphStore()
    start = time.perf_counter()
    docs = load_into(store, paths)
    findings = validate(store)
    return ValidationRun(findings, docs, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    from fiscal_kg.validation.cli import main as cli_main

    return cli_main(argv)


def run_cli(args: list[str] | None = None) -> int:
    """Entry point for ``fiscal-kg validate``: same as ``main``."""
    return main(args)
