"""Which indicator level a printed name is, from the indicator-levels code list.

``ontology/codes/indicator-levels.ttl`` holds the level-1 names (产出指标,
效益指标, 满意度指标, 成本指标) and the level-2 names under them
(skos:broader), with the variants reports print as altLabels. A concept with
a broader concept is level 2, one without is level 1.

Names the code list does not know but that end in 指标 read as "level-like"
(``SUFFIX_ONLY``): that is how tables name their categories, and it only
nudges column alignment — nothing is coded from it.
"""

from __future__ import annotations

from functools import lru_cache

from loaders.codelists import code_list
from loaders.performance.text import despace
from loaders.text import label_key


@lru_cache(maxsize=1)
def _label_levels() -> dict[str, frozenset[int]]:
    try:
        codes = code_list("indicator-levels")
    except (KeyError, FileNotFoundError):
        return {}  # code list not installed: fall back to the 指标 suffix
    levels: dict[str, set[int]] = {}
    for concept in codes.concepts.values():
        level = 2 if concept.broader else 1
        for lab in concept.labels():
            levels.setdefault(label_key(lab), set()).add(level)
    return {k: frozenset(v) for k, v in levels.items()}


SUFFIX_ONLY = 0  # "looks like a level name" (…指标) but not in the code list


@lru_cache(maxsize=4096)
def levels_of(name: str) -> frozenset[int]:
    """{1}, {2} or {1, 2} for a level name of the code list, {SUFFIX_ONLY} for
    another name ending in 指标 (正向指标, 一级效益指标 …), {} otherwise."""
    key = label_key(despace(name))
    known = _label_levels().get(key)
    if known:
        return known
    if len(key) > 2 and key.endswith("指标"):
        return frozenset({SUFFIX_ONLY})
    return frozenset()


def is_level_name(name: str) -> bool:
    return bool(levels_of(name))
