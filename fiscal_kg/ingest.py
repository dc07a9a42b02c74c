"""Loading report files into a store: parallel parsing over files, one writer.

Worker processes read each file through the loaders and send back its N-Quads (text is cheap to
pickle); the calling process writes them to the store in batches (``Store.put_reports``: the
embedded store bulk-loads new reports). A report that fails to parse or to store is reported with
its reason and costs only itself; the others are loaded. Workers: ``fiscal_kg.workers``.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from fiscal_kg.store import Store, ntriples
from fiscal_kg.workers import process_pool

BATCH_QUADS = 250_000  # quads per bulk write: bounds the writer's memory (≈ 50 reports)
AHEAD_PER_WORKER = 4  # files parsed ahead of the writer: bounds the parsed texts held in memory


@dataclass
class Parsed:
    """What a worker sends back for one file: small and cheap to pickle."""

    path: str
    error: str | None = None
    graph_iri: str = ""
    nquads: str = ""
    summary: dict[str, object] = field(default_factory=dict)

    def line(self) -> str:
        s = self.summary
        return (
            f"{self.path}: {s['unit']} {s['year']} {s['kind']}: {s['tables']} tables, "
            f"{s['facts']} facts, {s['claims']} claims, {s['indicators']} indicators, "
            f"{s['warnings']} warnings"
        )


@dataclass
class LoadSummary:
    loaded: list[Parsed] = field(default_factory=list)
    failed: list[Parsed] = field(default_factory=list)


def parse_one(path: str) -> Parsed:
    """Load one report and turn it into N-Quads of its named graph (runs in a worker)."""
    from loaders.pipeline import ReportLoadError, load_report
    from loaders.rdf import report_triples
    from loaders.vocab import document_iri

    try:
        report = load_report(path)
        iri = str(document_iri(report.unit_name, report.fiscal_year, report.kind))
        # The triples of build_graph without building an rdflib Graph: this path only
        # serialises them.
        triples = report_triples(report)
        text = ntriples(triples, iri)
    except ReportLoadError as exc:
        return Parsed(path, error=str(exc))
    except Exception as exc:  # a loader bug must cost one file, not the run
        return Parsed(path, error=f"{path}: cannot load ({type(exc).__name__}: {exc})")
    summary = {
        "unit": report.unit_name,
        "year": report.fiscal_year,
        "kind": report.kind,
        "tables": len(report.tables),
        "facts": sum(len(t.facts) for t in report.tables),
        "claims": len(report.claims),
        "indicators": sum(len(p.indicators) for p in report.performance),
        "warnings": len(report.warnings),
        "triples": len(triples),
    }
    return Parsed(path, graph_iri=iri, nquads=text, summary=summary)


def report_files(paths: Sequence[str | Path]) -> list[Path]:
    """Files as given, folders expanded to their *.txt files (sorted, recursively)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*.txt") if x.is_file()))
        else:
            files.append(p)
    return files


def parse_files(files: Sequence[Path], workers: int | None = None) -> Iterator[Parsed]:
    """Parse reports in file order; in worker processes when there are several files, with
    at most a few files per worker parsed ahead of the consumer."""
    workers = workers or min(2, os.cpu_count() or 1)
    names = [str(f) for f in files]
    if len(names) < 2 or workers < 2:
        yield from map(parse_one, names)
        return
    with process_pool(workers, ["loaders.pipeline", "loaders.rdf", "fiscal_kg.store"]) as pool:
        window: deque[Future[Parsed]] = deque()
        todo = iter(names)
        for name in todo:
            window.append(pool.submit(parse_one, name))
            if len(window) >= workers * AHEAD_PER_WORKER:
                break
        while window:
            parsed = window.popleft().result()
            for name in todo:
                window.append(pool.submit(parse_one, name))
                break
            yield parsed


def load_paths(
    store: Store, paths: Sequence[str | Path], *, workers: int | None = None, quiet: bool = False,
    batch_quads: int = BATCH_QUADS,
) -> LoadSummary:
    """Parse ``paths`` (in parallel) and put each report into ``store`` (one writer, in
    batches of about ``batch_quads`` quads)."""
    from tqdm import tqdm

    files = report_files(paths)
    summary = LoadSummary()
    store.ensure_reference_data()
    bar = tqdm(total=len(files), unit="report", delay=1.0, disable=quiet or None, file=sys.stderr)
    pending: list[Parsed] = []

    def write() -> None:
        errors = store.put_reports([(p.graph_iri, p.nquads) for p in pending])
        for parsed, error in zip(pending, errors, strict=True):
            parsed.nquads = ""  # keep memory flat over thousands of files
            if error is None:
                summary.loaded.append(parsed)
                if not quiet:
                    bar.write(parsed.line())
            else:
                parsed.error = f"{parsed.path}: {error}"
                summary.failed.append(parsed)
                bar.write(parsed.error, file=sys.stderr)
        pending.clear()

    with bar:
        size = 0
        for parsed in parse_files(files, workers):
            bar.update()
            if parsed.error is not None:
                summary.failed.append(parsed)
                bar.write(parsed.error, file=sys.stderr)
                continue
            pending.append(parsed)
            size += int(parsed.summary["triples"])  # type: ignore[call-overload]
            if size >= batch_quads:
                write()
                size = 0
        if pending:
            write()
    return summary
