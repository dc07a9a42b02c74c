"""The rule data graph: declarative tables the shapes read (shapes/data/) plus closures.

SHACL-SPARQL constraints see only the data graph, so the small declarative tables they need
(column axes, sum identities, restatements, table ties, mandatory items) are added to the data:
into the store as graph ``RULES_GRAPH`` for the fast path, merged into the data graph for pyshacl.
Two things are derived here rather than written by hand, both mechanically from the code lists:
``fkg:rollsUpTo`` (the transitive closure of skos:broader of the column and line-item code lists,
plus fkg:sumsInto, minus fkg:subsetOnly links) and the reflexive ``fkg:restatedBy`` of line items.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from loaders.resources import resource_dir
from loaders.vocab import CODE, FKG, GRAPH

RULES_GRAPH = GRAPH["rules"]  # proposed for loaders.vocab; kept here until it lands
SUMMED_SCHEMES = ("columns", "line-items")  # code lists whose skos:broader means "adds up to"
FKGS = Namespace("https://w3id.org/fiscal-kg/shapes#")


def data_dir() -> Path:
    return resource_dir("shapes") / "data"


def codes_graph() -> Graph:
    g = Graph()
    for path in sorted((resource_dir("ontology") / "codes").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=1)
def rule_data() -> Graph:
    """The rule data graph (parsed once per process; callers must not modify it)."""
    g = Graph()
    for path in sorted(data_dir().glob("*.ttl")):
        g.parse(path, format="turtle")
    _mandatory_items(g, data_dir() / "mandatory-items.csv")
    codes = codes_graph()
    _closure(g, codes)
    for concept in codes.subjects(SKOS.inScheme, CODE["line-items"]):
        g.add((concept, FKG.restatedBy, concept))
    return g


def _closure(g: Graph, codes: Graph) -> None:
    parents: dict[URIRef, set[URIRef]] = {}
    subset = set(g.subject_objects(FKG.subsetOnly))
    for scheme in SUMMED_SCHEMES:
        prefix = str(CODE[scheme]) + "/"
        for child, parent in codes.subject_objects(SKOS.broader):
            if str(child).startswith(prefix) and (child, parent) not in subset:
                parents.setdefault(child, set()).add(parent)  # type: ignore[arg-type]
    for child, parent in g.subject_objects(FKG.sumsInto):
        parents.setdefault(child, set()).add(parent)  # type: ignore[arg-type]
    for child in list(parents):
        seen: set[URIRef] = set()
        todo = list(parents[child])
        while todo:
            node = todo.pop()
            if node in seen or node == child:
                continue
            seen.add(node)
            todo.extend(parents.get(node, ()))
        for ancestor in seen:
            g.add((child, FKG.rollsUpTo, ancestor))


def _mandatory_items(g: Graph, path: Path) -> None:
    """shapes/data/mandatory-items.csv → fkg:MandatoryItem nodes (one per kind and item)."""
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            node = FKGS[f"mandatory-{row['kind']}-{row['item']}"]
            g.add((node, RDF.type, FKG.MandatoryItem))
            g.add((node, FKG.documentKind, CODE[f"document-kinds/{row['kind']}"]))
            g.add((node, FKG.itemKey, Literal(row["item"])))
            g.add((node, FKG.title, Literal(row["title_zh"], lang="zh")))
            g.add((node, FKG.level, Literal(row["level"])))
            kind, _, arg = row["evidence"].partition(":")
            if kind == "table":
                g.add((node, FKG.evidenceTableType, CODE[f"table-types/{arg}"]))
            elif kind == "item":
                g.add((node, FKG.evidenceLineItem, CODE[f"line-items/{arg}"]))
            elif kind == "section":
                g.add((node, FKG.evidenceSectionPattern, Literal(arg)))
            elif kind == "performance":
                g.add((node, FKG.evidencePerformance, Literal(True, datatype=XSD.boolean)))
                g.add((node, FKG.evidenceSectionPattern, Literal(arg)))
            else:
                raise ValueError(f"{path}: unknown evidence {row['evidence']!r}")
