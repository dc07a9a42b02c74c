"""``fiscal-kg``: load reports, validate, query, export, serve, link, demo, bench.

Every subcommand works on the embedded store (``--store DIR``, default
$FISCAL_KG_STORE or ./fiscal-kg-store); ``load``, ``query`` and ``export``
also work on a remote SPARQL 1.1 store (``--endpoint``, ``--update-endpoint``,
``--gsp``).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from fiscal_kg.ingest import load_paths
from fiscal_kg.store import OxigraphStore, Store, default_store_path, open_store

__all__ = ["build_parser", "main", "run_linking", "run_validation"]

# ---------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------


def cmd_load(args: argparse.Namespace) -> int:
    if args.validate and (args.endpoint or args.update_endpoint or args.gsp):
        print("fiscal-kg load: --validate needs the embedded store (the unit-scoped rules run "
              "on it); check remote reports with `fiscal-kg validate FILE…`", file=sys.stderr)
        return 2
    with _store(args) as store:
        summary = load_paths(store, args.paths, workers=args.workers, validate=args.validate,
                             force=args.force)
    unchanged = (f", {len(summary.unchanged)} unchanged (in the store already, from the same "
                 "file and loader version: not loaded again; --force reloads them)"
                 if summary.unchanged else "")
    print(f"loaded {len(summary.loaded)} report(s), {len(summary.failed)} failed{unchanged}")
    if summary.findings is None:
        return 1 if summary.failed else 0
    counts = Counter(f.severity for f in summary.findings)
    print(f"validated {len(summary.loaded)} report(s): {counts['Violation']} Violation, "
          f"{counts['Warning']} Warning, "
          f"{counts['Info']} Info (in the store's validation report: "
          "`fiscal-kg query validation-findings`)")
    return 1 if summary.failed or counts["Violation"] else 0


# ---------------------------------------------------------------------------
# validate, link, bench: delegate to their modules (imported lazily)
# ---------------------------------------------------------------------------


def _optional(module: str, what: str):  # -> the module, or None
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        print(f"{what} is not available: module {module} is not installed yet", file=sys.stderr)
        return None


def run_validation(store: Store) -> dict[str, int] | None:
    """Run the shapes on the store; returns findings by severity (None when unavailable)."""
    validation = _optional("fiscal_kg.validation", "validation")
    if validation is None:
        return None
    report = validation.validate_store(store)
    return dict(getattr(report, "by_severity", lambda: Counter())())


def cmd_delegated(args: argparse.Namespace) -> int:  # reached only via main()'s delegation
    return main([args.command, *args.rest])


def run_linking(store: Store, wikidata: str | None) -> list | None:
    linking = _optional("fiscal_kg.linking", "linking")
    if linking is None:
        return None
    if not isinstance(store, OxigraphStore):
        raise SystemExit("fiscal-kg link works on the embedded store only (no --endpoint)")
    return list(linking.link_store(store.raw, wikidata))


def cmd_link(args: argparse.Namespace) -> int:
    with _store(args) as store:
        results = run_linking(store, args.wikidata)
    if results is None:
        return 2
    for r in results:
        print(r.line() if hasattr(r, "line") else r)
    linked = sum(1 for r in results if getattr(r, "status", "") == "linked")
    print(f"{linked} of {len(results)} unit(s) linked")
    return 0


# ---------------------------------------------------------------------------
# query, export, serve
# ---------------------------------------------------------------------------


def cmd_query(args: argparse.Namespace) -> int:
    from fiscal_kg import query as q

    if args.list or not args.name:
        queries = q.named_queries()
        for name, nq in queries.items():
            params = " ".join(
                f"{p.name}={p.type}" if p.required else f"[{p.name}={p.type}]" for p in nq.params
            )
            mark = "*" if nq.portable is not None else ""
            print(f"{name + mark:<28} {nq.title}  {params}".rstrip())
        if any(nq.portable is not None for nq in queries.values()):
            print("* uses LATERAL; its SPARQL 1.1 form (queries/portable/) goes to stores"
                  " without LATERAL, and with --portable")
        return 0
    try:
        named = q.resolve(args.name)
        values = dict(_key_value(p) for p in args.param)
        q.bind(named, values)  # names and values checked before the store is opened
    except q.QueryError as exc:
        print(f"fiscal-kg query: {exc}", file=sys.stderr)
        return 2
    with _store(args) as store:
        try:
            result = q.run(store, named, values, portable=args.portable)
        except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
            print(f"fiscal-kg query: {named.name}: {exc}", file=sys.stderr)
            return 1
    sys.stdout.write(q.FORMATTERS[args.format](result))
    if args.format == "json":
        sys.stdout.write("\n")
    return 0


def _key_value(text: str) -> tuple[str, str]:
    from fiscal_kg.query import QueryError

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise QueryError(f"--param wants key=value, got {text!r}")
    return key.strip(), value


def cmd_export(args: argparse.Namespace) -> int:
    from fiscal_kg import export

    out_path = Path(args.out) if args.out else None
    with _store(args) as store:
        if args.format in ("csv", "indicators-csv"):
            writer = (
                export.export_facts_csv if args.format == "csv" else export.export_indicators_csv
            )
            if out_path is None:
                count = writer(store, sys.stdout)
            else:
                with out_path.open("w", encoding="utf-8", newline="") as fh:
                    count = writer(store, fh)
            print(f"{count} row(s)", file=sys.stderr)
        elif out_path is None:
            export.export_rdf(store, args.format, sys.stdout.buffer, args.graph)
        else:
            with out_path.open("wb") as fh:
                export.export_rdf(store, args.format, fh, args.graph)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from fiscal_kg import server

    path = Path(args.store) if args.store else default_store_path()
    return server.serve(path, port=args.port, timeout_s=args.timeout, max_rows=args.max_rows)


# ---------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------

COUNTS = """PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
SELECT (COUNT(DISTINCT ?d) AS ?reports) (COUNT(DISTINCT ?f) AS ?facts)
       (COUNT(DISTINCT ?c) AS ?claims) (COUNT(DISTINCT ?i) AS ?indicators)
WHERE {
  { ?d a fkg:FiscalDocument } UNION { ?f a fkg:AmountFact }
  UNION { ?c a fkg:NarrativeClaim } UNION { ?i a fkg:PerformanceIndicator }
}"""


def cmd_demo(args: argparse.Namespace) -> int:
    from loaders.resources import resource_dir

    samples = resource_dir("samples") / "reports"
    path = Path(args.store) if args.store else Path("fiscal-kg-store")
    # Load and validate as `fiscal-kg load --validate` does, in memory, then write the finished
    # dataset to disk with one extend (the store is replaced by the samples alone).
    memory = OxigraphStore()
    summary = load_paths(memory, [samples], validate=True)
    findings = Counter(f.severity for f in summary.findings or [])
    links = run_linking(memory, None)
    counts = memory.query(COUNTS).dicts()[0]
    with OxigraphStore(path) as store:
        store.update("CLEAR ALL")  # a fresh store: only the bundled samples
        store.raw.extend(memory.raw)
    print()
    print(f"store: {path}")
    for key in ("reports", "facts", "claims", "indicators"):
        print(f"{key:>11}: {counts[key]}")
    text = ", ".join(f"{n} {sev}" for sev, n in sorted(findings.items())) or "none"
    print(f"   findings: {text}")
    if links is not None:
        linked = sum(1 for r in links if getattr(r, "status", "") == "linked")
        print(f"      units: {linked} of {len(links)} linked to a division")
    print("next: fiscal-kg query --list; fiscal-kg query totals-by-class; fiscal-kg serve")
    return 1 if summary.failed else 0


# ---------------------------------------------------------------------------
# argument parsing
# ---------------------------------------------------------------------------


def _store(args: argparse.Namespace) -> Store:
    return open_store(
        args.store,
        endpoint=getattr(args, "endpoint", None),
        update_endpoint=getattr(args, "update_endpoint", None),
        gsp=getattr(args, "gsp", None),
    )


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        metavar="DIR",
        help="store directory (default $FISCAL_KG_STORE or ./fiscal-kg-store)",
    )
    remote = argparse.ArgumentParser(add_help=False)
    remote.add_argument("--endpoint", metavar="URL", help="remote SPARQL query endpoint")
    remote.add_argument("--update-endpoint", metavar="URL", help="remote SPARQL update endpoint")
    remote.add_argument("--gsp", metavar="URL", help="remote Graph Store Protocol endpoint")

    parser = argparse.ArgumentParser(
        prog="fiscal-kg", description="Chinese budget disclosures as a linked-data knowledge graph."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("load", parents=[common, remote], help="load report files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--workers", type=int, default=None, help="parser processes (default 2)")
    p.add_argument("--validate", action="store_true",
                   help="also run the shapes on each report while loading it and update the "
                   "store's validation report (exit 1 when a Violation is found)")
    p.add_argument("--force", action="store_true",
                   help="load every file, also those whose report is in the store already from "
                   "the same file and loader version (skipped by default)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("validate", help="run the SHACL shapes (fiscal-kg validate --help)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_delegated)

    p = sub.add_parser("query", parents=[common, remote], help="run a named query or a .rq file")
    p.add_argument("name", nargs="?", metavar="NAME|FILE.rq")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument(
        "--portable",
        action="store_true",
        help="send a query's SPARQL 1.1 form (queries/portable/) even where the store runs LATERAL",
    )
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", parents=[common, remote], help="export RDF or CSV")
    p.add_argument(
        "--format", choices=("ttl", "nq", "jsonld", "csv", "indicators-csv"), default="nq"
    )
    p.add_argument("--out", metavar="FILE", help="output file (default stdout)")
    p.add_argument("--graph", metavar="IRI", help="one named graph only (RDF formats)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", parents=[common], help="SPARQL endpoint + query page on 127.0.0.1")
    p.add_argument("--port", type=int, default=7878)
    p.add_argument("--timeout", type=float, default=30.0, help="query time limit in seconds")
    p.add_argument("--max-rows", type=int, default=None,
                   help="result row cap (default $FISCAL_KG_MAX_ROWS or 10,000)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("link", parents=[common], help="link units to divisions and Wikidata")
    p.add_argument("--wikidata", metavar="URL", help="Wikidata SPARQL endpoint for P442 look-ups")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("demo", parents=[common], help="load, validate and link the samples")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("bench", help="benchmarks (fiscal-kg bench --help)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_delegated)
    return parser


DELEGATED = {"validate": "fiscal_kg.validation", "bench": "fiscal_kg.bench"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        # These subcommands own their options (validate: FILE..., --format, --severity ...);
        # pass everything after the name through untouched.
        module = _optional(DELEGATED[argv[0]], argv[0])
        return 2 if module is None else int(module.main(argv[1:]) or 0)
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return 0
    except OSError as exc:  # e.g. the store is locked by another process
        print(f"fiscal-kg {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
