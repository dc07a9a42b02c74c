"""The rule catalogue ``shapes/rules.csv``: one row per rule id (titles, severity, scope, file).

``scope`` says what a rule needs to see: ``report`` — the report's own graph (plus the code lists
and rule data), so it can run while the report is loaded; ``unit`` — other reports of the same
unit (last year's report), so it runs over the store once the reports are in.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from loaders.resources import resource_dir

SCOPES = ("report", "unit")


@dataclass(frozen=True)
class RuleEntry:
    id: str
    title_zh: str
    title_en: str
    category: str
    severity: str
    scope: str
    file: str
    description: str


@lru_cache(maxsize=1)
def catalogue() -> dict[str, RuleEntry]:
    path = resource_dir("shapes") / "rules.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [RuleEntry(**row) for row in csv.DictReader(handle)]
    for row in rows:
        if row.scope not in SCOPES:
            raise ValueError(f"{path}: rule {row.id}: scope {row.scope!r} is not one of {SCOPES}")
    return {row.id: row for row in rows}


def rules_of_scope(scope: str) -> frozenset[str]:
    return frozenset(rule for rule, row in catalogue().items() if row.scope == scope)
