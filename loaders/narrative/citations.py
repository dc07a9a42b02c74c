"""Policy documents a report cites: issuer, year, number and the title that follows.

"昌州财建〔2024〕161号《关于提前下达…生活补贴资金预算的通知》" on one page and "昌州财建[2023]161号
《关于提前下达…的通知》" on another cite one document two ways. Each citation is recorded with its
line; the shape NARR-CITATION-CONFLICT pairs them (same issuer and number with another year, or
the same title with another issuer, year or number). The brackets (〔〕 [] 【】 （）) are a matter
of typesetting, not of identity.
"""

from __future__ import annotations

import re

from loaders.model import Block, PolicyCitation
from loaders.performance.text import despace, text_lines
from loaders.text import label_key

_CITATION_RE = re.compile(
    r"([\u4e00-\u9fff]{1,12})\s*[〔\[【（(]\s*((?:19|20)\d\d)\s*[〕\]】）)]\s*(\d+)\s*号"
    r"\s*(?:文件|文)?\s*(《[^》]{4,80}》)?"
)
# words before an issuer's abbreviation: "依据阿财预〔2023〕1号", "…号奇财预〔2024〕6号"
_LEAD_RE = re.compile(r"^.*(?:依据|根据|按照|参照|号|和|及|与|文|批复|通知|的|是|为|见)")


def text_and_cells(blocks: list[Block]) -> list[tuple[int, str]]:
    """(line, text) of every text line and every table cell: performance tables cite policy
    documents in their 项目总体目标 cells."""
    found = list(text_lines(blocks))
    for block in blocks:
        for row in block.rows:
            found += [(cell.line, cell.text) for cell in row.cells if cell.text]
    return sorted(found, key=lambda pair: pair[0])


def extract_citations(blocks: list[Block]) -> list[PolicyCitation]:
    found: list[PolicyCitation] = []
    for line, text in text_and_cells(blocks):
        text = despace(text)
        for m in _CITATION_RE.finditer(text):
            issuer = _LEAD_RE.sub("", m.group(1))
            if len(issuer) < 2:
                continue
            title = m.group(4)
            found.append(PolicyCitation(
                line=line, issuer=issuer, year=int(m.group(2)), number=int(m.group(3)),
                title=title[1:-1] if title else None,
                title_key=label_key(title) if title else None,
                text=f"{issuer}〔{m.group(2)}〕{int(m.group(3))}号"))
    return found
