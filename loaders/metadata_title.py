"""The title: the first line (of the first ``HEAD_LINES``, chrome left out) with a fiscal year
and 预算 or 决算 — "阿图什市社会保险中心" over "2023 年单位预算公开", "某某局2024年部门预算公开" on
one line, "… 2023 年度部门" over "决算公开说明", "上海市普陀区2026年区级部门预算", "某某局24年预算".

The year may be printed with four digits, two ("24年预算": 2024) or Chinese numerals
("二〇二四年度"); the kind is the 预算/决算 word the title gives after its year, so a budget whose
text discusses last year's 决算 stays a budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.metadata_lines import Line, clean_name, is_name, strip_heading

HEAD_LINES = 30  # text lines searched for the title

_KIND_WORD = re.compile(r"预算|决算")
_ZH_DIGITS = {ch: str(i) for i, ch in enumerate("零一二三四五六七八九")} | {"〇": "0", "○": "0"}
_YEARS = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?"),
    re.compile(r"([〇○零一二三四五六七八九]{4})\s*年度?"),
    # two digits only right before the kind: "24年预算", "单位25年预算", "25年度部门决算"
    re.compile(r"(?<![\d.．])(\d{2})\s*年度?(?=[^\d，。,；;]{0,8}?(?:预算|决算))"),
)
_KIND_TAIL = re.compile(r"\s*(?:[\u4e00-\u9fff]级)?\s*(?:部门|单位|本级)?\s*(?:预算|决算).*$")
_QUALIFIER = re.compile(r"(?:[\u4e00-\u9fff]级)?(?:部门|单位|预算|决算)")
# Clause punctuation, a percentage or an amount with decimals: marks of a sentence, not a title.
_SENTENCE = re.compile(r"[，。；;%]|\d[.．]\d")
_SCOPE_TAIL = re.compile(r"(?:部门|单位|关于|的)$")  # "某某局单位25年预算", "某某局关于2024年…"


@dataclass(frozen=True)
class Title:
    text: str  # as printed, wrapped lines joined
    unit: str  # "" when the title names no unit
    year: int
    year_end: int  # offset in ``text`` just after the year
    line: int


def find_year(text: str) -> re.Match[str] | None:
    found = [m for pattern in _YEARS if (m := pattern.search(text))]
    return min(found, key=lambda m: m.start()) if found else None


def year_value(m: re.Match[str]) -> int:
    digits = "".join(_ZH_DIGITS.get(ch, ch) for ch in m.group(1))
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def find_title(lines: list[Line]) -> Title | None:
    head = lines[:HEAD_LINES]
    for k, line in enumerate(head):
        text = line.text.replace("**", "")
        m = find_year(text)
        if not m or _SENTENCE.search(text):  # a sentence that mentions a budget is no title
            continue
        follow = head[k + 1].text.replace("**", "") if k + 1 < len(head) else ""
        has_kind = bool(_KIND_WORD.search(text[m.start():]))
        wrapped = not has_kind and bool(_KIND_WORD.search(follow)) and len(follow) <= 20
        if not has_kind and not wrapped:
            continue
        parts = [text] + ([follow] if wrapped else [])
        unit = _unit_before(text[: m.start()])
        if not unit:
            after = clean_name(_KIND_TAIL.sub("", text[m.end():]))
            # "2021 年度 某某市统计局 部门决算", not "2026年部门财务收支预算总表" (a table's title)
            named = len(after) >= 4 and is_name(after) and not _QUALIFIER.match(after)
            unit = after if named else ""
        if not unit and k > 0:
            prev = clean_name(head[k - 1].text)
            if is_name(prev) and not find_year(prev) and not _KIND_WORD.search(prev):
                unit = prev
                parts.insert(0, prev)
        title = ""
        for p in parts:
            title = _join(title, clean_name(p))
        end = title.find(m.group(0)) + len(m.group(0))
        return Title(title, unit, year_value(m), end, line.number)
    return None


def kind_of(title: Title) -> str:
    """预算 or 决算, as the title says after its year (else anywhere in it); a title that says
    neither is a budget."""
    m = _KIND_WORD.search(title.text, title.year_end) or _KIND_WORD.search(title.text)
    return "final-account" if m and m.group(0) == "决算" else "budget"


def _unit_before(text: str) -> str:
    """The unit named before the year: "第二部分 某某局" → "某某局", "某某局单位" → "某某局"."""
    name = clean_name(strip_heading(clean_name(text)))
    shorter = _SCOPE_TAIL.sub("", name)
    if shorter != name and len(shorter) >= 2:
        name = clean_name(shorter)
    return name if is_name(name) else ""


def _join(a: str, b: str) -> str:
    if not a or not b:
        return a or b
    return a + b if not (a[-1].isascii() or b[0].isascii()) else f"{a} {b}"
