"""Small hand-made reports for the shape tests: a few cells, claims and performance rows.

Each helper builds ``loaders.model`` records as the loaders would, so a test states only the
numbers that matter. ``findings(*reports)`` loads them into an in-memory store and validates.
"""

from __future__ import annotations

from decimal import Decimal

from fiscal_kg.store import OxigraphStore, graph_quads
from fiscal_kg.validation import Finding, validate
from loaders import vocab
from loaders.model import Claim, Fact, FundingLine, Indicator, PerformanceTable, Report, Table
from loaders.rdf import report_graph

D = Decimal


def fact(line: int, amount: str, column: str = "total", col: int = 4, **kw: object) -> Fact:
    return Fact(amount=D(amount), raw=amount, line=line, col_index=col, row_label="",
                column_header="", column=column, **kw)  # type: ignore[arg-type]


def table(table_type: str, facts: list[Fact], line: int = 10, number: str = "1") -> Table:
    end = max([f.line for f in facts], default=line)
    return Table(number=number, title=table_type, table_type=table_type, line=line, end_line=end,
                 facts=facts)


def claim(line: int, amount: str | None = None, **kw: object) -> Claim:
    raw = kw.pop("raw", amount or "")
    return Claim(line=line, sentence=str(kw.pop("sentence", f"sentence {line}")),
                 section=str(kw.pop("section", "s1")), raw=str(raw),
                 amount=D(amount) if amount is not None else None, **kw)  # type: ignore[arg-type]


def report(tables: list[Table] | None = None, claims: list[Claim] | None = None,
           performance: list[PerformanceTable] | None = None, *, unit: str = "测试单位",
           year: int = 2023, kind: str = "budget") -> Report:
    return Report(source_path=f"{unit}.txt", sha256="0" * 64, unit_name=unit, fiscal_year=year,
                  kind=kind, title=f"{unit}{year}", tables=tables or [], claims=claims or [],
                  performance=performance or [])


def document(r: Report) -> str:
    return str(vocab.report_document_iri(r))


def store_of(*reports: Report) -> OxigraphStore:
    import pyoxigraph as ox

    store = OxigraphStore()
    for r in reports:
        name = ox.NamedNode(document(r))
        store.add_quads(list(graph_quads(report_graph(r), name)))
    return store


def findings(*reports: Report, rules: list[str] | None = None) -> list[Finding]:
    return validate(store_of(*reports), rules=rules)


def rules_at(found: list[Finding], severity: str | None = None) -> set[tuple[str, int | None]]:
    """(rule, line) of the findings, optionally of one severity."""
    return {(f.rule, f.line) for f in found if severity is None or f.severity == severity}


def indicator(line: int, weight: str | None = None, score: str | None = None,
              **kw: object) -> Indicator:
    kw.setdefault("level1", "产出指标")
    kw.setdefault("level2", "数量指标")
    kw.setdefault("level3", f"指标{line}")
    kw.setdefault("target_text", "=1")
    return Indicator(line=line, weight=D(weight) if weight else None,
                     score=D(score) if score else None, **kw)  # type: ignore[arg-type]


def funding(line: int, label: str, **amounts: str | None) -> FundingLine:
    return FundingLine(label=label, line=line,
                       **{k: (D(v) if v is not None else None) for k, v in amounts.items()})


def perf_table(line: int, kind: str = "self-evaluation", **kw: object) -> PerformanceTable:
    kw.setdefault("project", f"项目{line}")
    kw.setdefault("end_line", line + 20)
    return PerformanceTable(kind=kind, title="项目支出绩效自评表", line=line, **kw)  # type: ignore[arg-type]
