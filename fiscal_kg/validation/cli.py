"""``fiscal-kg validate``: run the shapes on a store or on report files and print the findings.

Bad input is one line on stderr and exit code 2 (a file that is no report: the others are still
validated); a store that does not exist is an error, never a new empty store; ``--document``
takes a report's IRI, its ``id:doc/…`` form or its file name, and replaces only that report's
results in the stored validation report. ``--endpoint URL --update-endpoint URL`` (and ``--gsp``)
validate a remote store: its reports are read into in-memory working stores and the validation
report is written back through SPARQL Update (``validation.remote``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fiscal_kg.queries import QueryError, queries_dir, read_query, resolve_document
from fiscal_kg.sources import report_files
from fiscal_kg.store import NoStoreError, OxigraphStore, Store, open_store
from fiscal_kg.validation import load_into, validate
from fiscal_kg.validation.findings import Finding, report_graph, to_json, to_text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fiscal-kg validate", description="run the SHACL shapes")
    p.add_argument("files", nargs="*",
                   help="report files or folders to validate in a temporary store")
    p.add_argument("--store", help="store folder (default $FISCAL_KG_STORE or ./fiscal-kg-store)")
    p.add_argument("--endpoint", metavar="URL", help="remote store: SPARQL query endpoint")
    p.add_argument("--update-endpoint", metavar="URL",
                   help="remote store: SPARQL update endpoint (the validation report is "
                   "written there)")
    p.add_argument("--gsp", metavar="URL", help="remote store: Graph Store Protocol endpoint")
    p.add_argument("--document", action="append", metavar="REPORT",
                   help="only this report: its IRI, id:doc/… form or file name (repeatable)")
    p.add_argument("--format", choices=("text", "json", "ttl"), default="text")
    p.add_argument("--severity", choices=("Violation", "Warning", "Info"), default="Info",
                   help="lowest severity to print (default: all)")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    return p


def _labels(store: Store) -> dict[str, str]:
    """Each report as a reader knows it: file, unit, year and kind (not only its hash IRI)."""
    labels = read_query(queries_dir() / "validation" / "report-labels.rq").text
    out: dict[str, str] = {}
    for r in store.select(labels):
        parts = [t.value for t in (r["file"], r["unit"], r["year"]) if t is not None]
        if r["kind"] is not None:
            parts.append(r["kind"].value.rsplit("/", 1)[-1])
        out[r["d"].value] = " ".join(parts)  # type: ignore[union-attr]
    return out


def _load_files(store: Store, names: list[str]) -> tuple[list[str], int]:
    """Load the report files (folders: their report files) into ``store``; each file that is no
    report is named on stderr and left out. Returns the document IRIs and the failure count."""
    from loaders.pipeline import ReportLoadError

    docs: list[str] = []
    failed = 0
    for name in names:
        path = Path(name)
        files = report_files([path]) if path.is_dir() else [path]
        if path.is_dir() and not files:
            print(f"{path}: a folder with no report files in it", file=sys.stderr)
            failed += 1
        for file in files:
            try:
                docs += load_into(store, [file])
            except ReportLoadError as exc:
                print(str(exc), file=sys.stderr)
                failed += 1
            except Exception as exc:  # a loader bug costs one file, as in `load`
                print(f"{file}: cannot load ({type(exc).__name__}: {exc})", file=sys.stderr)
                failed += 1
    return docs, failed


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    failed = 0
    remote = bool(args.endpoint or args.update_endpoint or args.gsp)
    if args.files:
        if args.store or args.document or remote:
            print("fiscal-kg validate: give report files, or a store (--store, --endpoint …) "
                  "and --document, not both", file=sys.stderr)
            return 2
        store = OxigraphStore()
        docs, failed = _load_files(store, args.files)
        if not docs:  # each file that failed has said why, in one line
            return 2
    elif remote and not (args.endpoint and args.update_endpoint):
        # it reads the reports, then writes the validation report: both endpoints
        print("fiscal-kg validate: a remote store is validated through SPARQL: give --endpoint "
              "URL and --update-endpoint URL", file=sys.stderr)
        return 2
    else:
        try:
            store = open_store(args.store, endpoint=args.endpoint,
                               update_endpoint=args.update_endpoint, gsp=args.gsp,
                               must_exist=True)
        except NoStoreError as exc:
            print(f"fiscal-kg: {exc}", file=sys.stderr)
            return 2
    try:
        documents = None
        if args.document:
            try:
                documents = [resolve_document(store, name) for name in args.document]
            except QueryError as exc:
                print(f"fiscal-kg validate: {exc}", file=sys.stderr)
                return 2
        findings = validate(store, documents)
        labels = _labels(store)
    finally:
        store.close()
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    shown: list[Finding] = [f for f in findings if order[f.severity] <= order[args.severity]]
    if args.format == "json":
        text = to_json(shown, labels)
    elif args.format == "ttl":
        text = report_graph(shown).serialize(format="turtle")
    else:
        text = to_text(shown, labels)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    if failed:
        return 2
    return 1 if any(f.severity == "Violation" for f in findings) else 0


def run_cli(args: list[str] | None = None) -> int:
    """Entry point for ``fiscal-kg validate``: same as ``main``."""
    return main(args)
