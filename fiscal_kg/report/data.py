"""What the findings view shows, read from the store with ``queries/report/*.rq``.

The queries are declarative and parameterised (bound as in the CLI); this module only turns
their rows into the records the pages are rendered from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from fiscal_kg import queries as q
from fiscal_kg.store import Store
from loaders.resources import resource_dir

SEVERITIES = ("Violation", "Warning", "Info")
VERDICTS = {"confirmed": "confirmed", "false-alarm": "dismissed"}  # verdict → index column


def _run(store: Store, name: str, document: str | None = None) -> list[dict[str, str]]:
    named = q.read_query(resource_dir("queries") / "report" / f"{name}.rq")
    values = {"document": document} if document else {}
    rows = store.query(q.bind(named, values)).dicts()
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]


@dataclass
class Document:
    iri: str
    unit: str
    year: str
    kind: str
    scope: str
    file: str
    layout: str
    sha256: str
    issued: str
    title: str
    division: str
    division_code: str
    completeness: Decimal | None
    counts: Counter = field(default_factory=Counter)  # severities and review states

    @property
    def is_pdf(self) -> bool:
        return self.layout == "pdf"


@dataclass
class Finding:
    iri: str
    document: str
    severity: str
    rule: str
    message: str
    line: int | None
    related_lines: list[int]
    expected: str
    found: str
    difference: str
    value: str
    focus: str
    verdict: str
    note: str
    reviewed: str

    @property
    def digest(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    @property
    def state(self) -> str:
        """open, confirmed or dismissed (a false alarm)."""
        return VERDICTS.get(self.verdict, "open")


@dataclass
class Cell:
    iri: str
    line: int
    column: int
    header: str
    code: str
    row_label: str
    raw: str
    page: int | None
    bbox: tuple[float, float, float, float] | None


@dataclass
class Table:
    iri: str
    index: int
    number: str
    title: str
    currency: str
    cells: list[Cell] = field(default_factory=list)

    def columns(self) -> list[tuple[int, str]]:
        """(column index, header) in source order."""
        headers: dict[int, str] = {}
        for cell in self.cells:
            headers.setdefault(cell.column, cell.header)
        return sorted(headers.items())

    def rows(self) -> list[list[Cell]]:
        """The cells of each source line, lines in source order."""
        by_line: dict[int, list[Cell]] = {}
        for cell in self.cells:
            by_line.setdefault(cell.line, []).append(cell)
        return [by_line[line] for line in sorted(by_line)]


@dataclass
class Claim:
    iri: str
    line: int
    sentence: str
    raw: str
    item: str
    code: str
    page: int | None
    bbox: tuple[float, float, float, float] | None
    cells: list[str]  # IRIs of the table cells stating the same amount


def _int(text: str) -> int | None:
    return int(text) if text else None


def _bbox(text: str) -> tuple[float, float, float, float] | None:
    parts = text.split()
    if len(parts) != 4:
        return None
    x0, y0, x1, y1 = (float(p) for p in parts)
    return x0, y0, x1, y1


def documents(store: Store, document: str | None = None) -> list[Document]:
    """Every report (or one), with its finding counts by severity and review state."""
    docs: dict[str, Document] = {}
    for r in _run(store, "documents", document):
        if r["document"] in docs:  # a unit linked to two divisions: the first is shown
            continue
        docs[r["document"]] = Document(
            r["document"], r["unitName"], r["year"], r["kind"], r["scope"], r["file"],
            r["layout"], r["sha256"], r["issued"], r["title"], r["divisionName"],
            r["divisionCode"], Decimal(r["completeness"]) if r["completeness"] else None)
    for f in findings(store, document):
        doc = docs.get(f.document)
        if doc is not None:
            doc.counts[f.severity] += 1
            doc.counts[f.state] += 1
    return list(docs.values())


def findings(store: Store, document: str | None = None) -> list[Finding]:
    out = []
    for r in _run(store, "findings", document):
        related = [int(p) for p in r["relatedLines"].replace(",", " ").split() if p.isdigit()]
        out.append(Finding(
            r["result"], r["document"], r["severity"], r["ruleId"], r["message"],
            _int(r["line"]), related, r["expected"], r["found"], r["difference"], r["value"],
            r["focus"], r["verdict"], r["note"], r["reviewed"]))
    return out


def tables(store: Store, document: str) -> list[Table]:
    out: dict[str, Table] = {}
    for r in _run(store, "cells", document):
        table = out.get(r["table"])
        if table is None:
            currency = r["currency"].rsplit("/", 1)[-1]
            table = out[r["table"]] = Table(r["table"], int(r["tableIndex"]), r["tableNumber"],
                                            r["title"], currency)
        if r["fact"]:
            table.cells.append(Cell(
                r["fact"], int(r["line"]), int(r["columnIndex"]), r["header"], r["code"],
                r["rowLabel"], r["raw"], _int(r["page"]), _bbox(r["bbox"])))
    return sorted(out.values(), key=lambda t: t.index)


def claims(store: Store, document: str) -> list[Claim]:
    return [
        Claim(r["claim"], int(r["line"]), r["sentence"], r["raw"], r["item"], r["code"],
              _int(r["page"]), _bbox(r["bbox"]), r["cells"].split())
        for r in _run(store, "claims", document)
    ]
