"""Read the SKOS code lists in ``ontology/codes/`` into plain lookups.

The Turtle files are the single source of truth for codes, labels and label
variants (skos:altLabel / skos:hiddenLabel). Loaders match report wording
against them here instead of keeping their own word lists. Parsed once per
process with pyoxigraph (rdflib is ~15x slower for this).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

import pyoxigraph as ox

from loaders.resources import resource_dir
from loaders.text import label_key
from loaders.vocab import CODE

SKOS = "http://www.w3.org/2004/02/skos/core#"
FKG_DEF = "https://w3id.org/fiscal-kg/def#"

@dataclass
class Concept:
    iri: str
    scheme: str  # "function", "economic", "columns", ...
    key: str  # last path segment: notation or slug
    notation: str | None
    pref_zh: str | None = None
    pref_en: str | None = None
    alt: list[str] = field(default_factory=list)  # alt + hidden labels (any language)
    # The skos:hiddenLabel subset of ``alt``: wording that names this concept
    # only in context (e.g. "单位资金" under 非财政拨款结转), so a matcher
    # prefers a concept that carries the words as pref/alt label.
    hidden: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)  # keys of broader concepts
    valid_from: int | None = None
    valid_to: int | None = None

    def labels(self) -> list[str]:
        return [x for x in [self.pref_zh, self.pref_en, *self.alt] if x]


@dataclass
class CodeList:
    scheme: str
    concepts: dict[str, Concept]
    _by_label: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Deterministic order: concepts whose prefLabel matches come before those
        # whose alt/hidden label does ("满意度指标" is the level-1 prefLabel and a
        # level-2 altLabel); within each group, by key.
        ordered = sorted(self.concepts.items())
        for labels_of in (
            lambda c: [x for x in (c.pref_zh, c.pref_en) if x],
            lambda c: c.alt,
        ):
            for key, c in ordered:
                for lab in labels_of(c):
                    keys = self._by_label.setdefault(label_key(lab), [])
                    if key not in keys:
                        keys.append(key)

    def by_label(self, text: str) -> list[str]:
        """Keys whose pref/alt/hidden label equals ``text`` after normalising."""
        return list(dict.fromkeys(self._by_label.get(label_key(text), [])))

    def labels(self) -> list[tuple[str, str]]:
        """(normalised label, key) pairs, longest label first (for scanning text)."""
        pairs = [(lab, key) for lab, keys in self._by_label.items() for key in keys]
        return sorted(pairs, key=lambda p: -len(p[0]))

    def get(self, key: str) -> Concept | None:
        return self.concepts.get(key)

    def valid_in(self, key: str, year: int) -> bool:
        c = self.concepts.get(key)
        if c is None:
            return False
        return (c.valid_from is None or year >= c.valid_from) and (
            c.valid_to is None or year <= c.valid_to
        )


def codes_dir() -> Path:
    return resource_dir("ontology") / "codes"


@cache
def load_all() -> dict[str, CodeList]:
    """Every code list under ontology/codes, keyed by scheme (the IRI path segment)."""
    store = ox.Store()
    for path in sorted(codes_dir().glob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    concepts: dict[str, dict[str, Concept]] = {}
    prefix = str(CODE)
    rows = store.query(
        f"""PREFIX skos: <{SKOS}> PREFIX fkg: <{FKG_DEF}>
        SELECT ?c ?p ?o WHERE {{ ?c a skos:Concept ; ?p ?o .
          FILTER(?p IN (skos:notation, skos:prefLabel, skos:altLabel, skos:hiddenLabel,
                        skos:broader, fkg:validFrom, fkg:validTo)) }}"""
    )
    for c, p, o in rows:
        iri = c.value
        if not iri.startswith(prefix):
            continue
        scheme, _, key = iri[len(prefix) :].partition("/")
        concept = concepts.setdefault(scheme, {}).setdefault(
            key, Concept(iri=iri, scheme=scheme, key=key, notation=None)
        )
        pred = p.value
        if pred == SKOS + "notation":
            concept.notation = o.value
        elif pred == SKOS + "prefLabel":
            lang = getattr(o, "language", None)
            if lang == "en":
                concept.pref_en = o.value
            else:
                concept.pref_zh = o.value
        elif pred in (SKOS + "altLabel", SKOS + "hiddenLabel"):
            concept.alt.append(o.value)
            if pred == SKOS + "hiddenLabel":
                concept.hidden.append(o.value)
        elif pred == SKOS + "broader":
            concept.broader.append(o.value.rsplit("/", 1)[-1])
        elif pred == FKG_DEF + "validFrom":
            concept.valid_from = int(o.value[:4])
        elif pred == FKG_DEF + "validTo":
            concept.valid_to = int(o.value[:4])
    return {scheme: CodeList(scheme, cs) for scheme, cs in concepts.items()}


def code_list(scheme: str) -> CodeList:
    lists = load_all()
    if scheme not in lists:
        raise KeyError(f"no code list with scheme {scheme!r} in {codes_dir()}")
    return lists[scheme]


@dataclass(frozen=True)
class CurrencyUnit:
    key: str  # "wan-yuan", "yuan", ...
    label: str  # zh prefLabel as reports print it: "万元"
    factor: Decimal  # fkg:yuanFactor: yuan per unit


@cache
def currency_units() -> dict[str, CurrencyUnit]:
    """Currency units by every normalised label (pref, alt), with their
    fkg:yuanFactor from ``currency-units.ttl`` — the one place factors live."""
    store = ox.Store()
    store.bulk_load(path=str(codes_dir() / "currency-units.ttl"), format=ox.RdfFormat.TURTLE)
    factors = {
        c.value.rsplit("/", 1)[-1]: Decimal(f.value)
        for c, f in store.query(f"SELECT ?c ?f {{ ?c <{FKG_DEF}yuanFactor> ?f }}")
    }
    out: dict[str, CurrencyUnit] = {}
    cl = code_list("currency-units")
    for key, concept in sorted(cl.concepts.items()):
        if key not in factors or not concept.pref_zh:
            continue
        unit = CurrencyUnit(key, concept.pref_zh, factors[key])
        for lab in concept.labels():
            out.setdefault(label_key(lab), unit)
    return out


@lru_cache(maxsize=64)
def currency_unit(label: str) -> CurrencyUnit | None:
    """The currency unit a label names ("万元", "人民币元", "千元"), or None."""
    return currency_units().get(label_key(label))
