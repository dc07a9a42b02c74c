"""One report file in, one ``Report`` (and its graph) out.

The stages, in order: decode bytes → read blocks (loaders.readers, one
reader per text layout; a PDF goes to loaders.readers.pdf instead, which
gives the same blocks from the page geometry) → document metadata → standard tables
(loaders.tables) → narrative claims, unit profile, projects, performance
tables → page and box of each record read from a PDF (loaders.provenance).
The RDF builder (loaders.rdf: ``build_graph`` here, ``report_nquads`` for loading) then writes
the report's graph with its summary for store-wide queries (loaders.summaries) in it.
Each stage only reads blocks and returns model records, so a stage
that fails on odd input costs a warning, not the report.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import Graph

from loaders import limits
from loaders.metadata import read_metadata
from loaders.model import Block, LoadWarning, Report
from loaders.narrative import extract_claims
from loaders.narrative.citations import extract_citations
from loaders.narrative.counts import extract_counts
from loaders.narrative.empty_tables import check_empty_tables
from loaders.narrative.item_classes import extract_item_classes
from loaders.narrative.names import extract_name_mentions
from loaders.narrative.products import extract_products
from loaders.narrative.reasons import find_reasons
from loaders.narrative.year_labels import extract_year_labels
from loaders.performance import extract_performance
from loaders.profile import extract_profile
from loaders.projects import extract_projects, unify_project_names
from loaders.provenance import attach_provenance
from loaders.rdf import report_graph
from loaders.readers import decode_report, read_blocks
from loaders.readers.pdf import PdfReadError, is_pdf, read_pdf
from loaders.tables import extract_tables


class ReportLoadError(ValueError):
    """A report that cannot be loaded at all (unreadable, or not a disclosure)."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")
        self.path, self.reason, self.line = path, reason, line


def load_text(text: str, source_path: str, sha256: str) -> Report:
    limits.check_text(text)  # ValueError: load_report names the file
    return load_blocks(read_blocks(text), source_path, sha256)


def load_blocks(
    blocks: list[Block], source_path: str, sha256: str, warnings: list[LoadWarning] | None = None
) -> Report:
    """Interpret a report's blocks (from the text readers or the PDF reader)."""
    reader_warnings = list(warnings or [])
    limits.check_rows(blocks)  # ValueError: load_report names the file
    meta = read_metadata(blocks, source_path)
    report = Report(
        source_path=source_path,
        sha256=sha256,
        unit_name=meta.unit_name,
        fiscal_year=meta.fiscal_year,
        kind=meta.kind,
        title=meta.title,
        unit_code=meta.unit_code,
        publication_date=meta.publication_date,
        scope=meta.scope,
        layout=_dominant_layout(blocks),
    )
    report.warnings.extend(reader_warnings + meta.warnings)
    tables, warnings = extract_tables(blocks, meta)
    limits.check_tables(tables)  # ValueError: load_report names the file
    report.tables, report.warnings = tables, report.warnings + warnings
    report.sections, report.claims, warnings = extract_claims(blocks, meta)
    report.warnings.extend(warnings)
    report.profile = extract_profile(blocks)
    report.stated_counts = extract_counts(blocks)
    report.year_labels = extract_year_labels(blocks)
    report.stated_products = extract_products(blocks)
    report.citations = extract_citations(blocks)
    report.name_mentions = extract_name_mentions(blocks, meta.unit_name)
    report.change_reasons = find_reasons(blocks, report.claims)
    report.empty_table_checks = check_empty_tables(blocks, report.tables)
    report.item_classes = extract_item_classes(blocks)
    report.projects = extract_projects(blocks)
    report.performance, warnings = extract_performance(blocks, meta)
    report.warnings.extend(warnings)
    unify_project_names(report)
    attach_provenance(report, blocks)
    return report


def load_report(path: str | Path) -> Report:
    """Load one report file; raises ReportLoadError naming the file and the reason."""
    path = Path(path)
    try:
        limits.check_file_size(path)
    except ValueError as exc:
        raise ReportLoadError(str(path), str(exc)) from exc
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportLoadError(str(path), f"cannot read file: {exc.strerror}") from exc
    if is_pdf(data) or path.suffix.lower() == ".pdf":
        return _load_pdf(data, path)
    try:
        text = decode_report(data, str(path))
    except ValueError as exc:  # its reason without the path, which ReportLoadError adds
        raise ReportLoadError(str(path), getattr(exc, "reason", str(exc))) from exc
    try:
        return load_text(text, str(path), hashlib.sha256(data).hexdigest())
    except ReportLoadError:
        raise
    except ValueError as exc:  # metadata missing: not a budget disclosure
        raise ReportLoadError(str(path), str(exc)) from exc


def _load_pdf(data: bytes, path: Path) -> Report:
    """A report's PDF: the PDF reader's blocks, then the same interpretation."""
    try:
        reading = read_pdf(data, str(path))
    except PdfReadError as exc:
        raise ReportLoadError(str(path), str(exc)) from exc
    try:
        return load_blocks(
            reading.blocks, str(path), hashlib.sha256(data).hexdigest(), reading.warnings
        )
    except ReportLoadError:
        raise
    except ValueError as exc:  # metadata missing: not a budget disclosure
        raise ReportLoadError(str(path), str(exc)) from exc


def build_graph(report: Report) -> Graph:
    return report_graph(report)


def _dominant_layout(blocks: list) -> str:
    counts: dict[str, int] = {}
    for block in blocks:
        if block.kind == "table":
            counts[block.layout] = counts.get(block.layout, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "text"


__all__ = [
    "LoadWarning",
    "Report",
    "ReportLoadError",
    "build_graph",
    "load_blocks",
    "load_report",
    "load_text",
]
