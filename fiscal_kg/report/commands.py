"""The ``report`` and ``review`` subcommands (parsed in ``fiscal_kg.cli``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fiscal_kg.report import data
from fiscal_kg.report.annotate import annotate_pdf
from fiscal_kg.report.crops import Box, find_source
from fiscal_kg.report.paths import page_path
from fiscal_kg.report.review import ReviewError, add_review, finding_iri
from fiscal_kg.report.static import warn_missing, write_report
from fiscal_kg.store import Store


def run_report(store: Store, args: argparse.Namespace) -> int:
    from fiscal_kg import query as q

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
    written = write_report(store, out, documents, sources)
    warn_missing(written)
    print(f"wrote {out / 'index.html'}: {written.documents} report page(s), "
          f"{written.findings} finding page(s), {written.crops} page crop(s)")
    if args.annotate:
        for doc, path, count in annotate_documents(store, out, documents, sources):
            print(f"annotated {doc.file}: {count} finding(s) boxed → {path}")
    return 0


def annotate_documents(store: Store, out: Path, documents: list[str] | None,
                       sources: list[Path]) -> list[tuple[data.Document, Path, int]]:
    """A copy of each PDF report found under ``sources``, with its findings as annotations,
    beside its page (``…/budget.html`` → ``…/budget.annotated.pdf``)."""
    done = []
    for doc in data.documents(store):
        if not doc.is_pdf or (documents is not None and doc.iri not in documents):
            continue
        pdf = find_source(doc.file, doc.sha256, sources)
        if pdf is None:
            continue
        target = out / (page_path(doc.iri).removesuffix(".html") + ".annotated.pdf")
        done.append((doc, target, annotate_pdf(pdf, target, finding_marks(store, doc.iri))))
    return done


def finding_marks(store: Store, document: str) -> list[tuple[int, Box, str, str]]:
    """(page, box, severity, text) of each finding whose cell or claim has a place."""
    places: dict[str, tuple[int, Box]] = {}
    for table in data.tables(store, document):
        places.update({c.iri: (c.page, c.bbox) for c in table.cells if c.page and c.bbox})
    places.update({c.iri: (c.page, c.bbox) for c in data.claims(store, document)
                   if c.page and c.bbox})
    marks = []
    for f in data.findings(store, document):
        place = places.get(f.value) or places.get(f.focus)
        if place:
            marks.append((place[0], place[1], f.severity, f"[{f.severity}] {f.rule}: {f.message}"))
    return marks


def run_review(store: Store, args: argparse.Namespace) -> int:
    try:
        finding = finding_iri(store, args.finding)
        review = add_review(store, finding, args.verdict, args.note or "")
    except ReviewError as exc:
        print(f"fiscal-kg review: {exc}", file=sys.stderr)
        return 2
    print(f"{args.verdict}: {finding} (review {review})")
    return 0
