"""The OWL ontology (ontology/*.ttl): reasoner-consistent, documented, and complete
for every term the RDF builder writes."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import owlready2
import pytest
from ontology_fixtures import CODES_DIR, ONTOLOGY_DIR, REPO, ontology_graph, report_graphs
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from loaders.vocab import FKG, OBEU, QB

FKG_NS = str(FKG)
# a plain Namespace: rdflib's closed XSD namespace warns when pytest probes its attributes
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
RDF_PY = REPO / "loaders" / "rdf.py"
TABLE_TYPES = CODES_DIR / "table-types.ttl"


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def _reason(graph: Graph, *, ignore_unsupported_datatypes: bool = False) -> owlready2.World:
    """Load ``graph`` into a fresh owlready2 world (via N-Triples) and run HermiT."""
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "graph.nt"
        graph.serialize(nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        ontology = world.get_ontology(nt.as_uri()).load(format="ntriples")
        with ontology:
            owlready2.sync_reasoner_hermit(
                world,
                infer_property_values=False,
                debug=0,
                ignore_unsupported_datatypes=ignore_unsupported_datatypes,
            )
        return world


def _table_type_keys() -> list[str]:
    g = Graph().parse(TABLE_TYPES, format="turtle")
    prefix = "https://w3id.org/fiscal-kg/code/table-types/"
    return sorted(str(c)[len(prefix):] for c in g.subjects(RDF.type, SKOS.Concept))


def _builder_terms() -> set[str]:
    """Local names of every FKG term loaders/rdf.py writes, f-string names expanded."""
    source = RDF_PY.read_text(encoding="utf-8")
    names = set(re.findall(r"\bFKG\.([A-Za-z_][A-Za-z0-9_]*)", source))
    names |= set(re.findall(r'\bFKG\["([^"{}]+)"\]', source))
    for prefix in re.findall(r'\bFKG\[f"([^"{]*)\{', source):
        if prefix == "dsd-":
            names |= {f"dsd-{key}" for key in _table_type_keys()}
        elif prefix == "level":
            # for level, name in ((1, ind.level1), (2, ind.level2))
            levels = re.findall(r"\((\d), ind\.level\d\)", source)
            assert levels, "cannot find the indicator levels the builder iterates"
            names |= {f"level{n}" for n in levels}
        else:
            raise AssertionError(f"rdf.py builds FKG[f'{prefix}{{…}}']: teach this test its values")
    return names


def test_ontology_header(onto: Graph) -> None:
    header = URIRef("https://w3id.org/fiscal-kg/def")
    assert (header, RDF.type, OWL.Ontology) in onto
    langs = {lit.language for lit in onto.objects(header, RDFS.label)}
    assert {"zh", "en"} <= langs
    assert (header, SKOS.definition, None) in onto


def test_hermit_ontology_is_consistent() -> None:
    """ontology/*.ttl alone: HermiT finds it consistent and no class unsatisfiable."""
    g = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    world = _reason(g)
    assert list(world.inconsistent_classes()) == []
    names = {c.iri for c in world.classes()}
    assert FKG_NS + "AmountFact" in names and FKG_NS + "BudgetUnit" in names


def test_hermit_report_data_is_consistent_with_ontology() -> None:
    """Builder output + ontology: every literal fits its declared range, no class clash.

    dcterms:issued carries xsd:date, which is outside the OWL 2 datatype map, so
    HermiT is told to ignore unsupported datatypes here.
    """
    g = ontology_graph() + report_graphs()
    world = _reason(g, ignore_unsupported_datatypes=True)
    assert list(world.inconsistent_classes()) == []


@pytest.mark.parametrize(
    "triples",
    [
        # a document that is also a budget unit (the core classes are disjoint)
        [(FKG.FiscalDocument, FKG.BudgetUnit)],
        # a fiscal year written as a string (range xsd:integer)
        [(FKG.fiscalYear, Literal("2023"))],
    ],
    ids=["disjoint-classes", "datatype-range"],
)
def test_hermit_detects_inconsistent_data(triples) -> None:
    """The consistency test above has teeth: bad data makes HermiT fail."""
    g = ontology_graph()
    node = URIRef("https://w3id.org/fiscal-kg/id/test/bad")
    for first, second in triples:
        if isinstance(second, Literal):
            g.add((node, first, second))
        else:
            g.add((node, RDF.type, first))
            g.add((node, RDF.type, second))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(g)


def test_every_fkg_term_has_zh_en_label_and_definition(onto: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {s for k in kinds for s in onto.subjects(RDF.type, k) if str(s).startswith(FKG_NS)}
    assert len(terms) >= 100
    problems = []
    for term in sorted(terms):
        langs = {lit.language for lit in onto.objects(term, RDFS.label)}
        if not {"zh", "en"} <= langs:
            problems.append(f"{term}: labels {langs}")
        if not any(onto.objects(term, SKOS.definition)) and not any(
            onto.objects(term, RDFS.comment)
        ):
            problems.append(f"{term}: no definition")
    assert problems == []


def test_every_builder_term_is_declared(onto: Graph) -> None:
    declared = {str(s)[len(FKG_NS):] for s in onto.subjects() if str(s).startswith(FKG_NS)}
    used = _builder_terms()
    assert {"AmountFact", "sourceLine", "level1", "level2", "dsd-gpb-expenditure"} <= used
    assert sorted(used - declared) == []


def test_builder_classes_and_properties_have_the_right_kind(onto: Graph) -> None:
    for name in _builder_terms():
        term = FKG[name]
        if name.startswith("dsd-"):
            assert (term, RDF.type, QB.DataStructureDefinition) in onto, name
        elif name[0].isupper():
            assert (term, RDF.type, OWL.Class) in onto, name
        else:
            kinds = set(onto.objects(term, RDF.type))
            assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, name


def test_obeu_terms_the_builder_writes_are_declared(onto: Graph) -> None:
    source = RDF_PY.read_text(encoding="utf-8")
    assert "OBEU.budgetPhase" in source and "OBEU.operationCharacter" in source
    for prop in (OBEU.budgetPhase, OBEU.operationCharacter):
        assert (prop, RDF.type, OWL.ObjectProperty) in onto
        assert (prop, RDFS.subPropertyOf, None) in onto
    for value in ("budgetPhase/approved", "budgetPhase/executed",
                  "operationCharacter/revenue", "operationCharacter/expenditure"):
        assert (OBEU[value], RDF.type, SKOS.Concept) in onto
        assert (OBEU[value], SKOS.exactMatch, None) in onto


def test_linking_and_validation_terms_are_declared(onto: Graph) -> None:
    for cls in ("AdministrativeDivision",):
        assert (FKG[cls], RDF.type, OWL.Class) in onto
    assert (FKG.servesDivision, RDFS.range, FKG.AdministrativeDivision) in onto
    assert (FKG.divisionCode, RDFS.range, XSD.string) in onto
    assert (FKG.divisionLevel, RDF.type, OWL.ObjectProperty) in onto
    for name in ("ruleId", "expectedValue", "foundValue", "difference"):
        assert (FKG[name], RDF.type, OWL.DatatypeProperty) in onto, name
    for name in ("validFrom", "validTo"):
        assert (FKG[name], RDFS.range, XSD.gYear) in onto


@pytest.mark.parametrize(
    ("prop", "datatype"),
    [
        (FKG.amount, XSD.decimal),
        (FKG.amountYuan, XSD.decimal),
        (FKG.sourceLine, XSD.integer),
        (FKG.columnIndex, XSD.integer),
        (FKG.fiscalYear, XSD.integer),
        (FKG.weight, XSD.decimal),
        (FKG.isTotalRow, XSD.boolean),
        (FKG.authorizedStaff, XSD.integer),
    ],
)
def test_datatype_ranges(onto: Graph, prop: URIRef, datatype: URIRef) -> None:
    assert (prop, RDF.type, OWL.DatatypeProperty) in onto
    assert list(onto.objects(prop, RDFS.range)) == [datatype]


def test_reused_w3c_vocabularies(onto: Graph) -> None:
    assert (FKG.AmountFact, RDFS.subClassOf, QB.Observation) in onto
    assert (FKG.DisclosureTable, RDFS.subClassOf, QB.DataSet) in onto
    org = "http://www.w3.org/ns/org#"
    prov = "http://www.w3.org/ns/prov#"
    assert (FKG.BudgetUnit, RDFS.subClassOf, URIRef(org + "FormalOrganization")) in onto
    assert (FKG.FiscalDocument, RDFS.subClassOf, URIRef(prov + "Entity")) in onto
    assert (FKG.classification, RDFS.subPropertyOf,
            URIRef("http://data.openbudgets.eu/ontology/dsd/dimension/classification")) in onto


def test_domains_and_ranges_refer_to_declared_classes(onto: Graph) -> None:
    classes = set(onto.subjects(RDF.type, OWL.Class))
    builtin = {RDFS.Literal}
    problems = []
    for prop_kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in onto.subjects(RDF.type, prop_kind):
            if not str(prop).startswith(FKG_NS):
                continue
            for pred in (RDFS.domain, RDFS.range):
                for target in onto.objects(prop, pred):
                    members = list(onto.items(onto.value(target, OWL.unionOf))) or [target]
                    for m in members:
                        known = m in classes or m in builtin or str(m).startswith(str(XSD))
                        if not known:
                            problems.append(f"{prop} {pred} {m}")
    assert problems == []


def test_one_structure_per_table_type(onto: Graph) -> None:
    keys = _table_type_keys()
    assert "gpb-expenditure" in keys and "income-expenditure-summary" in keys
    for key in keys:
        dsd = FKG[f"dsd-{key}"]
        assert (dsd, RDF.type, QB.DataStructureDefinition) in onto, key
        props = {
            (kind, onto.value(spec, kind))
            for spec in onto.objects(dsd, QB.component)
            for kind in (QB.dimension, QB.measure, QB.attribute)
            if onto.value(spec, kind) is not None
        }
        dims = {p for k, p in props if k == QB.dimension}
        measures = {p for k, p in props if k == QB.measure}
        attrs = {p for k, p in props if k == QB.attribute}
        assert dims == {FKG.sourceLine, FKG.columnIndex, FKG.column}, key
        assert measures == {FKG.amount, FKG.amountYuan}, key
        assert {FKG.classification, FKG.lineItem, FKG.currencyUnit, OBEU.budgetPhase} <= attrs


def test_component_properties_are_typed_for_data_cube(onto: Graph) -> None:
    for dim in (FKG.sourceLine, FKG.columnIndex, FKG.column):
        assert (dim, RDF.type, QB.DimensionProperty) in onto
        assert (dim, RDFS.range, None) in onto  # IC-4
    assert (FKG.column, QB.codeList, URIRef("https://w3id.org/fiscal-kg/code/columns")) in onto
    for measure in (FKG.amount, FKG.amountYuan):
        assert (measure, RDF.type, QB.MeasureProperty) in onto
    for spec in onto.subjects(QB.componentRequired, Literal(False)):
        assert (onto.value(spec, QB.attribute), RDF.type, QB.AttributeProperty) in onto  # IC-6
