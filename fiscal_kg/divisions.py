"""China's county-and-above administrative divisions, in memory and as RDF.

The data come from python-stdnum's ``cn/loc`` database (GB/T 2260 codes with
the years each name was in force, e.g. ``[-1986]阿图什县``); nothing is copied
into this repository. Codes follow the national scheme: ``xx0000`` is a
province-level division, ``xxxx00`` a prefecture-level one and anything else
county-level. The database also carries grouping rows that are not divisions
(``110100 市辖区`` under a municipality, ``659000 自治区直辖县级行政单位``);
they are dropped, so municipality districts and province-administered
county-level cities hang directly under their province.

``divisions_graph`` turns a handful of divisions (plus their parents) into
triples for ``DIVISIONS_GRAPH``; the hand-checked Wikidata items and English
labels come from ``data/wikidata_divisions.csv``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS, XSD

from loaders.vocab import CODE, FKG, WD, WDT, division_iri

DATA_DIR = Path(__file__).resolve().parent / "data"

LEVELS = ("province", "prefecture", "county")

# Grouping rows of the code list that stand for "the districts of", "the
# counties of" or "directly administered units" rather than for a place.
_PLACEHOLDER = re.compile(r"^(市辖区|县|市区|林区)$|直辖")

_SPAN = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.+)$")


@dataclass(frozen=True)
class NameSpan:
    """One name of a division and the years it was in force (None = open)."""

    name: str
    valid_from: int | None = None
    valid_to: int | None = None

    def valid_in(self, year: int | None) -> bool:
        """``None`` asks for the current name: one with no end year."""
        if year is None:
            return self.valid_to is None
        return (self.valid_from is None or year >= self.valid_from) and (
            self.valid_to is None or year <= self.valid_to
        )


@dataclass(frozen=True)
class Division:
    code: str
    level: str  # "province" | "prefecture" | "county"
    names: tuple[NameSpan, ...]
    parents: tuple[str, ...]  # nearest first: (prefecture, province) or (province,) or ()

    @property
    def name(self) -> str:
        """The latest name (the one still in force, if any)."""
        return self.names[-1].name

    def name_in(self, year: int | None) -> str | None:
        for span in reversed(self.names):
            if span.valid_in(year):
                return span.name
        return None

    def valid_in(self, year: int | None) -> bool:
        return self.name_in(year) is not None

    @property
    def valid_from(self) -> int | None:
        starts = [s.valid_from for s in self.names]
        return None if None in starts else min(s for s in starts if s is not None)

    @property
    def valid_to(self) -> int | None:
        ends = [s.valid_to for s in self.names]
        return None if None in ends else max(e for e in ends if e is not None)

    @property
    def province(self) -> str:
        return self.code[:2] + "0000"

    @property
    def parent(self) -> str | None:
        return self.parents[0] if self.parents else None


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def wikidata_p442(code: str) -> str:
    """Wikidata's P442 form of a code: two-digit groups, trailing zero groups dropped.

    Wikidata stores ``65 30 01`` for 653001, ``65 01`` for 650100 and ``65``
    for 650000 (see the format constraint on Property talk:P442).
    """
    groups = [code[0:2], code[2:4], code[4:6]]
    while len(groups) > 1 and groups[-1] == "00":
        groups.pop()
    return " ".join(groups)


def code_from_p442(value: str) -> str | None:
    """Back from ``65 30 01`` (or ``653001``) to ``653001``; None for other shapes."""
    digits = value.replace(" ", "")
    if not digits.isdigit() or len(digits) not in (2, 4, 6):
        return None
    return digits.ljust(6, "0")


def _parse_spans(text: str) -> tuple[NameSpan, ...]:
    spans = []
    for part in text.split(","):
        m = _SPAN.match(part.strip())
        if not m:
            continue
        start, end, name = m.groups()
        spans.append(NameSpan(name, int(start) if start else None, int(end) if end else None))
    return tuple(spans)


def _expand(low: str, high: str) -> Iterator[str]:
    """A numdb row may cover a range of prefixes; loc.dat uses single ones today."""
    if low == high:
        yield low
        return
    for n in range(int(low), int(high) + 1):
        yield str(n).zfill(len(low))


def _stdnum_rows() -> Iterator[tuple[str, tuple[NameSpan, ...]]]:
    """(six-digit code, name spans) for every row of stdnum's cn/loc database."""
    from stdnum import numdb  # imported here so importing this module stays cheap

    db = numdb.get("cn/loc")
    # NumDB.prefixes: [(length, low, high, props, children)], one level per
    # indentation of loc.dat: provinces (2 digits), then the 4 remaining digits.
    for _len, low, high, props, children in db.prefixes:
        for prov in _expand(low, high):
            own_row = False
            for _len2, low2, high2, props2, _children2 in children:
                for rest in _expand(low2, high2):
                    spans = _parse_spans(props2.get("county", ""))
                    if spans:
                        own_row = own_row or rest == "0000"
                        yield prov + rest, spans
            if not own_row and props.get("province"):
                yield prov + "0000", _parse_spans(props["province"])


class DivisionIndex:
    """Every division by code, and every name (any year) to the codes that bore it."""

    def __init__(self, rows: Iterable[tuple[str, tuple[NameSpan, ...]]]) -> None:
        raw = {code: spans for code, spans in rows if not _is_placeholder(spans)}
        self.divisions: dict[str, Division] = {}
        for code, spans in sorted(raw.items()):
            parents: list[str] = []
            level = level_of(code)
            if level == "county" and code[:4] + "00" in raw:
                parents.append(code[:4] + "00")
            if level != "province" and code[:2] + "0000" in raw:
                parents.append(code[:2] + "0000")
            self.divisions[code] = Division(code, level, spans, tuple(parents))
        self._by_name: dict[str, list[tuple[str, NameSpan]]] = {}
        for div in self.divisions.values():
            for span in div.names:
                self._by_name.setdefault(span.name, []).append((div.code, span))
        self._children: dict[str, list[str]] = {}
        for div in self.divisions.values():
            if div.parent:
                self._children.setdefault(div.parent, []).append(div.code)

    def __contains__(self, code: object) -> bool:
        return code in self.divisions

    def __len__(self) -> int:
        return len(self.divisions)

    def get(self, code: str) -> Division | None:
        return self.divisions.get(code)

    def __getitem__(self, code: str) -> Division:
        return self.divisions[code]

    def names(self) -> Iterator[tuple[str, str, NameSpan]]:
        """(name, code, span) for every name any division ever had."""
        for name, entries in self._by_name.items():
            for code, span in entries:
                yield name, code, span

    def lookup(self, name: str, year: int | None = None) -> list[Division]:
        """Divisions called ``name`` in ``year`` (current name when year is None)."""
        codes = [c for c, span in self._by_name.get(name, []) if span.valid_in(year)]
        return [self.divisions[c] for c in dict.fromkeys(codes)]

    def lookup_any_year(self, name: str) -> list[tuple[Division, NameSpan]]:
        return [(self.divisions[c], span) for c, span in self._by_name.get(name, [])]

    def names_in(self, year: int | None) -> dict[str, list[str]]:
        """Every name in force in ``year`` → codes bearing it that year."""
        out: dict[str, list[str]] = {}
        for name, code, span in self.names():
            if span.valid_in(year):
                out.setdefault(name, []).append(code)
        return out

    def children(self, code: str) -> list[str]:
        return list(self._children.get(code, []))

    def ancestors(self, code: str) -> list[Division]:
        div = self.divisions.get(code)
        return [self.divisions[p] for p in div.parents] if div else []

    def path(self, code: str, year: int | None = None) -> str:
        """The chain of names for messages: 新疆维吾尔自治区 / 克孜勒苏柯尔克孜自治州 / 阿图什市."""
        div = self.divisions[code]
        chain = [*reversed(div.parents), code]
        return " / ".join(
            (self.divisions[c].name_in(year) or self.divisions[c].name) for c in chain
        )


def _is_placeholder(spans: tuple[NameSpan, ...]) -> bool:
    return all(_PLACEHOLDER.search(s.name) for s in spans)


def _corrections() -> dict[str, tuple[NameSpan, ...]]:
    """Hand-checked fixes to stdnum's data (data/division_corrections.csv), by code."""
    return {r["code"]: _parse_spans(r["names"]) for r in _data_rows("division_corrections.csv")}


@lru_cache(maxsize=1)
def load_index() -> DivisionIndex:
    """The division index (~6,500 codes with their history), built once per process."""
    fixes = _corrections()
    return DivisionIndex((code, fixes.get(code, spans)) for code, spans in _stdnum_rows())


# ---------------------------------------------------------------------------
# Hand-checked Wikidata items
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WikidataEntry:
    code: str
    qid: str
    name_zh: str
    label_en: str


def _data_rows(filename: str) -> Iterator[dict[str, str]]:
    """CSV rows of a file under data/, skipping '#' comment lines."""
    with (DATA_DIR / filename).open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    yield from csv.DictReader(lines)


@lru_cache(maxsize=1)
def wikidata_table() -> dict[str, WikidataEntry]:
    rows = _data_rows("wikidata_divisions.csv")
    return {
        r["code"]: WikidataEntry(r["code"], r["wikidata"], r["name_zh"], r["label_en"])
        for r in rows
    }


# ---------------------------------------------------------------------------
# RDF
# ---------------------------------------------------------------------------


def level_iri(level: str) -> URIRef:
    return CODE[f"division-levels/{level}"]


def with_parents(codes: Iterable[str], index: DivisionIndex | None = None) -> list[str]:
    """The codes plus all their parents, sorted, unknown codes dropped."""
    index = index or load_index()
    out: set[str] = set()
    for code in codes:
        div = index.get(code)
        if div is None:
            continue
        out.add(code)
        out.update(div.parents)
    return sorted(out)


def divisions_graph(
    codes: Iterable[str],
    wikidata: dict[str, str] | None = None,
    index: DivisionIndex | None = None,
) -> Graph:
    """Triples describing ``codes`` and their parents (only those: the graph stays small).

    ``wikidata`` maps further codes to item ids (e.g. found by P442 lookup);
    the hand-checked table is always used. skos:broader points to the direct
    parent only (SKOS reads it as "immediately broader"); every ancestor is
    also given as skos:broaderTransitive so queries need no property paths.
    """
    index = index or load_index()
    table = wikidata_table()
    items = {code: e.qid for code, e in table.items()}
    items.update(wikidata or {})
    g = Graph()
    g.bind("fkg", FKG)
    g.bind("skos", SKOS)
    g.bind("wdt", WDT)
    g.bind("wd", WD)
    g.bind("owl", OWL)
    for code in with_parents(codes, index):
        div = index[code]
        node = division_iri(code)
        g.add((node, RDF.type, FKG.AdministrativeDivision))
        g.add((node, FKG.divisionCode, Literal(code)))
        g.add((node, SKOS.prefLabel, Literal(div.name, lang="zh")))
        for span in div.names[:-1]:
            if span.name != div.name:
                g.add((node, SKOS.altLabel, Literal(span.name, lang="zh")))
        if code in table and table[code].label_en:
            g.add((node, SKOS.prefLabel, Literal(table[code].label_en, lang="en")))
        g.add((node, FKG.divisionLevel, level_iri(div.level)))
        if div.parent:
            g.add((node, SKOS.broader, division_iri(div.parent)))
        for parent in div.parents:
            g.add((node, SKOS.broaderTransitive, division_iri(parent)))
        if div.valid_from is not None:
            g.add((node, FKG.validFrom, Literal(str(div.valid_from), datatype=XSD.gYear)))
        if div.valid_to is not None:
            g.add((node, FKG.validTo, Literal(str(div.valid_to), datatype=XSD.gYear)))
        g.add((node, WDT.P442, Literal(wikidata_p442(code))))
        if code in items:
            g.add((node, OWL.sameAs, WD[items[code]]))
    return g
