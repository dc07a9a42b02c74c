"""Loading report files into a store: parallel parsing over files, one writer.

Worker processes read each file through the loaders and send back its N-Quads (text is cheap to
pickle); the calling process writes them to the store in batches (``Store.put_reports``: the
embedded store bulk-loads new reports). A report that fails to parse or to store is reported with
its reason and costs only itself; the others are loaded. Workers: ``fiscal_kg.workers``.

With ``validate=True`` each worker also runs the report-scoped shapes on the reports it parsed, a
few at a time, while their quads are still in memory (``fiscal_kg.validation.per_report``); the
writer then runs the unit-scoped rules over the store and updates the validation report
(``fiscal_kg.validation.merge``).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from fiscal_kg.replacement import RunClaims, refusal, stored_reports
from fiscal_kg.sources import report_files
from fiscal_kg.store import Store
from fiscal_kg.validation.findings import Finding
from fiscal_kg.workers import process_pool

BATCH_QUADS = 250_000  # quads per bulk write: bounds the writer's memory (≈ 50 reports)
AHEAD_PER_WORKER = 32  # files parsed ahead of the writer: with 2 workers more than one write
# batch (≈ 50 reports), so they go on parsing while the writer bulk-loads (4 left them idle: 22 s
# instead of 18 s for 200 reports); bounds the parsed texts held in memory (≈ 1 MB each)
VALIDATE_CHUNK = 8  # reports a worker validates together (a query's fixed cost is shared;
# 16 cost as much CPU a report and ≈ 45 MB more per worker: the working store and texts)


@dataclass
class Parsed:
    """What a worker sends back for one file: small and cheap to pickle."""

    path: str
    error: str | None = None
    graph_iri: str = ""
    nquads: str = ""
    summary: dict[str, object] = field(default_factory=dict)
    findings: list[Finding] | None = None  # None: not validated

    def line(self) -> str:
        s = self.summary
        counts = ", ".join(_count(int(s[key]), key[:-1])  # type: ignore[call-overload]
                           for key in ("tables", "facts", "claims", "indicators", "warnings"))
        return f"{self.path}: {s['unit']} {s['year']} {s['kind']}: {counts}"


def _count(n: int, noun: str) -> str:
    """"1 warning", "2 warnings"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass
class LoadSummary:
    loaded: list[Parsed] = field(default_factory=list)
    failed: list[Parsed] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # in the store already: not loaded again
    unvalidated: int = 0  # replaced reports whose old findings were dropped (not validated now)
    findings: list[Finding] | None = None  # with validate=True: the loaded reports' findings


def parse_one(path: str) -> Parsed:
    """Load one report and turn it into N-Quads of its named graph (runs in a worker)."""
    from loaders.pipeline import ReportLoadError, load_report
    from loaders.rdf import report_nquads
    from loaders.vocab import report_document_iri

    try:
        report = load_report(path)
        iri = str(report_document_iri(report))
        text, quads = report_nquads(report)  # without rdflib terms: this path only serialises
    except ReportLoadError as exc:
        return Parsed(path, error=str(exc))
    except Exception as exc:  # a loader bug must cost one file, not the run
        return Parsed(path, error=f"{path}: cannot load ({type(exc).__name__}: {exc})")
    summary = {
        "unit": report.unit_name,
        "year": report.fiscal_year,
        "kind": report.kind,
        "scope": report.scope,
        "tables": len(report.tables),
        "facts": sum(len(t.facts) for t in report.tables),
        "claims": len(report.claims),
        "indicators": sum(len(p.indicators) for p in report.performance),
        "warnings": len(report.warnings),
        "triples": quads,
        "sha256": report.sha256,  # of the source file (shard manifests list it)
    }
    return Parsed(path, graph_iri=iri, nquads=text, summary=summary)


def parse_chunk(paths: Sequence[str], validate: bool = False) -> list[Parsed]:
    """``parse_one`` for each path; with ``validate``, the parsed reports' findings too."""
    parsed = [parse_one(path) for path in paths]
    good = [p for p in parsed if p.error is None]
    if validate and good:
        from fiscal_kg.validation.per_report import report_validator

        try:
            results = report_validator().validate([(p.graph_iri, p.nquads) for p in good])
        except (OSError, ValueError, SyntaxError, RuntimeError) as exc:
            for p in good:  # stored all the same: `fiscal-kg validate` can check them later
                p.summary["validation_error"] = f"{type(exc).__name__}: {exc}"
        else:
            for p, findings in zip(good, results, strict=True):
                p.findings = findings
    return parsed


def parse_files(files: Sequence[Path], workers: int | None = None, validate: bool = False
                ) -> Iterator[Parsed]:
    """Parse reports in file order; in worker processes when there are several files, with
    at most a few files per worker parsed ahead of the consumer. With ``validate``, each worker
    validates the reports it parsed, ``VALIDATE_CHUNK`` at a time."""
    workers = workers or min(2, os.cpu_count() or 1)
    names = [str(f) for f in files]
    size = 1
    if validate:  # chunks small enough that every worker gets some
        size = max(1, min(VALIDATE_CHUNK, -(-len(names) // max(workers, 1))))
    chunks = [names[i:i + size] for i in range(0, len(names), size)]
    if len(names) < 2 or workers < 2:
        for chunk in chunks:
            yield from parse_chunk(chunk, validate)
        return
    ahead = workers * max(1, AHEAD_PER_WORKER // size)
    preload = ["loaders.pipeline", "loaders.rdf", "fiscal_kg.store"]
    if validate:
        preload.append("fiscal_kg.validation.per_report")
    with process_pool(workers, preload) as pool:
        window: deque[Future[list[Parsed]]] = deque()
        todo = iter(chunks)
        for chunk in todo:
            window.append(pool.submit(parse_chunk, chunk, validate))
            if len(window) >= ahead:
                break
        while window:
            parsed = window.popleft().result()
            for chunk in todo:
                window.append(pool.submit(parse_chunk, chunk, validate))
                break
            yield from parsed


def unchanged_files(store: Store, files: Sequence[Path]) -> set[Path]:
    """The files whose report is in ``store`` already, loaded from a file of the same name and
    bytes by this loader version (``loaders.version``): loading them again changes nothing."""
    from loaders.resources import resource_dir
    from loaders.version import loader_version

    sparql = (resource_dir("queries") / "load" / "loaded-sources.rq").read_text(encoding="utf-8")
    version = loader_version()
    stored = {(str(name), str(digest)) for _, name, digest, made_by in store.query(sparql).rows
              if made_by is not None and str(made_by) == version}
    names = {name for name, _ in stored}
    out: set[Path] = set()
    for path in (f for f in files if f.name in names):  # only those can match: read no other
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue  # loading it says why
        if (path.name, digest) in stored:
            out.add(path)
    return out


def forget_findings(store: Store, documents: list[str]) -> int:
    """Drop the stored findings of ``documents``; how many had findings."""
    from fiscal_kg.validation.storage import forget

    return forget(store, documents)


def load_paths(
    store: Store, paths: Sequence[str | Path], *, workers: int | None = None, quiet: bool = False,
    batch_quads: int = BATCH_QUADS, validate: bool = False, force: bool = False,
    replace: bool = False,
) -> LoadSummary:
    """Parse ``paths`` (in parallel) and put each report into ``store`` (one writer, in
    batches of about ``batch_quads`` quads). Files whose report is in the store already, from the
    same bytes and loader version, are skipped unless ``force``. With ``validate``, the workers
    validate each report and the validation report in the store is updated for the loaded ones
    (the unit-scoped rules then run on the store, or on a remote store's reports copied into
    in-memory working stores through the ``Store`` protocol: ``validation.remote``). A file
    that would replace a stored report from another file (unless ``replace``), or with far less
    (unless ``force``), or that claims the same document as another file of the run, is refused
    (``fiscal_kg.replacement``)."""
    from fiscal_kg.progress import progress

    files = report_files(paths)
    summary = LoadSummary()
    store.ensure_reference_data()
    if not force:
        skip = unchanged_files(store, files)
        summary.unchanged = [f for f in files if f in skip]
        files = [f for f in files if f not in skip]
    bar = progress(len(files), "reports parsed", quiet=quiet)  # a bar, or a line per 100
    pending: list[Parsed] = []
    claims = RunClaims()

    def refuse(parsed: Parsed, reason: str) -> None:
        parsed.error, parsed.nquads = reason, ""
        summary.failed.append(parsed)
        bar.write(reason, file=sys.stderr)

    def write() -> None:
        stored = stored_reports(store, [p.graph_iri for p in pending])
        for parsed in list(pending):
            reason = refusal(parsed.path, parsed.summary, parsed.graph_iri,
                             stored.get(parsed.graph_iri), replace=replace, force=force)
            if reason is not None:
                pending.remove(parsed)
                refuse(parsed, reason)
        # A replaced report's old findings describe the old text: dropped before the write (a
        # kill in between leaves it "not validated", never with stale findings).
        summary.unvalidated += forget_findings(store, [p.graph_iri for p in pending])
        errors = store.put_reports([(p.graph_iri, p.nquads) for p in pending], checked=True)
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
        for parsed in parse_files(files, workers, validate):
            bar.update()
            if parsed.error is not None:
                summary.failed.append(parsed)
                bar.write(parsed.error, file=sys.stderr)
                continue
            reason = claims.refusal(parsed.path, parsed.summary, parsed.graph_iri)
            if reason is not None:
                refuse(parsed, reason)
                continue
            pending.append(parsed)
            size += int(parsed.summary["triples"])  # type: ignore[call-overload]
            if size >= batch_quads:
                write()
                size = 0
        if pending:
            write()
    if validate:
        from fiscal_kg.validation.merge import merge_loaded

        checked: dict[str, list[Finding]] = {}
        unchecked: set[str] = set()
        for p in summary.loaded:
            if p.findings is not None:
                checked[p.graph_iri] = p.findings
                continue
            unchecked.add(p.graph_iri)
            reason = p.summary.get("validation_error", "not validated")
            print(f"{p.path}: loaded but not validated ({reason}); `fiscal-kg validate` checks it",
                  file=sys.stderr)
        summary.findings = merge_loaded(store, checked, unchecked)
    return summary
