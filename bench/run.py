"""``make bench`` (``python -m bench``): options, the sizes one after another, the report."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from bench import corpus as bench_corpus
from bench.budget import DEFAULT_BUDGET_S, time_shares, virtuoso_clock, virtuoso_reserve
from bench.measure import run_size
from bench.phases import timed
from bench.render import render
from bench.results import Bench
from bench.virtuoso import installed as virtuoso_installed


def machine_info() -> dict[str, str]:
    """What the numbers were measured on (quote it with the table)."""
    info = {
        "nproc": str(os.cpu_count()),
        "memory": _mem_total(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    for package in ("pyoxigraph", "rdflib", "pyshacl"):
        info[package] = _version(package)
    return info


def _mem_total() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kb = int(fh.readline().split()[1])
        return f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def size_config(args: argparse.Namespace, size: int, corpus_dir: Path, scratch: Path) -> dict:
    return {
        "size": size,
        "corpus_dir": str(corpus_dir),
        "scratch": str(scratch),
        "runs": args.runs,
        "workers": args.workers,
        "pyshacl": size == args.pyshacl_size,
        "pyshacl_budget_s": args.pyshacl_budget,
        "plain_pyshacl_limit_s": args.plain_pyshacl_limit,
        "query_timeout_s": args.query_timeout,
        "corpus": {},
        "corpus_info": {},
        "generate_s": 0.0,
        "history": [],
        "hard_s": math.inf,
        "share_s": math.inf,
    }


def run_bench(args: argparse.Namespace) -> Bench:
    start = time.perf_counter()
    bench = Bench(machine_info(), [], {k: v for k, v in vars(args).items() if k != "out"})
    history: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="fiscal-kg-bench-") as tmp:
        scratch = Path(tmp)
        for i, size in enumerate(args.sizes):
            corpus_dir = scratch / f"corpus-{size}"
            corpus_dir.mkdir()
            config = size_config(args, size, corpus_dir, scratch)
            seconds, (corpus, info) = timed(
                lambda d=corpus_dir, n=size: bench_corpus.write(n, d, args.seed)
            )
            config["generate_s"], config["corpus_info"] = seconds, info
            config["corpus"], config["history"] = corpus.to_json(), history
            if args.budget > 0:  # less the Virtuoso phase's share while it is still to come
                left = args.budget - (time.perf_counter() - start) - virtuoso_reserve(
                    args.budget, size, args.virtuoso_size, args.sizes, virtuoso_installed())
                config["hard_s"], config["share_s"] = time_shares(left, args.sizes[i:])
            say(f"bench: {size} reports, up to {args.runs} run(s) ...")
            result = run_size(config)
            if size == args.virtuoso_size:
                from bench.virtuoso_phase import virtuoso_phase

                say(f"bench: Virtuoso phase at {size} reports (shards, bulk load, queries) ...")
                clock = (virtuoso_clock(args.budget - (time.perf_counter() - start), size,
                                        args.sizes[i + 1:]) if args.budget > 0 else None)
                result.virtuoso = virtuoso_phase(corpus_dir, scratch, workers=args.workers,
                                                 runs=args.runs,
                                                 query_timeout_s=args.query_timeout,
                                                 clock=clock, phases=result.phase_medians())
            bench.results.append(result)
            history.append({"size": size, "phases": result.phase_medians()})
            shutil.rmtree(corpus_dir, ignore_errors=True)
    bench.seconds = time.perf_counter() - start
    return bench


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"sizes are comma-separated integers: {text!r}") from exc
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Load, validate and query a synthetic corpus of 10, 100 and 1,000 reports.",
    )
    p.add_argument("--sizes", type=_sizes, default=[10, 100, 1000], help="default 10,100,1000")
    p.add_argument("--runs", type=int, default=3, help="runs per size (median; default 3)")
    p.add_argument("--out", default="bench-results", help="directory for bench.md and bench.json")
    p.add_argument("--workers", type=int, default=2, help="parser processes (default 2)")
    p.add_argument("--seed", type=int, default=8, help="corpus generator seed (default 8)")
    p.add_argument("--pyshacl-size", type=int, default=10, help="size pyshacl runs at (0: never)")
    p.add_argument(
        "--pyshacl-budget",
        type=float,
        default=90.0,
        help="seconds of pyshacl runs after which no further run starts (default 90)",
    )
    p.add_argument(
        "--plain-pyshacl-limit",
        type=float,
        default=150.0,
        help="at most this many seconds of plain pyshacl (rdflib's SPARQL engine), which is "
        "stopped once it shows the ×100 target either way (default 150; 0: not run)",
    )
    p.add_argument(
        "--query-timeout",
        type=float,
        default=60.0,
        help="seconds after which a query is stopped and reported as slower (default 60)",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET_S,
        help="seconds the whole bench should take; fewer runs at the largest size "
        "when they would not fit (0: no limit; default %(default)s)",
    )
    p.add_argument(
        "--virtuoso-size",
        type=int,
        default=1000,
        help="size at which the Virtuoso phase runs (bench.virtuoso_phase: shards, bulk load, "
        "every named query; skipped when Virtuoso is not installed; 0: never; default 1000)",
    )
    p.add_argument(
        "--pdf-copies",
        type=int,
        default=100,
        help="PDF phase: files loaded for the peak-RSS figure (default 100; 0: skip it)",
    )
    p.add_argument(
        "--pdf",
        choices=("auto", "yes", "no"),
        default="auto",
        help="the PDF phase (bench.pdf: reader vs pdfplumber on the six real PDFs, "
        "≈ 1 min); auto: with the default --sizes only, so quick runs stay quick",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench; 0 when it ran and validation found exactly the planted errors."""
    args = build_parser().parse_args(argv)
    if args.runs < 1 or args.workers < 1:
        print("bench: --runs and --workers must be at least 1", file=sys.stderr)
        return 2
    bench = run_bench(args)
    text = render(bench)
    from bench.quads_per_fact import measure as quads_per_fact

    text += "\n" + quads_per_fact().line() + " (`python -m bench.quads_per_fact`)\n"
    if args.pdf == "yes" or (args.pdf == "auto" and args.sizes == [10, 100, 1000]):
        from bench.pdf import pdf_phase

        say("bench: PDF phase (six real PDFs: reader, load, pdfplumber; peak RSS) ...")
        text += "\n" + pdf_phase(runs=5, copies=args.pdf_copies)
    sys.stdout.write(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text(text, encoding="utf-8")
    payload = {
        "machine": bench.machine,
        "options": bench.options,
        "seconds": bench.seconds,
        "results": [asdict(r) for r in bench.results],
    }
    (out / "bench.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), "utf-8")
    say(f"bench: wrote {out / 'bench.md'} and {out / 'bench.json'}")
    return 0 if all(r.planted.ok or not r.planted.ran for r in bench.results) else 1
