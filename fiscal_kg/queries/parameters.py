"""Parameters of the named queries: typed values bound as RDF terms, never pasted.

Each value is parsed into a typed pyoxigraph term (which validates IRIs and escapes literals)
and the terms go into a ``VALUES`` block inserted at the start of the query's WHERE group (and
of each sub-query that reads them, see ``inject_values``). The rest of the query text is sent
unchanged, so a value like ``"} UNION { ?s ?p ?o`` stays one literal. A parameter that is not
given (and has no default) is simply unbound: the queries are written so an unbound parameter
means "all". A report may be named by its IRI, its ``id:doc/…`` form or its file name
(``resolve_document``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox

from fiscal_kg.queries.catalogue import NamedQuery, Param, QueryError
from fiscal_kg.queries.formats import COMPACT_PREFIXES
from fiscal_kg.queries.sparql_text import _tokens, where_groups
from fiscal_kg.store import Store

XSD = "http://www.w3.org/2001/XMLSchema#"
_CODE = re.compile(r"^[0-9]{1,12}$")


def parameter_term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term for one parameter value, checked against the parameter's type."""
    kind = param.type
    try:
        if kind == "iri":
            return ox.NamedNode(expand_iri(value))
        if kind == "string":
            return ox.Literal(value)
        if kind == "code":
            if not _CODE.match(value.strip()):
                raise ValueError("a classification code is digits only, e.g. 2080109")
            return ox.Literal(value.strip())
        if kind in ("integer", "year"):
            number = int(value.strip())
            if kind == "year" and not 1900 <= number <= 2999:
                raise ValueError("a year has four digits")
            return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))
        if kind == "decimal":
            dec = Decimal(value.strip())
            if not dec.is_finite():
                raise ValueError("not a finite number")
            return ox.Literal(format(dec, "f"), datatype=ox.NamedNode(XSD + "decimal"))
    except (ValueError, InvalidOperation) as exc:
        raise QueryError(f"parameter {param.name} ({kind}): bad value {value!r}: {exc}") from exc
    raise QueryError(f"parameter {param.name}: unknown type {kind!r}")


def expand_iri(text: str) -> str:
    """An IRI as given (``<…>`` or bare) or in the short form the tool prints (``id:doc/…``)."""
    value = text.strip().removeprefix("<").removesuffix(">")
    for ns, prefix in COMPACT_PREFIXES.items():
        if value.startswith(prefix) and "://" not in value:
            return ns + value[len(prefix):]
    return value


DOCUMENT_SOURCES = """PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?document ?file WHERE {
  GRAPH ?document { ?document a fkg:FiscalDocument
    OPTIONAL { ?document prov:wasDerivedFrom/fkg:fileName ?file } } }"""


def resolve_document(store: Store, name: str) -> str:
    """The IRI of the stored report ``name`` names: its full IRI, the short form the tool prints
    (``id:doc/…``) or the name of the file it was loaded from; QueryError when no report matches
    (a mistyped name must not look like a report without findings)."""
    rows = store.query(DOCUMENT_SOURCES).rows
    iri = expand_iri(name)
    documents = {str(doc) for doc, _ in rows}
    if iri in documents:
        return iri
    base = Path(name.strip()).name
    by_file = sorted({str(doc) for doc, file in rows if file is not None and str(file) == base})
    if len(by_file) == 1:
        return by_file[0]
    if by_file:
        raise QueryError(f"{name!r} names {len(by_file)} reports (loaded from files of that "
                         f"name); give one of their IRIs: {', '.join(by_file)}")
    raise QueryError(f"no report {name!r} in the store ({len(documents)} report(s) there); "
                     "name one by its IRI, its id:doc/… form or its file name "
                     "(`fiscal-kg query documents` lists them)")


def resolve_graph(store: Store, name: str) -> str:
    """The named graph ``name`` means: a graph IRI (or its id:/graph: short form) in the store,
    or a report named as ``resolve_document`` takes it; QueryError when there is none (an
    unknown graph must not export as an empty file)."""
    iri = expand_iri(name)
    if iri in set(store.graph_names()):
        return iri
    return resolve_document(store, name)


def resolve_document_values(store: Store, query: NamedQuery, values: dict[str, str]
                            ) -> dict[str, str]:
    """``values`` with a ``document`` parameter (type iri) turned into the stored report's IRI."""
    param = query.param("document")
    if param is None or param.type != "iri" or "document" not in values:
        return values
    return {**values, "document": resolve_document(store, values["document"])}


def bind(query: NamedQuery, values: dict[str, str], *, portable: bool = False) -> str:
    """The query text (its SPARQL 1.1 form if ``portable``) with the given (and default)
    parameter values in a VALUES block."""
    unknown = [k for k in values if query.param(k) is None]
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise QueryError(f"{query.name}: unknown parameter(s) {', '.join(unknown)}; known: {known}")
    terms: dict[str, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is None and param.required:
            raise QueryError(f"{query.name}: parameter {param.name} ({param.type}) is required")
        if value is not None:
            terms[param.name] = parameter_term(param, value)
    return inject_values(query.form(portable), terms)


def inject_values(text: str, terms: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Insert ``VALUES (?a ?b) { (t1 t2) }`` after the opening brace of the WHERE group — and
    of each sub-query's WHERE group that reads one of the variables.

    A parameter is a constant of the whole query, so a sub-query (which does not
    see the variables around it) gets the values it reads too: a per-unit
    aggregate is then computed for that unit only, not for the whole store. A
    sub-query that assigns the variable (``AS ?v``) joins on it instead, and one
    inside a LATERAL block already sees the values.
    """
    if not terms:
        return text
    tokens = list(_tokens(text))
    outer, *inner = where_groups(text)
    blocks = [(outer, dict(terms))]
    for start, end in inner:
        used = [t for t, at in tokens if start < at < end]
        assigned = {b for a, b in pairwise(used) if a.upper() == "AS"}
        chosen = {k: v for k, v in terms.items()
                  if f"?{k}" in used and f"?{k}" not in assigned}  # fmt: skip
        blocks.append(((start, end), chosen))
    for (start, _), chosen in sorted(blocks, key=lambda b: -b[0][0]):
        if chosen:
            names = " ".join(f"?{name}" for name in chosen)
            row = " ".join(str(term) for term in chosen.values())  # N-Triples syntax: escaped
            text = text[: start + 1] + f" VALUES ({names}) {{ ({row}) }}\n" + text[start + 1 :]
    return text
