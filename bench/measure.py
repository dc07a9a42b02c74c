"""Measuring one size, in a fresh interpreter (so a size's peak RSS is its own).

Each run on two new on-disk stores: A, load (``fiscal_kg.ingest.load_paths``, as ``fiscal-kg
load`` does: parse in ``--workers`` processes, one writer); B, load with validation in the
workers (``fiscal-kg load --validate``), link units to divisions (the division queries need it)
and run every named query on B; last, validate A as ``fiscal-kg validate`` re-validates a stored
corpus. Both validations' findings are compared with the corpus's expectations. At the pyshacl
size the reference validator and the fast path run on the same reports in memory, one process.
"""

from __future__ import annotations

import json
import math
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from bench.budget import Clock, Phases
from bench.check import PlantedCheck, check_planted, compare
from bench.phases import (
    PhaseProcess,
    finding_key,
    finding_row,
    runnable_queries,
    timed,
)
from bench.results import SizeResult
from bench.rss import TreeWatch, peak_rss_mb
from bench.synthetic.corpus import Corpus

if TYPE_CHECKING:
    from fiscal_kg.store import OxigraphStore, Store

PLAIN_REPORTS = 1  # plain pyshacl's share of the pyshacl size's reports (minutes a report)
PYSHACL_RUNS = 1  # pyshacl with Oxigraph: the same-findings check, its time is context only


def warm_up() -> None:
    """Imports and code lists are per process: pay for them before the clock starts (forked
    loading workers inherit them)."""
    import fiscal_kg.cli  # noqa: F401
    from bench.synthetic.model import sample_paths
    from loaders.pipeline import load_report

    load_report(sample_paths()[0])


def measure_size(config: dict) -> SizeResult:
    """All runs of one size (``config``: see ``run.size_config``)."""
    clock = Clock(config["hard_s"], config["share_s"])
    paths = sorted(str(p) for p in Path(config["corpus_dir"]).glob("*.txt"))
    result = SizeResult(size=len(paths), runs=0, generate_s=config["generate_s"])
    result.corpus = dict(config["corpus_info"])
    phases = Phases(config, result, clock)
    queries, result.skipped_queries = runnable_queries()
    warm_up()
    for run in range(config["runs"]):
        run_start = time.perf_counter()
        if run == 0 and not phases.fits("load", "this size"):
            break
        _one_run(paths, config, result, phases, list(queries), run)
        result.runs = run + 1
        if run + 1 < config["runs"] and not clock.another_run_fits(
            time.perf_counter() - run_start
        ):
            result.notes.append(
                f"{run + 1} of {config['runs']} run(s): another would not fit in this "
                f"size's share of the time budget ({config['share_s']:,.0f} s)"
            )
            break
    result.writer_rss_mb = peak_rss_mb()  # before pyshacl, which is not part of the target
    if config["pyshacl"] and result.validate_s:
        _measure_pyshacl(paths, config, result, clock)
    return result


def _one_run(paths: Sequence[str], config: dict, result: SizeResult, phases: Phases,
             queries: list[str], run: int) -> None:
    """One run: load A; load B with validation, link B and time the queries on it (each run's
    queries in a process of its own that is stopped when one overruns); validate A. A phase
    whose projection does not fit in the time left is skipped (first run) or not repeated."""
    from fiscal_kg.store import OxigraphStore

    plain = Path(config["scratch"]) / f"store-{config['size']}-{run}"
    checked = Path(config["scratch"]) / f"store-{config['size']}-{run}-validated"
    try:
        with OxigraphStore(plain) as store:
            store.ensure_reference_data()  # once per store, not per report: untimed
            _load(store, paths, config, result)
        result.store_mb = sum(f.stat().st_size for f in plain.rglob("*") if f.is_file()) / 1e6
        queried = plain
        if (run == 0 and phases.fits("load-validate", "load --validate")) or (
                run > 0 and result.load_validate_s):
            with OxigraphStore(checked) as store:
                store.ensure_reference_data()
                _load(store, paths, config, result, validate=True)
                seconds, _ = timed(lambda: _link_units(store))
                result.link_s.append(seconds)
            queried = checked
        else:
            with OxigraphStore(plain) as store:
                seconds, _ = timed(lambda: _link_units(store))
                result.link_s.append(seconds)
        names = [n for n in queries if run > 0 or phases.fits(f"query:{n}", f"query {n}")]
        if run > 0:
            names = [n for n in names if n in result.query_ms]
        _time_queries(queried, names, config, result, phases.clock)
        result.query_unit = Corpus.from_json(config["corpus"]).files[0].unit
        _time_queries(queried, names, config, result, phases.clock, result.query_unit)
        if run == 0 or result.validate_s:
            _validate(plain, config, result, phases, run)
    finally:
        shutil.rmtree(plain, ignore_errors=True)
        shutil.rmtree(checked, ignore_errors=True)


def _load(store: Store, paths: Sequence[str], config: dict, result: SizeResult,
          validate: bool = False) -> None:
    from fiscal_kg.ingest import load_paths

    with TreeWatch() as watch:
        seconds, summary = timed(lambda: load_paths(
            store, paths, workers=config["workers"], quiet=True, validate=validate))
    result.triples = sum(int(p.summary.get("triples", 0)) for p in summary.loaded)
    result.failed_reports = [str(p.error) for p in summary.failed]
    peaks = sorted(watch.peaks.values(), reverse=True)
    if sum(peaks) > sum(result.worker_rss_mb):
        result.worker_rss_mb = peaks
    if not validate:
        result.load_s.append(seconds)
        return
    result.load_validate_s.append(seconds)
    found = summary.findings or []
    check = check_planted(Corpus.from_json(config["corpus"]), [finding_row(f) for f in found])
    if not result.planted_in_load.ran or not check.ok:  # keep a mismatch of any run
        result.planted_in_load = check


def _link_units(store: OxigraphStore) -> None:
    # The division queries join the links and divisions graphs, so link first.
    from fiscal_kg.linking import link_store

    link_store(store)


def _validate(store_dir: Path, config: dict, result: SizeResult, phases: Phases, run: int) -> None:
    """Time the validation and compare its findings with the corpus's expectations."""
    if run == 0 and not phases.fits("validate", "validation"):
        result.planted = PlantedCheck(note="validation not measured (time budget)")
        return
    limit = max(1.0, phases.clock.left()) if run == 0 else math.inf
    phase = PhaseProcess(store_dir, {"kind": "validate"})
    try:
        with TreeWatch(phase.pid) as watch:
            message = phase.next(limit)
    finally:
        phase.stop()
    result.validate_rss_mb = max(result.validate_rss_mb, watch.total_mb())
    if message is None:
        result.stopped["validate"] = limit
        result.notes.append(f"validation stopped after {limit:,.0f} s (time budget)")
        result.planted = PlantedCheck(note="validation stopped (time budget)")
        return
    if message[0] == "error":
        result.notes.append(f"validation not measured: {message[1]}")
        result.planted = PlantedCheck(note=message[1])
        return
    _, seconds, rows, keys = message
    result.validate_s.append(seconds)
    check = check_planted(Corpus.from_json(config["corpus"]), [tuple(r) for r in rows])
    if run == 0 or not check.ok:  # keep a mismatch of any run
        result.planted, result.fast_findings = check, keys


def _time_queries(store_dir: Path, names: list[str], config: dict, result: SizeResult,
                  clock: Clock, unit: str = "") -> None:
    """Time each query, over all reports or (``unit``) for one unit's reports only; one that
    overruns is stopped (and the rest go on in a new process)."""
    todo = list(names)
    while todo:
        phase = PhaseProcess(store_dir, {"kind": "queries", "names": todo, "unit": unit,
                                         "split": not unit and not result.whole_ms})
        try:
            with TreeWatch(phase.pid) as watch:
                _next_queries(phase, todo, config, result, clock, unit)
        finally:
            phase.stop()
        result.query_rss_mb = max(result.query_rss_mb, watch.total_mb())


def _next_queries(phase: PhaseProcess, todo: list[str], config: dict, result: SizeResult,
                  clock: Clock, unit: str) -> None:
    """Read the phase's answers until it is done or one query overruns. Answers come in
    ``todo``'s order; with a unit, the queries without a ``unit`` parameter send none."""
    times = result.unit_query_ms if unit else result.query_ms
    prefix = "unit-query" if unit else "query"
    while todo:
        limit = max(1.0, min(config["query_timeout_s"], clock.left()))
        message = phase.next(limit)
        if message is None:  # overran: stopped (with a unit: the first not yet answered)
            name = todo.pop(0)
            result.stopped[f"{prefix}:{name}"] = limit
            result.notes.append(f"{prefix} {name} stopped after {limit:,.0f} s")
            return
        if message[0] == "done":
            todo.clear()
            return
        if message[0] == "scan":  # the process's full scan, before its queries
            result.scan_ms.append(message[1] * 1000)
            continue
        if message[0] == "error" and len(message) == 2:  # the process died: charge the query
            result.skipped_queries[todo.pop(0)] = message[1]  # it was on, go on in a new one
            return
        name = message[1] if message[0] == "query" else message[2]
        del todo[: todo.index(name) + 1]  # with a unit, those before it were not for one unit
        if message[0] == "error":
            result.skipped_queries[name] = message[1]
        else:
            times.setdefault(name, []).append(message[2] * 1000)
            if not unit:
                result.query_rows[name] = message[3]
                result.query_pages[name] = message[4]
                if message[5] is not None:  # the whole answer (every report), once
                    result.whole_ms[name] = message[5][0] * 1000
                    result.whole_rows[name] = message[5][1]


def _measure_pyshacl(paths: Sequence[str], config: dict, result: SizeResult, clock: Clock) -> None:
    """pyshacl on the same reports as the fast path; its findings must be the same."""
    from fiscal_kg.validation import reference

    budget = min(config["pyshacl_budget_s"], max(0.0, clock.left()))
    data = _reference_data(paths)
    found: list[str] = []
    for _ in range(min(PYSHACL_RUNS, config["runs"])):
        seconds, keys = timed(lambda: sorted(reference.result_keys(reference.run_pyshacl(data)),
                                             key=str))
        found = sorted(finding_key(k) for k in keys)  # type: ignore[union-attr]
        result.pyshacl_s.append(seconds)
        if len(result.pyshacl_s) < PYSHACL_RUNS and sum(result.pyshacl_s) + seconds > budget:
            result.notes.append(f"pyshacl: {len(result.pyshacl_s)} run(s) (time budget)")
            break
    result.pyshacl = compare(result.fast_findings, found)
    _measure_fast_in_memory(paths, config, result)
    _measure_plain_pyshacl(paths, config, result, clock)


def _measure_plain_pyshacl(paths: Sequence[str], config: dict, result: SizeResult,
                           clock: Clock) -> None:
    """Plain pyshacl, stopped once it has taken long enough to show the speed-up target (with
    a margin for noise in the fast path's time), and never after the cap or the time budget."""
    from bench.plain_pyshacl import run_plain_pyshacl
    from bench.targets import TARGET_SPEEDUP

    cap = config.get("plain_pyshacl_limit_s", 0.0)
    if cap <= 0:
        return
    # on the first report only, against the fast path on the same report: the ratio is what the
    # target is about, and on all of the size's reports showing ×100 took 78 s of the budget
    subset = list(paths[:PLAIN_REPORTS])
    runs = [_fast_in_memory(subset) for _ in range(config["runs"])]
    fast = statistics.median(seconds for seconds, _ in runs)
    if not fast:
        return
    result.plain_reports, result.plain_fast_s = len(subset), fast
    limit = min(cap, 1.25 * TARGET_SPEEDUP * fast, max(1.0, clock.left()))
    run = run_plain_pyshacl(subset, limit)
    result.plain_pyshacl_s, result.plain_pyshacl_stopped = run.seconds, run.stopped
    if run.keys is not None:
        result.plain_pyshacl = compare(runs[-1][1], run.keys)


def _measure_fast_in_memory(paths: Sequence[str], config: dict, result: SizeResult) -> None:
    """The fast path as pyshacl is run: the same reports, already parsed, in one in-memory
    store in one process, every rule once over all of them (the loading workers do the same a
    chunk at a time, and leave the unit-scoped rules to the writer)."""
    keys: list[str] = []
    for _ in range(config["runs"]):
        seconds, keys = _fast_in_memory(paths)
        result.fast_s.append(seconds)
    if keys != sorted(result.fast_findings):
        result.notes.append("the in-memory fast path's findings differ from `fiscal-kg validate`'s")


def _fast_in_memory(paths: Sequence[str]) -> tuple[float, list[str]]:
    """Seconds of the fast path over ``paths`` (parsed first, not timed) in one in-memory
    store, and its findings as pyshacl's are compared."""
    from fiscal_kg.ingest import parse_one
    from fiscal_kg.validation.catalogue import catalogue
    from fiscal_kg.validation.per_report import ReportValidator

    reports = [(p.graph_iri, p.nquads) for p in map(parse_one, paths) if p.error is None]

    def fast() -> list[object]:
        validator = ReportValidator(catalogue())  # its reference data, as pyshacl's data has
        return [f for found in validator.validate(reports) for f in found]

    seconds, found = timed(fast)
    return seconds, sorted(finding_key(f) for f in found)  # type: ignore[union-attr]


def _reference_data(paths: Sequence[str]) -> object:
    """The reports in one rdflib graph: pyshacl sees the same data as the fast path (the
    cross-report rules need a unit's other reports). Built before pyshacl's clock starts."""
    from rdflib import Graph

    from loaders.pipeline import build_graph, load_report

    union = Graph()
    for path in paths:
        union += build_graph(load_report(path))
    return union


def child_main(config_path: str) -> int:
    """Entry point of the per-size process: read the config, measure, write the result."""
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    result = measure_size(config)
    Path(config["result"]).write_text(json.dumps(asdict(result), ensure_ascii=False), "utf-8")
    return 0


def run_size(config: dict) -> SizeResult:
    """Measure one size in a fresh interpreter."""
    scratch = Path(config["scratch"])
    config_path = scratch / f"config-{config['size']}.json"
    config["result"] = str(scratch / f"result-{config['size']}.json")
    config_path.write_text(json.dumps(config, ensure_ascii=False), "utf-8")
    code = ("import sys; from bench.measure import child_main; "
            "sys.exit(child_main(sys.argv[1]))")
    subprocess.run([sys.executable, "-c", code, str(config_path)], check=True)
    return SizeResult.from_json(json.loads(Path(config["result"]).read_text("utf-8")))
