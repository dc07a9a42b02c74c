"""The parts of the application loaded only when used (validation, linking, ``fiscal-kg
validate``): a part that is not installed is said once on stderr, not a traceback."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from types import ModuleType

from fiscal_kg.store import Store


def optional_module(module: str, what: str) -> ModuleType | None:
    """``module`` imported, or None (after saying so) when it is not installed; a module that
    is there but fails to import raises as usual."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        print(f"{what} is not available: module {module} is not installed yet", file=sys.stderr)
        return None


def run_validation(store: Store) -> dict[str, int] | None:
    """Run the shapes on the store; returns findings by severity (None when unavailable)."""
    validation = optional_module("fiscal_kg.validation", "validation")
    if validation is None:
        return None
    report = validation.validate_store(store)
    return dict(getattr(report, "by_severity", lambda: Counter())())


def run_linking(store: Store, wikidata: str | None) -> list | None:
    """Link the store's units to divisions (and Wikidata); None when linking is unavailable."""
    linking = optional_module("fiscal_kg.linking", "linking")
    if linking is None:
        return None
    return list(linking.link_store(store, wikidata))
