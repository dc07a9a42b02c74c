"""Turn a loaded ``Report`` into the triples of its named graph.

This is the one place that decides which RDF terms a report becomes; the
ontology (ontology/fiscal-kg.ttl) documents every term used here, the shapes
(shapes/) constrain them and the queries (queries/) read them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from rdflib import RDF as _RDF
from rdflib import RDFS as _RDFS
from rdflib import XSD, BNode, Graph, URIRef
from rdflib import Literal as _Literal
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import SKOS as _SKOS
from rdflib.term import Node

from loaders import vocab as v
from loaders.model import (
    Claim,
    Fact,
    FundingLine,
    Indicator,
    PerformanceTable,
    Report,
    Table,
)
from loaders.vocab import FKG as _FKG
from loaders.vocab import OBEU as _OBEU
from loaders.vocab import ORG as _ORG
from loaders.vocab import PROV as _PROV
from loaders.vocab import QB as _QB


class _Terms:
    """A namespace whose terms are made once: rdflib builds a new URIRef on every attribute
    access, a sixth of a report's build time."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]  # type: ignore[index]


FKG, OBEU, ORG, PROV, QB = (_Terms(ns) for ns in (_FKG, _OBEU, _ORG, _PROV, _QB))
RDF, RDFS, DCTERMS, SKOS = (_Terms(ns) for ns in (_RDF, _RDFS, _DCTERMS, _SKOS))
_LITERALS: dict[tuple[object, ...], _Literal] = {}


def Literal(value: object, datatype: URIRef | None = None,
            lang: str | None = None) -> _Literal:
    """rdflib's Literal, made once per distinct value within a report (a report repeats line
    numbers, labels and flags; making a Literal costs ~15 µs). Decimals are keyed by their
    text: 1.0 and 1.00 are equal numbers but different literals."""
    key = (type(value), str(value) if isinstance(value, Decimal) else value, datatype, lang)
    term = _LITERALS.get(key)
    if term is None:
        term = _LITERALS[key] = _Literal(value, datatype=datatype, lang=lang)
    return term

YUAN_PER = {"万元": Decimal(10000), "元": Decimal(1), "亿元": Decimal(100000000)}
CURRENCY_KEY = {"万元": "wan-yuan", "元": "yuan", "亿元": "yi-yuan"}
Triple = tuple[Node, Node, Node]
PHASE = {"budget": OBEU["budgetPhase/approved"], "final-account": OBEU["budgetPhase/executed"]}


def dec(value: Decimal) -> Literal:
    return Literal(value, datatype=XSD.decimal)


def yuan(amount: Decimal, currency: str) -> Decimal:
    return amount * YUAN_PER.get(currency, Decimal(1))


class TripleSink(Protocol):
    """Where the builders below put triples: an rdflib ``Graph`` or a ``_Triples``."""

    def add(self, triple: Triple) -> object: ...


class _Triples(dict):
    """Triples in insertion order, without duplicates: a ``Graph`` without its indexes.

    Graph.add and iterating a Graph cost ~20 µs per triple each, most of a
    report's build time; loading only needs the triples once, in any order.
    """

    def add(self, triple: Triple) -> None:
        self[triple] = None


def report_graph(report: Report) -> Graph:
    """All triples of one report; the caller stores them in graph ``document_iri``."""
    g = Graph()
    _report(g, report)
    return g


def report_triples(report: Report) -> list[Triple]:
    """The triples of ``report_graph(report)`` as a list (no duplicates), built without a Graph.

    For the load path, which only serialises them: same terms, a fraction of the cost.
    """
    sink = _Triples()
    _report(sink, report)
    return list(sink)


def _report(g: TripleSink, report: Report) -> None:
    _LITERALS.clear()  # the cache lives for one report: memory stays flat over a corpus
    doc = v.document_iri(report.unit_name, report.fiscal_year, report.kind)
    unit = v.unit_iri(report.unit_name)
    _document(g, report, doc, unit)
    for index, table in enumerate(report.tables, start=1):
        _table(g, report, doc, index, table)
    for section in report.sections:
        s = v.section_iri(doc, section.key)
        g.add((s, RDF.type, FKG.NarrativeSection))
        g.add((s, FKG.document, doc))
        g.add((s, FKG.titleAsPrinted, Literal(section.title)))
        g.add((s, FKG.sourceLine, Literal(section.line)))
        g.add((s, FKG.endLine, Literal(section.end_line)))
        g.add((doc, FKG.hasSection, s))
    for index, claim in enumerate(report.claims):
        _claim(g, report, doc, index, claim)
    for project in report.projects:
        p = v.project_iri(doc, project.name)
        g.add((p, RDF.type, FKG.Project))
        g.add((p, FKG.document, doc))
        g.add((p, RDFS.label, Literal(project.name)))
        g.add((p, FKG.sourceLine, Literal(project.line)))
        if project.amount is not None:
            g.add((p, FKG.amount, dec(project.amount)))
            g.add((p, FKG.amountYuan, dec(yuan(project.amount, project.currency))))
        for prop, value in (
            (FKG.policyBasis, project.policy_basis),
            (FKG.executionPeriod, project.period),
            (FKG.executingUnitName, project.executing_unit),
        ):
            if value:
                g.add((p, prop, Literal(value)))
    for ptable in report.performance:
        _performance(g, report, doc, ptable)


def _document(g: TripleSink, report: Report, doc: URIRef, unit: URIRef) -> None:
    g.add((doc, RDF.type, FKG.FiscalDocument))
    g.add((doc, RDF.type, PROV.Entity))
    g.add((doc, RDFS.label, Literal(report.title)))
    g.add((doc, FKG.unit, unit))
    g.add((doc, FKG.fiscalYear, Literal(report.fiscal_year)))
    g.add((doc, FKG.documentKind, v.code_iri("document-kinds", report.kind)))
    g.add((doc, OBEU.budgetPhase, PHASE[report.kind]))
    if report.publication_date:
        g.add((doc, DCTERMS.issued, Literal(report.publication_date, datatype=XSD.date)))
    src = URIRef(f"{doc}/source")
    g.add((doc, PROV.wasDerivedFrom, src))
    g.add((src, RDF.type, FKG.SourceFile))
    g.add((src, FKG.fileName, Literal(report.source_path.rsplit("/", 1)[-1])))
    g.add((src, FKG.sha256, Literal(report.sha256)))
    if report.layout:
        g.add((src, FKG.textLayout, Literal(report.layout)))

    g.add((unit, RDF.type, FKG.BudgetUnit))
    g.add((unit, RDF.type, ORG.Organization))
    g.add((unit, SKOS.prefLabel, Literal(report.unit_name, lang="zh")))
    if report.unit_code:
        g.add((unit, FKG.unitCode, Literal(report.unit_code)))
    profile = report.profile
    if profile.supervising_department:
        g.add((unit, FKG.supervisingDepartmentName, Literal(profile.supervising_department)))
    if profile.functions:
        g.add((doc, FKG.statedFunctions, Literal(profile.functions)))
    for office in profile.offices:
        o = URIRef(f"{unit}/office/{v.short_hash(v.normalise_name(office))}")
        g.add((o, RDF.type, ORG.OrganizationalUnit))
        g.add((o, SKOS.prefLabel, Literal(office, lang="zh")))
        g.add((unit, ORG.hasUnit, o))
        g.add((o, ORG.unitOf, unit))
    if profile.staffing is not None:
        st = profile.staffing
        node = URIRef(f"{doc}/staffing")
        g.add((doc, FKG.staffing, node))
        g.add((node, RDF.type, FKG.StaffingReport))
        g.add((node, FKG.unit, unit))
        if st.line is not None:
            g.add((node, FKG.sourceLine, Literal(st.line)))
        for prop, value in (
            (FKG.authorizedStaff, st.authorized),
            (FKG.actualStaff, st.actual),
            (FKG.activeStaff, st.active),
            (FKG.activeStaffIncrease, st.active_increase),
            (FKG.retiredStaff, st.retired),
            (FKG.retiredStaffIncrease, st.retired_increase),
            (FKG.honoraryRetiredStaff, st.honorary_retired),
            (FKG.honoraryRetiredStaffIncrease, st.honorary_retired_increase),
        ):
            if value is not None:
                g.add((node, prop, Literal(value)))
    for warning in report.warnings:
        w = BNode()
        g.add((doc, FKG.loadWarning, w))
        g.add((w, RDF.type, FKG.LoadWarning))
        g.add((w, FKG.warningCode, Literal(warning.code)))
        g.add((w, RDFS.comment, Literal(warning.message)))
        if warning.line is not None:
            g.add((w, FKG.sourceLine, Literal(warning.line)))


def _table(g: TripleSink, report: Report, doc: URIRef, index: int, table: Table) -> None:
    t = v.table_iri(doc, index)
    g.add((t, RDF.type, QB.DataSet))
    g.add((t, RDF.type, FKG.DisclosureTable))
    g.add((t, FKG.document, doc))
    g.add((doc, FKG.hasTable, t))
    g.add((t, FKG.tableType, v.code_iri("table-types", table.table_type)))
    g.add((t, QB.structure, FKG[f"dsd-{table.table_type}"]))
    g.add((t, FKG.titleAsPrinted, Literal(table.title)))
    g.add((t, FKG.tableIndex, Literal(index)))
    if table.number:
        g.add((t, FKG.tableNumber, Literal(table.number)))
    currency = CURRENCY_KEY.get(table.currency, "wan-yuan")
    g.add((t, FKG.currencyUnit, v.code_iri("currency-units", currency)))
    g.add((t, FKG.sourceLine, Literal(table.line)))
    g.add((t, FKG.endLine, Literal(table.end_line)))
    if table.compiler:
        g.add((t, FKG.compilerAsPrinted, Literal(table.compiler)))
    if table.empty:
        g.add((t, FKG.disclosedEmpty, Literal(True)))
        if table.empty_note:
            g.add((t, FKG.emptyNote, Literal(table.empty_note)))
    if not table.recognised:
        g.add((t, FKG.recognised, Literal(False)))
    for fact in table.facts:
        _fact(g, report, doc, t, table, fact)


def _fact(g: TripleSink, report: Report, doc: URIRef, t: URIRef, table: Table, fact: Fact) -> None:
    f = v.fact_iri(doc, fact.line, fact.col_index)
    g.add((f, RDF.type, QB.Observation))
    g.add((f, RDF.type, FKG.AmountFact))
    g.add((f, QB.dataSet, t))
    g.add((f, FKG.document, doc))
    g.add((f, FKG.amount, dec(fact.amount)))
    g.add((f, FKG.amountYuan, dec(yuan(fact.amount, table.currency))))
    g.add((f, FKG.rawText, Literal(fact.raw)))
    g.add((f, FKG.sourceLine, Literal(fact.line)))
    g.add((f, FKG.columnIndex, Literal(fact.col_index)))
    g.add((f, FKG.rowLabel, Literal(fact.row_label)))
    g.add((f, FKG.columnHeader, Literal(fact.column_header)))
    g.add((f, OBEU.budgetPhase, PHASE[report.kind]))
    if fact.column.startswith("econ:"):
        # One column per economic class: the class is the attribute, not a second "total".
        g.add((f, FKG.column, v.code_iri("columns", "economic-class")))
        g.add((f, FKG.economicClassification, v.code_iri("economic", fact.column[5:])))
    else:
        g.add((f, FKG.column, v.code_iri("columns", fact.column)))
    if fact.code:
        scheme = "economic" if fact.code.startswith("3") else "function"
        g.add((f, FKG.classification, v.code_iri(scheme, fact.code)))
        g.add((f, FKG.codeNotation, Literal(fact.code)))
    if fact.line_item:
        g.add((f, FKG.lineItem, v.code_iri("line-items", fact.line_item)))
    if fact.is_total:
        g.add((f, FKG.isTotalRow, Literal(True)))
    if fact.side:
        op = "revenue" if fact.side == "income" else "expenditure"
        g.add((f, OBEU.operationCharacter, OBEU[f"operationCharacter/{op}"]))
    if fact.project:
        g.add((f, FKG.project, v.project_iri(doc, fact.project)))
        g.add((v.project_iri(doc, fact.project), RDF.type, FKG.Project))
        g.add((v.project_iri(doc, fact.project), RDFS.label, Literal(fact.project)))
        g.add((v.project_iri(doc, fact.project), FKG.document, doc))
    if fact.project_as_printed:
        g.add((f, FKG.projectNameAsPrinted, Literal(fact.project_as_printed)))
    if fact.unit_code:
        g.add((f, FKG.unitCode, Literal(fact.unit_code)))


def _claim(g: TripleSink, report: Report, doc: URIRef, index: int, claim: Claim) -> None:
    c = v.claim_iri(doc, claim.line, index)
    g.add((c, RDF.type, FKG.NarrativeClaim))
    g.add((c, FKG.document, doc))
    g.add((c, FKG.sourceLine, Literal(claim.line)))
    g.add((c, FKG.sentence, Literal(claim.sentence)))
    g.add((c, OBEU.budgetPhase, PHASE[report.kind]))
    if claim.section:
        g.add((c, FKG.section, v.section_iri(doc, claim.section)))
    if claim.label:
        g.add((c, FKG.itemLabel, Literal(claim.label)))
    if claim.raw:
        g.add((c, FKG.rawText, Literal(claim.raw)))
    if claim.item:
        g.add((c, FKG.lineItem, v.code_iri("line-items", claim.item)))
    if claim.code:
        scheme = "economic" if claim.code.startswith("3") else "function"
        g.add((c, FKG.classification, v.code_iri(scheme, claim.code)))
        g.add((c, FKG.codeNotation, Literal(claim.code)))
    if claim.amount is not None:
        g.add((c, FKG.amount, dec(claim.amount)))
        g.add((c, FKG.amountYuan, dec(yuan(claim.amount, claim.currency))))
        currency = CURRENCY_KEY.get(claim.currency, "wan-yuan")
        g.add((c, FKG.currencyUnit, v.code_iri("currency-units", currency)))
    if claim.share is not None:
        g.add((c, FKG.statedShare, dec(claim.share)))
    if claim.share_of:
        g.add((c, FKG.shareOf, v.code_iri("line-items", claim.share_of)))
    if claim.change is not None:
        g.add((c, FKG.statedChange, dec(claim.change)))
        g.add((c, FKG.statedChangeYuan, dec(yuan(claim.change, claim.currency))))
    if claim.growth_rate is not None:
        g.add((c, FKG.statedGrowthRate, dec(claim.growth_rate)))
    if claim.basis:
        g.add((c, FKG.comparisonBasis, v.code_iri("comparison-bases", claim.basis)))


def _performance(g: TripleSink, report: Report, doc: URIRef, pt: PerformanceTable) -> None:
    t = v.performance_table_iri(doc, pt.line)
    g.add((t, RDF.type, FKG.PerformanceTable))
    g.add((t, FKG.document, doc))
    g.add((doc, FKG.hasPerformanceTable, t))
    g.add((t, FKG.performanceTableKind, v.code_iri("table-types", f"performance-{pt.kind}")))
    g.add((t, FKG.titleAsPrinted, Literal(pt.title)))
    g.add((t, FKG.sourceLine, Literal(pt.line)))
    g.add((t, FKG.endLine, Literal(pt.end_line)))
    subject = None
    if pt.project:
        subject = v.project_iri(doc, pt.project)
        g.add((subject, RDF.type, FKG.Project))
        g.add((subject, RDFS.label, Literal(pt.project)))
        g.add((subject, FKG.document, doc))
        g.add((t, FKG.project, subject))
    else:
        g.add((t, FKG.evaluatedUnit, v.unit_iri(report.unit_name)))
    if pt.unit_name:
        g.add((t, FKG.unitNameAsPrinted, Literal(pt.unit_name)))
    if pt.project_as_printed:
        g.add((t, FKG.projectNameAsPrinted, Literal(pt.project_as_printed)))
    if pt.budget is not None:
        g.add((t, FKG.budgetAmount, dec(pt.budget)))
    if pt.stated_total_score is not None:
        g.add((t, FKG.statedTotalScore, dec(pt.stated_total_score)))
    if pt.stated_total_weight is not None:
        g.add((t, FKG.statedTotalWeight, dec(pt.stated_total_weight)))
    for ind in pt.indicators:
        _indicator(g, doc, t, subject, ind)
    for fl in pt.funding:
        _funding(g, doc, t, fl)


def _indicator(
    g: TripleSink, doc: URIRef, t: URIRef, project: URIRef | None, ind: Indicator
) -> None:
    i = v.indicator_iri(doc, ind.line)
    g.add((i, RDF.type, FKG.PerformanceIndicator))
    g.add((i, FKG.performanceTable, t))
    g.add((i, FKG.document, doc))
    g.add((i, FKG.sourceLine, Literal(ind.line)))
    if project is not None:
        g.add((i, FKG.project, project))
    for prop, value in (
        (FKG.level1Name, ind.level1),
        (FKG.level2Name, ind.level2),
        (FKG.level3Name, ind.level3),
        (FKG.targetText, ind.target_text),
        (FKG.targetOperator, ind.target_operator),
        (FKG.targetUnit, ind.target_unit),
        (FKG.actualText, ind.actual_text),
        (FKG.actualOperator, ind.actual_operator),
        (FKG.actualUnit, ind.actual_unit),
        (FKG.deviationNote, ind.deviation_note),
        (FKG.unitNameAsPrinted, ind.unit_name),
    ):
        if value:
            g.add((i, prop, Literal(value)))
    for prop, num in (
        (FKG.targetValue, ind.target_value),
        (FKG.weight, ind.weight),
        (FKG.actualValue, ind.actual_value),
        (FKG.score, ind.score),
    ):
        if num is not None:
            g.add((i, prop, dec(num)))
    if ind.unit_mismatch:
        g.add((i, FKG.unitMismatch, Literal(True)))
    from loaders.codelists import code_list  # local: code lists load lazily

    levels = code_list("indicator-levels")
    for level, name in ((1, ind.level1), (2, ind.level2)):
        if name:
            # Reports repeat a level-1 name in the level-2 column (满意度指标/满意度指标):
            # prefer the concept of the column's level (level-2 concepts have a broader).
            keys = sorted(
                levels.by_label(name),
                key=lambda k: bool(levels.concepts[k].broader) != (level == 2),
            )
            if keys:
                g.add((i, FKG[f"level{level}"], v.code_iri("indicator-levels", keys[0])))


def _funding(g: TripleSink, doc: URIRef, t: URIRef, fl: FundingLine) -> None:
    f = v.funding_line_iri(doc, fl.line)
    g.add((f, RDF.type, FKG.FundingLine))
    g.add((f, FKG.performanceTable, t))
    g.add((f, FKG.document, doc))
    g.add((f, FKG.sourceLine, Literal(fl.line)))
    g.add((f, FKG.fundingLabel, Literal(fl.label)))
    for prop, num in (
        (FKG.initialBudget, fl.initial_budget),
        (FKG.fullYearBudget, fl.full_year_budget),
        (FKG.executedAmount, fl.executed),
        (FKG.weight, fl.weight),
        (FKG.executionRate, fl.execution_rate),
        (FKG.score, fl.score),
    ):
        if num is not None:
            g.add((f, prop, dec(num)))
