"""``fiscal-kg export``: the store as RDF (Turtle, N-Quads, JSON-LD) or as CSV tables.

The CSV exports are SPARQL queries over the store (``queries/export/*.rq``), so they work the
same on the embedded store and on a remote endpoint. ``csv`` has one row per amount
fact and one per narrative claim; ``indicators-csv`` one row per performance
indicator.
"""

from __future__ import annotations

import csv
from typing import IO

import pyoxigraph as ox

from fiscal_kg.query import QueryResult
from fiscal_kg.store import OxigraphStore, Store
from loaders.rdf import CURRENCY_KEY
from loaders.resources import resource_dir

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
RDFLIB_FORMATS = {"ttl": "turtle", "nq": "nquads", "jsonld": "json-ld"}
PREFIXES = {
    "fkg": "https://w3id.org/fiscal-kg/def#",
    "code": "https://w3id.org/fiscal-kg/code/",
    "id": "https://w3id.org/fiscal-kg/id/",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
CURRENCY_LABEL = {key: label for label, key in CURRENCY_KEY.items()}  # wan-yuan → 万元

FACT_COLUMNS = [
    "document", "table", "code", "label", "column", "amount", "unit", "source_line",
    "kind", "line_item", "raw", "column_header", "amount_yuan", "share", "change",
    "budget_unit", "fiscal_year", "document_kind", "page", "bbox",
]  # fmt: skip

INDICATOR_COLUMNS = [
    "document", "budget_unit", "fiscal_year", "performance_table", "project", "level1",
    "level2", "level3", "target_operator", "target_value", "target_unit", "target_text",
    "weight", "actual", "actual_value", "actual_unit", "score", "source_line",
]  # fmt: skip

def export_query(name: str) -> str:
    """The SPARQL of a CSV export: ``queries/export/NAME.rq``."""
    return (resource_dir("queries") / "export" / f"{name}.rq").read_text(encoding="utf-8")


def _text(term: object) -> str:
    return "" if term is None else str(term)


def _rows(result: QueryResult) -> list[dict[str, str]]:
    return [{k: _text(v) for k, v in row.items()} for row in result.dicts()]


def export_facts_csv(store: Store, out: IO[str]) -> int:
    """One row per amount fact and per narrative claim; returns the row count."""
    writer = csv.writer(out)
    writer.writerow(FACT_COLUMNS)
    rows = _rows(store.query(export_query("facts-and-claims")))
    for r in rows:
        currency = r["currency"].rsplit("/", 1)[-1]
        writer.writerow([
            r["document"], r["table"], r["code"], r["label"], r["column"], r["amount"],
            CURRENCY_LABEL.get(currency, currency), r["line"], r["kind"], r["lineItem"],
            r["raw"], r["header"], r["amountYuan"], r["share"], r["change"],
            r["unitName"], r["year"], r["docKind"], r["page"], r["bbox"],
        ])  # fmt: skip
    return len(rows)


def export_indicators_csv(store: Store, out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(INDICATOR_COLUMNS)
    rows = _rows(store.query(export_query("indicators")))
    for r in rows:
        writer.writerow([
            r["document"], r["unitName"], r["year"], r["tableTitle"], r["project"],
            r["level1"], r["level2"], r["level3"], r["targetOperator"], r["targetValue"],
            r["targetUnit"], r["targetText"], r["weight"], r["actual"], r["actualValue"],
            r["actualUnit"], r["score"], r["line"],
        ])  # fmt: skip
    return len(rows)


def export_rdf(store: Store, fmt: str, out: IO[bytes], graph_iri: str | None = None) -> None:
    """The dataset (N-Quads, JSON-LD) or the merge of its graphs (Turtle) to ``out``.

    Turtle has no named graphs, so ``ttl`` writes the union of all graphs
    (or the one graph ``graph_iri``); ``nq`` and ``jsonld`` keep the graphs.
    """
    if isinstance(store, OxigraphStore):
        raw = store.raw
        if graph_iri or fmt != "ttl":
            from_graph = ox.NamedNode(graph_iri) if graph_iri else None
            kwargs = {"prefixes": PREFIXES} if fmt == "ttl" else {}
            raw.dump(out, RDF_FORMATS[fmt], from_graph=from_graph, **kwargs)
            return
        merged = ox.Store()  # in memory: the union as one default graph
        merged.extend(ox.Quad(q.subject, q.predicate, q.object) for q in raw)
        merged.dump(out, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
        return
    dataset = store.dataset()  # RemoteStore
    if graph_iri:
        graph = dataset.graph(graph_iri)
        out.write(graph.serialize(format=RDFLIB_FORMATS[fmt]).encode("utf-8"))
        return
    if fmt == "ttl":
        from rdflib import Graph

        merged_graph = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            merged_graph.add((s, p, o))
        for prefix, ns in PREFIXES.items():
            merged_graph.bind(prefix, ns)
        out.write(merged_graph.serialize(format="turtle").encode("utf-8"))
        return
    out.write(dataset.serialize(format=RDFLIB_FORMATS[fmt]).encode("utf-8"))
