"""N-Quads text written straight from the builders in ``loaders.rdf``, and the literal forms a
store keeps.

The load path only serialises a report, so it skips rdflib's terms: making a Literal costs
~15 µs, hashing a URIRef ~1 µs, and a report has ~5,000 triples. Terms are checked and escaped
by pyoxigraph, as the store would, so the text equals serialising ``report_graph``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import Literal as RdflibLiteral
from rdflib import URIRef

from loaders.vocab import short_hash

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_DECIMAL = ox.NamedNode(XSD + "decimal")
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")
DECIMAL = URIRef(XSD + "decimal")


def canonical_lexical(lexical: str, datatype: str) -> str:
    """The form Oxigraph stores a number or boolean in ("8644500.00" → "8644500").

    Oxigraph keeps typed values, not their spelling; writing the same form
    up front lets a reload recognise unchanged quads (the printed spelling
    stays in fkg:rawText).
    """
    kind = datatype[len(XSD) :] if datatype.startswith(XSD) else ""
    try:
        if kind == "decimal":
            value = Decimal(lexical.strip())
            if not value.is_finite() or "e" in lexical.lower():
                return lexical
            text = format(value, "f")
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return "0" if text in ("-0", "") else text
        if kind == "integer":
            return str(int(lexical.strip()))
        if kind == "boolean":
            return {"1": "true", "0": "false"}.get(lexical.strip(), lexical.strip())
    except (InvalidOperation, ValueError):
        pass
    return lexical


def ox_literal(term: RdflibLiteral) -> ox.Literal:
    """An rdflib literal as the pyoxigraph literal a store keeps (numbers in canonical form)."""
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None:
        return ox.Literal(str(term))
    datatype = str(term.datatype)
    return ox.Literal(canonical_lexical(str(term), datatype), datatype=ox.NamedNode(datatype))


def _literal(value: object, datatype: URIRef | None, lang: str | None) -> ox.Literal:
    """``ox_literal(Literal(value, datatype, lang))`` without the rdflib Literal for the kinds
    of value a report has; anything else goes through rdflib."""
    if lang is None:
        if datatype is None:
            if type(value) is str:
                return ox.Literal(value)
            if type(value) is bool:
                return ox.Literal("true" if value else "false", datatype=XSD_BOOLEAN)
            if type(value) is int:
                return ox.Literal(str(value), datatype=XSD_INTEGER)
        elif type(value) is Decimal and datatype == DECIMAL and value.is_finite():
            return ox.Literal(canonical_lexical(format(value, "f"), XSD_DECIMAL.value),
                              datatype=XSD_DECIMAL)
    elif type(value) is str and datatype is None:
        return ox.Literal(value, language=lang)
    if isinstance(value, date) and datatype is None:
        datatype = URIRef(XSD + "date")
    return ox_literal(RdflibLiteral(value, datatype=datatype, lang=lang))


class Text(str):
    """A term already in N-Quads form (a literal or a blank node)."""


class NQuadsSink:
    """A ``loaders.rdf.TripleSink`` that writes the N-Quads lines of one named graph.

    Triples come without duplicates, in the order added. Blank nodes are labelled from the
    graph's IRI and a counter, so the text is the same on every run and two reports loaded
    together never share one.
    """

    def __init__(self, graph_iri: str) -> None:
        self._end = f" {ox.NamedNode(graph_iri)} .\n"
        self._blank_prefix = "b" + short_hash(graph_iri, 16)
        self._lines: dict[str, None] = {}
        self._iris: set[str] = set()  # checked once each
        self._literals: dict[tuple[object, ...], Text] = {}
        self._decimals: dict[Decimal, Text] = {}  # 1.0 and 1.00: one canonical form
        self._blanks = 0

    def add(self, triple: tuple[object, object, object]) -> None:
        # hot: ~5,000 calls a report, so inline and without isinstance (ABC checks are slow)
        s, p, o = triple
        join = "".join
        s = s if type(s) is Text else join(("<", s, ">"))  # type: ignore[arg-type]
        p = join(("<", p, ">"))  # type: ignore[arg-type]
        o = o if type(o) is Text else join(("<", o, ">"))  # type: ignore[arg-type]
        line = join((s, " ", p, " ", o, self._end))  # type: ignore[arg-type]
        if line in self._lines:
            return
        for term in (s, p, o):
            if term[0] == "<" and term not in self._iris:  # type: ignore[index]
                ox.NamedNode(term[1:-1])  # type: ignore[index]  # raises ValueError if not an IRI
                self._iris.add(term)  # type: ignore[arg-type]
        self._lines[line] = None

    def lit(self, value: object, datatype: URIRef | None = None,
            lang: str | None = None) -> Text:
        key = (type(value), str(value) if type(value) is Decimal else value, datatype, lang)
        text = self._literals.get(key)
        if text is None:
            text = self._literals[key] = Text(str(_literal(value, datatype, lang)))
        return text

    def dec(self, value: Decimal) -> Text:
        text = self._decimals.get(value)
        if text is None:
            text = self._decimals[value] = Text(str(_literal(value, DECIMAL, None)))
        return text

    def blank(self) -> Text:
        self._blanks += 1
        return Text(f"_:{self._blank_prefix}n{self._blanks}")

    def __len__(self) -> int:
        return len(self._lines)

    def text(self) -> str:
        return "".join(self._lines)
