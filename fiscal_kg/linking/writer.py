"""Linking the units of a store: each resolved, its division's Wikidata item found (kept from an
earlier run, hand-checked, or looked up), and ``fkg:servesDivision`` links and the divisions
written into their named graphs (``LINKS_GRAPH``, ``DIVISIONS_GRAPH``) in one transaction
(``Store.change``), on any store: the embedded one, or a remote one (``fiscal-kg link
--endpoint URL --update-endpoint URL``: the units are read and the graphs written through SPARQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from fiscal_kg.divisions import (
    divisions_graph,
    wikidata_table,
    with_parents,
)
from fiscal_kg.linking.resolver import AMBIGUOUS, Resolution, resolve
from fiscal_kg.linking.wikidata import lookup_wikidata
from fiscal_kg.queries import inject_values, queries_dir, read_query
from fiscal_kg.store import OxigraphStore, Store, graph_quads
from loaders.vocab import DIVISIONS_GRAPH, FKG, LINKS_GRAPH, WD, division_iri


def _query(name: str) -> str:
    """One of the linking queries (``queries/link/NAME.rq``)."""
    return read_query(queries_dir() / "link" / f"{name}.rq").text


@dataclass
class LinkResult:
    unit: str  # unit IRI
    unit_name: str
    year: int | None
    resolution: Resolution
    wikidata: str | None = None  # item id, e.g. "Q668353"
    wikidata_note: str = ""

    @property
    def status(self) -> str:
        return self.resolution.status

    HEADER = "unit\tdivision code\tdivision\tlevel\tWikidata item (or why not linked)"

    def line(self) -> str:
        """One printable line: name, code, division, level, Wikidata item or why not linked
        (tab-separated, under ``HEADER``)."""
        r = self.resolution
        if r.linked:
            item = self.wikidata or f"no Wikidata item ({self.wikidata_note or 'not looked up'})"
            return f"{self.unit_name}\t{r.code}\t{r.name}\t{r.level}\t{item}"
        return f"{self.unit_name}\t{r.status}: {r.reason}"


def _year(term: ox.Literal | None) -> int | None:
    if term is None:
        return None
    m = re.match(r"-?\d{4}", term.value)
    return int(m.group()) if m else None


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _units(store: Store) -> list[tuple[str, str, int | None]]:
    """(unit IRI, Chinese name, latest fiscal year) for every budget unit."""
    names: dict[str, list[str]] = {}
    years: dict[str, set[int]] = {}
    for row in store.select(_query("units")):
        unit = row["unit"].value  # type: ignore[union-attr]
        names.setdefault(unit, [])
        if row["name"].value not in names[unit]:  # type: ignore[union-attr]
            names[unit].append(row["name"].value)  # type: ignore[union-attr]
        year = _year(row["year"])  # type: ignore[arg-type]
        if year is not None:
            years.setdefault(unit, set()).add(year)
    out = []
    for unit, labels in sorted(names.items()):
        name = next((n for n in sorted(labels) if _has_cjk(n)), sorted(labels)[0])
        out.append((unit, name, max(years[unit]) if unit in years else None))
    return out


def _context(store: Store, unit: str) -> str:
    query = inject_values(_query("unit-context"), {"unit": ox.NamedNode(unit)})
    return "\n".join(row["text"].value for row in store.select(query))  # type: ignore[union-attr]


def _previous_items(store: Store) -> dict[str, str]:
    """owl:sameAs items an earlier run found, so re-linking offline keeps them."""
    rows = store.select(_query("previous-items"))
    return {
        r["code"].value: r["item"].value[len(str(WD)) :]  # type: ignore[union-attr]
        for r in rows
        if r["item"].value.startswith(str(WD))  # type: ignore[union-attr]
    }


def link_store(store: Store | ox.Store, wikidata_endpoint: str | None = None
               ) -> list[LinkResult]:
    """Resolve every budget unit in ``store`` and (re)write LINKS_GRAPH and DIVISIONS_GRAPH.

    With ``wikidata_endpoint`` (a SPARQL endpoint URL such as
    https://query.wikidata.org/sparql) divisions without a hand-checked item
    are looked up by P442. Returns one result per unit, in unit IRI order. A bare pyoxigraph
    store (tests, measurements) is used through ``OxigraphStore.of``.
    """
    if isinstance(store, ox.Store):
        store = OxigraphStore.of(store)
    results: list[LinkResult] = []
    for unit, name, year in _units(store):
        res = resolve(name, year)
        if res.status == AMBIGUOUS:
            res = resolve(name, year, _context(store, unit))
        results.append(LinkResult(unit, name, year, res))

    linked = [r.resolution.code for r in results if r.resolution.code]
    codes = with_parents(linked)
    items = {c: q for c, q in _previous_items(store).items() if c in codes}
    items.update({c: e.qid for c, e in wikidata_table().items()})
    notes: dict[str, str] = {}
    missing = [c for c in codes if c not in items]
    if wikidata_endpoint and missing:
        found, notes = lookup_wikidata(missing, wikidata_endpoint)
        items.update(found)
    for r in results:
        code = r.resolution.code
        if code:
            r.wikidata = items.get(code)
            r.wikidata_note = notes.get(code, "" if r.wikidata or wikidata_endpoint
                                        else "no endpoint given")

    links = Graph()
    for r in results:
        if r.resolution.code:
            links.add((URIRef(r.unit), FKG.servesDivision, division_iri(r.resolution.code)))
    new = {*graph_quads(links, ox.NamedNode(str(LINKS_GRAPH))),
           *graph_quads(divisions_graph(linked, items), ox.NamedNode(str(DIVISIONS_GRAPH)))}
    old = {q for g in (LINKS_GRAPH, DIVISIONS_GRAPH) for q in store.quads(graph_iri=str(g))}
    # the difference, in one request: a remote store's readers never see the graphs empty,
    # and linking again sends nothing when nothing changed
    store.change(old - new, new - old)
    return results
