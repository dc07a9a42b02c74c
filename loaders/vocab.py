"""Namespaces and IRI minting: the one place that decides what an IRI looks like.

IRIs are deterministic: they are derived from what the report says (unit
name, scope, year, kind, line numbers), never from counters or clocks, so loading
the same report twice gives the same graph.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rdflib import Namespace, URIRef

from loaders.text import match_key

BASE = "https://w3id.org/fiscal-kg/"

FKG = Namespace(BASE + "def#")  # ontology terms
CODE = Namespace(BASE + "code/")  # code-list concepts: CODE[f"function/{notation}"]
ID = Namespace(BASE + "id/")  # instance data
GRAPH = Namespace(BASE + "graph/")  # named graphs other than report graphs

QB = Namespace("http://purl.org/linked-data/cube#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OBEU = Namespace("http://data.openbudgets.eu/ontology/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
CODES_GRAPH = GRAPH["codes"]
DIVISIONS_GRAPH = GRAPH["divisions"]
VALIDATION_GRAPH = GRAPH["validation"]
LINKS_GRAPH = GRAPH["links"]

KIND_SLUG = {"budget": "budget", "final-account": "final"}
SCOPE_UNSTATED = "unstated"  # IRI segment of a report that states no scope (部门/单位)


def short_hash(text: str, length: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def code_iri(scheme: str, key: str) -> URIRef:
    """A code-list concept, e.g. code_iri("function", "2080109")."""
    return CODE[f"{scheme}/{key}"]


def unit_iri(unit_name: str) -> URIRef:
    return ID[f"unit/{short_hash(match_key(unit_name))}"]


def document_iri(unit_name: str, year: int, kind: str, scope: str | None) -> URIRef:
    """Also the IRI of the report's named graph: a document is its unit, scope, year and kind
    (a department and its own unit publish separate reports for the same year). ``scope`` is a
    key of ontology/codes/document-scopes.ttl, or None when the report does not state it: then
    the segment is ``unstated``, never a guess, so such a report never replaces a stated one."""
    return ID[f"doc/{short_hash(match_key(unit_name))}/{year}/{scope or SCOPE_UNSTATED}/"
              f"{KIND_SLUG.get(kind, kind)}"]


def report_document_iri(report: Any) -> URIRef:
    """``document_iri`` of a loaded report (``loaders.model.Report`` or anything with its
    unit_name, fiscal_year, kind and scope)."""
    return document_iri(report.unit_name, report.fiscal_year, report.kind, report.scope)


def table_iri(doc: URIRef, index: int) -> URIRef:
    return URIRef(f"{doc}/table/{index}")


def column_iri(table: URIRef, col_index: int) -> URIRef:
    return URIRef(f"{table}/column/{col_index}")


def fact_iri(doc: URIRef, line: int, col_index: int) -> URIRef:
    return URIRef(f"{doc}/cell/{line}-{col_index}")


def claim_iri(doc: URIRef, line: int, index: int) -> URIRef:
    return URIRef(f"{doc}/claim/{line}-{index}")


def section_iri(doc: URIRef, key: str) -> URIRef:
    return URIRef(f"{doc}/section/{key}")


def project_iri(doc: URIRef, name: str) -> URIRef:
    return URIRef(f"{doc}/project/{short_hash(match_key(name))}")


def performance_table_iri(doc: URIRef, line: int) -> URIRef:
    return URIRef(f"{doc}/performance/{line}")


def indicator_iri(doc: URIRef, line: int) -> URIRef:
    return URIRef(f"{doc}/indicator/{line}")


def funding_line_iri(doc: URIRef, line: int) -> URIRef:
    return URIRef(f"{doc}/funding/{line}")


def division_iri(code: str) -> URIRef:
    return ID[f"division/{code}"]
