"""Turn a loaded ``Report`` into the triples of its named graph.

This is the one place that decides which RDF terms a report becomes; the
ontology (ontology/fiscal-kg.ttl) documents every term used here, the shapes
(shapes/) constrain them and the queries (queries/) read them.

The builders below write into a sink: an rdflib ``Graph`` (``report_graph``: tests, the
validation of files, exports) or N-Quads text (``report_nquads``: the load path, which only
serialises, at a fraction of the cost of making rdflib terms). Both give the same graph.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Protocol

from rdflib import RDF as _RDF
from rdflib import RDFS as _RDFS
from rdflib import XSD, BNode, Graph, URIRef
from rdflib import Literal as _Literal
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import SKOS as _SKOS

from loaders import vocab as v
from loaders.codelists import currency_unit, currency_units
from loaders.model import (
    BBox,
    ChangeReason,
    Claim,
    EmptyTableCheck,
    Fact,
    FundingLine,
    Indicator,
    PerformanceTable,
    PolicyCitation,
    Report,
    StatedCount,
    StatedItemClass,
    StatedProduct,
    Table,
    UnitNameMention,
    YearLabel,
)
from loaders.nquads import NQuadsSink
from loaders.numbers import half_unit
from loaders.summaries import write_summary
from loaders.text import label_key, match_key
from loaders.version import loader_version
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

# Currency label as printed → code-list key; factors are fkg:yuanFactor of currency-units.ttl.
CURRENCY_KEY = {u.label: u.key for u in currency_units().values()}
PHASE = {"budget": OBEU["budgetPhase/approved"], "final-account": OBEU["budgetPhase/executed"]}


def rounding(printed: str) -> Decimal:
    """fkg:halfUnit of a number printed as ``printed``, in its printed unit. The shapes have always
    allowed an amount at least cents of its unit, so decimals past the second do not count; a
    claim whose text was not kept (made by hand) gets cents too."""
    return half_unit(printed, finest=2) if printed else _CENTS


_CENTS = Decimal("0.005")


def yuan(amount: Decimal, currency: str) -> Decimal:
    """The amount in yuan: the factor is the currency unit's fkg:yuanFactor."""
    unit = currency_unit(currency)
    return amount * (unit.factor if unit else Decimal(1))


class TripleSink(Protocol):
    """Where the builders below put triples, and how they make literals and blank nodes.

    Subjects and predicates are URIRefs (or the sink's own blank nodes); objects are URIRefs or
    what ``lit``/``dec``/``blank`` returned."""

    def add(self, triple: tuple[object, object, object]) -> object: ...

    def lit(self, value: object, datatype: URIRef | None = None,
            lang: str | None = None) -> object: ...

    def dec(self, value: Decimal) -> object: ...

    def blank(self) -> object: ...


class GraphSink:
    """Builds an rdflib Graph. A literal is made once per distinct value within a report (a
    report repeats line numbers, labels and flags; making a Literal costs ~15 µs). Decimals are
    keyed by their text: 1.0 and 1.00 are equal numbers but different literals."""

    def __init__(self) -> None:
        self.graph = Graph()
        self._literals: dict[tuple[object, ...], _Literal] = {}

    def add(self, triple: tuple[object, object, object]) -> None:
        self.graph.add(triple)  # type: ignore[arg-type]

    def lit(self, value: object, datatype: URIRef | None = None,
            lang: str | None = None) -> _Literal:
        key = (type(value), str(value) if isinstance(value, Decimal) else value, datatype, lang)
        term = self._literals.get(key)
        if term is None:
            term = self._literals[key] = _Literal(value, datatype=datatype, lang=lang)
        return term

    def dec(self, value: Decimal) -> _Literal:
        return self.lit(value, datatype=XSD.decimal)

    def blank(self) -> BNode:
        return BNode()


def report_graph(report: Report) -> Graph:
    """All triples of one report; the caller stores them in graph ``document_iri``."""
    sink = GraphSink()
    _report(sink, report)
    return sink.graph


def report_nquads(report: Report) -> tuple[str, int]:
    """(N-Quads of ``report_graph(report)`` in the report's named graph, number of quads).

    Raises ValueError when a term is not valid RDF (an IRI with a space, say)."""
    doc = v.report_document_iri(report)
    sink = NQuadsSink(str(doc))
    _report(sink, report)
    return sink.text(), len(sink)


def _report(g: TripleSink, report: Report) -> None:
    doc = v.report_document_iri(report)
    unit = v.unit_iri(report.unit_name)
    _document(g, report, doc, unit)
    write_summary(g, report, doc)  # derived figures for store-wide queries
    for index, table in enumerate(report.tables, start=1):
        _table(g, report, doc, index, table)
    for section in report.sections:
        s = v.section_iri(doc, section.key)
        g.add((s, RDF.type, FKG.NarrativeSection))
        g.add((s, FKG.document, doc))
        g.add((s, FKG.titleAsPrinted, g.lit(section.title)))
        g.add((s, FKG.sourceLine, g.lit(section.line)))
        g.add((s, FKG.endLine, g.lit(section.end_line)))
        g.add((doc, FKG.hasSection, s))
    claim_index = {id(claim): index for index, claim in enumerate(report.claims)}
    for index, claim in enumerate(report.claims):
        _claim(g, report, doc, index, claim)
        restated = claim_index.get(id(claim.restates)) if claim.restates is not None else None
        if restated is not None:
            g.add((v.claim_iri(doc, claim.line, index), FKG.restates,
                   v.claim_iri(doc, report.claims[restated].line, restated)))
    for project in report.projects:
        p = v.project_iri(doc, project.name)
        g.add((p, RDF.type, FKG.Project))
        g.add((p, FKG.document, doc))
        g.add((p, RDFS.label, g.lit(project.name)))
        g.add((p, FKG.sourceLine, g.lit(project.line)))
        if project.amount is not None:
            g.add((p, FKG.amount, g.dec(project.amount)))
            g.add((p, FKG.amountYuan, g.dec(yuan(project.amount, project.currency))))
        for prop, value in (
            (FKG.policyBasis, project.policy_basis),
            (FKG.executionPeriod, project.period),
            (FKG.executingUnitName, project.executing_unit),
        ):
            if value:
                g.add((p, prop, g.lit(value)))
    for ptable in report.performance:
        _performance(g, report, doc, ptable)
    for index, count in enumerate(report.stated_counts):
        _stated_count(g, doc, index, count)
    for index, label in enumerate(report.year_labels):
        _year_label(g, doc, index, label)
    for index, product in enumerate(report.stated_products):
        _stated_product(g, doc, index, product)
    for index, citation in enumerate(report.citations):
        _citation(g, doc, index, citation)
    for index, mention in enumerate(report.name_mentions):
        _name_mention(g, doc, index, mention)
    for reason in report.change_reasons:
        _change_reason(g, doc, reason)
    for check in report.empty_table_checks:
        _empty_table_check(g, doc, check)
    for index, item in enumerate(report.item_classes):
        _item_class(g, doc, index, item)


def _stated(g: TripleSink, doc: URIRef, path: str, kind: URIRef, line: int,
            phrase: str | None = None) -> URIRef:
    """A node for something the narrative states (``{doc}/{path}``): its class, report and
    line, and the words as printed when given; the builders below add what is particular."""
    node = URIRef(f"{doc}/{path}")
    g.add((node, RDF.type, kind))
    g.add((node, FKG.document, doc))
    g.add((node, FKG.sourceLine, g.lit(line)))
    if phrase is not None:
        g.add((node, FKG.phraseAsPrinted, g.lit(phrase)))
    return node


def _item_class(g: TripleSink, doc: URIRef, index: int, item: StatedItemClass) -> None:
    node = _stated(g, doc, f"item-class/{item.line}-{index}", FKG.StatedItemClass, item.line,
                   item.name)
    g.add((node, FKG.statedSide, g.lit(item.side)))


def _stated_count(g: TripleSink, doc: URIRef, index: int, count: StatedCount) -> None:
    """A stated count with its list: the repeats are counted here, since RDF keeps a set."""
    node = _stated(g, doc, f"count/{count.line}-{index}", FKG.StatedCount, count.line)
    keys = [label_key(item) for item in count.items]
    g.add((node, FKG.statedCount, g.lit(count.count)))
    g.add((node, FKG.countedNoun, g.lit(count.noun)))
    g.add((node, FKG.listedItemCount, g.lit(len(count.items))))
    g.add((node, FKG.distinctItemCount, g.lit(len(set(keys)))))
    g.add((node, FKG.openEndedList, g.lit(count.open_ended)))
    for item, key in zip(count.items, keys, strict=True):
        g.add((node, FKG.listedItem, g.lit(item)))
        if keys.count(key) > 1:
            g.add((node, FKG.repeatedItem, g.lit(item)))


def _stated_product(g: TripleSink, doc: URIRef, index: int, p: StatedProduct) -> None:
    node = _stated(g, doc, f"product/{p.line}-{index}", FKG.StatedProduct, p.line, p.factors)
    g.add((node, FKG.quantity, g.lit(p.quantity)))
    g.add((node, FKG.monthlyRate, g.dec(p.monthly_rate)))
    g.add((node, FKG.yearlyRate, g.dec(p.yearly_rate)))
    if p.months is not None:
        g.add((node, FKG.durationMonths, g.lit(p.months)))
    g.add((node, FKG.statedTotal, g.dec(p.amount)))
    g.add((node, FKG.statedTotalYuan, g.dec(yuan(p.amount, p.currency))))
    g.add((node, FKG.statedTotalRaw, g.lit(p.raw)))
    g.add((node, FKG.halfUnit, g.dec(rounding(p.raw))))
    g.add((node, FKG.statedTotalLine, g.lit(p.amount_line)))


def _citation(g: TripleSink, doc: URIRef, index: int, c: PolicyCitation) -> None:
    node = _stated(g, doc, f"citation/{c.line}-{index}", FKG.PolicyCitation, c.line, c.text)
    g.add((node, FKG.issuerAbbreviation, g.lit(c.issuer)))
    g.add((node, FKG.citedYear, g.lit(c.year)))
    g.add((node, FKG.citedNumber, g.lit(c.number)))
    if c.title and c.title_key:
        g.add((node, FKG.citedTitle, g.lit(c.title)))
        g.add((node, FKG.citedTitleKey, g.lit(c.title_key)))


def _name_mention(g: TripleSink, doc: URIRef, index: int, m: UnitNameMention) -> None:
    node = _stated(g, doc, f"name/{m.line}-{index}", FKG.UnitNameMention, m.line, m.name)
    g.add((node, FKG.nameField, g.lit(m.field)))
    g.add((node, FKG.nameRelation, g.lit(m.relation)))


def _change_reason(g: TripleSink, doc: URIRef, r: ChangeReason) -> None:
    node = _stated(g, doc, f"change-reason/{r.line}-{r.claim_index}", FKG.ChangeReasonCheck,
                   r.line, r.sentence)
    g.add((node, FKG.explains, v.claim_iri(doc, r.line, r.claim_index)))
    if r.reason_line is not None:
        g.add((node, FKG.reasonLine, g.lit(r.reason_line)))


def _empty_table_check(g: TripleSink, doc: URIRef, c: EmptyTableCheck) -> None:
    node = _stated(g, doc, f"empty-table/{c.table_line}", FKG.EmptyTableCheck, c.table_line,
                   c.title)
    if c.statement_line is not None:
        g.add((node, FKG.statementLine, g.lit(c.statement_line)))
    if c.other_note_line is not None:
        g.add((node, FKG.otherNoteLine, g.lit(c.other_note_line)))
        g.add((node, FKG.otherNote, g.lit(c.other_note)))


def _year_label(g: TripleSink, doc: URIRef, index: int, label: YearLabel) -> None:
    node = _stated(g, doc, f"year-label/{label.line}-{index}", FKG.YearLabel, label.line,
                   label.text)
    g.add((node, FKG.labelledYear, g.lit(label.year)))
    g.add((node, FKG.yearRole, g.lit(label.role)))
    g.add((node, FKG.yearBasis, g.lit(label.basis)))


def _document(g: TripleSink, report: Report, doc: URIRef, unit: URIRef) -> None:
    g.add((doc, RDF.type, FKG.FiscalDocument))
    g.add((doc, RDF.type, PROV.Entity))
    g.add((doc, RDFS.label, g.lit(report.title)))
    g.add((doc, FKG.unit, unit))
    # the name as this report prints it: the unit node is shared by the unit's reports, whose
    # labels may differ (spaces, full-width forms), so shapes read the name of their own report
    g.add((doc, FKG.unitNameAsPrinted, g.lit(report.unit_name)))
    g.add((doc, FKG.fiscalYear, g.lit(report.fiscal_year)))
    g.add((doc, FKG.documentKind, v.code_iri("document-kinds", report.kind)))
    if report.scope:  # only when the report states it (部门/单位)
        g.add((doc, FKG.scope, v.code_iri("document-scopes", report.scope)))
    g.add((doc, OBEU.budgetPhase, PHASE[report.kind]))
    if report.publication_date:
        g.add((doc, DCTERMS.issued, g.lit(report.publication_date, datatype=XSD.date)))
    src = URIRef(f"{doc}/source")
    g.add((doc, PROV.wasDerivedFrom, src))
    g.add((src, RDF.type, FKG.SourceFile))
    g.add((src, FKG.fileName, g.lit(report.source_path.rsplit("/", 1)[-1])))
    g.add((src, FKG.sha256, g.lit(report.sha256)))
    if report.layout:
        g.add((src, FKG.textLayout, g.lit(report.layout)))
    g.add((src, FKG.loaderVersion, g.lit(loader_version())))

    g.add((unit, RDF.type, FKG.BudgetUnit))
    g.add((unit, RDF.type, ORG.Organization))
    g.add((unit, SKOS.prefLabel, g.lit(report.unit_name, lang="zh")))
    if report.unit_code:
        g.add((unit, FKG.unitCode, g.lit(report.unit_code)))
    profile = report.profile
    if profile.supervising_department:
        g.add((unit, FKG.supervisingDepartmentName, g.lit(profile.supervising_department)))
    if profile.functions:
        g.add((doc, FKG.statedFunctions, g.lit(profile.functions)))
    for office in profile.offices:
        o = URIRef(f"{unit}/office/{v.short_hash(match_key(office))}")
        g.add((o, RDF.type, ORG.OrganizationalUnit))
        g.add((o, SKOS.prefLabel, g.lit(office, lang="zh")))
        g.add((unit, ORG.hasUnit, o))
        g.add((o, ORG.unitOf, unit))
    if profile.staffing is not None:
        st = profile.staffing
        node = URIRef(f"{doc}/staffing")
        g.add((doc, FKG.staffing, node))
        g.add((node, RDF.type, FKG.StaffingReport))
        g.add((node, FKG.unit, unit))
        if st.line is not None:
            g.add((node, FKG.sourceLine, g.lit(st.line)))
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
                g.add((node, prop, g.lit(value)))
    for warning in report.warnings:
        w = g.blank()
        g.add((doc, FKG.loadWarning, w))
        g.add((w, RDF.type, FKG.LoadWarning))
        g.add((w, FKG.warningCode, g.lit(warning.code)))
        g.add((w, RDFS.comment, g.lit(warning.message)))
        if warning.line is not None:
            g.add((w, FKG.sourceLine, g.lit(warning.line)))


def _table(g: TripleSink, report: Report, doc: URIRef, index: int, table: Table) -> None:
    t = v.table_iri(doc, index)
    g.add((t, RDF.type, QB.DataSet))
    g.add((t, RDF.type, FKG.DisclosureTable))
    g.add((t, FKG.document, doc))
    g.add((doc, FKG.hasTable, t))
    g.add((t, FKG.tableType, v.code_iri("table-types", table.table_type)))
    # the same for every fact of the table: attached to the data set (qb:componentAttachment)
    g.add((t, OBEU.budgetPhase, PHASE[report.kind]))
    g.add((t, QB.structure, FKG[f"dsd-{table.table_type}"]))
    g.add((t, FKG.titleAsPrinted, g.lit(table.title)))
    g.add((t, FKG.tableIndex, g.lit(index)))
    if table.number:
        g.add((t, FKG.tableNumber, g.lit(table.number)))
    currency = CURRENCY_KEY.get(table.currency, "wan-yuan")
    g.add((t, FKG.currencyUnit, v.code_iri("currency-units", currency)))
    g.add((t, FKG.sourceLine, g.lit(table.line)))
    g.add((t, FKG.endLine, g.lit(table.end_line)))
    if table.compiler:
        g.add((t, FKG.compilerAsPrinted, g.lit(table.compiler)))
    if table.empty:
        g.add((t, FKG.disclosedEmpty, g.lit(True)))
        if table.empty_note:
            g.add((t, FKG.emptyNote, g.lit(table.empty_note)))
    if not table.recognised:
        g.add((t, FKG.recognised, g.lit(False)))
    headers = _column_headers(g, t, table)
    for fact in table.facts:
        _fact(g, doc, t, table, fact, headers)


def _column_headers(g: TripleSink, t: URIRef, table: Table) -> dict[int, str]:
    """One node per column of the table (fkg:hasColumn: its index and header as printed), so a
    fact need not repeat its column's header: 13.6 facts a column in the samples. A column whose
    facts have several headers (a table whose halves share an index) keeps the most common (the
    first of equals) here; a fact with another states its own."""
    counts: dict[int, Counter[str]] = {}
    for fact in table.facts:
        counts.setdefault(fact.col_index, Counter())[fact.column_header] += 1
    headers = {}
    for index, seen in counts.items():
        headers[index] = seen.most_common(1)[0][0]  # equals: in the order first seen
        c = v.column_iri(t, index)
        g.add((t, FKG.hasColumn, c))
        g.add((c, FKG.columnIndex, g.lit(index)))
        g.add((c, FKG.columnHeader, g.lit(headers[index])))
    return headers


def _place(g: TripleSink, node: URIRef, page: int | None, bbox: BBox | None) -> None:
    """Page and box on the PDF page (reports read from a PDF): fkg:page, fkg:bbox."""
    if page is not None:
        g.add((node, FKG.page, g.lit(page, datatype=XSD.positiveInteger)))
    if bbox is not None:
        g.add((node, FKG.bbox, g.lit(" ".join(f"{v:.2f}" for v in bbox))))


def _fact(g: TripleSink, doc: URIRef, t: URIRef, table: Table, fact: Fact,
          headers: dict[int, str]) -> None:
    f = v.fact_iri(doc, fact.line, fact.col_index)
    g.add((f, RDF.type, QB.Observation))
    g.add((f, RDF.type, FKG.AmountFact))
    g.add((f, QB.dataSet, t))
    g.add((f, FKG.document, doc))
    g.add((f, FKG.amount, g.dec(fact.amount)))
    g.add((f, FKG.amountYuan, g.dec(yuan(fact.amount, table.currency))))
    g.add((f, FKG.rawText, g.lit(fact.raw)))
    g.add((f, FKG.halfUnit, g.dec(rounding(fact.raw))))
    g.add((f, FKG.sourceLine, g.lit(fact.line)))
    g.add((f, FKG.columnIndex, g.lit(fact.col_index)))
    _place(g, f, fact.page, fact.bbox)
    g.add((f, FKG.rowLabel, g.lit(fact.row_label)))
    if fact.column_header != headers[fact.col_index]:  # else its column's (fkg:hasColumn)
        g.add((f, FKG.columnHeader, g.lit(fact.column_header)))
    if fact.column.startswith("econ:"):
        # One column per economic class: the class is the attribute, not a second "total".
        g.add((f, FKG.column, v.code_iri("columns", "economic-class")))
        g.add((f, FKG.economicClassification, v.code_iri("economic", fact.column[5:])))
    else:
        g.add((f, FKG.column, v.code_iri("columns", fact.column)))
    if fact.code:
        scheme = "economic" if fact.code.startswith("3") else "function"
        g.add((f, FKG.classification, v.code_iri(scheme, fact.code)))
        g.add((f, FKG.codeNotation, g.lit(fact.code)))
    if fact.line_item:
        g.add((f, FKG.lineItem, v.code_iri("line-items", fact.line_item)))
    if fact.is_total:
        g.add((f, FKG.isTotalRow, g.lit(True)))
    if fact.side:
        op = "revenue" if fact.side == "income" else "expenditure"
        g.add((f, OBEU.operationCharacter, OBEU[f"operationCharacter/{op}"]))
    if fact.project:
        g.add((f, FKG.project, v.project_iri(doc, fact.project)))
        g.add((v.project_iri(doc, fact.project), RDF.type, FKG.Project))
        g.add((v.project_iri(doc, fact.project), RDFS.label, g.lit(fact.project)))
        g.add((v.project_iri(doc, fact.project), FKG.document, doc))
    if fact.project_as_printed:
        g.add((f, FKG.projectNameAsPrinted, g.lit(fact.project_as_printed)))
    if fact.unit_code:
        g.add((f, FKG.unitCode, g.lit(fact.unit_code)))


def _claim(g: TripleSink, report: Report, doc: URIRef, index: int, claim: Claim) -> None:
    c = v.claim_iri(doc, claim.line, index)
    g.add((c, RDF.type, FKG.NarrativeClaim))
    g.add((c, FKG.document, doc))
    g.add((c, FKG.sourceLine, g.lit(claim.line)))
    g.add((c, FKG.sentence, g.lit(claim.sentence)))
    _place(g, c, claim.page, claim.bbox)
    g.add((c, OBEU.budgetPhase, PHASE[report.kind]))
    if claim.section:
        g.add((c, FKG.section, v.section_iri(doc, claim.section)))
    if claim.label:
        g.add((c, FKG.itemLabel, g.lit(claim.label)))
    if claim.raw:
        g.add((c, FKG.rawText, g.lit(claim.raw)))
    if claim.item:
        g.add((c, FKG.lineItem, v.code_iri("line-items", claim.item)))
    if claim.code:
        scheme = "economic" if claim.code.startswith("3") else "function"
        g.add((c, FKG.classification, v.code_iri(scheme, claim.code)))
        g.add((c, FKG.codeNotation, g.lit(claim.code)))
    if claim.amount is not None:
        g.add((c, FKG.amount, g.dec(claim.amount)))
        g.add((c, FKG.amountYuan, g.dec(yuan(claim.amount, claim.currency))))
        g.add((c, FKG.halfUnit, g.dec(rounding(claim.raw))))
        currency = CURRENCY_KEY.get(claim.currency, "wan-yuan")
        g.add((c, FKG.currencyUnit, v.code_iri("currency-units", currency)))
    if claim.share is not None:
        g.add((c, FKG.statedShare, g.dec(claim.share)))
    if claim.share_of:
        g.add((c, FKG.shareOf, v.code_iri("line-items", claim.share_of)))
    if claim.change is not None:
        g.add((c, FKG.statedChange, g.dec(claim.change)))
        g.add((c, FKG.statedChangeYuan, g.dec(yuan(claim.change, claim.currency))))
    if claim.growth_rate is not None:
        g.add((c, FKG.statedGrowthRate, g.dec(claim.growth_rate)))
    if claim.prior_amount is not None:
        g.add((c, FKG.statedPriorAmount, g.dec(claim.prior_amount)))
        g.add((c, FKG.statedPriorAmountYuan, g.dec(yuan(claim.prior_amount, claim.currency))))
        g.add((c, FKG.priorHalfUnit, g.dec(rounding(claim.prior_raw))))
    if claim.prior_raw:
        g.add((c, FKG.priorRawText, g.lit(claim.prior_raw)))
    if claim.basis:
        g.add((c, FKG.comparisonBasis, v.code_iri("comparison-bases", claim.basis)))


def _performance(g: TripleSink, report: Report, doc: URIRef, pt: PerformanceTable) -> None:
    t = v.performance_table_iri(doc, pt.line)
    g.add((t, RDF.type, FKG.PerformanceTable))
    g.add((t, FKG.document, doc))
    g.add((doc, FKG.hasPerformanceTable, t))
    g.add((t, FKG.performanceTableKind, v.code_iri("table-types", f"performance-{pt.kind}")))
    g.add((t, FKG.titleAsPrinted, g.lit(pt.title)))
    g.add((t, FKG.sourceLine, g.lit(pt.line)))
    g.add((t, FKG.endLine, g.lit(pt.end_line)))
    subject = None
    if pt.project:
        subject = v.project_iri(doc, pt.project)
        g.add((subject, RDF.type, FKG.Project))
        g.add((subject, RDFS.label, g.lit(pt.project)))
        g.add((subject, FKG.document, doc))
        g.add((t, FKG.project, subject))
    else:
        g.add((t, FKG.evaluatedUnit, v.unit_iri(report.unit_name)))
    if pt.unit_name:
        g.add((t, FKG.unitNameAsPrinted, g.lit(pt.unit_name)))
    if pt.project_as_printed:
        g.add((t, FKG.projectNameAsPrinted, g.lit(pt.project_as_printed)))
    if pt.budget is not None:
        g.add((t, FKG.budgetAmount, g.dec(pt.budget)))
    if pt.stated_total_score is not None:
        g.add((t, FKG.statedTotalScore, g.dec(pt.stated_total_score)))
    if pt.stated_total_weight is not None:
        g.add((t, FKG.statedTotalWeight, g.dec(pt.stated_total_weight)))
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
    g.add((i, FKG.sourceLine, g.lit(ind.line)))
    _place(g, i, ind.page, ind.bbox)
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
        (FKG.noteDirection, ind.note_direction),
        (FKG.unitNameAsPrinted, ind.unit_name),
    ):
        if value:
            g.add((i, prop, g.lit(value)))
    for prop, num in (
        (FKG.targetValue, ind.target_value),
        (FKG.weight, ind.weight),
        (FKG.actualValue, ind.actual_value),
        (FKG.score, ind.score),
        (FKG.noteActualValue, ind.note_actual),
        (FKG.noteTargetValue, ind.note_target),
        (FKG.goalValue, ind.goal_value),
    ):
        if num is not None:
            g.add((i, prop, g.dec(num)))
    if ind.unit_mismatch:
        g.add((i, FKG.unitMismatch, g.lit(True)))
    if ind.goal_line is not None:
        g.add((i, FKG.goalLine, g.lit(ind.goal_line)))
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
    g.add((f, FKG.sourceLine, g.lit(fl.line)))
    g.add((f, FKG.fundingLabel, g.lit(fl.label)))
    for prop, num in (
        (FKG.initialBudget, fl.initial_budget),
        (FKG.fullYearBudget, fl.full_year_budget),
        (FKG.executedAmount, fl.executed),
        (FKG.weight, fl.weight),
        (FKG.executionRate, fl.execution_rate),
        (FKG.score, fl.score),
    ):
        if num is not None:
            g.add((f, prop, g.dec(num)))
