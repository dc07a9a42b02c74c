"""Time the named queries on a store: ``python -m bench.measure_queries STORE``.

    python -m bench.measure_queries /tmp/q1000 --build 1000   # make a synthetic store first
    python -m bench.measure_queries /tmp/q1000                # median ms of every named query
    python -m bench.measure_queries /tmp/q1000 --with unit=合成00007     # one unit's reports
    python -m bench.measure_queries /tmp/q1000 -q documents -p documents:year=2024

``--build N`` writes N synthetic reports (``bench.synthetic.generate``) as N-Quads, one named
graph per report, with Oxigraph's bulk loader (much faster than transactions, which is all we
need for a measuring store), then loads the reference data, links the units to divisions and,
with ``--validate``, writes the validation graph. Each query runs in a child process that opens
the store read-only, so a query slower than ``--timeout`` is stopped instead of holding up the
rest. Required parameters get the example of their header (``e.g. …``), as in ``make bench``;
optional ones stay unbound ("all") unless ``--with``/``-p`` give them. Each row gives the median
of ``--runs`` runs as ``fiscal-kg query`` runs it (``OxigraphStore.query``: evaluation plus the
conversion of every term to rdflib) and, for comparison, the engine alone (iterating pyoxigraph's
solutions).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import re
import statistics
import sys
import time
from pathlib import Path

_EXAMPLE = re.compile(r"e\.g\.\s*\"?([^\s\",;)]+)")


# ---------------------------------------------------------------------------
# Building a synthetic store
# ---------------------------------------------------------------------------


def _report_nquads(report: object) -> tuple[str, str]:
    """(graph IRI, N-Quads) of a synthetic report, as the loader's workers send them."""
    from loaders.rdf import report_nquads
    from loaders.vocab import report_document_iri

    r = report.report  # type: ignore[attr-defined]
    return str(report_document_iri(r)), report_nquads(r)[0]


def build(
    path: Path, reports: int, seed: int = 0, batch: int = 200, validate: bool = False
) -> None:
    """A store of ``reports`` synthetic reports at ``path`` (which must not exist yet)."""
    from bench.synthetic import generate
    from fiscal_kg.linking import link_store
    from fiscal_kg.store import OxigraphStore

    if path.exists():
        raise SystemExit(f"{path} exists; --build writes a new store")
    start = time.perf_counter()
    wrapped = OxigraphStore(path)
    chunk: list[tuple[str, str]] = []
    for i, report in enumerate(generate(reports, seed), start=1):
        chunk.append(_report_nquads(report))
        if len(chunk) == batch or i == reports:
            wrapped.put_reports(chunk)  # the loader's writer: bulk loads new reports
            chunk = []
            print(f"  {i} reports, {time.perf_counter() - start:.0f} s", flush=True)
    wrapped.ensure_reference_data()
    link_store(wrapped.raw)
    if validate:
        from fiscal_kg.validation import validate as run_validation

        findings = run_validation(wrapped)
        print(f"  validation: {len(findings)} findings", flush=True)
    print(f"store {path}: {len(wrapped.raw):,} quads, {time.perf_counter() - start:.0f} s")
    wrapped.close()


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


def default_values(named: object) -> dict[str, str] | None:
    """Example values for the required parameters (None when one has no example)."""
    values = {}
    for param in named.params:  # type: ignore[attr-defined]
        if param.required and param.default is None:
            example = _EXAMPLE.search(param.meaning)
            if example is None:
                return None
            values[param.name] = example.group(1)
    return values


def _child(path: str, text: str, runs: int, out: mp.connection.Connection) -> None:
    from fiscal_kg.store import OxigraphStore

    store = OxigraphStore(path, read_only=True)
    for _ in range(runs):
        start = time.perf_counter()
        list(store.raw.query(text, use_default_graph_as_union=True))  # the engine alone
        engine = time.perf_counter() - start
        start = time.perf_counter()
        result = store.query(text)  # as `fiscal-kg query` runs it: + rdflib terms
        out.send((engine, time.perf_counter() - start, len(result.rows)))
    out.close()


def time_query(
    path: Path, text: str, runs: int, timeout: float
) -> tuple[list[float], list[float], int | None]:
    """Seconds of each run, engine only and with the conversion to rdflib terms, and the
    row count; a run that exceeds ``timeout`` (engine part) is stopped and counts as inf."""
    ctx = mp.get_context("spawn")  # a fresh process: no RocksDB handle inherited
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(str(path), text, runs, send), daemon=True)
    child.start()
    send.close()
    engine: list[float] = []
    full: list[float] = []
    rows: int | None = None
    for _ in range(runs):
        wait = 2 * timeout + 30  # both parts, + the time to start and open the store
        if not receive.poll(wait):
            child.kill()
            engine.append(float("inf"))
            full.append(float("inf"))
            break
        try:
            seconds, total, rows = receive.recv()
        except EOFError:  # the child failed: its traceback is on stderr
            break
        engine.append(seconds)
        full.append(total)
    child.join(5)
    if child.is_alive():
        child.kill()
    return engine, full, rows


def _ms(times: list[float], timeout: float) -> str:
    if not times:
        return "failed"
    median = statistics.median(times)
    return f">{timeout * 1000:,.0f}" if median == float("inf") else f"{median * 1000:,.1f}"


def _parse_params(items: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for item in items:
        query, _, assignment = item.partition(":")
        name, _, value = assignment.partition("=")
        out.setdefault(query, {})[name] = value
    return out


def main(argv: list[str] | None = None) -> int:
    from fiscal_kg.query import bind, named_queries

    ap = argparse.ArgumentParser(
        prog="python -m bench.measure_queries",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("store", type=Path)
    ap.add_argument("--build", type=int, metavar="N", help="first build a store of N reports")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--validate", action="store_true", help="with --build: write findings")
    ap.add_argument("-q", "--query", action="append", default=[], help="only these queries")
    ap.add_argument("-p", "--param", action="append", default=[], metavar="QUERY:NAME=VALUE")
    ap.add_argument(
        "-w",
        "--with",
        dest="each",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind NAME in every query that has that parameter",
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per run")
    args = ap.parse_args(argv)
    if args.build:
        build(args.store, args.build, args.seed, validate=args.validate)
    params = _parse_params(args.param)
    print("| query | params | rows | median ms | engine ms | runs ms |")
    print("|---|---|---:|---:|---:|---|")
    for name, named in named_queries().items():
        if args.query and name not in args.query:
            continue
        if "SERVICE" in named.text:
            print(f"| {name} | | | skipped: federated | | |")
            continue
        values = default_values(named) or {}
        for item in args.each:
            key, _, value = item.partition("=")
            if named.param(key) is not None:
                values[key] = value
        values.update(params.get(name, {}))
        engine, full, rows = time_query(args.store, bind(named, values), args.runs,
                                        args.timeout)  # fmt: skip
        runs = ", ".join("stopped" if t == float("inf") else f"{t * 1000:.0f}" for t in full)
        given = " ".join(f"{k}={v}" for k, v in values.items())
        print(
            f"| {name} | {given} | {'' if rows is None else rows} | {_ms(full, args.timeout)} "
            f"| {_ms(engine, args.timeout)} | {runs} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
