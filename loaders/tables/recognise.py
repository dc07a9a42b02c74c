"""Table titles: is this line a table title, which number, which table type.

Title wording lives in ``ontology/codes/table-types.ttl`` (prefLabel and
altLabels per type). A printed title is matched after removing what varies
from report to report and is not part of a table's name: enumeration
("一、"), book-title marks, a leading year ("2023年"), the unit's own name,
a trailing year in brackets. An exact label match wins; otherwise the
longest label the title ends with ("XX局单位收支总体情况表").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from loaders.tables.lookup import scheme, strip_enumeration
from loaders.text import label_key

# Tables that the performance interpreter reads; this package skips them.
PERFORMANCE_TYPES = frozenset(
    {"performance-target", "performance-self-evaluation", "performance-overall"}
)
GENERIC = "generic"

_CN = "一二三四五六七八九十百零〇"
# "表1", "表 1", "表一：", "单位公开表 3-1", "附表2 单位收入总体情况表".
_NUMBER_RE = re.compile(
    rf"^(?P<prefix>[^\s，。；:：]{{0,8}}?)表\s*(?P<num>[0-9{_CN}]+(?:\s*[-—－]\s*[0-9]+)?)"
    r"\s*[:：.．]?\s*(?P<rest>.*)$"
)
_YEAR_HEAD = re.compile(r"^(?:19|20)\d{2}年度?")
_YEAR_TAIL = re.compile(r"(?:19|20)\d{2}年度?$")
_SENTENCE = re.compile(r"[，。；,;！？]")
_TRAILING_BRACKET = re.compile(r"\s*[（(][^（）()]{1,20}[)）]\s*$")
_TITLE_MAX = 40


@dataclass
class NumberMarker:
    number: str  # as printed: "1", "一", "3-1"
    rest: str  # title text on the same line, if any


def number_marker(text: str) -> NumberMarker | None:
    m = _NUMBER_RE.match(text.strip())
    if not m:
        return None
    rest = m.group("rest").strip()
    if rest and not looks_like_title(rest):
        return None
    return NumberMarker(re.sub(r"\s+", "", m.group("num")), rest)


def looks_like_title(text: str) -> bool:
    """Short, no sentence punctuation, ends with 表 (ignoring a bracketed tail)."""
    t = text.strip().strip("《》")
    if not t or len(t) > _TITLE_MAX or _SENTENCE.search(t):
        return False
    t = _TRAILING_BRACKET.sub("", t).strip().strip("《》")
    return t.endswith("表")


def _core_key(text: str, unit_name: str | None) -> str:
    key = label_key(strip_enumeration(text.strip().strip("《》")))
    unit = label_key(unit_name) if unit_name else ""
    for _ in range(2):
        key = _YEAR_HEAD.sub("", key)
        if unit and key.startswith(unit) and len(key) > len(unit):
            key = key[len(unit) :]
    return _YEAR_TAIL.sub("", key)


@lru_cache(maxsize=1)
def _labels() -> list[tuple[str, str]]:
    cl = scheme("table-types")
    return cl.labels() if cl else []


@lru_cache(maxsize=2048)
def table_type(text: str, unit_name: str | None = None) -> str | None:
    """The table-type key a title names, or None."""
    key = _core_key(text, unit_name)
    if not key:
        return None
    labels = _labels()
    exact = [k for lab, k in labels if lab == key]
    if exact:
        return exact[0]
    # A qualifier after the name: "…情况表（按功能分类）" → drop it and retry.
    if not key.endswith("表") and "表" in key:
        head = key[: key.rindex("表") + 1]
        if len(key) - len(head) <= 12:
            key = head
            exact = [k for lab, k in labels if lab == key]
            if exact:
                return exact[0]
    for lab, k in labels:  # longest first
        if len(lab) >= 4 and key.endswith(lab):
            return k
    return None
