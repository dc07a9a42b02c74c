"""Named SPARQL queries (queries/*.rq): headers, typed parameters, running, output formats.

A named query starts with a comment header::

    # title: Totals by function class
    # question: How much does each unit spend per 类 in each year?
    # param code: code — a function/economic notation, e.g. 2080109 (default: 208)

Parameters are bound as RDF terms, never pasted into the text: each value is
parsed into a typed pyoxigraph term (which validates IRIs and escapes
literals) and the terms go into a ``VALUES`` block inserted at the start of
the query's WHERE group (and of each sub-query that reads them, see
``inject_values``). The rest of the query text is sent unchanged, so a
value like ``"} UNION { ?s ?p ?o`` stays one literal. A parameter that is not
given (and has no default) is simply unbound: the queries are written so an
unbound parameter means "all".

A query that uses ``LATERAL`` (SEP-0006: Oxigraph, Jena >= 4.7) has a second, SPARQL 1.1
form with the same rows in ``queries/portable/NAME.rq``; ``run`` sends that one to a store
that does not run LATERAL (GraphDB, Virtuoso, QLever, rdflib) or when asked to.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, URIRef

from fiscal_kg.store import XSD_STRING, QueryResult, RDFTerm, Store
from loaders.resources import resource_dir

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "integer", "decimal", "code", "year")

_HEADER = re.compile(r"#\s*(title|question)\s*:\s*(.*)")
_PARAM = re.compile(r"#\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([a-z]+)\s*(?:—|--|-|:)?\s*(.*)")
_DEFAULT = re.compile(r"\(default:\s*([^)]*)\)\s*$")
_REQUIRED = re.compile(r"\(required\)\s*$")
_CODE = re.compile(r"^[0-9]{1,12}$")


class QueryError(ValueError):
    """A bad query name, parameter name or parameter value (message is for the user)."""


@dataclass
class Param:
    name: str
    type: str
    meaning: str = ""
    default: str | None = None
    required: bool = False  # "(required)" at the end of the meaning


@dataclass
class NamedQuery:
    name: str
    path: Path | None
    text: str
    title: str = ""
    question: str = ""
    params: list[Param] = field(default_factory=list)
    portable: str | None = None  # the SPARQL 1.1 form, when ``text`` uses LATERAL

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def form(self, portable: bool) -> str:
        """The text to send: the SPARQL 1.1 form when asked for and there is one."""
        return self.portable if portable and self.portable is not None else self.text


def parse_query(text: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """Read the comment header (title, question, params) of a query text."""
    query = NamedQuery(name=name, path=path, text=text)
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break  # the header ends at the first line of SPARQL
        if m := _PARAM.match(line):
            pname, ptype, meaning = m.groups()
            if ptype not in PARAM_TYPES:
                raise QueryError(f"{name}: parameter {pname} has unknown type {ptype!r}")
            default = None
            if d := _DEFAULT.search(meaning):
                default = d.group(1).strip().strip('"')
            required = bool(_REQUIRED.search(meaning))
            query.params.append(Param(pname, ptype, meaning.strip(), default, required))
        elif m := _HEADER.match(line):
            setattr(query, m.group(1), m.group(2).strip())
    return query


def queries_dir() -> Path:
    return resource_dir("queries")


PORTABLE_DIR = "portable"  # beside the queries: NAME.rq's SPARQL 1.1 form


def read_query(path: Path) -> NamedQuery:
    """A .rq file with its header, and its SPARQL 1.1 form if ``portable/NAME.rq`` is beside it."""
    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    portable = path.parent / PORTABLE_DIR / path.name
    if portable.is_file():
        query.portable = portable.read_text(encoding="utf-8")
    return query


def named_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every queries/*.rq by name (file name without .rq), sorted."""
    directory = directory or queries_dir()
    return {path.stem: read_query(path) for path in sorted(directory.glob("*.rq"))}


def resolve(name_or_file: str) -> NamedQuery:
    """A named query, or any .rq file (its header is read when it has one)."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.exists():
        return _read_query_file(path)
    queries = named_queries()
    if name_or_file in queries:
        return queries[name_or_file]
    raise QueryError(
        f"no named query {name_or_file!r} and no such .rq file; `fiscal-kg query --list` shows them"
    )


def _read_query_file(path: Path) -> NamedQuery:
    """A user's .rq file, or a QueryError saying why it is none."""
    if path.is_dir():
        raise QueryError(f"{path}: a folder, not a .rq file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QueryError(f"{path}: cannot read: {exc.strerror}") from exc
    if not data.strip():
        raise QueryError(f"{path}: empty file, expected a SPARQL query")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: not UTF-8 text (invalid byte at {exc.start}), "
                         "expected a SPARQL query") from exc
    if "\x00" in text:
        raise QueryError(f"{path}: binary (NUL bytes), expected a SPARQL query")
    query = parse_query(text, path.stem, path)
    portable = path.parent / PORTABLE_DIR / path.name
    if portable.is_file():
        query.portable = portable.read_text(encoding="utf-8")
    return query


# ---------------------------------------------------------------------------
# Parameter binding
# ---------------------------------------------------------------------------


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


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """(token, offset) of the words and brackets of a query; comments, strings and IRIs skipped.

    Enough of SPARQL's lexer to tell where a keyword stands: a variable (``?limit``)
    or a prefixed name (``limit:x``) is one word, never the keyword inside it.
    """
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch == "<" and (m := _IRIREF.match(text, i)):
            i = m.end()
        elif ch in "\"'":
            i = _skip_string(text, i)
        elif ch in "{}()":
            yield ch, i
            i += 1
        elif ch.isalnum() or ch in "_?$:":
            end = _skip_word(text, i)
            yield text[i:end], i
            i = end
        else:
            i += 1


def where_groups(text: str) -> list[tuple[int, int]]:
    """Offsets of ``{`` and ``}`` of the query's WHERE group, then of each sub-query's WHERE
    group that is not inside a LATERAL block."""
    stack: list[tuple[int, bool, bool]] = []  # start, after WHERE, inside LATERAL
    top: list[tuple[int, int, bool]] = []
    inner: list[tuple[int, int]] = []
    previous = ""
    for token, at in _tokens(text):
        if token == "{":
            lateral = previous.upper() == "LATERAL" or bool(stack and stack[-1][2])
            stack.append((at, previous.upper() == "WHERE", lateral))
        elif token == "}" and stack:
            start, after_where, lateral = stack.pop()
            if not stack:
                top.append((start, at, after_where))
            elif after_where and not lateral:
                inner.append((start, at))
        previous = token
    # the group after WHERE; without the (optional) keyword, the first one: "SELECT * { … }"
    outer = next((g for g in top if g[2]), top[0] if top else None)
    if outer is None:
        raise QueryError("cannot find the WHERE clause to bind parameters into")
    return [outer[:2], *sorted(inner)]


def where_brace(text: str) -> int:
    """Offset of the ``{`` opening the outer WHERE group, skipping comments, strings and IRIs."""
    return where_groups(text)[0][0]


def cap_rows(text: str, max_rows: int) -> tuple[str, bool]:
    """The query with its outer LIMIT at most ``max_rows``; True when that changed it.

    Only the outermost LIMIT counts (a sub-query's is inside braces): it is lowered
    when larger, added when missing — before a trailing VALUES block, else at the end.
    ASK queries and texts that are no query are returned unchanged (the engine
    reports the syntax error). A CONSTRUCT is capped in solutions, not triples.
    """
    depth, form, grouped = 0, "", False
    limit_at: int | None = None
    values_at: int | None = None
    tokens = list(_tokens(text))
    for index, (token, at) in enumerate(tokens):
        if token in "{(":
            depth += 1
            grouped = grouped or token == "{"
        elif token in "})":
            depth -= 1
        elif depth == 0:
            word = token.upper()
            if not form and word in _FORMS:
                form = word
            elif word == "LIMIT" and index + 1 < len(tokens):
                limit_at = index + 1
            elif word == "VALUES" and grouped:
                values_at = at
    if form in ("", "ASK"):
        return text, False
    if limit_at is not None:
        number, at = tokens[limit_at]
        if not number.isdigit() or int(number) <= max_rows:
            return text, False
        return text[:at] + str(max_rows) + text[at + len(number) :], True
    at = len(text) if values_at is None else values_at
    return text[:at] + f"\nLIMIT {max_rows}\n" + text[at:], True


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_?$:-"


def _skip_word(text: str, i: int) -> int:
    while i < len(text) and _word_char(text[i]):
        i += 1
    return i


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end > 0 and text[end - 1] == "\\" and not _even_backslashes(text, end):
            end = text.find(quote * 3, end + 1)
        return len(text) if end < 0 else end + 3
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text[j] == quote or text[j] == "\n":
            return j + 1
        else:
            j += 1
    return j


def _even_backslashes(text: str, end: int) -> bool:
    count, k = 0, end - 1
    while k >= 0 and text[k] == "\\":
        count, k = count + 1, k - 1
    return count % 2 == 0


def uses_lateral(text: str) -> bool:
    """Whether a query text uses the LATERAL keyword (comments and strings aside)."""
    return any(token.upper() == "LATERAL" for token, _ in _tokens(text))


def wants_portable(query: NamedQuery, store: Store, portable: bool = False) -> bool:
    """Whether to send a named query's SPARQL 1.1 form: asked for (``portable``), or the store
    does not run LATERAL. The one place that chooses between the two forms; the store is asked
    only for a query that has both (a remote store asks its server once)."""
    return query.portable is not None and (portable or not store.supports_lateral)


def run(
    store: Store,
    query: NamedQuery | str,
    values: dict[str, str] | None = None,
    *,
    portable: bool = False,
) -> QueryResult:
    """Bind parameters and run a named query (or a query text) on a store, in the form the
    store runs (``portable`` forces the SPARQL 1.1 form)."""
    if isinstance(query, str):
        query = parse_query(query)
    return store.query(bind(query, values or {}, portable=wants_portable(query, store, portable)))


# ---------------------------------------------------------------------------
# Output formats
# ---------------------------------------------------------------------------

COMPACT_PREFIXES = {
    "https://w3id.org/fiscal-kg/def#": "fkg:",
    "https://w3id.org/fiscal-kg/code/": "code:",
    "https://w3id.org/fiscal-kg/id/": "id:",
    "https://w3id.org/fiscal-kg/graph/": "graph:",
    "http://www.wikidata.org/entity/": "wd:",
}


def term_json(term: RDFTerm) -> dict[str, str]:
    """SPARQL 1.1 Query Results JSON for one term."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> dict:
    if result.boolean is not None:
        return {"head": {}, "boolean": result.boolean}
    bindings = [
        {v: term_json(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return {"head": {"vars": result.variables}, "results": {"bindings": bindings}}


def format_json(result: QueryResult) -> str:
    return json.dumps(to_json(result), ensure_ascii=False, indent=1)


def format_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results: header of variable names, plain values, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else str(t) for t in row])
    return out.getvalue()


def display_width(text: str) -> int:
    """Terminal columns of ``text``: CJK wide/fullwidth characters take two, combining none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _cell(term: RDFTerm | None) -> str:
    if term is None:
        return ""
    text = str(term)
    if isinstance(term, URIRef):
        for ns, prefix in COMPACT_PREFIXES.items():
            if text.startswith(ns):
                return prefix + text[len(ns) :]
    return " ".join(text.split())  # one line per row


def format_table(result: QueryResult, max_width: int = 60) -> str:
    """An aligned text table (CJK aware); long cells are cut with an ellipsis."""
    if result.boolean is not None:
        return "true\n" if result.boolean else "false\n"
    rows = [[_clip(_cell(t), max_width) for t in row] for row in result.rows]
    header = list(result.variables)
    widths = [display_width(h) for h in header]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [
        all(_is_number(r[i]) for r in rows if r[i]) and any(r[i] for r in rows)
        for i in range(len(header))
    ]
    lines = [_line(header, widths, [False] * len(header))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(_line(row, widths, numeric) for row in rows)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _clip(text: str, limit: int) -> str:
    if display_width(text) <= limit:
        return text
    out, width = [], 0
    for ch in text:
        w = display_width(ch)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    return "".join(out) + "…"


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _line(cells: list[str], widths: list[int], right: list[bool]) -> str:
    parts = []
    for cell, width, align_right in zip(cells, widths, right, strict=True):
        pad = " " * (width - display_width(cell))
        parts.append(pad + cell if align_right else cell + pad)
    return "  ".join(parts)


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json}
