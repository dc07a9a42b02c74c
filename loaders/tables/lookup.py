"""Code-list lookups the table interpreter needs, in one place.

Everything here reads the SKOS code lists (``loaders.codelists``); no word
lists live in this package. The function and economic classifications may
be missing while they are being written, so every lookup degrades to "no
answer" instead of failing.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from loaders.codelists import CodeList, code_list, currency_unit
from loaders.text import label_key

# Leading enumerations rows and titles print: "一、", "（二）", "1.", "2、", "(3)".
_CN = "一二三四五六七八九十百零〇"
_ENUM = re.compile(
    rf"^\s*(?:[{_CN}]+\s*[、.．]|[（(]\s*[{_CN}0-9]+\s*[)）]|[0-9]+\s*[、.．](?!\d))\s*"
)
# A currency unit in brackets closing a header: "合计（万元）", "金额(单位：元)".
_CURRENCY_TAIL = re.compile(r"\s*[（(]\s*(?:单位\s*[:：]\s*)?([^（）()]{1,6})\s*[)）]\s*$")
_OF_WHICH = re.compile(r"^\s*(?:其中|含)\s*[:：]\s*")


def scheme(name: str) -> CodeList | None:
    try:
        return code_list(name)
    except (KeyError, FileNotFoundError):
        return None


def strip_enumeration(text: str) -> str:
    """Drop "一、" / "1." / "（一）" / "其中：" openings (repeatedly)."""
    prev = None
    while prev != text:
        prev = text
        text = _OF_WHICH.sub("", _ENUM.sub("", text, count=1), count=1)
    return text.strip()


@lru_cache(maxsize=4096)
def ancestors(name: str, key: str) -> tuple[str, ...]:
    """Broader concepts of ``key``, nearest first (cycle-safe)."""
    cl = scheme(name)
    out: list[str] = []
    todo = [key]
    while cl is not None and todo:
        c = cl.get(todo.pop(0))
        for b in c.broader if c else []:
            if b not in out and b != key:
                out.append(b)
                todo.append(b)
    return tuple(out)


@lru_cache(maxsize=8192)
def is_primary_label(name: str, key: str, text: str) -> bool:
    """Whether ``text`` is a pref/alt label of ``key`` (not only a hidden one)."""
    cl = scheme(name)
    c = cl.get(key) if cl else None
    if c is None:
        return False
    wanted = {label_key(text), label_key(strip_enumeration(text))}
    hidden = {label_key(h) for h in c.hidden}
    return any(label_key(lab) in wanted for lab in c.labels() if label_key(lab) not in hidden)


def keys_for(name: str, text: str) -> list[str]:
    """Concept keys whose label equals ``text``; retried without enumeration."""
    return list(_keys_for(name, text))


# Lookups are pure functions of the code lists, which load once per process;
# report grids ask the same header and row wording over and over.
@lru_cache(maxsize=8192)
def _keys_for(name: str, text: str) -> tuple[str, ...]:
    cl = scheme(name)
    if cl is None or not text.strip():
        return ()
    found = cl.by_label(text)
    if not found:
        bare = strip_enumeration(text)
        if bare and bare != text:
            found = cl.by_label(bare)
    return tuple(sorted(found))


def column_key(text: str) -> str | None:
    """The columns.ttl key a header text names, if any ("合计（万元）" names 合计)."""
    keys = keys_for("columns", text)
    if not keys:
        m = _CURRENCY_TAIL.search(text)
        if m and currency_unit(m.group(1)) and m.start() > 0:
            text = text[: m.start()]
            keys = keys_for("columns", text)
    return _prefer_primary("columns", keys, text) if keys else None


def _prefer_primary(name: str, keys: list[str], text: str) -> str:
    primary = [k for k in keys if is_primary_label(name, k, text)]
    return (primary or keys)[0]


def choose_in_context(name: str, keys: list[str], text: str, context: list[str]) -> str | None:
    """Pick among concepts sharing a label by the rows printed above.

    ``context`` holds the keys of earlier rows, nearest first; the first of
    them that is a broader concept of some candidate decides (a "单位资金" row
    under "非财政拨款结转结余" is that carry-over's unit-funds part). Without
    such a row the concept carrying the words as pref/alt label wins.
    """
    if not keys:
        return None
    if len(keys) == 1:
        return keys[0]
    for prior in context:
        hits = [k for k in keys if prior in ancestors(name, k)]
        if hits:
            return _prefer_primary(name, hits, text)
    return _prefer_primary(name, keys, text)


@lru_cache(maxsize=1)
def _line_item_scan() -> list[tuple[str, str]]:
    cl = scheme("line-items")
    return cl.labels() if cl else []


def line_item_keys(text: str) -> list[str]:
    """Line items named by a row label: exact label first, then the longest
    label covering most of the text (a label with a stray suffix or prefix)."""
    return list(_line_item_keys(text))


@lru_cache(maxsize=8192)
def _line_item_keys(text: str) -> tuple[str, ...]:
    keys = keys_for("line-items", text)
    if keys:
        return tuple(keys)
    k = label_key(strip_enumeration(text))
    if len(k) < 4:
        return ()
    for lab, _key in _line_item_scan():
        if len(lab) >= 4 and lab in k and len(lab) >= 0.6 * len(k):
            return tuple(sorted({kk for lb, kk in _line_item_scan() if lb == lab}))
    return ()


@lru_cache(maxsize=64)
def descendants_of(name: str, root: str) -> frozenset[str]:
    cl = scheme(name)
    if cl is None:
        return frozenset()
    return frozenset(k for k in cl.concepts if k == root or root in ancestors(name, k))


# ---------------------------------------------------------------------------
# Classifications
# ---------------------------------------------------------------------------


def function_codes_by_name(text: str) -> list[str]:
    """Function-classification notations whose label is ``text``."""
    return keys_for("function", text)


def code_labels(name: str, code: str) -> set[str]:
    cl = scheme(name)
    c = cl.get(code) if cl else None
    return {label_key(lab) for lab in c.labels()} if c else set()


def has_labels(name: str) -> bool:
    cl = scheme(name)
    return bool(cl and cl.concepts)


@lru_cache(maxsize=4)
def _class_labels(name: str, width: int) -> list[tuple[str, str]]:
    cl = scheme(name)
    if cl is None:
        return []
    return [
        (label_key(lab), key)
        for key, c in cl.concepts.items()
        if len(key) == width and key.isdigit()
        for lab in c.labels()
    ]


@lru_cache(maxsize=1024)
def economic_class_by_name(text: str) -> str | None:
    """The 3-digit economic class a column header names ("商品和服务支出" → 302).

    Exact label first; then, because project tables abbreviate class names
    ("商品服务支出", "对社保基金补助"), the closest class label when it is
    clearly closer than any other.
    """
    exact = [k for k in keys_for("economic", text) if len(k) == 3]
    if exact:
        return exact[0]
    k = label_key(text)
    if len(k) < 3:
        return None
    labels = _class_labels("economic", 3)
    scored = sorted(
        ((difflib.SequenceMatcher(None, k, lab).ratio(), key) for lab, key in labels),
        reverse=True,
    )
    if not scored or scored[0][0] < 0.7:
        return None
    best, key = scored[0]
    runner = next((s for s, kk in scored if kk != key), 0.0)
    return key if best - runner >= 0.1 else None
