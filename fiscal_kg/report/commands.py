"""The ``report`` and ``review`` subcommands (parsed in ``fiscal_kg.cli``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fiscal_kg.report.review import ReviewError, add_review, finding_iri
from fiscal_kg.report.static import warn_missing, write_report
from fiscal_kg.store import Store


def run_report(store: Store, args: argparse.Namespace) -> int:
    from fiscal_kg import queries as q

    documents = None
    if args.document:
        try:
            documents = [q.resolve_document(store, name) for name in args.document]
        except q.QueryError as exc:
            print(f"fiscal-kg report: --document: {exc}", file=sys.stderr)
            return 2
    sources = [Path(s) for s in args.source]
    missing = [str(s) for s in sources if not s.exists()]
    if missing:
        print(f"fiscal-kg report: --source: no such file or folder: {', '.join(missing)}",
              file=sys.stderr)
        return 2
    out = Path(args.out)
    written = write_report(store, out, documents, sources, annotate=args.annotate)
    warn_missing(written)
    print(f"wrote {out / 'index.html'}: {written.documents} report page(s), "
          f"{written.findings} finding page(s), {written.crops} page crop(s)")
    for file, path, count in written.annotated:
        print(f"annotated {file}: {count} finding(s) boxed → {path}")
    if written.removed:
        print(f"removed {len(written.removed)} file(s) of the previous report in {out} that "
              "this one does not write")
    if written.changed:
        print(f"fiscal-kg report: kept {len(written.changed)} file(s) of the previous report "
              f"that were changed since it wrote them: {', '.join(written.changed)}",
              file=sys.stderr)
    return 0


def run_review(store: Store, args: argparse.Namespace) -> int:
    try:
        finding = finding_iri(store, args.finding)
        review = add_review(store, finding, args.verdict, args.note or "")
    except ReviewError as exc:
        print(f"fiscal-kg review: {exc}", file=sys.stderr)
        return 2
    print(f"{args.verdict}: {finding} (review {review})")
    return 0
