"""Where the store is, and opening it: the embedded one at a folder, or a remote one."""

from __future__ import annotations

import os
from pathlib import Path

from fiscal_kg.store.base import Store
from fiscal_kg.store.embedded import OxigraphStore

DEFAULT_STORE_DIR = "fiscal-kg-store"
STORE_ENV = "FISCAL_KG_STORE"


def default_store_path() -> Path:
    """$FISCAL_KG_STORE, else ./fiscal-kg-store."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE_DIR)


class NoStoreError(Exception):
    """A read command named a store that does not exist (or is no store): never create one."""


def existing_store_path(path: str | Path | None) -> Path:
    """The store folder a read command (query, validate, export, serve, link) works on; raises
    NoStoreError naming the path when there is none, so a mistyped --store or another working
    folder is an error rather than an empty store that answers "0 rows"."""
    where = Path(path) if path is not None else default_store_path()
    if where.is_file() or (where.exists() and not where.is_dir()):
        raise NoStoreError(f"{where.resolve()} is a file, not a store folder")
    if not (where / "CURRENT").is_file():
        what = "no store" if not where.exists() or not any(where.iterdir()) else "not a store"
        raise NoStoreError(f"{what} at {where.resolve()} (create one with fiscal-kg load "
                           f"--store {where} REPORT…)")
    return where


def open_store(
    path: str | Path | None = None,
    *,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    gsp: str | None = None,
    must_exist: bool = False,
) -> Store:
    """The embedded store at ``path`` (default ./fiscal-kg-store), or a remote one. With
    ``must_exist`` (read commands) a missing store is a NoStoreError, not a new empty store."""
    if endpoint or update_endpoint or gsp:
        from fiscal_kg.store.remote import RemoteStore  # local: SPARQLWrapper only when used

        return RemoteStore(endpoint, update_endpoint=update_endpoint, gsp=gsp)
    if must_exist:
        return OxigraphStore(existing_store_path(path))
    return OxigraphStore(path if path is not None else default_store_path())


def open_query_store(
    path: str | Path | None = None,
    *,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    gsp: str | None = None,
) -> Store:
    """The store for `query` and `export`: opened read-only while `fiscal-kg serve` serves it
    (the server refuses writers, and neither writes anything), else as every read command
    opens it (a missing store is a NoStoreError)."""
    from fiscal_kg.endpoint_lock import is_served  # no import of fiscal_kg: no cycle

    if not (endpoint or update_endpoint or gsp):
        where = existing_store_path(path)
        if is_served(where):
            return OxigraphStore(where, read_only=True)
    return open_store(path, endpoint=endpoint, update_endpoint=update_endpoint, gsp=gsp,
                      must_exist=True)


def open_read_only_store(path: str | Path | None = None) -> Store:
    """The existing embedded store, read-only: for commands that write nothing and may run
    while `fiscal-kg serve` holds the store (`fiscal-kg report`)."""
    return OxigraphStore(existing_store_path(path), read_only=True)
