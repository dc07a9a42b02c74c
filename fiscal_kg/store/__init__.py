"""The RDF store: one named graph per report, queried as the union of them.

- ``base``: the ``Store`` protocol, ``QueryResult``, what every store shares;
- ``embedded``: ``OxigraphStore``, pyoxigraph on disk (or in memory);
- ``remote``: ``RemoteStore``, SPARQL 1.1 Protocol endpoints (imported only when opened, so
  SPARQLWrapper is loaded only then);
- ``open``: where the store is (``--store``, $FISCAL_KG_STORE) and ``open_store`` (and
  ``open_query_store``: read-only while ``fiscal-kg serve`` serves it);
- ``terms``: rdflib ↔ pyoxigraph term conversion (the one converter of the application);
- ``derived``: what goes with a report's graph when it is removed (its validation results).

Imports go one way (terms, derived ← base ← embedded, remote ← open), and nothing from the
modules that use the store (validation, queries, linking, ingest): tests/test_architecture.py
fails on any import cycle in ``fiscal_kg``.
"""

from fiscal_kg.store.base import QueryResult, Store, StoreBase, reference_files
from fiscal_kg.store.embedded import OxigraphStore
from fiscal_kg.store.open import (
    DEFAULT_STORE_DIR,
    STORE_ENV,
    NoStoreError,
    default_store_path,
    existing_store_path,
    open_query_store,
    open_read_only_store,
    open_store,
)
from fiscal_kg.store.terms import (
    XSD,
    XSD_STRING,
    OxTerm,
    RDFTerm,
    from_ox,
    graph_quads,
    ntriples,
    quad_data,
    to_ox,
)

__all__ = [
    "DEFAULT_STORE_DIR", "STORE_ENV", "XSD", "XSD_STRING", "NoStoreError", "OxTerm",
    "OxigraphStore", "QueryResult", "RDFTerm", "Store", "StoreBase", "default_store_path",
    "existing_store_path", "from_ox", "graph_quads", "ntriples", "open_query_store",
    "open_read_only_store", "open_store", "quad_data", "reference_files", "to_ox",
]
