"""A report's summary: the figures the store-wide questions ask for, derived at load time.

Written by the RDF builder into the report's own graph (``{doc}/summary``, a
``fkg:ReportSummary``; terms in ontology/summaries.ttl), so a report replaced or removed takes
its summary with it. Each value is an aggregate of the report's facts and claims as the named
queries (queries/*.rq) used to compute it over the facts: largest, sum or count, over the same
table types, columns and line items. The queries that list across reports read these figures
with one index lookup each instead of scanning every report's facts.

The summary states nothing the report does not, so it uses none of the properties of stated
data (fkg:amount, fkg:lineItem, fkg:codeNotation, qb:dataSet …) and is no qb:Observation: the
shapes and the Data Cube checks never see it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from rdflib import RDF, URIRef

from loaders import vocab as v
from loaders.model import Claim, Fact, Report, Table

if TYPE_CHECKING:
    from loaders.rdf import TripleSink

FKG = v.FKG
SANGONG = "sangong"  # the line items of the 三公 table: sangong-total, sangong-overseas …


def summary_iri(doc: URIRef) -> URIRef:
    return URIRef(f"{doc}/summary")


def _yuan(amount: Decimal, currency: str) -> Decimal:
    from loaders.rdf import yuan  # the builder's conversion (rdf imports this module)

    return yuan(amount, currency)


def _largest(values: Iterable[Decimal]) -> Decimal | None:
    return max(values, default=None)


def _sum(values: Iterable[Decimal]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80  # exact, as the store's decimal arithmetic is, for any printed amount
        return sum(values, Decimal(0))


@dataclass
class _Cell:
    table: Table
    fact: Fact

    @property
    def yuan(self) -> Decimal:
        return _yuan(self.fact.amount, self.table.currency)


def _cells(report: Report, table_type: str, column: str | None = None, *,
           item: str | None = None, total_row: bool = False) -> Iterator[_Cell]:
    """The facts of the report's tables of ``table_type`` in ``column`` (any column when None),
    of line item ``item`` or of the total row."""
    for table in report.tables:
        if table.table_type != table_type:
            continue
        for fact in table.facts:
            if column is not None and fact.column != column:
                continue
            if item is not None and fact.line_item != item:
                continue
            if total_row and not fact.is_total:
                continue
            yield _Cell(table, fact)


def _stated(report: Report, item: str) -> list[Claim]:
    return [c for c in report.claims if c.item == item and c.amount is not None]


@dataclass
class _ClassSum:
    level: int
    amount: Decimal = Decimal(0)
    yuan: Decimal = Decimal(0)
    rows: int = 0
    label: str | None = None


@dataclass
class _ProjectAmount:
    """A project's largest stated amount, where it is stated, its first line."""

    amounts: list[Decimal] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    lines: list[int] = field(default_factory=list)

    def add(self, amount: Decimal, source: str, line: int | None) -> None:
        self.amounts.append(amount)
        self.sources.add(source)
        if line is not None:
            self.lines.append(line)


@dataclass
class _Figures:
    """What one summary says, before it becomes triples (``summarise``)."""

    counts: dict[str, int] = field(default_factory=dict)
    amounts: dict[str, Decimal] = field(default_factory=dict)  # fkg property → value
    classes: list[tuple[int, URIRef, str, _ClassSum]] = field(default_factory=list)
    sangong: dict[str, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)
    table_types: dict[str, int] = field(default_factory=dict)
    projects: dict[URIRef, _ProjectAmount] = field(default_factory=dict)
    unmatched: list[tuple[URIRef, str]] = field(default_factory=list)  # claim, table amounts


def summarise(report: Report, doc: URIRef) -> _Figures:
    figures = _Figures()
    facts = {v.fact_iri(doc, f.line, f.col_index) for t in report.tables for f in t.facts}
    indicators = {v.indicator_iri(doc, i.line) for p in report.performance for i in p.indicators}
    figures.counts = {
        "tableCount": len(report.tables),
        "factCount": len(facts),
        "claimCount": len(report.claims),
        "indicatorCount": len(indicators),
        "loadWarningCount": len(report.warnings),
    }
    amounts = figures.amounts
    _basic_vs_project(report, amounts)
    for prop, item, in_yuan in (
        ("statedExpenditureTotal", "expenditure-total", False),
        ("statedExpenditureTotalYuan", "expenditure-total", True),
        ("statedBasicExpenditure", "basic-expenditure", False),
        ("statedProjectExpenditure", "project-expenditure", False),
        ("statedPersonnelYuan", "personnel", True),
    ):
        claims = _stated(report, item)
        value = _largest(_yuan(c.amount, c.currency) if in_yuan else c.amount  # type: ignore[arg-type]
                         for c in claims)
        if value is not None:
            amounts[prop] = value
    summary_table = "income-expenditure-summary"
    total = [c.yuan for c in _cells(report, summary_table, "total", item="expenditure-total")]
    if total:
        amounts["summaryTableExpenditureTotalYuan"] = max(total)
    every = [c.yuan for c in _cells(report, summary_table, item="expenditure-total")]
    if every:
        amounts["summaryTableExpenditureSumYuan"] = _sum(every)
        figures.counts["summaryTableExpenditureFacts"] = len(every)
    current = [c.fact.amount for c in _cells(report, summary_table, "total",
                                             item="current-year-income")]
    if current:
        amounts["currentYearIncome"] = max(current)
    carried = [c.fact.amount for item in ("prior-carryover", "prior-balance")
               for c in _cells(report, summary_table, "total", item=item)]
    if carried:
        amounts["carriedOverIncome"] = _sum(carried)
    personnel = [c.yuan for c in _cells(report, "gpb-basic", "personnel", total_row=True)]
    if personnel:
        amounts["basicTablePersonnelYuan"] = max(personnel)
    figures.classes = _function_classes(report, doc)
    figures.sangong = _sangong(report)
    figures.projects = _projects(report, doc)
    figures.unmatched = _unmatched_claims(report, doc)
    for table in report.tables:
        figures.table_types[table.table_type] = (
            figures.table_types.get(table.table_type, 0) + len(table.facts))
    return figures


def _basic_vs_project(report: Report, amounts: dict[str, Decimal]) -> None:
    """The total row of the expenditure tables: its total, and its basic and project columns
    in the tables whose total row has a total."""
    totals: list[Decimal] = []
    basic: list[Decimal] = []
    project: list[Decimal] = []
    for table in report.tables:
        if table.table_type != "expenditure":
            continue
        row = [f for f in table.facts if f.is_total]
        table_totals = [f.amount for f in row if f.column == "total"]
        if not table_totals:
            continue
        totals += table_totals
        basic += [f.amount for f in row if f.column == "basic"]
        project += [f.amount for f in row if f.column == "project"]
    for prop, values in (("expenditureTableTotal", totals), ("expenditureTableBasic", basic),
                         ("expenditureTableProject", project)):
        if values:
            amounts[prop] = max(values)


def _function_classes(report: Report, doc: URIRef) -> list[tuple[int, URIRef, str, _ClassSum]]:
    """Per expenditure table and 3-digit function class: the rows of the least detailed level
    the table's total column prints for the class, summed."""
    labels: dict[str, str] = {}  # a row label printed for a code, for classes without a name
    for table in report.tables:
        for fact in table.facts:
            if fact.code and fact.code not in labels and any(
                    ch not in "0123456789 " for ch in fact.row_label):
                labels[fact.code] = fact.row_label
    out = []
    for index, table in enumerate(report.tables, start=1):
        if table.table_type != "expenditure":
            continue
        column = [(f, f.code) for f in table.facts if f.column == "total" and f.code]
        least: dict[str, int] = {}  # the least detailed level printed for each class
        for _, code in column:
            least[code[:3]] = min(least.get(code[:3], len(code)), len(code))
        sums: dict[str, _ClassSum] = {}
        for fact, code in column:
            c3, level = code[:3], len(code)
            if code.startswith("3") or level != least[c3]:  # 3xx: economic codes
                continue
            entry = sums.setdefault(c3, _ClassSum(level, label=labels.get(c3)))
            with localcontext() as ctx:
                ctx.prec = 80
                entry.amount += fact.amount
                entry.yuan += _yuan(fact.amount, table.currency)
            entry.rows += 1
        out += [(index, v.table_iri(doc, index), c3, entry) for c3, entry in sorted(sums.items())]
    return out


def _projects(report: Report, doc: URIRef) -> dict[URIRef, _ProjectAmount]:
    """Each project's amounts as the report states them: its description, the total column of
    its row in the project expenditure table, the budget of its performance table."""
    out: dict[URIRef, _ProjectAmount] = {}

    def entry(name: str) -> _ProjectAmount:
        return out.setdefault(v.project_iri(doc, name), _ProjectAmount())

    for project in report.projects:
        if project.amount is not None:
            entry(project.name).add(project.amount, "description", project.line)
    for table in report.tables:
        for fact in table.facts:
            if fact.project and fact.column == "total":
                entry(fact.project).add(fact.amount, "project table", fact.line)
    for ptable in report.performance:
        if ptable.project and ptable.budget is not None:
            entry(ptable.project).add(ptable.budget, "performance table", ptable.line)
    return out


def _unmatched_claims(report: Report, doc: URIRef) -> list[tuple[URIRef, str]]:
    """The narrative amounts stated for a classification code that no table of the report has
    in a total column for that code (compared in yuan), where tables have the code: each claim
    with what those tables print ("title line N: amount", in line order, "; " between)."""
    from loaders.nquads import XSD, canonical_lexical

    shown: dict[str, set[tuple[int, str]]] = {}
    in_yuan: dict[str, set[Decimal]] = {}
    for table in report.tables:
        for fact in table.facts:
            if fact.code and fact.column == "total":
                printed = canonical_lexical(format(fact.amount, "f"), XSD + "decimal")
                shown.setdefault(fact.code, set()).add(
                    (fact.line, f"{table.title} line {fact.line}: {printed}"))
                in_yuan.setdefault(fact.code, set()).add(_yuan(fact.amount, table.currency))
    out = []
    for index, claim in enumerate(report.claims):
        if not claim.code or claim.amount is None or claim.code not in shown:
            continue
        if _yuan(claim.amount, claim.currency) in in_yuan[claim.code]:
            continue
        text = "; ".join(s for _, s in sorted(shown[claim.code]))
        out.append((v.claim_iri(doc, claim.line, index), text))
    return out


def _sangong(report: Report) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """Per 三公 line item: the largest amount of its row in the total column of the 三公 tables,
    and the largest amount the narrative states for it."""
    tabled: dict[str, list[Decimal]] = {}
    for cell in _cells(report, "sangong", "total"):
        item = cell.fact.line_item
        if item and item.startswith(SANGONG):
            tabled.setdefault(item, []).append(cell.fact.amount)
    stated: dict[str, list[Decimal]] = {}
    for claim in report.claims:
        if claim.item and claim.item.startswith(SANGONG) and claim.amount is not None:
            stated.setdefault(claim.item, []).append(claim.amount)
    return {item: (_largest(tabled.get(item, [])), _largest(stated.get(item, [])))
            for item in sorted(set(tabled) | set(stated))}


def write_summary(g: TripleSink, report: Report, doc: URIRef) -> None:
    """The report's summary into the builder's sink (rdflib graph or N-Quads)."""
    figures = summarise(report, doc)
    s = summary_iri(doc)
    g.add((s, RDF.type, FKG.ReportSummary))
    g.add((s, FKG.summaryOf, doc))
    for name, count in figures.counts.items():
        g.add((s, FKG[name], g.lit(count)))
    for name, amount in figures.amounts.items():
        g.add((s, FKG[name], g.dec(amount)))
    for index, table, c3, entry in figures.classes:
        node = URIRef(f"{s}/function-class/{index}-{c3}")
        g.add((s, FKG.functionClassTotal, node))
        g.add((node, RDF.type, FKG.FunctionClassTotal))
        g.add((node, FKG.summaryTable, table))
        g.add((node, FKG.classNotation, g.lit(c3)))
        g.add((node, FKG.summedLevel, g.lit(entry.level)))
        g.add((node, FKG.summedRows, g.lit(entry.rows)))
        g.add((node, FKG.summedAmount, g.dec(entry.amount)))
        g.add((node, FKG.summedAmountYuan, g.dec(entry.yuan)))
        if entry.label is not None:
            g.add((node, FKG.classLabelAsPrinted, g.lit(entry.label)))
    for item, (in_table, stated) in figures.sangong.items():
        node = URIRef(f"{s}/sangong/{item}")
        g.add((s, FKG.sangongTotal, node))
        g.add((node, RDF.type, FKG.SangongTotal))
        g.add((node, FKG.summaryItem, v.code_iri("line-items", item)))
        if in_table is not None:
            g.add((node, FKG.amountInTable, g.dec(in_table)))
        if stated is not None:
            g.add((node, FKG.amountInNarrative, g.dec(stated)))
    for project, stated in sorted(figures.projects.items()):
        node = URIRef(f"{s}/project/{str(project).rsplit('/', 1)[-1]}")
        g.add((s, FKG.projectTotal, node))
        g.add((node, RDF.type, FKG.ProjectTotal))
        g.add((node, FKG.summaryProject, project))
        g.add((node, FKG.largestAmount, g.dec(max(stated.amounts))))
        g.add((node, FKG.amountSources, g.lit(", ".join(sorted(stated.sources)))))
        if stated.lines:
            g.add((node, FKG.firstLine, g.lit(min(stated.lines))))
    for claim, table_amounts in figures.unmatched:
        node = URIRef(f"{s}/unmatched-claim/{str(claim).rsplit('/', 1)[-1]}")
        g.add((s, FKG.unmatchedClaim, node))
        g.add((node, RDF.type, FKG.UnmatchedClaim))
        g.add((node, FKG.summaryClaim, claim))
        g.add((node, FKG.tableAmounts, g.lit(table_amounts)))
    for table_type, facts in sorted(figures.table_types.items()):
        node = URIRef(f"{s}/table-type/{table_type}")
        g.add((s, FKG.tableTypeTotal, node))
        g.add((node, RDF.type, FKG.TableTypeTotal))
        g.add((node, FKG.summaryTableType, v.code_iri("table-types", table_type)))
        g.add((node, FKG.factCount, g.lit(facts)))
