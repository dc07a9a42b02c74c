"""The lines a report describes itself with: its text lines without web-page chrome, and the
lines that name its unit ("预算主管部门：X", "编制部门：X    单位：元").

Reports copied from a web page open with the page's breadcrumbs ("首页 > 政府信息公开 > …"),
its fields ("标 题: | …", "发布时间：… 来源：… 字号：大 中 小") and headings such as "第二部分"
or "目录". None of these is ever a name; a page's title field is read as a title line. The
field words come from ``ontology/codes/document-fields.ttl`` (``loaders.metadata_words``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.metadata_words import field_keys, unit_field_pattern
from loaders.model import Block
from loaders.text import label_key

# A label ends at the first colon or pipe: "标 题: | X", "发布时间：2024-02-05".
_LABELLED = re.compile(r"^\s*[*#\-\s]*([^:：|｜]{1,8}?)\s*[:：|｜]+\s*(.*)$")
# Breadcrumb separators between two parts of a line.
_CRUMB = re.compile(r"\S\s*[>＞›»]\s*\S")
# A contents entry's dot leader: "1. 2026年部门财务收支预算总表 ……………… 5".
_LEADER = re.compile(r"…{2,}|\.{4,}|·{4,}|-{6,}")
# The first word of a line, up to a space or a breadcrumb separator.
_LEAD = re.compile(r"^[*#\s]*([^\s>＞›»/|｜\-—:：\d]{2,8})(?:[\s>＞›»/|｜\-—:：\d]|$)")
# Headings that number the report's parts or sections, kept off a name.
_PART = re.compile(r"^(?:第\s*[一二三四五六七八九十\d]+\s*部分|[一二三四五六七八九十]+\s*[、.．]"
                   r"|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d+\s*[、.．](?!\d))\s*")
# A unit name ends where a line's next field starts: two spaces, a tab, a pipe, "单位：元".
_NAME_END = re.compile(r"\s{2,}|\t|[|｜]|\s*(?:金额)?单\s*位\s*[:：]|\s+\S{1,6}[:：]")
_EDGE = " \t:：,，。·-—*#|｜"


@dataclass(frozen=True)
class Line:
    number: int  # 1-based source line
    text: str
    in_table: bool = False


def report_lines(blocks: list[Block]) -> list[Line]:
    """Every non-empty line, in source order: text blocks line by line, tables row by row
    (cells joined by two spaces, so a name never runs into the next cell)."""
    out: list[Line] = []
    for block in blocks:
        if block.kind == "table":
            for row in block.rows:
                text = "  ".join(c.text for c in row.cells if c.text.strip())
                if text.strip():
                    out.append(Line(row.line, text.strip(), in_table=True))
            continue
        for k, part in enumerate(block.text.split("\n")):
            if part.strip():
                out.append(Line(block.line + k, part.strip()))
    return sorted(out, key=lambda line: line.number)


def field_of(text: str) -> tuple[str, str] | None:
    """(field key, value) when the line opens with a field label of document-fields."""
    m = _LABELLED.match(text)
    if not m:
        return None
    key = field_keys().get(label_key(m.group(1)))
    return (key, m.group(2).strip(_EDGE).strip()) if key else None


def is_chrome(text: str) -> bool:
    """Breadcrumbs, page fields, 目录 / 附件 lines: never a title or a name."""
    if _CRUMB.search(text):
        return True
    field = field_of(text)
    if field and field[0] in ("page-chrome", "contents"):
        return True
    # a line that opens with a chrome word: "首页 - 信息公开 - …", "目 录", "打印本页 关闭窗口"
    first = _LEAD.match(text)
    keys = {field_keys().get(label_key(text)), field_keys().get(label_key(first.group(1)))
            if first else None}
    return bool(keys & {"page-chrome", "contents", "page-title"})


def title_lines(lines: list[Line]) -> list[Line]:
    """The text lines that may carry the title: chrome left out, a page's title field read as
    the title it holds ("标 题: | X2024年部门预算" → "X2024年部门预算")."""
    out: list[Line] = []
    for line in lines:
        field = field_of(line.text)
        if field and field[0] == "page-title":  # also a row of a page's field table
            if field[1]:
                out.append(Line(line.number, clean_name(field[1])))
            continue
        if line.in_table or is_chrome(line.text) or _LEADER.search(line.text):
            continue
        out.append(line)
    return out


def strip_heading(text: str) -> str:
    """"第二部分 X" / "一、X" / "（一）X" → "X"."""
    return _PART.sub("", text, count=1).strip()


def clean_name(text: str) -> str:
    """A name as printed, without edge punctuation and markdown emphasis."""
    return text.replace("**", "").strip(_EDGE).strip()


@dataclass(frozen=True)
class NamedBy:
    """A line that names the unit: "预算主管部门：X" → label 预算主管部门, name X."""

    label: str
    name: str
    line: int


def unit_fields(lines: list[Line]) -> list[NamedBy]:
    """Every unit-name field line, in source order."""
    out: list[NamedBy] = []
    pattern = unit_field_pattern()
    for line in lines:
        m = pattern.search(line.text) if ("：" in line.text or ":" in line.text) else None
        if not m:
            continue
        name = clean_name(_NAME_END.split(m.group(2), maxsplit=1)[0])
        if is_name(name):
            out.append(NamedBy(re.sub(r"\s+", "", m.group(1)), name, line.number))
    return out


def is_name(text: str) -> bool:
    """Could ``text`` be a unit's name: some Chinese, no digits-only code, no chrome, no field
    label of its own ("单位：元" is a currency, "第二部分" a heading)."""
    if len(text) < 2 or len(text) > 60 or not re.search(r"[\u4e00-\u9fff]{2}", text):
        return False
    if re.fullmatch(r"(?:人民币)?(?:亿|万|千)?元", text) or strip_heading(text) != text:
        return False
    if _SENTENCE.search(text):  # a sentence or a figure, not a name
        return False
    return not is_chrome(text) and field_of(text) is None


# Marks of a sentence or a figure, which no unit name prints: clause punctuation, quotes, a
# percentage or an amount with decimals ("说明: “执行数为348.52万元，…”" in a note about a report).
_SENTENCE = re.compile(r"[，。；;,：:!?！？%“”\"]|\d[.．]\d")
