"""``fiscal-kg report --out DIR``: the findings view as a folder of static pages.

index.html, one page per report (``paths.page_path``), a page per unit and per finding (so
every minted IRI has a page), the assets, and for reports read from a PDF the crops beside
their rows and findings (when the PDF is found under ``--source``).
"""

from __future__ import annotations

import sys
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from fiscal_kg.report import data, pages
from fiscal_kg.report.annotate import annotate_pdf, finding_marks
from fiscal_kg.report.crops import CONTEXT, Box, PageImages, find_source, save_png
from fiscal_kg.report.manifest import OutputFolder
from fiscal_kg.report.paths import page_path
from fiscal_kg.store import Store

AROUND = 150.0  # points either side of a finding's cells in its crop


@dataclass
class Written:
    documents: int = 0
    findings: int = 0
    crops: int = 0
    missing_sources: list[str] = field(default_factory=list)  # PDFs not found: no crops
    annotated: list[tuple[str, Path, int]] = field(default_factory=list)  # file, copy, marks
    removed: list[str] = field(default_factory=list)  # the previous run's files not written now
    changed: list[str] = field(default_factory=list)  # …kept: changed since that run wrote them


class FolderCrops:
    """Crops of one report's PDF, saved beside its page (``budget.html`` → ``budget/``)."""

    def __init__(self, out: OutputFolder, doc_path: str, pdf: Path) -> None:
        self.folder = doc_path.removesuffix(".html")
        self.out = out
        self.pdf = pdf
        self.images = PageImages(pdf)
        self.count = 0

    def __call__(self, page: int, boxes: list[Box], marks: list, stem: str) -> str | None:
        rel = f"{self.folder}/{stem}.png"
        finding = stem.startswith("finding-")  # a finding: its cells and their neighbours
        image = (self.images.band(page, boxes, pad=CONTEXT, marks=marks, around=AROUND)
                 if finding else self.images.band(page, boxes, marks=marks))
        save_png(image, self.out.root / rel)
        self.out.wrote(self.out.root / rel)
        self.count += 1
        return f"{Path(self.folder).name}/{stem}.png"  # relative to the report's page


def write_report(store: Store, out: Path, documents: list[str] | None = None,
                 sources: list[Path] | None = None, annotate: bool = False) -> Written:
    """Write the view of ``documents`` (default: all) to ``out``; the index lists them all.
    With ``annotate``, each PDF found gets its annotated copy, linked from its page. Files an
    earlier report wrote to ``out`` that this one does not write are removed (``manifest``)."""
    written = Written()
    out.mkdir(parents=True, exist_ok=True)
    folder = OutputFolder(out)
    try:
        _write_pages(store, folder, documents, sources or [], annotate, written)
    except BaseException:
        with suppress(OSError):  # a full disk: the error that stopped the run says it
            folder.abandon()
        raise
    written.removed, written.changed = folder.finish()
    return written


def _write_pages(store: Store, folder: OutputFolder, documents: list[str] | None,
                 sources: list[Path], annotate: bool, written: Written) -> None:
    out = folder.root
    folder.copy_tree(pages.HERE / "assets", out / "assets")
    _write(folder, out / "index.html", pages.index_page(store))
    docs = [d for d in data.documents(store) if documents is None or d.iri in documents]
    for doc in docs:
        path = page_path(doc.iri)
        crops = _crops(doc, folder, path, sources, written)
        annotated = None
        if annotate and crops is not None:
            target = out / (path.removesuffix(".html") + ".annotated.pdf")
            count = annotate_pdf(crops.pdf, target, finding_marks(store, doc.iri))
            folder.wrote(target)
            written.annotated.append((doc.file, target, count))
            annotated = target.name
        try:
            html = pages.document_page(store, doc.iri, crops, annotated)
        finally:
            if crops is not None:
                written.crops += crops.count
                crops.images.close()
        _write(folder, out / path, html or "")
        written.documents += 1
    units = {page_path(d.iri).split("/")[1] for d in docs}
    for unit in sorted(units):
        html = pages.unit_page(store, f"https://w3id.org/fiscal-kg/id/unit/{unit}")
        if html:
            _write(folder, out / f"unit/{unit}.html", html)
    wanted = {d.iri for d in docs}
    for finding in data.findings(store):
        if finding.document in wanted:
            _write(folder, out / page_path(finding.iri), pages.finding_page(store, finding))
            written.findings += 1


def _crops(doc: data.Document, out: OutputFolder, path: str, sources: list[Path],
           written: Written) -> FolderCrops | None:
    if not doc.is_pdf:
        return None
    pdf = find_source(doc.file, doc.sha256, sources) if sources else None
    if pdf is None:
        written.missing_sources.append(doc.file)
        return None
    return FolderCrops(out, path, pdf)


def _write(folder: OutputFolder, path: Path, text: str) -> None:
    folder.write(path, text.encode("utf-8"))


def warn_missing(written: Written) -> None:
    if written.missing_sources:
        print(f"fiscal-kg report: no page crops for {len(written.missing_sources)} PDF "
              f"report(s) (give --source DIR where their files are): "
              f"{', '.join(written.missing_sources)}", file=sys.stderr)
