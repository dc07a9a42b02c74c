"""Named SPARQL queries (queries/*.rq), by concern:

- ``catalogue``: the named queries and their comment headers (title, question, parameters),
  each with its SPARQL 1.1 form when it uses LATERAL;
- ``parameters``: typed parameter values bound as RDF terms in VALUES blocks, reports named
  by IRI, ``id:doc/…`` or file name;
- ``sparql_text``: the small lexer, WHERE groups, the endpoint's row cap, LATERAL;
- ``running``: ``run`` a query on a store in the form the store runs;
- ``formats``: results as a table, CSV or JSON.

Imports go one way (catalogue ← sparql_text ← parameters ← running; formats ← parameters).
"""

from fiscal_kg.queries.catalogue import (
    PARAM_TYPES,
    PORTABLE_DIR,
    NamedQuery,
    Param,
    QueryError,
    listing,
    named_queries,
    parse_query,
    queries_dir,
    read_query,
    resolve,
)
from fiscal_kg.queries.formats import (
    COMPACT_PREFIXES,
    FORMATTERS,
    display_width,
    format_csv,
    format_json,
    format_table,
    term_json,
    to_json,
)
from fiscal_kg.queries.parameters import (
    DOCUMENT_SOURCES,
    XSD,
    bind,
    expand_iri,
    inject_values,
    parameter_term,
    resolve_document,
    resolve_document_values,
    resolve_graph,
)
from fiscal_kg.queries.running import run, wants_portable
from fiscal_kg.queries.sparql_text import cap_rows, uses_lateral, where_brace, where_groups
from fiscal_kg.store import QueryResult

__all__ = [
    "COMPACT_PREFIXES", "DOCUMENT_SOURCES", "FORMATTERS", "PARAM_TYPES", "PORTABLE_DIR", "XSD",
    "NamedQuery", "Param", "QueryError", "QueryResult", "bind", "cap_rows", "display_width",
    "expand_iri", "format_csv", "format_json", "format_table", "inject_values", "listing",
    "named_queries", "parameter_term", "parse_query", "queries_dir", "read_query", "resolve",
    "resolve_document", "resolve_document_values", "resolve_graph", "run", "term_json", "to_json",
    "uses_lateral", "wants_portable", "where_brace", "where_groups",
]
