"""The command line of shards: ``fiscal-kg extract --shards DIR FILE…`` writes them,
``fiscal-kg load --from-shards DIR`` loads them into the embedded store, and with
``--virtuoso HOST:PORT`` into Virtuoso through its bulk loader (``fiscal_kg.virtuoso_bulk``).

Why ``extract`` is a command of its own: ``load`` always puts reports into a store and skips
what the store holds already; ``extract`` opens no store at all and writes files that any
store's bulk loader reads. Loading them is then ``load`` again, from shards instead of report
files, into whichever store ``load`` is pointed at.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fiscal_kg.store import Store


def add_extract_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="parse reports into N-Quads shards + manifest (no store)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders")
    p.add_argument("--shards", metavar="DIR", required=True,
                   help="folder to write shard-NNNNN.nq, reference.nq and manifest.json/.tsv to "
                   "(new, empty, or holding shards of an earlier run, which are replaced)")
    p.add_argument("--gzip", action="store_true", help="write .nq.gz shards")
    p.add_argument("--shard-quads", type=int, default=None, metavar="N",
                   help="quads per shard, about (default 250,000: ≈ 50 reports)")
    p.add_argument("--workers", type=int, default=None, help="parser processes (default 2)")
    p.add_argument("--validate", action="store_true",
                   help="also run the shapes on each report, as `load --validate` does, and "
                   "write the findings as validation.nq (the validation graph; `load "
                   "--from-shards` merges them into the store)")
    p.set_defaults(func=cmd_extract)


def add_load_options(p: argparse.ArgumentParser) -> None:
    """``load``'s options for shards (instead of report files)."""
    p.add_argument("--from-shards", metavar="DIR",
                   help="load the shards `fiscal-kg extract` wrote to DIR (checked against "
                   "its manifest) instead of report files")
    p.add_argument("--virtuoso", metavar="HOST:PORT",
                   help="with --from-shards: into the Virtuoso server at this SQL port, with its "
                   "bulk loader (isql-vt; DIR must be in the server's DirsAllowed; password from "
                   "$FISCAL_KG_VIRTUOSO_PASSWORD, default dba)")
    p.add_argument("--virtuoso-user", default="dba", metavar="USER", help="default dba")
    p.add_argument("--virtuoso-loaders", type=int, default=1, metavar="N",
                   help="rdf_loader_run() sessions in parallel (default 1)")


def cmd_extract(args: argparse.Namespace) -> int:
    from fiscal_kg.shards import SHARD_QUADS, extract

    quads = args.shard_quads or SHARD_QUADS
    if quads < 1:
        print("fiscal-kg extract: --shard-quads must be at least 1", file=sys.stderr)
        return 2
    done = extract(args.paths, args.shards, workers=args.workers, shard_quads=quads,
                   compress=args.gzip, quiet=False, validate=args.validate)
    m = done.manifest
    quads_written = sum(s.quads for s in m.shards)
    extra = 2 if m.validation else 1
    print(f"wrote {len(m.reports)} report(s) in {len(m.shards) - extra} shard(s) + "
          f"{m.reference_shard}{' + ' + m.validation_shard if m.validation else ''} "
          f"({quads_written:,} quads) to {args.shards}; {len(done.failed)} failed")
    if args.validate:
        validated = sum("findings" in r.summary for r in m.reports)
        print(f"validated {validated} of {len(m.reports)} report(s): "
              f"{sum(int(r.summary.get('findings', 0)) for r in m.reports)} report-scoped "  # type: ignore[call-overload]
              f"finding(s); {m.validation_shard}: {sum(m.validation.values()):,} quads")
    if not m.reports and not done.failed:
        print("fiscal-kg extract: nothing to extract: no report file (PDF, .txt, .md, .tsv, "
              f".html) in {' '.join(map(str, args.paths))}", file=sys.stderr)
        return 1
    return 1 if done.failed else 0


def cmd_load_shards(args: argparse.Namespace, store_opener: object) -> int:
    """``load --from-shards DIR`` (``store_opener(args)`` opens the embedded store)."""
    from fiscal_kg.shards import ShardError, read_manifest

    if args.virtuoso and not args.from_shards:
        print("fiscal-kg load: --virtuoso loads shards: give --from-shards DIR (written by "
              "fiscal-kg extract --shards DIR FILE…)", file=sys.stderr)
        return 2
    if args.paths:
        print("fiscal-kg load: give report files or --from-shards DIR, not both",
              file=sys.stderr)
        return 2
    try:
        if args.validate and not read_manifest(args.from_shards).validation:
            print(f"fiscal-kg load: the shards in {args.from_shards} hold no findings: write "
                  "them with `fiscal-kg extract --validate`, or run `fiscal-kg validate` after "
                  "the load", file=sys.stderr)
            return 2
        if args.virtuoso:
            return _to_virtuoso(args)
        return _to_embedded(args, store_opener)
    except ShardError as exc:
        print(f"fiscal-kg load: {exc}", file=sys.stderr)
        return 1


def _to_embedded(args: argparse.Namespace, store_opener: object) -> int:
    from fiscal_kg.shards import load_shards

    with store_opener(args, must_exist=False) as store:  # type: ignore[operator]
        summary = load_shards(store, args.from_shards, replace=args.replace, force=args.force)
        stored = _stored_findings(store) if summary.findings is not None else ""
    print(f"loaded {len(summary.loaded)} report(s) from {args.from_shards}, "
          f"{len(summary.failed)} failed")
    if summary.findings is not None:  # shards written with --validate
        counts = Counter(f.severity for f in summary.findings)
        print(f"validated {len(summary.loaded)} report(s) (their findings from the shards): "
              f"{_severities(counts)}; {stored} (`fiscal-kg query validation-findings`)")
        return 1 if summary.failed or (args.validate and counts["Violation"]) else 0
    if summary.unvalidated:
        print(f"{summary.unvalidated} replaced report(s) not validated: their old findings "
              "were dropped; `fiscal-kg validate` checks them again")
    return 1 if summary.failed else 0


def _severities(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in ("Violation", "Warning", "Info"))


def _stored_findings(store: Store) -> str:
    from fiscal_kg.validation.storage import severity_counts

    counts, reports = severity_counts(store)
    return f"the store holds {_severities(counts)} over {reports} report(s)"


def _to_virtuoso(args: argparse.Namespace) -> int:
    from fiscal_kg.virtuoso_bulk import Isql, VirtuosoError, bulk_load

    try:
        isql = Isql.parse(args.virtuoso, user=args.virtuoso_user)
        result = bulk_load(isql, args.from_shards, loaders=max(1, args.virtuoso_loaders))
    except ValueError as exc:
        print(f"fiscal-kg load: {exc}", file=sys.stderr)
        return 2
    except VirtuosoError as exc:
        print(f"fiscal-kg load: Virtuoso: {exc}", file=sys.stderr)
        return 1
    for name in result.retried:
        if name not in result.failed:
            print(f"{name}: failed once, loaded on the retry", file=sys.stderr)
    for name, reason in sorted(result.failed.items()):
        kept = ("its graphs were dropped from the server" if name in result.cleared else
                "the server keeps what it held of its graphs")
        print(f"{name}: not loaded ({kept}): {reason}", file=sys.stderr)
    print(f"bulk-loaded {len(result.loaded)} shard(s), {result.reports} report(s), "
          f"{result.quads:,} quads into Virtuoso at {args.virtuoso} in {result.seconds:.1f} s; "
          f"{len(result.failed)} shard(s) failed")
    if result.validation:  # the shards' validation report replaced the server's
        print(f"the validation graph is the shards' ({result.validation:,} quads), in place of "
              "the server's (`fiscal-kg query validation-findings`)")
    return 0 if result.ok else 1
