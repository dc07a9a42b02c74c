"""The bench's Virtuoso phase: the scale path measured on the same synthetic corpus.

At ``--virtuoso-size`` reports (default 1,000) and only where Debian's Virtuoso is installed
(else the phase says "skipped: not installed"): extract the corpus into N-Quads shards with
their findings (``fiscal_kg.shards.extract(validate=True)``: ``fiscal-kg extract --validate``,
the loader's parallel parsers running the shapes, no store), start a throwaway server
(``bench.virtuoso``), bulk-load the shards (``fiscal_kg.virtuoso_bulk.bulk_load``: ``ld_add`` +
``rdf_loader_run()`` + ``checkpoint`` + the ``load_list`` and quad-count checks; the findings
come in as the validation graph), measure the server's database files on disk, link the units
on the server (``fiscal_kg.linking.link_store`` through SPARQL Update, as ``fiscal-kg link
--endpoint`` does), then time every named query the embedded phase times (``bench.phases``'s
list and parameter values) through the SPARQL endpoint, once cold and up to ``runs`` times warm
(their SPARQL 1.1 forms: Virtuoso has no LATERAL).

Within ``make bench``'s ``--budget`` (``bench.budget``: a share of it is kept for the phase
until its size has run; then it has what is left): the extract and load are skipped when their
projection from the same size's embedded medians does not fit, and warm query runs stop when
the next would not.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.budget import Clock

BUFFERS = 60_000  # 8 KB pages (≈ 470 MB): the 1,000-report corpus's ≈ 5M quads stay in memory


def _mb(paths: list[Path]) -> float:
    return sum(p.stat().st_size for p in paths if p.is_file()) / 1e6


def virtuoso_phase(corpus_dir: Path, scratch: Path, *, workers: int, runs: int,
                   query_timeout_s: float, embedded: bool = False, clock: Clock | None = None,
                   phases: dict[str, float] | None = None) -> dict:
    """The phase's figures as plain data (bench.json), or ``{"skipped": reason}``. With
    ``embedded`` (the standalone run below), the same shards also go into an embedded store
    whose queries are timed the same way, in this process, beside the server's. With ``clock``
    (the bench's time budget) and ``phases`` (the embedded medians at this size), what would
    not fit is not run."""
    from bench.virtuoso import Virtuoso, installed

    if not installed():
        return {"skipped": "not installed (Debian's virtuoso-opensource: /usr/bin/virtuoso-t, "
                           "/usr/bin/isql-vt)"}
    from bench.budget import project_virtuoso
    from bench.phases import WARM_UP, run_query, runnable_queries, timed
    from fiscal_kg.linking import link_store
    from fiscal_kg.shards import extract
    from fiscal_kg.store.remote import RemoteStore
    from fiscal_kg.virtuoso_bulk import Isql, bulk_load

    guess = project_virtuoso(phases or {})
    if clock is not None and phases and guess["load"] > clock.left():
        return {"skipped": f"not measured: extract --validate and bulk load projected "
                           f"{guess['load']:,.0f} s, {max(0.0, clock.left()):,.0f} s of the "
                           "time budget left"}
    start = time.perf_counter()
    paths = sorted(corpus_dir.glob("*.txt"))
    budget = {"budget_s": clock.left()} if clock is not None else {}
    shards = scratch / f"shards-{len(paths)}"
    out: dict = {"reports": len(paths), "query_ms": {}, "rows": {}, "errors": {}, **budget}
    try:
        out["extract_s"], done = timed(lambda: extract(paths, shards, workers=workers,
                                                       validate=True))
        manifest = done.manifest  # type: ignore[attr-defined]
        out["extracted"] = len(manifest.reports)
        out["shards"] = len(manifest.shards)
        out["quads"] = sum(s.quads for s in manifest.shards)
        out["findings_quads"] = sum(manifest.validation.values())
        out["shard_mb"] = _mb(list(shards.iterdir()))
        if embedded:
            out["embedded"] = _embedded(shards, scratch, runs)
        with Virtuoso(load_dirs=[shards], buffers=BUFFERS) as server:
            isql = Isql(port=server.sql_port, password="dba")
            out["load_s"], loaded = timed(lambda: bulk_load(isql, shards))
            out["loaded_reports"] = loaded.reports  # type: ignore[attr-defined]
            out["failed_shards"] = dict(loaded.failed)  # type: ignore[attr-defined]
            out["disk_mb"] = _mb(list(server.dir.glob("virtuoso*.db"))
                                 + list(server.dir.glob("virtuoso*.trx")))
            remote = RemoteStore(server.sparql_url, update_endpoint=server.sparql_url,
                                 timeout=int(query_timeout_s))
            out["link_s"], _ = timed(lambda: link_store(remote))
            need = guess["cold"] + guess["run"]  # the cold run and one warm run
            if clock is not None and phases and need > clock.left():
                out["queries_skipped"] = (f"projected {need:,.0f} s, "
                                          f"{max(0.0, clock.left()):,.0f} s of the time budget "
                                          "left")
            else:
                _time_queries(remote, out, runs, WARM_UP, runnable_queries, run_query, clock)
    except Exception as exc:  # reported in the table, not a traceback mid-bench
        out["error"] = f"{type(exc).__name__}: {exc}"[:400]
    finally:
        shutil.rmtree(shards, ignore_errors=True)
    out["seconds"] = time.perf_counter() - start
    return out


def _embedded(shards: Path, scratch: Path, runs: int) -> dict:
    """The shards into a new embedded store (``fiscal-kg load --from-shards``), linked, and its
    queries timed as the server's are."""
    from bench.phases import WARM_UP, run_query, runnable_queries, timed
    from fiscal_kg.linking import link_store
    from fiscal_kg.shards import load_shards
    from fiscal_kg.store import OxigraphStore

    path = scratch / "embedded-from-shards"
    out: dict = {"query_ms": {}, "rows": {}, "errors": {}}
    try:
        with OxigraphStore(path) as store:
            out["load_s"], _ = timed(lambda: load_shards(store, shards, quiet=True))
        out["disk_mb"] = _mb([p for p in path.rglob("*")])
        with OxigraphStore(path) as store:
            link_store(store)
            _time_queries(store, out, runs, WARM_UP, runnable_queries, run_query)
    finally:
        shutil.rmtree(path, ignore_errors=True)
    return out


def _time_queries(remote, out: dict, runs: int, warm_up: str, runnable, run_query,
                  clock: Clock | None = None) -> None:
    """Each query once cold (the server compiles and caches its plan: the first run of a
    query costs up to seconds more), then ``runs`` times warm, while the next run fits in
    ``clock``'s time."""
    queries, skipped = runnable()
    remote.query(warm_up)
    out["cold_ms"] = {}
    out["query_runs"] = 0
    last = 0.0
    for run in range(runs + 1):
        if run > 1 and clock is not None and not clock.another_run_fits(last):
            out["runs_stopped"] = (f"{run - 1} of {runs} warm run(s): another would not fit in "
                                   "the time budget")
            break
        begun = time.perf_counter()
        out["query_runs"] = run
        for name, query in queries.items():
            if name in out["errors"]:
                continue
            start = time.perf_counter()
            try:
                result = run_query(remote, query)
            except Exception as exc:  # a query the server refuses costs its row
                out["errors"][name] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            ms = (time.perf_counter() - start) * 1000
            if run == 0:
                out["cold_ms"][name] = ms
            else:
                out["query_ms"].setdefault(name, []).append(ms)
            out["rows"][name] = len(result.rows)
        last = time.perf_counter() - begun
    out["skipped_queries"] = skipped


def virtuoso_lines(results: list) -> list[str]:
    """The phase in the bench report: load and disk beside the embedded store's, and every
    named query's median on Virtuoso beside the embedded store's at the same size."""
    from bench.figures import show
    from bench.results import median

    lines: list[str] = []
    for r in sorted(results, key=lambda r: r.size):
        v = r.virtuoso
        if not v:
            continue
        head = f"Virtuoso at {r.size} reports"
        if "skipped" in v:
            lines += [f"{head}: skipped: {v['skipped']}", ""]
            continue
        if "load_s" not in v:
            lines += [f"{head}: not measured: {v.get('error', 'no figures')}", ""]
            continue
        embedded_load = median(r.load_s)
        quads = v.get("quads", 0)
        failed = v.get("failed_shards") or {}
        lines.append(
            f"{head} (Virtuoso Open Source 7.2, Debian; the same corpus; the phase "
            f"{v.get('seconds', 0):.0f} s"
            + (f" of the {v['budget_s']:,.0f} s the time budget left it" if v.get("budget_s")
               else "") + "): extract --validate "
            f"{v['extracted']} reports into {v['shards']} N-Quads shards ({quads:,} quads, "
            f"of which {v.get('findings_quads', 0):,} the findings' validation graph; "
            f"{v['shard_mb']:,.0f} MB) {v['extract_s']:.1f} s without a store; bulk load "
            f"(ld_add + rdf_loader_run + checkpoint + load_list and quad-count checks) "
            f"{v['load_s']:.1f} s ({quads / v['load_s']:,.0f} quads/s"
            + (f"; embedded load {show(embedded_load)} s from the report files"
               if embedded_load else "")
            + f"); on disk {v['disk_mb']:,.0f} MB"
            + (f" (embedded store {r.store_mb:,.0f} MB)" if r.store_mb else "")
            + f"; linking on the server {v['link_s']:.1f} s"
            + (f"; FAILED shards: {', '.join(sorted(failed))}" if failed else "")
            + (f"; queries not timed: {v['queries_skipped']}" if v.get("queries_skipped")
               else "")
            + (f"; {v['runs_stopped']}" if v.get("runs_stopped") else "")
            + (f"; validation-findings {v['rows']['validation-findings']:,} rows"
               if "validation-findings" in v.get("rows", {}) else "")
            + (f"; stopped: {v['error']}" if v.get("error") else ""))
        lines.append("")
        mine = v.get("embedded")
        embedded = ({n: median(ms) for n, ms in mine["query_ms"].items()} if mine
                    else r.query_medians())
        if mine:
            lines.append(f"Embedded store from the same shards, in this phase: load "
                         f"(`load --from-shards`) {mine['load_s']:.1f} s, on disk "
                         f"{mine['disk_mb']:,.0f} MB; its queries timed as the server's.")
            lines.append("")
        rows = []
        for name in sorted(set(v["query_ms"]) | set(v["errors"]) | set(embedded)):
            ms = median(v["query_ms"].get(name, []))
            local = embedded.get(name)
            cell = show(ms) if ms is not None else f"failed: {v['errors'].get(name, '-')}"
            speed = f"{local / ms:.2g}" if ms and local else "-"
            cold = show(v.get("cold_ms", {}).get(name))
            count = str(v["rows"].get(name, "-"))
            if mine and name in v["rows"]:  # the same number of rows as the embedded store?
                count += "" if mine["rows"].get(name) == v["rows"][name] else (
                    f" (embedded {mine['rows'].get(name, '-')})")
            rows.append([name, show(local), cell, cold, speed, count])
        header = ["query (ms)", "embedded, this phase" if mine else "embedded", "Virtuoso",
                  "Virtuoso, first run", "embedded / Virtuoso", "Virtuoso rows"]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines += ["", "Virtuoso: medians of the runs through its SPARQL endpoint (HTTP, JSON "
                  "results, rows as rdflib terms, the queries' SPARQL 1.1 forms), after a first "
                  "run of each query (shown apart: the server compiles and caches its plan); "
                  + ("embedded: the same, in this process (rows: the same count unless shown)"
                     if mine else "embedded: the query table above (each run in a fresh "
                     "process; a listing's slowest page of three)") + ". Each answer is the one "
                  "`fiscal-kg query NAME` gives: a listing's first page of reports (`# pages:`). "
                  "The machine is shared: compare within a run.", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.virtuoso_phase --size 1000``: the phase alone on a fresh corpus, with
    the embedded store measured beside the server in the same process."""
    import argparse
    import sys
    import tempfile

    from bench import corpus as bench_corpus
    from bench.results import SizeResult

    p = argparse.ArgumentParser(prog="python -m bench.virtuoso_phase")
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=8)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fiscal-kg-virtuoso-phase-") as tmp:
        scratch = Path(tmp)
        corpus_dir = scratch / "corpus"
        corpus_dir.mkdir()
        bench_corpus.write(args.size, corpus_dir, args.seed)
        result = SizeResult(size=args.size, runs=args.runs)
        result.virtuoso = virtuoso_phase(corpus_dir, scratch, workers=args.workers,
                                         runs=args.runs, query_timeout_s=600, embedded=True)
    sys.stdout.write("\n".join(virtuoso_lines([result])) + "\n")
    return 0 if "load_s" in result.virtuoso and not result.virtuoso.get("failed_shards") else 1


if __name__ == "__main__":
    raise SystemExit(main())
