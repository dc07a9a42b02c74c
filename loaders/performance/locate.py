"""Find the performance tables among the blocks of a report.

A performance table is a title line naming one of the performance table types
of ``ontology/codes/table-types.ttl`` (项目支出绩效目标表, 项目支出绩效自评表,
整体绩效目标申报表 and their altLabels; a prefix such as "2023年预算" or
"奇台县单位（单位）" is allowed), then optional sub-title lines ("(2023年)",
"金额单位：万元"), then the rows of one or more table blocks — a table broken
across pages comes as several blocks — up to the next title or the next line
of ordinary text. A title with no rows after it (a table of contents entry)
yields nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from loaders.codelists import code_list
from loaders.model import Block, Row
from loaders.performance.text import TEXT_KINDS
from loaders.text import label_key

_MAX_PREFIX = 16  # characters a title may carry before the table-type label
_SUBTITLE_RE = re.compile(
    r"^(?:[（(]\s*\d{4}\s*年度?\s*[)）]|(?:金额)?单位\s*[:：].{0,40}|编制单位\s*[:：].{0,60})$"
)
_YEAR_TAIL_RE = re.compile(r"\s*[（(]\s*\d{4}\s*年度?\s*[)）]\s*$")  # "…表（2023年）"
_PAGE_RE = re.compile(r"^(?:[-—－\s]*\d{1,4}[-—－\s]*|第\s*\d+\s*页.*)$")


@dataclass
class Region:
    kind: str  # "target" | "self-evaluation" | "overall"
    title: str
    line: int
    rows: list[Row] = field(default_factory=list)


@lru_cache(maxsize=1)
def _title_labels() -> tuple[tuple[str, str], ...]:
    """(normalised label, kind) of the performance table types, longest first."""
    pairs = []
    for key, concept in code_list("table-types").concepts.items():
        if key.startswith("performance-"):
            kind = key.removeprefix("performance-")
            pairs.extend((label_key(lab), kind) for lab in concept.labels())
    return tuple(sorted(set(pairs), key=lambda p: -len(p[0])))


@lru_cache(maxsize=4)
def _last_chars(labels: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return frozenset(label[-1] for label, _ in labels if label)


def title_kind(text: str) -> str | None:
    """Kind of performance table a title line names, or None."""
    if text.rstrip().endswith(("。", "；", ";", "，", ",")):
        return None  # a sentence that mentions a table ("详见项目支出绩效目标表。")
    labels = _title_labels()
    stripped = _YEAR_TAIL_RE.sub("", text).rstrip()
    if not stripped or stripped[-1] not in _last_chars(labels):
        return None  # cheap reject: titles end like their labels ("…表")
    key = label_key(stripped)
    if not key or len(key) > 60:
        return None
    for label, kind in labels:
        if key.endswith(label) and len(key) - len(label) <= _MAX_PREFIX:
            return kind
    return None


def _row_title(row: Row) -> str | None:
    """A table row holding only a title (some layouts put the caption in the grid)."""
    texts = [c.text for c in row.cells if c.text.strip()]
    return texts[0] if len(texts) == 1 and title_kind(texts[0]) else None


def find_regions(blocks: list[Block]) -> list[Region]:
    regions: list[Region] = []
    current: Region | None = None

    def close() -> None:
        if current is not None and current.rows:
            regions.append(current)

    for block in blocks:
        if block.kind == "table":
            caption = block.text.strip()  # <caption> of an HTML table
            if caption and title_kind(caption):
                close()
                current = Region(title_kind(caption) or "", caption, block.line)
            for row in block.rows:
                title = _row_title(row)
                if title is not None:
                    close()
                    current = Region(title_kind(title) or "", title, row.line)
                elif current is not None:
                    current.rows.append(row)
            continue
        if block.kind not in TEXT_KINDS:
            continue
        text = block.text.strip()
        kind = title_kind(text)
        if kind is not None:
            close()
            current = Region(kind, text, block.line)
        elif current is not None and not (_SUBTITLE_RE.match(text) or _PAGE_RE.match(text)):
            close()
            current = None
    close()
    return regions
