"""Running a named query (or a query text) on a store, in the form the store runs."""

from __future__ import annotations

from fiscal_kg.queries.catalogue import NamedQuery, parse_query
from fiscal_kg.queries.parameters import bind
from fiscal_kg.store import QueryResult, Store


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
