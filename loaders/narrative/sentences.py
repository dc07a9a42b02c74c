"""Paragraphs and sentences, rebuilt from the line-per-block text of the reports.

PDF-to-text output breaks sentences anywhere, often with a blank line in
between ("基本支出 5,631.87" / "" / "万元，占 51.49%"). A line that does not end
with sentence-final punctuation therefore continues on the next non-table
text line, unless that line is a heading. Each paragraph keeps where every
source line starts, so any offset maps back to the line its text is on.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from loaders.model import Block
from loaders.text import fold

from .sections import Layout

# A line ending in one of these ends its paragraph (after closing brackets,
# quotes and markdown emphasis, which may follow the punctuation).
_FINAL = frozenset("。．；;：:！!？?")
_CLOSERS = "”’」』）)】]*》 "
# Sentences end at 。！？ only: ；-separated list items stay in one sentence so
# a 类/款/项 path before "；" still names the amount after it (002: "（项：09）；
# 2022 年预算数为 303.87 万元").
_SENTENCE_END_RE = re.compile(r"[。!?]+")
# "预算安排规模：538.12 万元", "设立的政策依据：…": a short key and a colon open a
# field of a list, never the rest of the line before ("…实施方案" has no 。).
# 其中/包括 lines do continue the sentence before them.
_FIELD_RE = re.compile(r"^(?!其中|包括|主要)[^\d\s，。；：:,;]{2,10}[：:]")
# A line ending in a colon introduces a list when its words say so ("其中：", "如下：") or
# the next line opens an item ("（一）…"); otherwise the colon only fell at the end of a
# wrapped line ("主要用于：" / "支付养老保险。") and the sentence goes on.
_COLONS = frozenset("：:")
_LIST_INTRO_RE = re.compile(r"(?:其中|如下|以下|包括|分别为|分别是|具体为|具体如下)\s*[：:]$")
_LIST_ITEM_RE = re.compile(
    r"^\s*(?:[-*•]|\d+\s*[、.．)）]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]"
    r"|[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十\d]+)"
)


@dataclass
class Paragraph:
    text: str  # printed text, lines joined without separators
    section: str | None
    heading: bool = False
    # Starts on the line after the paragraph before, in the same section, with no list marker:
    # a wrapped line that happened to end in 。 ("…主要用于行政单位离退休。" / "2023年当年…").
    follows: bool = False
    starts: list[int] = field(default_factory=list)  # offset where each piece starts
    lines: list[int] = field(default_factory=list)  # 1-based source line of each piece
    end_line: int = 0

    def add(self, text: str, line: int) -> None:
        self.starts.append(len(self.text))
        self.lines.append(line)
        self.text += text

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect_right(self.starts, offset) - 1)]

    def ends_in_colon(self) -> bool:
        tail = self.text.rstrip(_CLOSERS)
        return bool(tail) and tail[-1] in _COLONS

    def continues_with(self, text: str) -> bool:
        """Whether ``text`` (the next line) goes on with this paragraph."""
        if _FIELD_RE.match(text):
            return False
        if self.is_open():
            return True
        return (self.ends_in_colon() and not _LIST_INTRO_RE.search(self.text.rstrip(_CLOSERS))
                and not _LIST_ITEM_RE.match(text))

    def is_open(self) -> bool:
        tail = self.text.rstrip(_CLOSERS)
        if not tail:
            return False
        last = tail[-1]
        if last == "." and len(tail) > 1 and not tail[-2].isdigit():
            return False
        return last not in _FINAL


@dataclass
class Sentence:
    paragraph: Paragraph
    start: int  # offset in the paragraph
    printed: str
    folded: str


def paragraphs(blocks: list[Block], layout: Layout) -> list[Paragraph]:
    out: list[Paragraph] = []
    open_para: Paragraph | None = None
    for i, block in enumerate(blocks):
        if block.kind == "table" or i not in layout.section_of or i in layout.title_tail:
            continue  # a table inside a broken sentence does not end it
        section = layout.section_of[i]
        text = block.text.strip()
        if not text:
            continue
        if block.kind == "heading" and i not in layout.prose:
            # Headings stand alone: never continued, never continuing.
            para = Paragraph("", section, heading=True)
            para.add(text, block.line)
            out.append(para)
            open_para = None
            continue
        if open_para is not None and open_para.continues_with(text):
            open_para.add(text, block.line)
            open_para.end_line = block.end_line
            continue
        prev = out[-1] if out else None
        open_para = Paragraph("", section)
        open_para.follows = (
            prev is not None and not prev.heading and prev.section == section
            and prev.end_line + 1 == block.line and not _LIST_ITEM_RE.match(text)
        )
        open_para.add(text, block.line)
        open_para.end_line = block.end_line
        out.append(open_para)
    return out


def sentences(para: Paragraph) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    text = para.text
    folded_all = fold(text)
    for m in _SENTENCE_END_RE.finditer(folded_all):
        if text[start : m.end()].strip():
            out.append(Sentence(para, start, text[start : m.end()], folded_all[start : m.end()]))
        start = m.end()
    if text[start:].strip():
        out.append(Sentence(para, start, text[start:], folded_all[start:]))
    return out
