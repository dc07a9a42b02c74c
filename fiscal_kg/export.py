"""``fiscal-kg export``: the store as RDF (Turtle, N-Quads, JSON-LD) or as CSV tables.

The CSV exports are SPARQL queries over the store (``queries/export/*.rq``), so they work the
same on the embedded store and on a remote endpoint. ``csv`` has one row per amount
fact and one per narrative claim; ``indicators-csv`` one row per performance
indicator. ``xlsx`` is a workbook of facts, findings and indicators with headers in Chinese and
English (``fiscal_kg/report/spreadsheet.py``); ``--excel`` starts a CSV file with a UTF-8 BOM.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from fiscal_kg import csv_safe
from fiscal_kg.queries import QueryResult
from fiscal_kg.store import Store
from loaders.rdf import CURRENCY_KEY
from loaders.resources import resource_dir

EXPORT_FORMATS = ("ttl", "nq", "jsonld", "csv", "indicators-csv", "xlsx")
EXPORT_SUFFIXES = {".ttl": "ttl", ".nq": "nq", ".jsonld": "jsonld", ".json": "jsonld",
                   ".csv": "csv", ".xlsx": "xlsx"}
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
PREFIXES = {
    "fkg": "https://w3id.org/fiscal-kg/def#",
    "code": "https://w3id.org/fiscal-kg/code/",
    "id": "https://w3id.org/fiscal-kg/id/",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
CURRENCY_LABEL = {key: label for label, key in CURRENCY_KEY.items()}  # wan-yuan → 万元

FACT_COLUMNS = [
    "document", "table", "code", "label", "column", "amount", "unit", "source_line",
    "kind", "line_item", "raw", "column_header", "amount_yuan", "share", "change",
    "budget_unit", "fiscal_year", "document_kind", "page", "bbox",
]  # fmt: skip

INDICATOR_COLUMNS = [
    "document", "budget_unit", "fiscal_year", "performance_table", "project", "level1",
    "level2", "level3", "target_operator", "target_value", "target_unit", "target_text",
    "weight", "actual", "actual_value", "actual_unit", "score", "source_line",
]  # fmt: skip

FINDING_COLUMNS = [
    "document", "severity", "rule", "message", "source_line", "related_lines", "expected",
    "found", "difference", "value", "focus", "review_state", "review_note", "reviewed_at",
    "finding",
]  # fmt: skip


def export_query(name: str) -> str:
    """The SPARQL of a CSV export: ``queries/export/NAME.rq``."""
    return (resource_dir("queries") / "export" / f"{name}.rq").read_text(encoding="utf-8")


def _text(term: object) -> str:
    return "" if term is None else str(term)


def _rows(result: QueryResult) -> list[dict[str, str]]:
    return [{k: _text(v) for k, v in row.items()} for row in result.dicts()]


def export_csv(store: Store, fmt: str, out: IO[str]) -> int:
    """The CSV table of ``fmt`` (CSV_TABLES) with its header row; returns the row count."""
    columns, table_rows = CSV_TABLES[fmt]
    writer = csv_safe.writer(out)  # no cell opens as a formula
    writer.writerow(columns)
    rows = table_rows(store)
    writer.writerows(rows)
    return len(rows)


def fact_rows(store: Store) -> list[list[str]]:
    """The rows of ``export --format csv``, in FACT_COLUMNS order."""
    out = []
    for r in _rows(store.query(export_query("facts-and-claims"))):
        currency = r["currency"].rsplit("/", 1)[-1]
        out.append([
            r["document"], r["table"], r["code"], r["label"], r["column"], r["amount"],
            CURRENCY_LABEL.get(currency, currency), r["line"], r["kind"], r["lineItem"],
            r["raw"], r["header"], r["amountYuan"], r["share"], r["change"],
            r["unitName"], r["year"], r["docKind"], r["page"], r["bbox"],
        ])  # fmt: skip
    return out


def indicator_rows(store: Store) -> list[list[str]]:
    """The rows of ``export --format indicators-csv``, in INDICATOR_COLUMNS order."""
    return [[
        r["document"], r["unitName"], r["year"], r["tableTitle"], r["project"],
        r["level1"], r["level2"], r["level3"], r["targetOperator"], r["targetValue"],
        r["targetUnit"], r["targetText"], r["weight"], r["actual"], r["actualValue"],
        r["actualUnit"], r["score"], r["line"],
    ] for r in _rows(store.query(export_query("indicators")))]  # fmt: skip


# the CSV formats: ``csv`` one row per amount fact and per narrative claim, ``indicators-csv``
# one per performance indicator
CSV_TABLES: dict[str, tuple[list[str], Callable[[Store], list[list[str]]]]] = {
    "csv": (FACT_COLUMNS, fact_rows),
    "indicators-csv": (INDICATOR_COLUMNS, indicator_rows),
}


def finding_rows(store: Store) -> list[list[str]]:
    """One row per finding of the validation report, with its review, in FINDING_COLUMNS
    order (read with queries/report/findings.rq)."""
    from fiscal_kg.report.data import findings

    return [[f.document, f.severity, f.rule, f.message, "" if f.line is None else str(f.line),
             ", ".join(map(str, f.related_lines)), f.expected, f.found, f.difference,
             f.value, f.focus, f.state, f.note, f.reviewed, f.iri] for f in findings(store)]


def export_xlsx(store: Store, out: IO[bytes]) -> dict[str, int]:
    """A workbook of three sheets — facts and claims, findings, indicators — with headers in
    Chinese and English and numbers as numbers; returns the row count of each sheet."""
    from fiscal_kg.report.spreadsheet import write_workbook

    sheets = {
        "facts 数据": (FACT_COLUMNS, fact_rows(store)),
        "findings 发现": (FINDING_COLUMNS, finding_rows(store)),
        "indicators 指标": (INDICATOR_COLUMNS, indicator_rows(store)),
    }
    write_workbook(sheets, out)
    return {name: len(rows) for name, (_, rows) in sheets.items()}


def export_rdf(store: Store, fmt: str, out: IO[bytes], graph_iri: str | None = None) -> None:
    """The dataset (N-Quads, JSON-LD) or the merge of its graphs (Turtle) to ``out``.

    Turtle has no named graphs, so ``ttl`` writes the union of all graphs
    (or the one graph ``graph_iri``); ``nq`` and ``jsonld`` keep the graphs.
    """
    prefixes = PREFIXES if fmt == "ttl" else None
    if graph_iri or fmt != "ttl":
        store.dump(out, RDF_FORMATS[fmt], graph_iri, prefixes=prefixes)
        return
    merged = ox.Store()  # in memory: the union as one default graph
    merged.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store.quads())
    merged.dump(out, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)


def format_for(out_path: Path | None) -> str:
    """The format an ``--out`` file's extension names; N-Quads otherwise (and on stdout)."""
    return EXPORT_SUFFIXES.get(out_path.suffix.lower(), "nq") if out_path else "nq"


def export_to(store: Store, fmt: str, out_path: Path | None, stdout: IO[str], *,
              graph_iri: str | None = None, excel: bool = False) -> str | None:
    """Write the store as ``fmt`` to ``out_path`` (or ``stdout``, binary formats to its
    buffer); returns the row counts of a table format to report, None for RDF."""
    if fmt == "xlsx":
        if out_path is None:
            counts = export_xlsx(store, stdout.buffer)  # type: ignore[attr-defined]
        else:
            with out_path.open("wb") as fh:
                counts = export_xlsx(store, fh)
        return ", ".join(f"{name}: {n} row(s)" for name, n in counts.items())
    if fmt in CSV_TABLES:
        if out_path is None:
            if excel:
                stdout.write("\ufeff")
            count = export_csv(store, fmt, stdout)
        else:
            # --excel: a UTF-8 BOM, without which Excel reads the file as the local
            # code page (mojibake); off by default so scripts get plain UTF-8
            encoding = "utf-8-sig" if excel else "utf-8"
            with out_path.open("w", encoding=encoding, newline="") as fh:
                count = export_csv(store, fmt, fh)
        return f"{count} row(s)"
    if out_path is None:
        export_rdf(store, fmt, stdout.buffer, graph_iri)  # type: ignore[attr-defined]
    else:
        with out_path.open("wb") as fh:
            export_rdf(store, fmt, fh, graph_iri)
    return None
