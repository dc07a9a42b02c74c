"""Measure the store choices: ``python -m bench.measure_store [--triples N]``.

Prints, for synthetic report-shaped data (amount facts in tables in named
graphs, one per document):

* pyoxigraph on disk: bulk load of N triples, one GROUP BY over them;
* pyoxigraph on disk: one report-sized graph written with ``put_report``
  (new graph, unchanged reload, changed reload) and, for comparison, with a
  staging graph + SPARQL ``MOVE``;
* rdflib in memory vs pyoxigraph in memory on a smaller size: load + the
  same GROUP BY;
* ``put_report`` of each bundled sample report, when the loaders can load them.

Numbers depend on the machine; the docs quote a run on the 2-core reference box.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from fiscal_kg.store import OxigraphStore

FKG = "https://w3id.org/fiscal-kg/def#"
QB = "http://purl.org/linked-data/cube#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ID = "https://w3id.org/fiscal-kg/id/doc/"
CODE = "https://w3id.org/fiscal-kg/code/"
FACTS_PER_DOC = 200
TRIPLES_PER_FACT = 10  # + 3 per document

GROUP_BY = f"""PREFIX fkg: <{FKG}>
SELECT ?year ?class (SUM(?amount) AS ?total) (COUNT(?f) AS ?facts) WHERE {{
  ?f fkg:document ?doc ; fkg:codeNotation ?code ; fkg:amount ?amount ;
     fkg:column <{CODE}columns/total> .
  ?doc fkg:fiscalYear ?year .
  BIND(SUBSTR(?code, 1, 3) AS ?class)
}} GROUP BY ?year ?class ORDER BY ?year ?class"""

_CODES = ["2080109", "2080505", "2101101", "2210201", "2013101", "2050201", "2120101"]
_COLUMNS = ["total", "basic", "project", "general-public-budget"]


def synthetic_triples(docs: int) -> Iterator[tuple[str, str, str, object, str | None]]:
    """(graph, subject, predicate, value, kind) rows: kind "iri", "int", "dec", "str"."""
    for d in range(docs):
        doc = f"{ID}{d:06x}/{2020 + d % 5}/budget"
        yield doc, doc, RDF_TYPE, FKG + "FiscalDocument", "iri"
        yield doc, doc, FKG + "fiscalYear", 2020 + d % 5, "int"
        yield doc, doc, FKG + "unit", f"https://w3id.org/fiscal-kg/id/unit/{d:06x}", "iri"
        for n in range(FACTS_PER_DOC):
            fact = f"{doc}/cell/{100 + n // 4}-{n % 4}"
            code = _CODES[n % len(_CODES)]
            amount = Decimal(n * 7919 % 100000) / 100
            yield doc, fact, RDF_TYPE, FKG + "AmountFact", "iri"
            yield doc, fact, QB + "dataSet", f"{doc}/table/{1 + n // 50}", "iri"
            yield doc, fact, FKG + "document", doc, "iri"
            yield doc, fact, FKG + "amount", amount, "dec"
            yield doc, fact, FKG + "amountYuan", amount * 10000, "dec"
            yield doc, fact, FKG + "codeNotation", code, "str"
            yield doc, fact, FKG + "column", f"{CODE}columns/{_COLUMNS[n % 4]}", "iri"
            yield doc, fact, FKG + "sourceLine", 100 + n // 4, "int"
            yield doc, fact, FKG + "rowLabel", f"社会保险经办机构{n % 13}", "str"
            yield doc, fact, FKG + "rawText", str(amount), "str"


def _ox_object(value: object, kind: str | None) -> ox.NamedNode | ox.Literal:
    if kind == "iri":
        return ox.NamedNode(str(value))
    if kind == "int":
        return ox.Literal(str(value), datatype=ox.NamedNode(str(XSD.integer)))
    if kind == "dec":
        return ox.Literal(str(value), datatype=ox.NamedNode(str(XSD.decimal)))
    return ox.Literal(str(value))


def ox_quads(docs: int) -> Iterator[ox.Quad]:
    for g, s, p, o, kind in synthetic_triples(docs):
        yield ox.Quad(ox.NamedNode(s), ox.NamedNode(p), _ox_object(o, kind), ox.NamedNode(g))


def rdflib_dataset(docs: int) -> Dataset:
    ds = Dataset(default_union=True)  # like use_default_graph_as_union
    for g, s, p, o, kind in synthetic_triples(docs):
        if kind == "iri":
            obj = URIRef(str(o))
        elif kind == "int":
            obj = Literal(o, datatype=XSD.integer)
        elif kind == "dec":
            obj = Literal(o, datatype=XSD.decimal)
        else:
            obj = Literal(str(o))
        ds.add((URIRef(s), URIRef(p), obj, URIRef(g)))
    return ds


def docs_for(triples: int) -> int:
    return max(1, triples // (FACTS_PER_DOC * TRIPLES_PER_FACT + 3))


def _timed(label: str, func, *args):
    start = time.perf_counter()
    value = func(*args)
    seconds = time.perf_counter() - start
    return seconds, value


def measure_bulk(directory: Path, triples: int) -> None:
    docs = docs_for(triples)
    count = docs * (FACTS_PER_DOC * TRIPLES_PER_FACT + 3)
    store = ox.Store(str(directory / "bulk"))
    seconds, _ = _timed("bulk", store.bulk_extend, ox_quads(docs))
    print(f"pyoxigraph on disk, bulk_extend {count:,} triples: {seconds:.1f} s "
          f"({count / seconds:,.0f} triples/s)")  # fmt: skip
    def group_by() -> list:
        return list(store.query(GROUP_BY, use_default_graph_as_union=True))

    seconds, rows = _timed("q", group_by)
    print(f"pyoxigraph on disk, GROUP BY over {count:,} triples: {seconds:.2f} s "
          f"({len(rows)} groups)")  # fmt: skip
    seconds, rows = _timed("q", group_by)
    print(f"  same query again (warm cache): {seconds:.2f} s")
    du = sum(f.stat().st_size for f in (directory / "bulk").rglob("*") if f.is_file())
    print(f"  store size on disk: {du / 2**20:,.0f} MiB ({du / count:.0f} bytes/triple)")


def measure_report_writes(directory: Path) -> None:
    """One report-sized graph: put_report vs a staging graph + MOVE."""
    from fiscal_kg.store import from_ox

    quads = list(ox_quads(1))
    graph_iri = quads[0].graph_name.value
    from rdflib import Graph

    graph = Graph()
    for q in quads:
        graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    n = len(graph)
    with OxigraphStore(directory / "put") as store:
        seconds, _ = _timed("new", store.put_report, graph_iri, graph)
        print(f"put_report, new graph of {n:,} triples: {seconds * 1000:.0f} ms")
        seconds, _ = _timed("same", store.put_report, graph_iri, graph)
        print(f"put_report, same graph again (diff is empty): {seconds * 1000:.0f} ms")
        changed = Graph()
        for s, p, o in graph:
            bump = str(p) == FKG + "amount"
            changed.add((s, p, Literal(o.toPython() + 1, datatype=XSD.decimal) if bump else o))
        seconds, _ = _timed("changed", store.put_report, graph_iri, changed)
        print(f"put_report, 1/10 of the triples changed: {seconds * 1000:.0f} ms")
        staging = ox.NamedNode(graph_iri + "#staging")
        target = ox.NamedNode(graph_iri)
        start = time.perf_counter()
        store.add_quads(ox.Quad(q.subject, q.predicate, q.object, staging) for q in quads)
        store.update(f"DROP SILENT GRAPH {target} ; MOVE SILENT GRAPH {staging} TO GRAPH {target}")
        seconds = time.perf_counter() - start
        print(f"staging graph + MOVE (the alternative): {seconds * 1000:.0f} ms")


def measure_in_memory(triples: int) -> None:
    docs = docs_for(triples)
    seconds, ds = _timed("rdflib", rdflib_dataset, docs)
    count = len(ds)
    print(f"rdflib in memory, add {count:,} triples: {seconds:.1f} s")
    seconds, rows = _timed("q", lambda: list(ds.query(GROUP_BY)))
    print(f"rdflib in memory, GROUP BY (default graph = union): {seconds:.2f} s "
          f"({len(rows)} groups)")  # fmt: skip
    mem = ox.Store()
    seconds, _ = _timed("ox", mem.extend, ox_quads(docs))
    print(f"pyoxigraph in memory, extend {count:,} triples: {seconds:.2f} s")
    seconds, rows = _timed("q", lambda: list(mem.query(GROUP_BY, use_default_graph_as_union=True)))
    print(f"pyoxigraph in memory, GROUP BY: {seconds:.3f} s ({len(rows)} groups)")


def measure_samples(directory: Path) -> None:
    try:
        from loaders.pipeline import build_graph, load_report
        from loaders.resources import resource_dir
        from loaders.vocab import report_document_iri
    except ImportError as exc:
        print(f"samples: loaders not available ({exc})")
        return
    paths = sorted((resource_dir("samples") / "reports").glob("*.txt"))
    with OxigraphStore(directory / "samples") as store:
        for path in paths:
            try:
                start = time.perf_counter()
                report = load_report(path)
                parsed = time.perf_counter()
                graph = build_graph(report)
                built = time.perf_counter()
            except Exception as exc:  # measuring, not loading: report and go on
                print(f"{path.name}: cannot load ({type(exc).__name__}: {exc})")
                continue
            iri = str(report_document_iri(report))
            store.put_report(iri, graph)
            stored = time.perf_counter()
            store.put_report(iri, graph)
            again = time.perf_counter()
            print(f"{path.name}: {len(graph):,} triples; parse {1000 * (parsed - start):.0f} ms, "
                  f"build graph {1000 * (built - parsed):.0f} ms, "
                  f"put_report {1000 * (stored - built):.0f} ms, "
                  f"reload unchanged {1000 * (again - stored):.0f} ms")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.measure_store")
    parser.add_argument("--triples", type=int, default=2_000_000, help="bulk size (pyoxigraph)")
    parser.add_argument(
        "--small", type=int, default=200_000, help="size for rdflib vs pyoxigraph in memory"
    )
    parser.add_argument("--dir", type=Path, default=None, help="scratch folder (default: temp)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        directory = Path(scratch)
        measure_bulk(directory, args.triples)
        measure_report_writes(directory)
        measure_in_memory(args.small)
        measure_samples(directory)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
