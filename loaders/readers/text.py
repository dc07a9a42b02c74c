"""Text helpers shared by the readers: cleaning, display width, text blocks.

Cleaning removes presentation noise (HTML tags, entities, markdown markers,
odd whitespace) and nothing else. It never touches digits: "35.5 6" stays
"35.5 6" because deciding that a space inside a number is an extraction
artefact belongs to the cell-value parser, which knows the column type.
"""

from __future__ import annotations

import html
import re

from loaders.model import Block

# Tags that only change how text looks: removed without a trace, so that
# "合<b>计</b>" stays "合计".
_INLINE_TAGS = "a|abbr|b|big|code|em|font|i|ins|del|mark|s|small|span|strike|strong|sub|sup|tt|u"
# Tags that separate text (line breaks, blocks, table structure): replaced by
# a space so the words on either side do not run together.
_BREAK_TAGS = (
    "br|p|div|li|ul|ol|hr|h[1-6]|table|thead|tbody|tfoot|tr|td|th|caption|col|colgroup|img"
)
# Only known tag names are stripped: "<=750 元" or "<5%" in a target value is
# text, not markup. ``[^<>]*`` cannot backtrack across tags.
_INLINE_TAG_RE = re.compile(rf"</?(?:{_INLINE_TAGS})\b[^<>]*>", re.IGNORECASE)
_BREAK_TAG_RE = re.compile(rf"</?(?:{_BREAK_TAGS})\b[^<>]*>", re.IGNORECASE)
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# Characters with no width that PDF tools sprinkle into text.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# Anything clean_cell could change: markup, entities, markdown emphasis,
# invisible characters, whitespace runs or whitespace other than a space.
_NEEDS_CLEANING = re.compile(r"[<&*\u200b\u200c\u200d\u2060\ufeff\u00ad]|\s\s|[^\S ]")

_MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)")
_MD_BULLET_RE = re.compile(r"^\s*[-*+•]\s+")
_MD_BULLET_ONLY = frozenset("-*+•")

_CN_NUM = "一二三四五六七八九十百零〇两"
# Section-title openings used in Chinese government reports.
_TITLE_RE = re.compile(
    rf"^(?:第[{_CN_NUM}0-9]+(?:部分|章|节)"  # 第一部分 …
    rf"|[{_CN_NUM}]+\s*[、.．]"  # 一、…
    rf"|[（(]\s*[{_CN_NUM}]+\s*[)）]"  # （一）…
    # 表 1, 表一：, 单位公开表 3-1 (the whole line)
    rf"|[^\s，。；]{{0,8}}表\s*[0-9{_CN_NUM}]+(?:\s*[-—－]\s*[0-9]+)?\s*[:：]?\s*$"
    r")"
)
_SENTENCE_END = frozenset("。；;，,！!？?")
_HEADING_MAX_CHARS = 50
_TABLE_TITLE_MAX_CHARS = 40


def strip_tags(text: str) -> str:
    """Remove HTML markup and decode character entities."""
    if "<" in text:
        text = _INLINE_TAG_RE.sub("", text)
        text = _BREAK_TAG_RE.sub(" ", text)
    if "&" in text:
        text = _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)
    return text


def collapse_ws(text: str) -> str:
    """Collapse every run of Unicode whitespace (incl. U+3000, NBSP) to one space.

    NFKC would map those characters to a plain space too; doing only that
    keeps the rest of the text (full-width brackets, digits) as printed.
    """
    if not text.isascii() and _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Tags stripped, entities decoded, whitespace collapsed. Digits untouched."""
    return collapse_ws(strip_tags(text))


def clean_cell(text: str) -> str:
    """Cell text: ``clean_text`` plus markdown bold/italic wrapping removed."""
    text = clean_text(text)
    if "*" in text:
        text = text.replace("**", "")
        if len(text) > 2 and text[0] == "*" and text[-1] == "*":
            text = text[1:-1].strip()
    return text


def make_text(raw: str) -> tuple[str, str | None]:
    """(clean text, raw) where raw is kept only when cleaning changed more than
    surrounding whitespace — the model's contract for ``Cell.raw``."""
    stripped = raw.strip()
    # Most cells are empty or plain; skip the cleaning passes for them.
    if not stripped or _NEEDS_CLEANING.search(stripped) is None:
        return stripped, None
    text = clean_cell(stripped)
    return text, (stripped if text != stripped else None)




# ---------------------------------------------------------------------------
# Headings and paragraphs
# ---------------------------------------------------------------------------


def strip_markdown(line: str) -> tuple[str, bool]:
    """Remove markdown markers from a text line; report whether it was a # heading."""
    is_md_heading = False
    m = _MD_HEADING_RE.match(line)
    if m:
        is_md_heading = True
        line = line[m.end() :]
    else:
        stripped = line.strip()
        if stripped in _MD_BULLET_ONLY:
            return "", False
        m = _MD_BULLET_RE.match(line)
        if m:
            line = line[m.end() :]
    if "**" in line:
        line = line.replace("**", "")
    return line, is_md_heading


def looks_like_title(text: str) -> bool:
    """Short line opening like a section or table title (第一部分, 一、, （一）, 表 1)."""
    if not text or len(text) > _HEADING_MAX_CHARS or text[-1] in _SENTENCE_END:
        return False
    if _TITLE_RE.match(text):
        return True
    # Table titles: "单位收支总体情况表", "项目支出绩效目标表".
    return text.endswith("表") and len(text) <= _TABLE_TITLE_MAX_CHARS


def text_block(line: str, lineno: int) -> Block | None:
    """A heading or paragraph block for one non-table line (None if nothing is left)."""
    body, md_heading = strip_markdown(line)
    text = clean_text(body)
    if not text:
        return None
    kind = "heading" if md_heading or looks_like_title(text) else "paragraph"
    # The line as printed: where its words stand (``Block.raw``).
    raw = None if md_heading else line.rstrip()
    return Block(kind=kind, line=lineno, end_line=lineno, text=text, layout="text", raw=raw)
