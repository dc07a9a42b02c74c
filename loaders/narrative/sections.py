"""Narrative sections: the report's headings (第X部分, 一、, （一）…) in document order.

Tables are not narrative, and neither is the table of contents: its entries
repeat the real headings, so the contents run from the 目录 line to the
second appearance of the first entry's marker (第一部分 …) and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.model import Block, Section

_CN = "一二三四五六七八九十百零〇两"
# The marker a heading opens with: 第一部分 / 一、 / （一） / 1、 1.
_MARKER_RE = re.compile(
    rf"^\s*(第[{_CN}0-9]+(?:部分|章|节)|[{_CN}]+\s*[、.．]|[（(]\s*[{_CN}0-9]+\s*[)）]|\d+\s*[、.．])"
)
# Titles of tables are not sections: "表 1", "单位公开表 3-1", "…情况表", "表一：".
_TABLE_TITLE_RE = re.compile(
    rf"(?:表\s*[0-9{_CN}]*(?:\s*[-—－]\s*\d+)?\s*[:：]?|表\s*[（(][^)）]*[)）]|表\s*[》」』])$"
)
_CONTENTS_RE = re.compile(r"^目\s*录$")
_SENTENCE_PUNCT = re.compile(r"[。；;，,：:！!？?]")
_TITLE_TAIL_MAX = 12  # a title broken across lines leaves a short tail ("算拨款情况说明")


@dataclass
class Layout:
    """Which blocks are narrative and which section each belongs to."""

    sections: list[Section]
    section_of: dict[int, str | None]  # index of a narrative block → Section.key
    title_tail: set[int]  # indexes of blocks that only finish a heading's title
    prose: set[int]  # heading blocks that are really prose (a definition line)


def _compact(text: str) -> str:
    return "".join(text.split())


def contents_range(blocks: list[Block]) -> tuple[int, int] | None:
    """[first, last) indexes of the table of contents, or None.

    The contents end where the first entry's marker comes again (第一部分 …
    repeated by the body) or, when the body's headings carry no marker
    ("…主要职能" after "一、部门主要职能 ……"), before the first prose line —
    entries never hold sentence punctuation — and the unmarked title lines
    just above it.
    """
    for i, block in enumerate(blocks):
        if block.kind == "table" or not _CONTENTS_RE.match(_compact(block.text)):
            continue
        marker = None
        for j in range(i + 1, len(blocks)):
            if blocks[j].kind == "table":
                continue
            if _is_body_prose(blocks[j].text):
                return i, _back_over_titles(blocks, i, j)
            m = _MARKER_RE.match(blocks[j].text)
            if m is None:
                continue
            if marker is None:
                marker = _compact(m.group(1))
            elif _compact(m.group(1)) == marker:
                return i, j
        return None
    return None


# Leader dots of a contents entry ("三、名词解释 ……………", "目录....3").
_LEADER_RE = re.compile(r"[…⋯·.．]{3,}")


def _is_body_prose(text: str) -> bool:
    return bool(_PROSE_PUNCT.search(_LEADER_RE.sub("", text)))


def _back_over_titles(blocks: list[Block], first: int, prose: int) -> int:
    # The body's first title ("上海市普陀区司法局主要职能") has neither a marker
    # nor leader dots; an entry has one or the other.
    j = prose
    while j - 1 > first:
        prev = blocks[j - 1]
        text = prev.text.strip()
        if prev.kind != "table" and text and (
            _MARKER_RE.match(text) or _LEADER_RE.search(text)
        ):
            break
        j -= 1
    return j


_PART_RE = re.compile(rf"^第[{_CN}0-9]+(?:部分|章|节)")
_PROSE_PUNCT = re.compile(r"[，。；,;]")


# A heading printed without a marker on a line of its own ("2025年部门预算编制说明",
# "其他相关情况说明", "苍溪县社会保险事务中心 2023 年单位预算情况说明"): a short line with no
# sentence punctuation that ends in 说明. Its only digits are the year's.
_UNNUMBERED_TITLE_RE = re.compile(r"^(?:[^\d]*\d{4}\s*年)?[^\d]*说明$")
_UNNUMBERED_TITLE_MAX = 40


def is_unnumbered_title(block: Block) -> bool:
    text = _compact(block.text)
    return (
        block.kind == "paragraph"
        and 0 < len(text) <= _UNNUMBERED_TITLE_MAX
        and not _SENTENCE_PUNCT.search(text)
        and bool(_UNNUMBERED_TITLE_RE.match(text))
    )


def _continues_a_title(blocks: list[Block], i: int) -> bool:
    # "乌鲁木齐市社会保险中心 2023 年度部门" / "决算公开说明": the line before is a title's first
    # part, a paragraph that ends in neither punctuation nor a number
    prev = blocks[i - 1] if i > 0 else None
    if prev is None or prev.kind != "paragraph":
        return False
    text = _compact(prev.text)
    return bool(text) and not _SENTENCE_PUNCT.search(text[-1]) and not text[-1].isdigit()


def is_section_title(block: Block) -> bool:
    if is_unnumbered_title(block):
        return True
    if block.kind != "heading":
        return False
    text = _compact(block.text)
    if _PART_RE.match(text):
        return True  # "第二部分 2023 年单位预算公开表" is a part, though it ends in 表
    return (
        bool(text)
        and not _TABLE_TITLE_RE.search(text)
        and not _CONTENTS_RE.match(text)
        and not is_prose(block)
    )


def is_prose(block: Block) -> bool:
    # "八、机关运行经费：指各单位的公用经费，包括办公及" opens like a title but is
    # the first line of a definition: a clause separator inside gives it away.
    return block.kind == "heading" and bool(_PROSE_PUNCT.search(block.text))


def _is_title_tail(block: Block) -> bool:
    text = block.text.strip()
    return (
        block.kind == "paragraph"
        and 0 < len(text) <= _TITLE_TAIL_MAX
        and not _SENTENCE_PUNCT.search(text)
        and not any(ch.isdigit() for ch in text)
    )


def layout_sections(blocks: list[Block]) -> Layout:
    skip = contents_range(blocks)
    sections: list[Section] = []
    section_of: dict[int, str | None] = {}
    tails: set[int] = set()
    prose: set[int] = set()
    current: Section | None = None
    last_line = 0
    for i, block in enumerate(blocks):
        if skip and skip[0] <= i < skip[1]:
            continue
        if is_unnumbered_title(block) and (
            (skip and i < skip[0]) or _continues_a_title(blocks, i)
        ):
            pass  # the cover's title ("…部门/决算公开说明" before 目录), or its second line
        elif is_section_title(block):
            if current is not None:
                current.end_line = max(current.line, last_line)
            title = block.text.strip()
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            end = block.end_line
            if nxt is not None and not _SENTENCE_PUNCT.search(title[-1:]) and _is_title_tail(nxt):
                title += nxt.text.strip()
                end = nxt.end_line
                tails.add(i + 1)
            current = Section(key=f"s{len(sections) + 1}", title=title, line=block.line,
                              end_line=end)
            sections.append(current)
        elif is_prose(block):
            prose.add(i)
        last_line = max(last_line, block.end_line)
        if block.kind != "table":
            section_of[i] = current.key if current else None
    if current is not None:
        current.end_line = max(current.end_line, last_line)
    return Layout(sections, section_of, tails, prose)
