"""Stated counts with the lists they introduce: "下设8个处室，分别是：办公室、计财科、…".

An auditor counts the names: a list that names one office twice, or fewer names than the count
says, is an error the report prints. This module records the count, the counted word and the
names as printed (repeats kept); the shape NARR-COUNT-LIST judges them.

Only a count followed by a colon and a 、-separated list is read: the colon says "here they
are", so prose like "涉及3个项目，总金额…" is not taken for a list. A list wrapped over lines (or
over a blank line, as PDF tools do) is followed to its sentence end.
"""

from __future__ import annotations

import re

from loaders.model import Block, StatedCount
from loaders.performance.text import despace, ends_sentence, join_wrapped, text_lines
from loaders.text import label_key

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
# "N个<noun>，分别是/包括/为：" — the connective words are grammar, the noun is what is counted
_COUNT_RE = re.compile(
    r"(\d+|[一二两三四五六七八九十]{1,3})\s*个\s*([\u4e00-\u9fff]{1,8}?)\s*[，,]?\s*"
    r"(?:分别是|分别为|分别有|具体是|具体为|主要有|包括|包含|即|有|为|是)?\s*[：:]"
)
_LIST_END = "。；;"
_OPEN, _CLOSE = "（(【[《“", "）)】]》”"
_JOIN_WORDS_RE = re.compile(r"(?:以及|和|及|与)")
_CHAPTER_RE = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十0-9]+部分)")
_MAX_WRAPS = 8  # a list is followed over at most this many wrapped lines


def chinese_number(text: str) -> int | None:
    """"8" → 8, "十二" → 12, "二十" → 20; None for what is not a small count."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, 1 if not tens else 0)
        o = _CN_DIGITS.get(ones, 0 if not ones else -100)
        return t * 10 + o if t and o >= 0 else None
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def extract_counts(blocks: list[Block]) -> list[StatedCount]:
    lines = list(text_lines(blocks))
    found: list[StatedCount] = []
    for k, (line, text) in enumerate(lines):
        text = despace(text)
        for m in _COUNT_RE.finditer(text):
            count = chinese_number(m.group(1))
            if count is None or count < 2:
                continue
            listing = _follow(text[m.end():], lines[k + 1 : k + 1 + _MAX_WRAPS])
            items = split_items(listing)
            if len(items) < 2:
                continue
            items, open_ended = _close_list(items, count)
            found.append(StatedCount(line=line, count=count, noun=m.group(2), items=items,
                                     open_ended=open_ended, sentence=text[m.start():]))
    return found


def _follow(head: str, more: list[tuple[int, str]]) -> str:
    """The list text up to its sentence end, joining the lines a PDF tool wrapped it over."""
    listing = head
    for _, part in more:
        if _ended(listing) or _CHAPTER_RE.match(part):
            break
        listing = join_wrapped(listing, part)
    return _cut(listing)


def _ended(text: str) -> bool:
    return any(ch in text for ch in _LIST_END) or ends_sentence(text)


def _cut(text: str) -> str:
    """The text up to the first 。/； outside brackets."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _LIST_END:
            return text[:i]
    return text


def split_items(listing: str) -> list[str]:
    """Names separated by 、 (or ，) outside brackets, as printed, repeats kept."""
    items, depth, current = [], 0, ""
    for ch in listing:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,":
            items.append(current)
            current = ""
            continue
        current += ch
    items.append(current)
    return [i.strip().rstrip("。.") for i in items if i.strip().rstrip("。.")]


def _close_list(items: list[str], count: int) -> tuple[list[str], bool]:
    """Drop a closing 等 (the list is then not exhaustive); read "…、B和C" as two names when
    that is what makes the count."""
    open_ended = False
    last = items[-1]
    if last.endswith("等") and len(last) > 1:
        items, open_ended = [*items[:-1], last[:-1]], True
    if len({label_key(i) for i in items}) == count - 1:
        for k, item in enumerate(items):
            parts = _JOIN_WORDS_RE.split(item) if not any(b in item for b in _OPEN) else [item]
            if len(parts) == 2 and all(parts):
                return items[:k] + parts + items[k + 1 :], open_ended
    return items, open_ended
