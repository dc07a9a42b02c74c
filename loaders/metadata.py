"""What a report says about itself: unit, fiscal year, kind, title, unit code, date.

The title page names the unit and the year ("阿图什市社会保险中心" over
"2023 年单位预算公开", or both on one line, possibly wrapped: "… 2023 年度
部门" over "决算公开说明"). The kind follows from the title's 预算/决算;
the unit code from a "单位：316002-苍溪县…" line; the publication date
from a date line near the end ("2024年2月21日"). A text with no year or no
unit on its first lines is not a disclosure: ``ValueError``.
"""

from __future__ import annotations

import re

from loaders.model import Block, DocumentMeta, LoadWarning

HEAD_LINES = 30  # text lines searched for the title
TAIL_LINES = 15  # text lines searched for the publication date

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_KIND = re.compile(r"预算|决算")
_NOT_UNIT = re.compile(r"^(?:附件|附表|目\s*录|第.部分)")
_KIND_TAIL = re.compile(r"\s*(?:部门|单位|本级)?\s*(?:预算|决算).*$")
_UNIT_CODE = re.compile(r"(?:^|\s)(?:单位|单位代码|单位编码|预算单位)\s*[:：]\s*(\d{6,})\s*[-－—_]")
_COMPILER = re.compile(
    r"^\s*(?:编制单位|填报单位|预算单位|单位)\s*[:：]\s*(?:\d{6,}\s*[-－—_])?\s*(\S.*?)\s*$"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_EDGE_PUNCT = " \t:：,，。·-—*#"


def _text_lines(blocks: list[Block]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for b in blocks:
        if b.kind == "table":
            continue
        for k, part in enumerate(b.text.split("\n")):
            if part.strip():
                out.append((b.line + k, part.strip()))
    return out


def _clean(text: str) -> str:
    return text.strip(_EDGE_PUNCT).strip()


def _join(a: str, b: str) -> str:
    if not a or not b:
        return a or b
    return a + b if not (a[-1].isascii() or b[0].isascii()) else f"{a} {b}"


def _title(lines: list[tuple[int, str]]) -> tuple[str, int, str] | None:
    """(unit name, year, title) from the first lines."""
    head = lines[:HEAD_LINES]
    for k, (_, text) in enumerate(head):
        m = _YEAR.search(text)
        if not m:
            continue
        follow = head[k + 1][1] if k + 1 < len(head) else ""
        wrapped = not _KIND.search(text) and _KIND.search(follow) and len(follow) <= 20
        if not _KIND.search(text) and not wrapped:
            continue
        parts = [text] + ([follow] if wrapped else [])
        unit = _clean(text[: m.start()])
        if len(unit) < 2:
            after = _clean(_KIND_TAIL.sub("", text[m.end() :]))
            unit = after if len(after) >= 4 else ""
        if not unit and k > 0:
            prev = _clean(head[k - 1][1])
            if prev and not _NOT_UNIT.match(prev) and not _YEAR.search(prev):
                unit = prev
                parts.insert(0, prev)
        title = ""
        for p in parts:
            title = _join(title, p)
        return unit, int(m.group(1)), title
    return None


def _kind(title: str, lines: list[tuple[int, str]]) -> str:
    if "决算" in title:
        return "final-account"
    if "预算" in title:
        return "budget"
    text = " ".join(t for _, t in lines[:200])
    return "final-account" if text.count("决算") > text.count("预算") else "budget"


def read_metadata(blocks: list[Block], path: str) -> DocumentMeta:
    lines = _text_lines(blocks)
    found = _title(lines)
    warnings: list[LoadWarning] = []
    compiler = next((m.group(1) for _, t in lines if (m := _COMPILER.match(t))
                     and not re.fullmatch(r"(?:亿|万|千)?元", m.group(1))), None)
    unit = year = title = None
    if found:
        unit, year, title = found
    if not unit and compiler:
        unit = compiler
        warnings.append(LoadWarning(
            "unit-from-compiler", f"{path}: no unit name on the title page; using 编制单位 "
            f"'{compiler}'"))
    if not unit or not year:
        raise ValueError(
            "not a budget or final-account disclosure: no fiscal year / unit found in the "
            f"first {HEAD_LINES} lines")
    unit_code = next((m.group(1) for _, t in lines if (m := _UNIT_CODE.search(t))), None)
    return DocumentMeta(
        unit_name=unit,
        fiscal_year=year,
        kind=_kind(title or "", lines),
        title=title or unit,
        unit_code=unit_code,
        publication_date=_publication_date(lines),
        warnings=warnings,
    )


def _publication_date(lines: list[tuple[int, str]]) -> str | None:
    for _, text in reversed(lines[-TAIL_LINES:]):
        m = _DATE.search(text)
        if m and len(text) <= 40:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None
