"""Years the narrative names where the report's own year fixes what they may be.

- the base of a comparison: "比2025年预算增加…", "与2023年度相比", "较2024年预算执行数减少…": a
  budget for year N compares with an earlier year, so "比2026年预算增加793.14万元" in a 2026 budget
  names the wrong year (a final account may compare with its own year's 预算);
- a sentence that opens with a year and states what the report budgets: "2021年单位预算未安排
  购置车辆经费" in a 2022 budget gives its own statement another year's label.

Each is recorded with its line and the words after the year; the shape NARR-YEAR-LABEL judges
them against the document's fkg:fiscalYear. Only grammar words live here.
"""

from __future__ import annotations

import re

from loaders.model import Block, YearLabel
from loaders.performance.text import despace, text_lines

# 比/较/与/同 + year + what of that year (up to the comparison verb)
_COMPARISON_RE = re.compile(
    r"(?:比|较|与|同)\s*((?:19|20)\d\d)\s*年\s*(度?[\u4e00-\u9fff“”\"]{0,12}?)\s*"
    r"(?:相比|相较|同口径)?\s*[，,]?\s*(增加|减少|增长|下降|持平|一致|相比|基本持平|多|少)"
)
# a sentence opening with a year: "2021 年单位预算未安排…" (after a list marker or nothing)
_OPENING_RE = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?((?:19|20)\d\d)\s*年(度?)")
# what this report budgets, said of the sentence's own year
_OWN_BUDGET_RE = re.compile(r"^[\u4e00-\u9fff]{0,24}?预算(?:未安排|安排|无|没有|数为|数|中)")
# a sentence that compares or looks back is about that other year, not a mislabel
_LOOKS_BACK_RE = re.compile(r"比|较|上年|去年|执行|决算|同期|相比|增|减|结转|结余|以前|底|月|日")
_SENTENCE_RE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")


def extract_year_labels(blocks: list[Block]) -> list[YearLabel]:
    labels: list[YearLabel] = []
    for line, text in text_lines(blocks):
        text = despace(text)
        for m in _COMPARISON_RE.finditer(text):
            labels.append(YearLabel(line=line, year=int(m.group(1)), role="comparison",
                                    basis=m.group(2), text=m.group(0)))
        for sentence in _SENTENCE_RE.findall(text):
            label = _own_statement(line, sentence.strip())
            if label is not None:
                labels.append(label)
    return labels


def _own_statement(line: int, sentence: str) -> YearLabel | None:
    m = _OPENING_RE.match(sentence)
    if not m:
        return None
    rest = sentence[m.end():].lstrip()
    own = _OWN_BUDGET_RE.match(rest)
    years = re.findall(r"(?:19|20)\d\d", sentence)
    if not own or _LOOKS_BACK_RE.search(sentence) or len(years) > 1:
        return None
    clause = re.split(r"[，,。；;]", sentence, maxsplit=1)[0]
    return YearLabel(line=line, year=int(m.group(1)), role="own-statement",
                     basis=rest[: own.end()], text=clause[:40])
