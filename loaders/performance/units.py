"""Is the unit a performance table names the report's own unit?

Two names are the same unit when, after NFKC and dropping spaces and punctuation,

1. they are equal; or
2. they are equal once the abbreviation 社保 is read as 社会保险; or
3. the table's name starts with a bare level word (县/市/州/区/旗/省) that the
   report's name also has right after its place name, and the report's name
   ends with the table's name (县社保事务中心 ↔ 苍溪县社会保险事务中心).

Anything else is a mismatch — including two names of one organisation that
differ in wording (社会保险中心 vs 社会保险管理局): the table is kept and its
indicators are marked ``unit_mismatch`` so a reader can decide.
"""

from __future__ import annotations

from loaders.text import label_key

# Abbreviation → full form, as reports shorten unit names.
_ABBREVIATIONS = (("社保", "社会保险"), ("人社", "人力资源和社会保障"))
_LEVEL_WORDS = ("县", "市", "州", "区", "旗", "省")


def _expand(key: str) -> str:
    for short, full in _ABBREVIATIONS:
        if full not in key:
            key = key.replace(short, full)
    return key


def same_unit(printed: str, report_unit: str) -> bool:
    a, b = label_key(printed), label_key(report_unit)
    if not a or not b:
        return True  # nothing to compare: no evidence of a mismatch
    if a == b:
        return True
    a, b = _expand(a), _expand(b)
    if a == b:
        return True
    return a[0] in _LEVEL_WORDS and len(b) > len(a) and b.endswith(a)
