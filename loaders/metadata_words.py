"""The words a report uses to describe itself, read from the code lists.

``ontology/codes/document-fields.ttl`` holds the labels of the lines that name
the unit ("预算主管部门：", "编制单位："), of a web page's title field and of
page chrome (发布时间, 来源, 字号, breadcrumbs' 首页 …); ``document-scopes.ttl``
the words that state a report's scope (部门预算 / 单位预算 / 预算单位);
``division-levels.ttl`` the endings of place names (省, 市, 区, 县 …). The
metadata readers match these and keep no word lists of their own.
"""

from __future__ import annotations

import re
from functools import cache

from loaders.codelists import code_list
from loaders.text import label_key


def _labels(scheme: str, key: str) -> list[str]:
    concept = code_list(scheme).get(key)
    if concept is None:
        raise KeyError(f"code list {scheme} has no concept {key!r}")
    zh = [label for label in concept.labels() if not label.isascii()]
    return sorted(set(zh), key=lambda s: (-len(s), s))


def _spaced(label: str) -> str:
    """A regex for ``label`` that also matches it printed with spaces between characters."""
    return r"\s*".join(re.escape(ch) for ch in label if not ch.isspace())


@cache
def field_keys() -> dict[str, str]:
    """Normalised field label → field concept key (unit-name, page-title, page-chrome, contents)."""
    fields = code_list("document-fields")
    return {label_key(label): key for key in fields.concepts for label in _labels(
        "document-fields", key)}


@cache
def unit_field_pattern() -> re.Pattern[str]:
    """"预算主管部门：X", "编制单位: X    单位：元" anywhere on a line; group 1 the label, 2 the
    rest of the line after the colon."""
    labels = "|".join(_spaced(label) for label in _labels("document-fields", "unit-name"))
    # "编制单位（盖章）：X": a short note in brackets may stand between the label and the colon
    note = r"(?:[（(][^）)]{0,4}[）)])?"
    return re.compile(rf"(?:^|(?<=[\s|｜*#>]))({labels})\s*{note}\s*[:：]\s*(.*)$")


@cache
def scope_labels() -> list[tuple[str, str]]:
    """(normalised label, scope key), longest first, without the one-word prefLabels
    (部门/单位 alone say nothing: every report names both)."""
    pairs = [(label_key(label), key) for key in code_list("document-scopes").concepts
             for label in _labels("document-scopes", key) if len(label_key(label)) > 2]
    return sorted(pairs, key=lambda p: (-len(p[0]), p[1]))


@cache
def place_endings() -> frozenset[str]:
    """Last characters of the division-level words (省, 自治区, 市辖区, 县, 旗 …): a name that
    ends in one of them names a place, not a unit."""
    levels = code_list("division-levels")
    words = [label for c in levels.concepts.values() for label in c.alt if not label.isascii()]
    return frozenset(word[-1] for word in words)
