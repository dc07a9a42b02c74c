"""Query results as text: an aligned table (CJK aware), SPARQL 1.1 CSV and JSON results."""

from __future__ import annotations

import io
import json
from decimal import Decimal, InvalidOperation

from rdflib import BNode, URIRef

from fiscal_kg import csv_safe
from fiscal_kg.store import XSD_STRING, QueryResult, RDFTerm
from loaders.text import display_width

COMPACT_PREFIXES = {
    "https://w3id.org/fiscal-kg/def#": "fkg:",
    "https://w3id.org/fiscal-kg/code/": "code:",
    "https://w3id.org/fiscal-kg/id/": "id:",
    "https://w3id.org/fiscal-kg/graph/": "graph:",
    "http://www.wikidata.org/entity/": "wd:",
}


def term_json(term: RDFTerm) -> dict[str, str]:
    """SPARQL 1.1 Query Results JSON for one term."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> dict:
    if result.boolean is not None:
        return {"head": {}, "boolean": result.boolean}
    bindings = [
        {v: term_json(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return {"head": {"vars": result.variables}, "results": {"bindings": bindings}}


def format_json(result: QueryResult) -> str:
    return json.dumps(to_json(result), ensure_ascii=False, indent=1)


def format_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results: header of variable names, plain values, CRLF line ends — but
    text that a spreadsheet would run as a formula starts with ' (``fiscal_kg.csv_safe``)."""
    out = io.StringIO()
    writer = csv_safe.writer(out)
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else str(t) for t in row])
    return out.getvalue()


def _cell(term: RDFTerm | None) -> str:
    if term is None:
        return ""
    text = str(term)
    if isinstance(term, URIRef):
        for ns, prefix in COMPACT_PREFIXES.items():
            if text.startswith(ns):
                return prefix + text[len(ns) :]
    return " ".join(text.split())  # one line per row


def format_table(result: QueryResult, max_width: int = 60) -> str:
    """An aligned text table (CJK aware); long cells are cut with an ellipsis."""
    if result.boolean is not None:
        return "true\n" if result.boolean else "false\n"
    rows = [[_clip(_cell(t), max_width) for t in row] for row in result.rows]
    header = list(result.variables)
    widths = [display_width(h) for h in header]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [
        all(_is_number(r[i]) for r in rows if r[i]) and any(r[i] for r in rows)
        for i in range(len(header))
    ]
    lines = [_line(header, widths, [False] * len(header))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(_line(row, widths, numeric) for row in rows)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _clip(text: str, limit: int) -> str:
    if display_width(text) <= limit:
        return text
    out, width = [], 0
    for ch in text:
        w = display_width(ch)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    return "".join(out) + "…"


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _line(cells: list[str], widths: list[int], right: list[bool]) -> str:
    parts = []
    for cell, width, align_right in zip(cells, widths, right, strict=True):
        pad = " " * (width - display_width(cell))
        parts.append(pad + cell if align_right else cell + pad)
    return "  ".join(parts)


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json}
