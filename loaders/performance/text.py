"""Text helpers shared by the profile, project and performance interpreters."""

from __future__ import annotations

import re
from collections.abc import Iterator

from loaders.model import Block

# Wide characters: CJK ideographs, CJK and full-width punctuation.
_WIDE = r"\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef“”‘’"
_CJK_GAP_RE = re.compile(rf"(?<=[{_WIDE}])\s+(?=[{_WIDE}])")
TEXT_KINDS = ("heading", "paragraph")
# Chinese sentence ends: a paragraph ending otherwise was wrapped by the
# PDF-to-text tool and goes on in the next one.
SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?", "：", ":", ".")


def despace(text: str) -> str:
    """Drop the spaces PDF extraction puts between two wide characters.

    "满意度指 标" → "满意度指标", "个人缴费 政府代缴 资金" → "个人缴费政府代缴资金";
    spaces next to digits or Latin letters stay ("2023 年 1-3 月").
    """
    text = " ".join(text.split())
    return _CJK_GAP_RE.sub("", text) if " " in text else text


def text_lines(blocks: list[Block]) -> Iterator[tuple[int, str]]:
    """(line, text) of every heading and paragraph line, in document order."""
    for block in blocks:
        if block.kind not in TEXT_KINDS or not block.text:
            continue
        for k, part in enumerate(block.text.split("\n")):
            if part.strip():
                yield block.line + k, part.strip()


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


def join_wrapped(head: str | None, tail: str) -> str:
    """Join text a PDF tool wrapped onto another row: no space between wide
    characters ("资金发放(补助)及" + "时率"), one space between narrow ones."""
    if not head:
        return despace(tail)
    if head[-1:].isascii() and tail[:1].isascii() and head[-1:].isalnum() and tail[:1].isalnum():
        return despace(f"{head} {tail}")
    return despace(head + tail)
