"""A finding (one failed check) and the outputs: readable text, JSON, the sh:ValidationReport."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from loaders.nquads import NQuadsSink
from loaders.rdf import GraphSink, TripleSink
from loaders.vocab import FKG, ID

REPORT_IRI = ID["validation/report"]
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
SEVERITY_IRI = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}


@dataclass(frozen=True)
class Finding:
    severity: str  # Violation | Warning | Info
    rule: str
    message: str
    document: str | None
    focus: str
    value: str | None = None  # the offending node (fact, claim, indicator, missing item)
    line: int | None = None
    expected: Decimal | str | None = None
    found: Decimal | str | None = None
    difference: Decimal | None = None
    lines: str | None = None  # other source lines involved
    source_shape: str | None = None

    def key(self) -> tuple[str, str, str, str | None]:
        """What the equivalence test compares with pyshacl."""
        return (self.focus, self.rule, self.severity, self.value)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.document or "", self.line or 0, SEVERITY_ORDER[self.severity], self.rule,
                self.focus, self.value or "")

    def as_json(self) -> dict[str, Any]:
        out = {k: _plain(v) for k, v in asdict(self).items() if k != "source_shape"}
        return out


@dataclass
class ValidationRun:
    findings: list[Finding] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def by_severity(self) -> Counter[str]:
        return Counter(f.severity for f in self.findings)

    def by_rule(self) -> Counter[str]:
        return Counter(f.rule for f in self.findings)

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def to_text(findings: list[Finding], labels: dict[str, str] | None = None) -> str:
    """A readable report grouped by document: rule, message, expected vs found, lines."""
    labels = labels or {}
    out: list[str] = []
    current: str | None = "\0"
    for f in sorted(findings, key=Finding.sort_key):
        if f.document != current:
            current = f.document
            name = labels.get(f.document or "", "")
            out.append("")
            out.append(f"== {f.document or '(no document)'}" + (f"  {name}" if name else ""))
        where = f"line {f.line}" if f.line is not None else "-"
        out.append(f"  [{f.severity}] {f.rule} ({where}): {f.message}")
        detail = []
        sides = [f"{name} {_plain(value)}" for name, value in
                 (("expected", f.expected), ("found", f.found)) if value is not None]
        if sides:  # only the sides a rule has: "found 90", not "expected None, found 90"
            detail.append(", ".join(sides))
        if f.difference is not None:
            detail.append(f"difference {_plain(f.difference)}")
        if f.lines:
            many = any(sep in f.lines for sep in ", -–、")
            detail.append(f"line{'s' if many else ''} {f.lines}")
        if detail:
            out.append("      " + "; ".join(detail))
    counts = Counter(f.severity for f in findings)
    out.append("")
    out.append(", ".join(f"{counts.get(s, 0)} {s}" for s in SEVERITY_ORDER))
    return "\n".join(out).lstrip("\n") + "\n"


def to_json(findings: list[Finding], labels: dict[str, str] | None = None) -> str:
    """The findings as a JSON list; ``report`` names each one's report by file, unit and year."""
    labels = labels or {}
    rows = []
    for f in sorted(findings, key=Finding.sort_key):
        rows.append({
            "severity": f.severity, "rule": f.rule, "message": f.message,
            "document": f.document, "report": labels.get(f.document or ""),
            "line": f.line, "focus": f.focus, "value": f.value,
            "expected": _plain(f.expected), "found": _plain(f.found),
            "difference": _plain(f.difference), "lines": f.lines,
        })
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def report_graph(findings: list[Finding]) -> Graph:
    """The sh:ValidationReport with one sh:ValidationResult per finding (deterministic IRIs)."""
    sink = GraphSink()
    sink.graph.bind("sh", SH)
    sink.graph.bind("fkg", FKG)
    _report(sink, findings)
    return sink.graph


def report_nquads(findings: list[Finding], graph_iri: str, *, conforms: bool = True) -> str:
    """``report_graph`` as N-Quads in graph ``graph_iri``, without an rdflib Graph (a store's
    report has a result per finding: 180k triples at 1,000 reports, ≈ 700 MB as a Graph and a
    transaction). Without the sh:conforms triple when ``conforms`` is False."""
    sink = NQuadsSink(graph_iri)
    _report(sink, findings, conforms=conforms)
    return sink.text()


def _report(g: TripleSink, findings: list[Finding], *, conforms: bool = True) -> None:
    g.add((REPORT_IRI, RDF.type, SH.ValidationReport))
    if conforms:
        ok = not any(f.severity == "Violation" for f in findings)
        g.add((REPORT_IRI, SH.conforms, g.lit(ok)))
    for f in findings:
        digest = hashlib.sha256(
            "|".join([f.rule, f.focus, f.value or "", str(f.line)]).encode()
        ).hexdigest()[:16]
        r = URIRef(f"{REPORT_IRI}/result/{digest}")
        g.add((REPORT_IRI, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, URIRef(f.focus)))
        g.add((r, SH.resultSeverity, SEVERITY_IRI[f.severity]))
        g.add((r, SH.resultMessage, g.lit(f.message)))
        g.add((r, FKG.ruleId, g.lit(f.rule)))
        if f.source_shape and "://" in f.source_shape:  # property shapes are blank nodes
            g.add((r, SH.sourceShape, URIRef(f.source_shape)))
        if f.value:
            g.add((r, SH.value, URIRef(f.value) if "://" in f.value else g.lit(f.value)))
        if f.document:
            g.add((r, FKG.document, URIRef(f.document)))
        else:  # stated: the listings find these with one lookup (fiscal_kg.queries.paging)
            g.add((r, RDF.type, FKG.FindingAboutNoReport))
        if f.line is not None:
            g.add((r, FKG.sourceLine, g.lit(f.line)))
        for prop, val in ((FKG.expectedValue, f.expected), (FKG.foundValue, f.found),
                          (FKG.difference, f.difference)):
            if isinstance(val, Decimal):
                g.add((r, prop, g.dec(val)))
            elif val is not None:
                g.add((r, prop, g.lit(val)))
        if f.lines:
            g.add((r, FKG.relatedLines, g.lit(f.lines)))
