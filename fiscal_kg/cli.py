"""``fiscal-kg``: load reports, validate, query, export, serve, link, report, review, demo.

Every subcommand works on the embedded store (``--store DIR``, default
$FISCAL_KG_STORE or ./fiscal-kg-store); ``load`` (also ``--validate``), ``validate``,
``query``, ``export`` and ``link`` also work on a remote SPARQL 1.1 store (``--endpoint``,
``--update-endpoint``, ``--gsp``).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from fiscal_kg.export import EXPORT_FORMATS
from fiscal_kg.ingest import load_paths
from fiscal_kg.optional_parts import optional_module, run_linking, run_validation
from fiscal_kg.queries.paging import PAGE_SIZE, Page, run_page
from fiscal_kg.shards_cli import add_extract_parser, add_load_options
from fiscal_kg.store import (
    NoStoreError,
    Store,
    existing_store_path,
    open_query_store,
    open_read_only_store,
    open_store,
)

__all__ = ["build_parser", "main", "run_linking", "run_validation"]

# ---------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------


def cmd_load(args: argparse.Namespace) -> int:
    if args.from_shards or args.virtuoso:  # shards (fiscal-kg extract), not report files
        from fiscal_kg.shards_cli import cmd_load_shards

        return cmd_load_shards(args, _store)
    if not args.paths:
        print("fiscal-kg load: give report files or folders (or --from-shards DIR)",
              file=sys.stderr)
        return 2
    if args.validate and (args.endpoint or args.update_endpoint or args.gsp) and not (
            args.endpoint and args.update_endpoint):  # findings: read, then written by SPARQL
        print("fiscal-kg load: --validate on a remote store reads and writes its validation "
              "report through SPARQL: give --endpoint URL and --update-endpoint URL (and --gsp "
              "URL for the reports, if wanted)", file=sys.stderr)
        return 2
    with _store(args, must_exist=False) as store:
        summary = load_paths(store, args.paths, workers=args.workers, validate=args.validate,
                             force=args.force, replace=args.replace)
        stored = _stored_findings(store) if summary.findings is not None else None
    unchanged = (f", {len(summary.unchanged)} unchanged (in the store already, from the same "
                 "file and loader version: not loaded again; --force reloads them)"
                 if summary.unchanged else "")
    print(f"loaded {len(summary.loaded)} report(s), {len(summary.failed)} failed{unchanged}")
    if not (summary.loaded or summary.failed or summary.unchanged):
        print("fiscal-kg load: nothing to load: no report file (PDF, .txt, .md, .tsv, .html) "
              f"in {' '.join(map(str, args.paths))}", file=sys.stderr)
        return 1
    if summary.findings is None:
        if summary.unvalidated:
            print(f"{summary.unvalidated} replaced report(s) not validated: their old findings "
                  "were dropped; `fiscal-kg validate` checks them again (or load --validate)")
        return 1 if summary.failed else 0
    counts = Counter(f.severity for f in summary.findings)
    print(f"validated {len(summary.loaded)} report(s) now: {_severities(counts)}; {stored} "
          "(`fiscal-kg query validation-findings`)")
    return 1 if summary.failed or counts["Violation"] else 0


def _show_source_lines(result: object, source: Path) -> None:
    from fiscal_kg.where_from import source_excerpts

    for text, error in source_excerpts(result, source):  # type: ignore[arg-type]
        print(text, file=sys.stderr if error else sys.stdout)


def _severities(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in ("Violation", "Warning", "Info"))


def _stored_findings(store: Store) -> str:
    """What the store's validation report holds now, e.g. after validating no new report."""
    from fiscal_kg.validation.storage import severity_counts

    counts, reports = severity_counts(store)
    return f"the store holds {_severities(counts)} over {reports} report(s)"


# ---------------------------------------------------------------------------
# validate, link: delegate to their modules (fiscal_kg/optional_parts.py imports them
# lazily); bench: not shipped
# ---------------------------------------------------------------------------


def cmd_delegated(args: argparse.Namespace) -> int:  # reached only via main()'s delegation
    return main([args.command, *args.rest])


def cmd_bench() -> int:
    # the benchmark and its synthetic corpus are not shipped (top-level bench/ of the checkout)
    print("fiscal-kg bench: the benchmark is not part of the installed package; run it from a "
          "checkout: `make bench` or `python -m bench --help`", file=sys.stderr)
    return 2


def cmd_link(args: argparse.Namespace) -> int:
    if (args.endpoint or args.update_endpoint or args.gsp) and not (
            args.endpoint and args.update_endpoint):  # it reads units, then writes two graphs
        print("fiscal-kg link: a remote store is linked through SPARQL: give --endpoint URL "
              "and --update-endpoint URL", file=sys.stderr)
        return 2
    with _store(args) as store:
        results = run_linking(store, args.wikidata)
    if results is None:
        return 2
    if results and hasattr(results[0], "HEADER"):
        print(results[0].HEADER)
    for r in results:
        print(r.line() if hasattr(r, "line") else r)
    linked = sum(1 for r in results if getattr(r, "status", "") == "linked")
    print(f"{linked} of {len(results)} unit(s) linked")
    return 0


# ---------------------------------------------------------------------------
# query, export, serve
# ---------------------------------------------------------------------------


def cmd_query(args: argparse.Namespace) -> int:
    from fiscal_kg import queries as q
    from fiscal_kg.sparql_guard import GuardLimits, QueryRefused, check_query

    if args.list or not args.name:
        print("\n".join(q.listing()))
        return 0
    try:
        named = q.resolve(args.name)
        # size and nesting checked before the engine parses it (deep nesting crashes it); the
        # user's own queries keep SERVICE (federation), which the endpoint refuses
        check_query(named.form(args.portable), GuardLimits(allowed_services=None))
        values = dict(_key_value(p) for p in args.param)
        # names and values checked before the store is opened; a report (IRI, id:doc/… or
        # file name) is looked up in the store afterwards
        q.bind(named, {k: v for k, v in values.items() if k != "document"})
    except q.QueryError as exc:
        print(f"fiscal-kg query: {exc}", file=sys.stderr)
        return 2
    except QueryRefused as exc:
        print(f"fiscal-kg query: {named.name}: {exc}", file=sys.stderr)
        return 1
    with _query_store(args) as store:
        try:
            values = q.resolve_document_values(store, named, values)
        except q.QueryError as exc:  # an unknown report: an error, not "(0 rows)"
            print(f"fiscal-kg query: {exc}", file=sys.stderr)
            return 2
        try:
            answer = run_page(store, named, values, page=args.page,
                              size=None if args.all else args.page_size, portable=args.portable)
            result = answer.result
        except q.QueryError as exc:  # a page past the last
            print(f"fiscal-kg query: {exc}", file=sys.stderr)
            return 2
        except SyntaxError as exc:  # the user's .rq file: bad input
            print(f"fiscal-kg query: {named.name}: {' '.join(str(exc).split())}", file=sys.stderr)
            return 2
        except (ValueError, OSError, RuntimeError) as exc:
            print(f"fiscal-kg query: {named.name}: {exc}", file=sys.stderr)
            return 1
    sys.stdout.write(q.FORMATTERS[args.format](result))
    if args.format == "json":
        sys.stdout.write("\n")
    if answer.page is not None and answer.page.count > 1:  # never a silent part of the answer
        print(_page_note(answer.page), file=sys.stderr)
    if args.source and args.format == "table":
        _show_source_lines(result, Path(args.source))
    return 0


def _page_note(page: Page) -> str:
    """What a page of a listing holds and how to get the rest."""
    rest = "" if page.is_last else f"; next: --page {page.number + 1}"
    return f"fiscal-kg query: {page.describe()}{rest}; every report: --all"


def _query_store(args: argparse.Namespace) -> Store:
    """The store for `query` and `export` (read-only while `fiscal-kg serve` serves it)."""
    return open_query_store(args.store, endpoint=args.endpoint,
                            update_endpoint=getattr(args, "update_endpoint", None),
                            gsp=getattr(args, "gsp", None))


def _positive(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return number


def _key_value(text: str) -> tuple[str, str]:
    from fiscal_kg.queries import QueryError

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise QueryError(f"--param wants key=value, got {text!r}")
    return key.strip(), value


def cmd_export(args: argparse.Namespace) -> int:
    from fiscal_kg import export

    out_path = Path(args.out) if args.out else None
    if args.format is None:
        if out_path is None and sys.stdout.isatty():  # megabytes of N-Quads help nobody there
            print("fiscal-kg export: give --out FILE or --format (ttl, nq, jsonld, csv, "
                  "indicators-csv), or pipe the output: the whole store as N-Quads would flood "
                  "the terminal", file=sys.stderr)
            return 2
        args.format = export.format_for(out_path)
    with _query_store(args) as store:
        if args.graph:
            graph = _export_graph(store, args.graph)
            if graph is None:
                return 2
            args.graph = graph
        if args.format == "xlsx" and out_path is None and sys.stdout.isatty():
            print("fiscal-kg export: --format xlsx writes a binary workbook: give --out "
                  "FILE.xlsx", file=sys.stderr)
            return 2
        counts = export.export_to(store, args.format, out_path, sys.stdout,
                                  graph_iri=args.graph, excel=args.excel)
        if counts is not None:
            print(counts, file=sys.stderr)
    return 0


def _export_graph(store: Store, name: str) -> str | None:
    """The named graph ``--graph`` means: a graph IRI (or its id:/graph: short form) in the
    store, or a report named as `query` takes it; None (after saying so) when there is none —
    an unknown graph must not export as an empty file."""
    from fiscal_kg import queries as q

    try:
        return q.resolve_graph(store, name)
    except q.QueryError as exc:
        print(f"fiscal-kg export: --graph: {exc}", file=sys.stderr)
        return None


def cmd_serve(args: argparse.Namespace) -> int:
    from fiscal_kg import server

    path = existing_store_path(args.store)
    return server.serve(path, port=args.port, timeout_s=args.timeout, max_rows=args.max_rows,
                        host=args.host, allowed_services=tuple(args.allow_service),
                        max_result_bytes=args.max_bytes, max_memory_mib=args.max_memory,
                        sources=tuple(Path(s) for s in args.source))


def cmd_report(args: argparse.Namespace) -> int:
    from fiscal_kg.report.commands import run_report

    # read-only: the report writes nothing, and may run while `serve` holds the store
    with open_read_only_store(args.store) as store:
        return run_report(store, args)


def cmd_review(args: argparse.Namespace) -> int:
    from fiscal_kg.report.commands import run_review

    with _store(args) as store:
        return run_review(store, args)


# ---------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from fiscal_kg.demo import COUNTED, run_demo

    demo = run_demo(Path(args.store) if args.store else Path("fiscal-kg-store"))
    print()
    print(f"store: {demo.path}")
    for key in COUNTED:
        print(f"{key:>11}: {demo.counts[key]}")
    text = ", ".join(f"{n} {sev}" for sev, n in sorted(demo.findings.items())) or "none"
    print(f"   findings: {text}")
    print(f"      units: {demo.linked} of {len(demo.links)} linked to a division")
    print("next: fiscal-kg query --list; fiscal-kg query totals-by-class; fiscal-kg serve")
    return 1 if demo.failed else 0


# ---------------------------------------------------------------------------
# argument parsing
# ---------------------------------------------------------------------------


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fiscal-kg")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "(not installed)"


def _store(args: argparse.Namespace, *, must_exist: bool = True) -> Store:
    """The store of a command; read commands (the default) never create one."""
    return open_store(
        args.store,
        endpoint=getattr(args, "endpoint", None),
        update_endpoint=getattr(args, "update_endpoint", None),
        gsp=getattr(args, "gsp", None),
        must_exist=must_exist,
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
    pdfs = argparse.ArgumentParser(add_help=False)  # serve and report: the findings' page crops
    pdfs.add_argument("--source", action="append", default=[], metavar="FILE|DIR",
                      help="where the reports' PDFs are (searched by file name, checked by "
                      "SHA-256; repeatable; default: none): their page crops go beside the rows "
                      "and findings of the findings view")

    parser = argparse.ArgumentParser(
        prog="fiscal-kg", description="Chinese budget disclosures as a linked-data knowledge graph."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("load", parents=[common, remote], help="load report files or folders")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--workers", type=int, default=None, help="parser processes (default 2)")
    p.add_argument("--validate", action="store_true",
                   help="also run the shapes on each report while loading it and update the "
                   "store's validation report (exit 1 when a Violation is found)")
    p.add_argument("--force", action="store_true",
                   help="load every file, also those whose report is in the store already from "
                   "the same file and loader version (skipped by default), and let a file "
                   "replace a stored report with far less (no tables where there were tables, "
                   "or fewer than half the facts; refused by default)")
    p.add_argument("--replace", action="store_true",
                   help="the files are corrected re-publications: let each replace the stored "
                   "report of the same document (unit, scope, year, kind) that came from a "
                   "different file (refused by default, naming both files)")
    add_load_options(p)
    p.set_defaults(func=cmd_load)
    add_extract_parser(sub)

    p = sub.add_parser("validate", help="run the SHACL shapes (fiscal-kg validate --help)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_delegated)

    p = sub.add_parser("query", parents=[common, remote], help="run a named query or a .rq file")
    p.add_argument("name", nargs="?", metavar="NAME|FILE.rq")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("--page", type=_positive, default=1, metavar="N",
                   help="a listing's N-th page of reports (default 1)")
    p.add_argument("--page-size", type=_positive, default=PAGE_SIZE, metavar="N",
                   help=f"reports a page of a listing (default {PAGE_SIZE})")
    p.add_argument("--all", action="store_true",
                   help="a listing's rows for every report at once, not a page")
    p.add_argument(
        "--portable",
        action="store_true",
        help="send a query's SPARQL 1.1 form (queries/portable/) even where the store runs LATERAL",
    )
    p.add_argument(
        "--source",
        metavar="FILE|DIR",
        help="with where-from: show the lines around each row's source line, read from this "
        "report file (or the file of that name under this folder); a PDF is rendered again",
    )
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", parents=[common, remote], help="export RDF or CSV")
    p.add_argument(
        "--format", choices=EXPORT_FORMATS, default=None,
        help="default: from the --out file's extension, else nq (refused on a terminal)",
    )
    p.add_argument("--out", metavar="FILE", help="output file (default stdout)")
    p.add_argument("--graph", metavar="IRI", help="one named graph only (RDF formats): an IRI, "
                   "id:doc/… or a report's file name")
    p.add_argument("--excel", action="store_true",
                   help="CSV formats: start the file with a UTF-8 BOM so that Excel opens it "
                   "as UTF-8 (--format xlsx gives a workbook)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", parents=[common, pdfs],
                       help="SPARQL endpoint + query page on 127.0.0.1")
    p.add_argument("--port", type=int, default=7878, help="port on 127.0.0.1 (default 7878)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="query time limit in seconds (default 30)")
    p.add_argument("--max-rows", type=int, default=None,
                   help="result row cap (default $FISCAL_KG_MAX_ROWS or 10,000)")
    p.add_argument("--max-bytes", type=int, default=64 << 20,
                   help="result size cap in bytes; a larger result gets 507 (default 64 MiB)")
    p.add_argument("--max-memory", type=int, default=2048, metavar="MIB",
                   help="the query engine is restarted past this resident memory (default 2048)")
    p.add_argument("--allow-service", action="append", default=[], metavar="URL",
                   help="let queries use SERVICE <URL> (repeatable; default: SERVICE refused)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; see README, Security)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("report", parents=[common, pdfs],
                       help="the findings view: static HTML pages of reports and findings")
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write the pages to")
    p.add_argument("--document", action="append", default=[], metavar="REPORT",
                   help="only this report (IRI, id:doc/… or file name; repeatable)")
    p.add_argument("--annotate", action="store_true",
                   help="also write each PDF found under --source with its findings boxed "
                   "and annotated (…/REPORT.annotated.pdf)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("review", parents=[common], help="mark a finding confirmed or a false alarm")
    p.add_argument("finding", metavar="FINDING", help="the finding's IRI or digest")
    p.add_argument("--verdict", choices=("confirmed", "false-alarm"), required=True)
    p.add_argument("--note", default="", help="the reviewer's note")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("link", parents=[common, remote],
                       help="link units to divisions and Wikidata (the embedded store, or a "
                       "remote one: --endpoint with --update-endpoint)")
    p.add_argument("--wikidata", metavar="URL", help="Wikidata SPARQL endpoint for P442 look-ups")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("demo", parents=[common], help="load, validate and link the samples")
    p.set_defaults(func=cmd_demo)

    # listed for --help; main() answers it before parsing (any options it is given)
    sub.add_parser("bench", help="moved: the benchmark runs from a checkout (make bench)")
    return parser


DELEGATED = {"validate": "fiscal_kg.validation.cli"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else ""
    try:
        if argv and argv[0] in DELEGATED:
            # These subcommands own their options (validate: FILE..., --format, --severity ...);
            # pass everything after the name through untouched.
            module = optional_module(DELEGATED[argv[0]], argv[0])
            return 2 if module is None else int(module.main(argv[1:]) or 0)
        if command == "bench":
            return cmd_bench()
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except NoStoreError as exc:  # a read command on a store that is not there
        print(f"fiscal-kg: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return 0
    except OSError as exc:  # e.g. the store is locked by another process, or the disk is full
        print(f"fiscal-kg {command}: {os_error_text(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug must still end in one line, not a traceback
        if os.environ.get("FISCAL_KG_DEBUG"):
            raise
        print(f"fiscal-kg {command}: internal error: {type(exc).__name__}: {exc} "
              "(FISCAL_KG_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1


def os_error_text(exc: OSError) -> str:
    """One line for an OSError: what failed, and for a full disk what to do."""
    if exc.errno == errno.ENOSPC or "No space left" in str(exc):
        return (f"disk full ({exc.strerror or exc}); the store keeps what it held before the "
                "command — free some space and run it again")
    if exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)


if __name__ == "__main__":
    raise SystemExit(main())
