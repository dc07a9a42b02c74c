"""One report file in, one ``Report`` (and its graph) out.

The stages, in order: decode bytes → read blocks (loaders.readers, one
reader per text layout) → document metadata → standard tables
(loaders.tables) → narrative claims, unit profile, projects, performance
tables. Each stage only reads blocks and returns model records, so a stage
that fails on odd input costs a warning, not the report.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import Graph

from loaders.metadata import read_metadata
from loaders.model import LoadWarning, Report
from loaders.narrative import extract_claims
from loaders.performance import extract_performance
from loaders.profile import extract_profile
from loaders.projects import extract_projects, unify_project_names
from loaders.rdf import report_graph
from loaders.readers import decode_report, read_blocks
from loaders.tables import extract_tables


class ReportLoadError(ValueError):
    """A report that cannot be loaded at all (unreadable, or not a disclosure)."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")
        self.path, self.reason, self.line = path, reason, line


def load_text(text: str, source_path: str, sha256: str) -> Report:
    blocks = read_blocks(text)
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
        layout=_dominant_layout(blocks),
    )
    report.warnings.extend(meta.warnings)
    tables, warnings = extract_tables(blocks, meta)
    report.tables, report.warnings = tables, report.warnings + warnings
    report.sections, report.claims, warnings = extract_claims(blocks, meta)
    report.warnings.extend(warnings)
    report.profile = extract_profile(blocks)
    report.projects = extract_projects(blocks)
    report.performance, warnings = extract_performance(blocks, meta)
    report.warnings.extend(warnings)
    unify_project_names(report)
    return report


def load_report(path: str | Path) -> Report:
    """Load one report file; raises ReportLoadError naming the file and the reason."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportLoadError(str(path), f"cannot read file: {exc.strerror}") from exc
    try:
        text = decode_report(data, str(path))
    except ValueError as exc:
        raise ReportLoadError(str(path), str(exc)) from exc
    try:
        return load_text(text, str(path), hashlib.sha256(data).hexdigest())
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


__all__ = ["LoadWarning", "Report", "ReportLoadError", "build_graph", "load_report", "load_text"]
